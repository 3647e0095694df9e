#include "net/summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

namespace wormsim::net {

namespace {

/// Connected components ignoring one vertex (union-find with path halving).
std::size_t components_ignoring(const Graph& g, std::optional<Vertex> ignored) {
  const std::size_t n = boost::num_vertices(g);
  std::vector<std::size_t> parent(n);
  std::iota(parent.begin(), parent.end(), std::size_t{0});
  const auto find = [&parent](std::size_t x) {
    while (parent[x] != x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  for (auto [it, end] = boost::edges(g); it != end; ++it) {
    const Vertex a = boost::source(*it, g), b = boost::target(*it, g);
    if (a == ignored || b == ignored) continue;
    parent[find(a)] = find(b);
  }
  std::size_t count = 0;
  for (std::size_t v = 0; v < n; ++v)
    if (v != ignored && find(v) == v) ++count;
  return count;
}

}  // namespace

TopologySummary summarize(const Topology& topology, std::size_t diameter_node_limit) {
  TopologySummary s;
  const Graph& g = topology.graph();
  s.nodes = topology.node_count();
  s.links = topology.link_count();
  s.nodes_by_kind = count_by_kind(topology);
  s.capacity = capacity_stats(topology);
  s.degree = degree_stats(topology);
  s.components = component_count(topology);
  s.components_without_internet = components_ignoring(g, topology.internet());
  if (s.nodes <= diameter_node_limit) s.diameter_hops = diameter_hops(topology);
  for (auto [it, end] = boost::edges(g); it != end; ++it) {
    const Link& l = g[*it];
    if (l.parallel_count > 1) {
      ++s.merged_links;
      s.merged_edges += l.parallel_count;
    }
    if (l.default_capacity_count > 0) ++s.default_capacity_links;
    if (l.background_bps[0] > 0 || l.background_bps[1] > 0) {
      ++s.loaded_links;
      const double u = static_cast<double>(std::max(l.background_bps[0], l.background_bps[1])) /
                       static_cast<double>(l.capacity_bps);
      if (u > s.max_utilisation) {
        s.max_utilisation = u;
        s.max_utilisation_link =
            fmt::format("{} - {}", g[boost::source(*it, g)].id, g[boost::target(*it, g)].id);
      }
    }
  }
  if (const auto inet = topology.internet()) {
    s.has_internet = true;
    std::vector<Vertex> neighbours;
    for (auto [it, end] = boost::adjacent_vertices(*inet, g); it != end; ++it)
      neighbours.push_back(*it);
    std::sort(neighbours.begin(), neighbours.end());
    for (Vertex v : neighbours) s.internet_neighbours.push_back(g[v].id);
  }
  return s;
}

}  // namespace wormsim::net
