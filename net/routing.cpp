#include "net/routing.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths_no_color_map.hpp>
#include <stdexcept>

namespace wormsim::net {

namespace {

// Latency and hop count as one integer: latency in µs times 2^24, plus one per hop. Hop counts
// stay below 2^24 (at most 10^7 nodes), so comparing the sums compares (latency, hops).
constexpr int kHopBits = 24;
constexpr std::uint64_t kLatencyLimitUs = std::uint64_t{1} << 39;  // 2^39 · 2^24 < 2^64

std::uint64_t route_weight(const Link& l) {
  return (static_cast<std::uint64_t>(l.latency.us) << kHopBits) + 1;
}

}  // namespace

Routing::Routing(const Topology& topology, const std::vector<Vertex>& down) : topology_(&topology) {
  const Graph& g = topology.graph();
  const std::size_t n = boost::num_vertices(g);
  if (n >= kNone)
    throw std::invalid_argument(fmt::format("net::Routing: {} nodes, at most 2^32 - 2", n));

  // Links in the topology's edge order; adjacency in compressed rows, neighbours by vertex.
  std::uint64_t total_latency_us = 0;
  edges_.reserve(boost::num_edges(g));
  ends_.reserve(2 * boost::num_edges(g));
  for (auto [it, end] = boost::edges(g); it != end; ++it) {
    const Link& l = g[*it];
    if (l.latency.us < 0)
      throw std::invalid_argument(fmt::format("net::Routing: link {} - {} has a negative latency",
                                              g[boost::source(*it, g)].id,
                                              g[boost::target(*it, g)].id));
    total_latency_us += static_cast<std::uint64_t>(l.latency.us);
    if (total_latency_us >= kLatencyLimitUs)
      throw std::invalid_argument(
          "net::Routing: link latencies add up to more than 2^39 us; routes could overflow");
    const auto a = static_cast<std::uint32_t>(boost::source(*it, g));
    const auto b = static_cast<std::uint32_t>(boost::target(*it, g));
    edges_.push_back(*it);
    ends_.push_back(std::min(a, b));
    ends_.push_back(std::max(a, b));
  }
  if (ends_.size() >= kNone)
    throw std::invalid_argument("net::Routing: too many links for 32-bit directed link indices");
  offsets_.assign(n + 1, 0);
  for (const std::uint32_t v : ends_) ++offsets_[v + 1];
  for (std::size_t v = 0; v < n; ++v) offsets_[v + 1] += offsets_[v];
  neighbours_.resize(ends_.size());
  {
    std::vector<std::uint32_t> fill(offsets_.begin(), offsets_.end() - 1);
    for (std::uint32_t link = 0; link < link_count(); ++link) {
      const std::uint32_t a = ends_[2 * link], b = ends_[2 * link + 1];
      neighbours_[fill[a]++] = {b, link};
      neighbours_[fill[b]++] = {a, link};
    }
  }
  for (std::size_t v = 0; v < n; ++v)
    std::sort(neighbours_.begin() + offsets_[v], neighbours_.begin() + offsets_[v + 1],
              [](const Neighbour& x, const Neighbour& y) { return x.vertex < y.vertex; });

  // Components of the live nodes, by breadth-first search in vertex order.
  std::vector<std::uint8_t> is_down(n, 0);
  for (const Vertex v : down) {
    if (v >= n)
      throw std::invalid_argument(
          fmt::format("net::Routing: down node {} of a topology of {}", v, n));
    is_down[v] = 1;
  }
  component_.assign(n, kNone);
  {
    std::vector<std::uint32_t> queue;
    queue.reserve(n);
    for (std::uint32_t s = 0; s < n; ++s) {
      if (is_down[s] || component_[s] != kNone) continue;
      const auto c = static_cast<std::uint32_t>(component_count_++);
      component_[s] = c;
      queue.assign(1, s);
      for (std::size_t head = 0; head < queue.size(); ++head)
        for (const Neighbour& nb : neighbours(queue[head]))
          if (!is_down[nb.vertex] && component_[nb.vertex] == kNone) {
            component_[nb.vertex] = c;
            queue.push_back(nb.vertex);
          }
    }
  }

  // Peel nodes of degree one (counting live neighbours not yet peeled) until only the 2-core and
  // one node of each tree component are left. First-in first-out from the nodes of degree one in
  // vertex order, so the result is the same on every run.
  parent_.assign(n, kNone);
  up_link_.assign(n, kNone);
  depth_.assign(n, 0);
  root_index_.assign(n, kNone);
  pendant_end_.assign(link_count(), kNone);
  {
    std::vector<std::uint32_t> degree(n, 0);
    std::vector<std::uint32_t> queue;
    for (std::uint32_t v = 0; v < n; ++v) {
      if (is_down[v]) continue;
      for (const Neighbour& nb : neighbours(v)) degree[v] += is_down[nb.vertex] ? 0u : 1u;
      if (degree[v] == 1) queue.push_back(v);
    }
    std::vector<std::uint8_t> peeled(n, 0);
    for (std::size_t head = 0; head < queue.size(); ++head) {
      const std::uint32_t v = queue[head];
      if (degree[v] != 1) continue;  // its last neighbour was peeled first: it is a root
      for (const Neighbour& nb : neighbours(v)) {
        if (is_down[nb.vertex] || peeled[nb.vertex]) continue;
        parent_[v] = nb.vertex;
        up_link_[v] = 2 * nb.link + (v < nb.vertex ? 0u : 1u);
        pendant_end_[nb.link] = v;
        peeled[v] = 1;
        peel_order_.push_back(v);
        degree[v] = 0;
        if (--degree[nb.vertex] == 1) queue.push_back(nb.vertex);
        break;
      }
    }
    for (std::uint32_t v = 0; v < n; ++v)
      if (!is_down[v] && !peeled[v]) {
        root_index_[v] = static_cast<std::uint32_t>(roots_.size());
        roots_.push_back(v);
      }
    for (auto it = peel_order_.rbegin(); it != peel_order_.rend(); ++it) {
      root_index_[*it] = root_index_[parent_[*it]];
      depth_[*it] = depth_[parent_[*it]] + 1;
    }
  }

  // Routes across the 2-core: a Boost.Graph Dijkstra from every root on the graph of roots, then
  // each node's last hop is its smallest-index neighbour on a best route (the rule above).
  const std::size_t k = roots_.size();
  using CoreGraph =
      boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property,
                            boost::property<boost::edge_weight_t, std::uint64_t>>;
  CoreGraph core(k);
  for (std::uint32_t link = 0; link < link_count(); ++link) {
    const std::uint32_t a = ends_[2 * link], b = ends_[2 * link + 1];
    if (is_down[a] || is_down[b] || parent_[a] != kNone || parent_[b] != kNone) continue;
    boost::add_edge(root_index_[a], root_index_[b], route_weight(link_of_edge(link)), core);
  }
  core_last_hop_.assign(k * k, kNone);
  std::vector<std::uint64_t> distance(k);
  constexpr std::uint64_t kUnreached = std::numeric_limits<std::uint64_t>::max();
  for (std::uint32_t source = 0; source < k; ++source) {
    boost::dijkstra_shortest_paths_no_color_map(
        core, source, boost::distance_map(distance.data()).distance_inf(kUnreached));
    std::uint32_t* last_hop = core_last_hop_.data() + static_cast<std::size_t>(source) * k;
    for (std::uint32_t x = 0; x < k; ++x) {
      if (x == source || distance[x] == kUnreached) continue;
      const Vertex vx = roots_[x];
      for (const Neighbour& nb : neighbours(vx)) {  // in vertex order: the first match wins
        const std::uint32_t u = nb.vertex;
        if (is_down[u] || parent_[u] != kNone) continue;
        const std::uint64_t du = distance[root_index_[u]];
        if (du == kUnreached || du + route_weight(link_of_edge(nb.link)) != distance[x]) continue;
        last_hop[x] = 2 * nb.link + (u < vx ? 0u : 1u);
        break;
      }
    }
  }
}

const Link& Routing::link_of_edge(std::uint32_t link) const {
  return topology_->link(edges_[link]);
}

DirectedLink Routing::directed_link(Vertex a, Vertex b) const {
  const auto nbs = neighbours(a);
  const auto it = std::lower_bound(nbs.begin(), nbs.end(), b,
                                   [](const Neighbour& x, Vertex v) { return x.vertex < v; });
  if (it == nbs.end() || it->vertex != b) return kNone;
  return 2 * it->link + (a < b ? 0u : 1u);
}

std::vector<DirectedLink> Routing::route(Vertex a, Vertex b) const {
  std::vector<DirectedLink> out;
  if (a == b || !is_reachable(a, b)) return out;
  std::vector<DirectedLink> tail;  // from b backwards
  Vertex x = a, y = b;
  if (root_index_[x] == root_index_[y]) {
    while (x != y) {
      if (depth_[x] >= depth_[y]) {
        out.push_back(up_link_[x]);
        x = parent_[x];
      } else {
        tail.push_back(up_link_[y] ^ 1u);
        y = parent_[y];
      }
    }
  } else {
    while (parent_[x] != kNone) {
      out.push_back(up_link_[x]);
      x = parent_[x];
    }
    while (parent_[y] != kNone) {
      tail.push_back(up_link_[y] ^ 1u);
      y = parent_[y];
    }
    const std::uint32_t cx = root_index_[x];
    for (std::uint32_t cz = root_index_[y]; cz != cx;) {
      const DirectedLink dl = core_last_hop(cx, cz);
      tail.push_back(dl);
      cz = root_index_[ends_[dl]];
    }
  }
  out.insert(out.end(), tail.rbegin(), tail.rend());
  return out;
}

}  // namespace wormsim::net
