// Shortest-path routes over a topology with some routers down (DESIGN.md, "Network impact"): the
// paths that the routing matrix (net/routing_matrix) and the fluid loads (net/link_loads) are
// built from. Routes minimise latency, then hops, with ties broken by vertex index; a node that is
// down carries nothing, and routes are recomputed without it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "net/topology.hpp"

namespace wormsim::net {

/// A link in one direction: 2 * link + direction, where link is the link's position in the
/// topology's edge order (insertion order) and direction 0 runs from the end with the smaller
/// vertex index to the other (as Link::background_bps), 1 the reverse.
using DirectedLink = std::uint32_t;

/// "No such vertex, link or index".
inline constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

/// Routes between every pair of live nodes, stored compactly.
///
/// The rule. The route from a to b minimises the total one-way latency; among routes of equal
/// latency, the fewest hops; among those, each node's predecessor on the route is its neighbour
/// of smallest vertex index (vertex index = the order in which nodes were added, so the rule is
/// the same on every run). So the routes from one source form a tree, and a route's every part is
/// itself a route (from its first node), which makes the two facts below exact:
/// - A node that hangs off the rest of the network by a single link (peeled away with everything
///   beyond it until only the 2-core is left: a "pendant" node) reaches everything outside its own
///   subtree through its parent; pendant subtrees are trees, so routes inside them are unique.
///   Routes are then: up the tree to the root (a node of the 2-core, or the last node of a tree
///   component), across the 2-core, down the destination's tree. Only the 2-core needs
///   Dijkstra: one Boost.Graph Dijkstra per 2-core node on the 2-core, weights
///   latency_us · 2^24 + 1 so that (latency, hops) compare as one integer.
/// - Removing a node leaves every route that avoided it unchanged (a predecessor that is still
///   there stays the smallest-index best one), so a crash reroutes only the routes through it.
///
/// Memory: O(nodes + links) plus one 32-bit last hop per pair of 2-core nodes (a transit-stub
/// graph's 2-core is its transit routers and multihomed regional ISPs; an AS graph's is larger).
/// Immutable after construction: safe to read from any number of threads.
class Routing {
 public:
  struct Neighbour {
    std::uint32_t vertex;
    std::uint32_t link;
  };

  /// Routes over `topology` without the nodes in `down` (crashed routers). Keeps a reference to
  /// the topology, which must outlive it. Throws std::invalid_argument for a negative latency or
  /// latencies so long (more than 2^39 µs in all) that route lengths could overflow.
  explicit Routing(const Topology& topology, const std::vector<Vertex>& down = {});

  const Topology& topology() const { return *topology_; }
  std::size_t node_count() const { return parent_.size(); }
  std::size_t link_count() const { return ends_.size() / 2; }
  std::size_t directed_link_count() const { return ends_.size(); }
  Vertex from(DirectedLink dl) const { return ends_[dl]; }
  Vertex to(DirectedLink dl) const { return ends_[dl ^ 1u]; }
  static std::uint32_t link_of(DirectedLink dl) { return dl >> 1; }
  /// The topology's link behind a directed link.
  const Link& link(DirectedLink dl) const { return topology_->link(edges_[dl >> 1]); }
  /// The directed link from a to its neighbour b; kNone if they are not neighbours.
  DirectedLink directed_link(Vertex a, Vertex b) const;
  /// Every neighbour of v (down or not), in vertex order.
  std::span<const Neighbour> neighbours(Vertex v) const {
    return {neighbours_.data() + offsets_[v], neighbours_.data() + offsets_[v + 1]};
  }

  bool is_down(Vertex v) const { return component_[v] == kNone; }
  /// Connected component of a live node among live nodes (numbered by first vertex); kNone if
  /// down.
  std::uint32_t component(Vertex v) const { return component_[v]; }
  std::size_t component_count() const { return component_count_; }
  /// Whether traffic from a can reach b: both live and connected (a == b live counts).
  bool is_reachable(Vertex a, Vertex b) const {
    return component_[a] != kNone && component_[a] == component_[b];
  }

  /// Pendant nodes: their parent towards the root, the link to it, their depth (roots 0).
  bool is_pendant(Vertex v) const { return parent_[v] != kNone; }
  Vertex parent(Vertex v) const { return parent_[v]; }
  DirectedLink up_link(Vertex v) const { return up_link_[v]; }
  DirectedLink down_link(Vertex v) const { return up_link_[v] ^ 1u; }
  std::uint32_t depth(Vertex v) const { return depth_[v]; }
  /// The root index (position in roots()) of the tree a live node belongs to; kNone if down.
  std::uint32_t root_index(Vertex v) const { return root_index_[v]; }
  /// Live nodes that are not pendant, in vertex order: the 2-core and one node per tree component.
  const std::vector<Vertex>& roots() const { return roots_; }
  /// Pendant nodes in the order they were peeled: every node comes before its parent.
  const std::vector<Vertex>& peel_order() const { return peel_order_; }
  /// For a link between a pendant node and its parent, that pendant node; kNone for a link of the
  /// 2-core or one touching a node that is down.
  std::uint32_t pendant_end(std::uint32_t link) const { return pendant_end_[link]; }

  /// The last hop of the route from roots()[from_root] to roots()[to_root] (both in the 2-core of
  /// one component); kNone if equal or not connected.
  DirectedLink core_last_hop(std::uint32_t from_root, std::uint32_t to_root) const {
    return core_last_hop_[static_cast<std::size_t>(from_root) * roots_.size() + to_root];
  }

  /// The route from a to b, in order; empty if a == b or b cannot be reached.
  std::vector<DirectedLink> route(Vertex a, Vertex b) const;

  /// Calls f(DirectedLink) once for every link of the route from a to b, in no particular order
  /// and without allocating. Returns false (calling nothing) if b cannot be reached from a.
  template <class F>
  bool for_each_on_route(Vertex a, Vertex b, F&& f) const;

 private:
  const Link& link_of_edge(std::uint32_t link) const;

  const Topology* topology_;
  std::vector<Edge> edges_;
  std::vector<std::uint32_t> ends_;  // per directed link, its source vertex
  std::vector<std::uint32_t> offsets_;
  std::vector<Neighbour> neighbours_;
  std::vector<std::uint32_t> component_;
  std::size_t component_count_ = 0;
  std::vector<std::uint32_t> parent_, up_link_, depth_, root_index_;
  std::vector<Vertex> roots_, peel_order_;
  std::vector<std::uint32_t> pendant_end_;
  std::vector<std::uint32_t> core_last_hop_;  // roots × roots
};

template <class F>
bool Routing::for_each_on_route(Vertex a, Vertex b, F&& f) const {
  if (!is_reachable(a, b)) return false;
  Vertex x = a, y = b;
  if (root_index_[x] == root_index_[y]) {
    // Same tree: up from a and from b to their lowest common ancestor.
    while (x != y) {
      if (depth_[x] >= depth_[y]) {
        f(up_link_[x]);
        x = parent_[x];
      } else {
        f(up_link_[y] ^ 1u);
        y = parent_[y];
      }
    }
    return true;
  }
  while (parent_[x] != kNone) {
    f(up_link_[x]);
    x = parent_[x];
  }
  while (parent_[y] != kNone) {
    f(up_link_[y] ^ 1u);
    y = parent_[y];
  }
  const std::uint32_t cx = root_index_[x];
  for (std::uint32_t cz = root_index_[y]; cz != cx;) {
    const DirectedLink dl = core_last_hop(cx, cz);
    f(dl);
    cz = root_index_[ends_[dl]];
  }
  return true;
}

}  // namespace wormsim::net
