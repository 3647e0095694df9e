#include "net/topology.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/graph/connected_components.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace wormsim::net {

std::string_view to_string(NodeKind kind) {
  switch (kind) {
    case NodeKind::core:
      return "core";
    case NodeKind::regional:
      return "regional";
    case NodeKind::access:
      return "access";
    case NodeKind::border:
      return "border";
    case NodeKind::distribution:
      return "distribution";
    case NodeKind::site:
      return "site";
    case NodeKind::internet:
      return "internet";
  }
  return "core";
}

std::optional<NodeKind> parse_node_kind(std::string_view text) {
  for (NodeKind k : all_node_kinds)
    if (to_string(k) == text) return k;
  return std::nullopt;
}

std::string node_kind_names() {
  std::string names;
  for (NodeKind k : all_node_kinds) {
    if (!names.empty()) names += ", ";
    names += to_string(k);
  }
  return names;
}

Vertex Topology::add_node(Node node) {
  if (index_.count(node.id) != 0)
    throw std::invalid_argument(fmt::format("net::Topology: duplicate node id '{}'", node.id));
  if (node.kind == NodeKind::internet && internet_)
    throw std::invalid_argument("net::Topology: a second internet node");
  const std::string id = node.id;
  const bool is_internet = node.kind == NodeKind::internet;
  const Vertex v = boost::add_vertex(std::move(node), graph_);
  index_.emplace(id, v);
  if (is_internet) internet_ = v;
  return v;
}

void Topology::set_kind(Vertex v, NodeKind kind) {
  if (kind == NodeKind::internet || graph_[v].kind == NodeKind::internet)
    throw std::invalid_argument("net::Topology: set_kind to or from internet");
  graph_[v].kind = kind;
}

std::optional<Vertex> Topology::find(std::string_view id) const {
  const auto it = index_.find(id);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

std::optional<Edge> Topology::link_between(Vertex u, Vertex v) const {
  // Scan the shorter adjacency list: hubs of power-law graphs have thousands of links.
  if (boost::out_degree(u, graph_) > boost::out_degree(v, graph_)) std::swap(u, v);
  const auto [e, found] = boost::edge(u, v, graph_);
  if (!found) return std::nullopt;
  return e;
}

Edge Topology::add_link(Vertex u, Vertex v, const Link& link) {
  if (u == v)
    throw std::invalid_argument(
        fmt::format("net::Topology: a link from node '{}' to itself", graph_[u].id));
  if (const auto existing = link_between(u, v)) {
    Link& l = graph_[*existing];
    const std::uint64_t sum = l.capacity_bps + link.capacity_bps;
    l.capacity_bps = sum < l.capacity_bps ? std::numeric_limits<std::uint64_t>::max() : sum;
    l.latency = std::min(l.latency, link.latency);
    l.parallel_count += link.parallel_count;
    l.default_capacity_count += link.default_capacity_count;
    // Background loads are stored by direction relative to vertex order, as are the new ones.
    l.background_bps[0] += link.background_bps[0];
    l.background_bps[1] += link.background_bps[1];
    return *existing;
  }
  return boost::add_edge(u, v, link, graph_).first;
}

DegreeStats degree_stats(const Topology& topology) {
  DegreeStats s;
  const Graph& g = topology.graph();
  const std::size_t n = boost::num_vertices(g);
  if (n == 0) return s;
  s.min = std::numeric_limits<std::size_t>::max();
  std::size_t total = 0;
  for (Vertex v = 0; v < n; ++v) {
    const std::size_t d = boost::out_degree(v, g);
    s.min = std::min(s.min, d);
    s.max = std::max(s.max, d);
    total += d;
  }
  s.mean = static_cast<double>(total) / static_cast<double>(n);
  return s;
}

std::vector<std::size_t> components(const Topology& topology) {
  const Graph& g = topology.graph();
  std::vector<std::size_t> component(boost::num_vertices(g));
  if (!component.empty())
    boost::connected_components(g, boost::make_iterator_property_map(
                                       component.begin(), boost::get(boost::vertex_index, g)));
  return component;
}

std::size_t component_count(const Topology& topology) {
  const auto c = components(topology);
  return c.empty() ? 0 : *std::max_element(c.begin(), c.end()) + 1;
}

std::size_t diameter_hops(const Topology& topology) {
  const Graph& g = topology.graph();
  const std::size_t n = boost::num_vertices(g);
  constexpr std::size_t kUnseen = std::numeric_limits<std::size_t>::max();
  std::vector<std::size_t> distance(n, kUnseen);
  std::vector<Vertex> queue(n);
  std::size_t diameter = 0;
  for (Vertex source = 0; source < n; ++source) {
    std::fill(distance.begin(), distance.end(), kUnseen);
    distance[source] = 0;
    std::size_t head = 0, tail = 0;
    queue[tail++] = source;
    while (head < tail) {
      const Vertex u = queue[head++];
      for (auto [it, end] = boost::adjacent_vertices(u, g); it != end; ++it) {
        if (distance[*it] != kUnseen) continue;
        distance[*it] = distance[u] + 1;
        diameter = std::max(diameter, distance[*it]);
        queue[tail++] = *it;
      }
    }
  }
  return diameter;
}

CapacityStats capacity_stats(const Topology& topology) {
  CapacityStats s;
  const Graph& g = topology.graph();
  bool first = true;
  for (auto [it, end] = boost::edges(g); it != end; ++it) {
    const std::uint64_t c = g[*it].capacity_bps;
    if (first) {
      s.min_bps = s.max_bps = c;
      first = false;
    }
    s.min_bps = std::min(s.min_bps, c);
    s.max_bps = std::max(s.max_bps, c);
    const std::uint64_t sum = s.total_bps + c;
    s.total_bps = sum < s.total_bps ? std::numeric_limits<std::uint64_t>::max() : sum;
  }
  return s;
}

std::array<std::size_t, all_node_kinds.size()> count_by_kind(const Topology& topology) {
  std::array<std::size_t, all_node_kinds.size()> counts{};
  const Graph& g = topology.graph();
  for (auto [it, end] = boost::vertices(g); it != end; ++it)
    ++counts[static_cast<std::size_t>(g[*it].kind)];
  return counts;
}

double great_circle_km(double lat1_deg, double lon1_deg, double lat2_deg, double lon2_deg) {
  constexpr double kEarthRadiusKm = 6371.0;
  constexpr double kRadian = 3.14159265358979323846 / 180.0;
  const double phi1 = lat1_deg * kRadian, phi2 = lat2_deg * kRadian;
  const double dphi = (lat2_deg - lat1_deg) * kRadian;
  const double dlambda = (lon2_deg - lon1_deg) * kRadian;
  const double a = std::sin(dphi / 2) * std::sin(dphi / 2) +
                   std::cos(phi1) * std::cos(phi2) * std::sin(dlambda / 2) * std::sin(dlambda / 2);
  return 2.0 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(a)));
}

