// The sparse routing matrix (DESIGN.md, "Network impact" and "Where the time goes"): how per-site
// traffic rates become per-link loads, separately for traffic spread uniformly over the address
// space and for traffic that stays local. Built from the routes of net/routing and the sites of
// net/site_attachment; read by net/link_loads.
#pragma once

#include <Eigen/SparseCore>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "net/routing.hpp"
#include "net/site_attachment.hpp"

namespace wormsim::net {

/// Rows are directed links (Routing's numbering); loads are per unit of source rate.
///
/// Spread traffic. A site's spread traffic goes to every destination node d in a fixed share w_d:
/// the address shares of the sites on d, plus, on the outside node, the space no site owns. So
/// the exact links × sites matrix is R_spread[e, s] = Σ_d w_d [e on route(node(s), d)]. Its
/// columns are long (a site's routes reach everywhere), so it is kept factorised, exactly:
/// - a link between a pendant node u and its parent carries, upwards, the traffic of the sources
///   in u's subtree T(u) to destinations outside it: z_u · (W_comp − W_T(u)); downwards, the
///   traffic of the other sources of the component into T(u): W_T(u) · (R_comp − z_u), where z_u
///   is the total spread rate of the sites in T(u), W_T(u) the destination share in T(u) and
///   R_comp, W_comp the rate and destination share of the whole component. Every route between
///   T(u) and the rest crosses that link and no other route does, whatever the routing.
/// - a link of the 2-core carries Σ_roots y_c · core_spread()[e, c], where y_c is the total rate
///   of the sites in root c's tree and core_spread()[:, c] = Σ_c' W_forest(c') [e on route(c, c')]
///   (W_forest(c') the destination share of c''s tree): a route from a tree crosses the 2-core
///   from its root to the destination tree's root (net/routing's rule makes this exact).
/// So one site's rate change moves its depth's worth of subtree totals and one root total; the
/// 2-core product is one sparse product per network step (roots × 2-core links).
/// explicit_spread() builds R_spread itself, for checks on small graphs.
///
/// Local traffic. A site's local traffic goes to the sites of its group in proportion to
/// their address shares: L[e, s] = Σ_{d in group} q_d [e on route(node(s), node(d))], with each
/// q_d a multiple of 2^-32 (so that LinkLoads can sum it exactly in integers), the q_d of a
/// group adding up to exactly 1 (largest remainders): an error below 2^-32 per weight. A group
/// is usually the sites behind one router, and its columns would then be as long as the group:
/// so a group whose live members all lie in one tree (net/routing) is kept factorised like spread
/// traffic. Its members' nodes and their ancestors below the members' lowest common ancestor
/// carry one entry each for the group, holding Q_T(u), the group's weight in u's subtree; the
/// link above u carries z_u · (Q − Q_T(u)) upwards and Q_T(u) · (R − z_u) downwards, z_u the
/// local rate of the group's sites in T(u), R and Q the rate and weight of its live members. A
/// site's change then moves one entry per level between its node and that ancestor. Groups whose
/// members lie in several trees (across the 2-core, or cut apart by a crash) keep explicit
/// columns: local_spanning(). explicit_local() builds all of L, for checks.
///
/// Destinations that cannot be reached (down, or in another component) receive nothing: their
/// share of the traffic is counted as unreachable. Immutable: safe to read from any thread.
class RoutingMatrix {
 public:
  /// Local weights are multiples of 1 / kLocalWeightScale.
  static constexpr double kLocalWeightScale = 4294967296.0;  // 2^32

  /// Routes `topology` without the nodes in `down` and places `sites` on it (validate() first).
  /// Keeps a reference to the topology, which must outlive it.
  RoutingMatrix(const Topology& topology, SiteAttachment sites,
                const std::vector<Vertex>& down = {});

  const Routing& routing() const { return routing_; }
  const SiteAttachment& sites() const { return sites_; }
  std::size_t site_count() const { return sites_.site_count(); }
  Vertex site_node(std::uint32_t site) const { return sites_.node[site]; }