sim::SimTime fibre_latency(double km) {
  constexpr double kMicrosecondsPerKm = 5.0;  // 1 / (200,000 km/s)
  return sim::SimTime::from_us(static_cast<std::int64_t>(std::llround(km * kMicrosecondsPerKm)));
}

std::vector<Vertex> attach_internet(Topology& topology, const InternetAttachment& attachment) {
  if (topology.internet()) return {};
  const Graph& g = topology.graph();
  const std::size_t n = topology.node_count();
  const auto component = components(topology);
  const std::size_t count =
      component.empty() ? 0 : 1 + *std::max_element(component.begin(), component.end());
  std::vector<std::vector<Vertex>> borders(count);
  std::vector<std::optional<Vertex>> hub(count);
  for (Vertex v = 0; v < n; ++v) {
    const std::size_t c = component[v];
    if (g[v].kind == NodeKind::border) borders[c].push_back(v);
    if (!hub[c] || boost::out_degree(v, g) > boost::out_degree(*hub[c], g)) hub[c] = v;
  }
  std::vector<Vertex> targets;
  for (std::size_t c = 0; c < count; ++c) {
    if (!borders[c].empty())
      targets.insert(targets.end(), borders[c].begin(), borders[c].end());
    else
      targets.push_back(*hub[c]);
  }
  std::sort(targets.begin(), targets.end());

  std::string id = "internet";
  for (int suffix = 2; topology.find(id); ++suffix) id = fmt::format("internet-{}", suffix);
  Node internet;
  internet.id = id;
  internet.name = "the rest of the Internet";
  internet.kind = NodeKind::internet;
  const Vertex inet = topology.add_node(std::move(internet));
  Link link;
  link.capacity_bps = attachment.capacity_bps;
  link.latency = attachment.latency;
  for (Vertex v : targets) topology.add_link(v, inet, link);
  topology.info.is_internet_attached = true;
  return targets;
}

}  // namespace wormsim::net