  /// w_v: the share of spread traffic addressed to node v (0 if v is down).
  double destination_share(Vertex v) const { return share_[v]; }
  /// W_T(u): for a pendant node, the destination share of its subtree; for a root, of its tree.
  double subtree_share(Vertex v) const { return subtree_share_[v]; }
  /// W_comp: the destination share of a component.
  double component_share(std::uint32_t component) const { return component_share_[component]; }
  /// The share of a site's spread traffic that reaches a destination (its component's share).
  double spread_reachable_share(std::uint32_t site) const;

  /// Directed links × roots: spread traffic of unit rate from root c on the links of the 2-core.
  const Eigen::SparseMatrix<double>& core_spread() const { return core_spread_; }
  /// The share of a site's local traffic addressed to sites it cannot reach.
  double local_unreachable_share(std::uint32_t site) const { return local_unreachable_[site]; }
  /// The group of a site, numbered 0.. in order of the groups given.
  std::uint32_t local_group(std::uint32_t site) const { return group_of_site_[site]; }
  std::size_t local_group_count() const { return group_first_.size() - 1; }
  /// The sites of a group, in site order.
  std::span<const std::uint32_t> group_members(std::uint32_t group) const {
    return {group_sites_.data() + group_first_[group],
            group_sites_.data() + group_first_[group + 1]};
  }
  /// The sites of a site's local group, in site order (the site itself included).
  std::span<const std::uint32_t> local_group_members(std::uint32_t site) const {
    return group_members(group_of_site_[site]);
  }
  /// q_d: the share of its group's local traffic a site receives (a multiple of 2^-32).
  double local_weight(std::uint32_t site) const { return local_weight_[site]; }
  /// Whether a group's live members lie in one tree (its traffic goes through entries).
  bool is_tree_group(std::uint32_t group) const { return group_is_tree_[group] != 0; }
  /// Q: the weight of a tree group's live members.
  double group_reachable_weight(std::uint32_t group) const {
    return group_reachable_weight_[group];
  }
  /// Entries of tree groups: the node below the link an entry loads, its group and Q_T(u).
  std::size_t local_entry_count() const { return entry_node_.size(); }
  Vertex entry_node(std::uint32_t entry) const { return entry_node_[entry]; }
  std::uint32_t entry_group(std::uint32_t entry) const { return entry_group_[entry]; }
  double entry_share(std::uint32_t entry) const { return entry_share_[entry]; }
  /// The entries a site's local rate moves: one per level from its node up.
  std::span<const std::uint32_t> site_entries(std::uint32_t site) const {
    return {site_entries_.data() + site_entry_begin_[site],
            site_entries_.data() + site_entry_begin_[site + 1]};
  }
  /// The entries on node u (of the groups whose traffic crosses the link above u).
  std::span<const std::uint32_t> node_entries(Vertex u) const {
    return {node_entries_.data() + node_entry_begin_[u],
            node_entries_.data() + node_entry_begin_[u + 1]};
  }
  /// Directed links × sites: local traffic of unit rate from the sites of groups that span
  /// several trees (column-major; empty columns for the others).
  const Eigen::SparseMatrix<double>& local_spanning() const { return local_spanning_; }

  /// R_spread, directed links × sites, from the routes one by one: O(sites × destination nodes
  /// × route length) time and up to sites × links entries. For tests and small graphs.
  Eigen::SparseMatrix<double> explicit_spread() const;
  /// L, directed links × sites, every group's routes one by one. For tests and small graphs.
  Eigen::SparseMatrix<double> explicit_local() const;

 private:
  /// Calls add(dl, q) for the links of a site's local routes; returns the unreachable weight.
  template <class F>
  double local_column(std::uint32_t site, F&& add) const;

  Routing routing_;
  SiteAttachment sites_;
  std::vector<double> share_, subtree_share_, component_share_;
  Eigen::SparseMatrix<double> core_spread_, local_spanning_;
  std::vector<double> local_unreachable_, local_weight_;
  std::vector<std::uint32_t> group_sites_, group_first_, group_of_site_;
  std::vector<std::uint8_t> group_is_tree_;
  std::vector<double> group_reachable_weight_;
  std::vector<std::uint32_t> entry_node_, entry_group_;
  std::vector<double> entry_share_;
  std::vector<std::uint32_t> site_entry_begin_, site_entries_, node_entry_begin_, node_entries_;
};

}  // namespace wormsim::net
