// Fluid link loads, utilisation and drops (DESIGN.md, "Network impact", and "Where the time
// goes": the network step costs what changed): per-site worm traffic rates, changed one site at a
// time, become per-link loads through the routing matrix (net/routing_matrix); at network steps
// (barriers) loads, drop probabilities and path delivery are brought up to date.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "net/routing_matrix.hpp"

namespace wormsim::net {

namespace detail {
/// Signed 128-bit integers (a GCC/Clang extension) for exact sums of rate × weight.
__extension__ typedef __int128 Int128;
}  // namespace detail

/// A traffic rate, bit/s and packet/s, in fixed point with 16 fractional bits (units of 2^-16
/// per second). Integers, so that totals do not depend on the order in which changes are added:
/// the loads are the same whichever partition's change comes first, and an incremental update
/// equals a full recompute exactly. Up to 1.4·10^14 bit/s in all.
struct FluidRate {
  static constexpr double kScale = 65536.0;  // 2^16
  std::int64_t bps_q16 = 0;
  std::int64_t pps_q16 = 0;

  /// Rounds to the nearest unit of 2^-16.
  static FluidRate from(double bps, double pps);
  double bps() const { return static_cast<double>(bps_q16) / kScale; }
  double pps() const { return static_cast<double>(pps_q16) / kScale; }

  FluidRate& operator+=(const FluidRate& o) {
    bps_q16 += o.bps_q16;
    pps_q16 += o.pps_q16;
    return *this;
  }
  FluidRate& operator-=(const FluidRate& o) {
    bps_q16 -= o.bps_q16;
    pps_q16 -= o.pps_q16;
    return *this;
  }
  friend FluidRate operator+(FluidRate a, const FluidRate& b) { return a += b; }
  friend FluidRate operator-(FluidRate a, const FluidRate& b) { return a -= b; }
  friend bool operator==(const FluidRate&, const FluidRate&) = default;
};

/// Where a site's traffic goes (RoutingMatrix says how).
enum class TrafficClass : std::uint8_t {
  spread = 0,  ///< uniformly over the whole address space (uniform scanning)
  local = 1,   ///< to the site's local group (local-preference and sequential scanning)
};

/// Worm traffic on one directed link.
struct LinkLoad {
  double bps = 0;
  double pps = 0;
  friend bool operator==(const LinkLoad&, const LinkLoad&) = default;
};

/// Per-link loads of worm traffic (bit/s and packet/s per directed link), plus background, against
/// capacity.
///
/// Changes: set_rate / add_rate change one site's rate of one class at the cost of that site's
/// share of the matrix: for spread traffic, the subtree totals on the way from its node to its
/// root (its depth: 1–3 in a transit-stub graph), one root total and one component total; for
/// local traffic, its group's entries on the way up to the group's common ancestor and one group
/// total, or, for a group spanning several trees, its column of local_spanning(). step() then
/// brings the loads up to date at the cost of what changed, plus one sparse product over the
/// 2-core if any root total changed. Every link query (load, utilisation, drops, delivery) reads
/// the state of the last step(), never a change made since, so what a delivery sees does not
/// depend on the order of events between steps.
///
/// The fluid model. Each directed link is offered its worm load plus its background load
/// (Link::background_bps of that direction, times background_factor()); a link offered more than
/// its capacity C forwards C and drops the excess, every packet with the same probability
/// p = max(0, 1 − C / offered); a route delivers the product of (1 − p) over its links. Offered
/// loads count every flow at its sending rate: drops upstream do not thin the load downstream (a
/// first-order model, which overstates, never understates, the loads and drops behind a
/// congested link). Per flow, bytes are conserved: received + dropped = sent (net/flow_account).
/// Background is bit/s only: packet loads are worm traffic alone.
///
/// Threads: changes, step(), recompute() and set_down() from one thread at a time; link queries
/// are const and may run on any number of threads at once, also while a change is being made, as
/// they read only step state (rate() and unreachable_bps() read the current rates: not during a
/// change).
class LinkLoads {
 public:
  /// Loads over `topology` (which must outlive this) for `sites`, all rates zero.
  LinkLoads(const Topology& topology, SiteAttachment sites);

  const RoutingMatrix& matrix() const { return matrix_; }
  const Routing& routing() const { return matrix_.routing(); }
  std::size_t site_count() const { return matrix_.site_count(); }
  std::size_t directed_link_count() const { return routing().directed_link_count(); }

  /// One site's rate of one class (a site on a node that is down keeps its rate, which is then
  /// all unreachable).
  void set_rate(std::uint32_t site, TrafficClass c, FluidRate rate);
  void add_rate(std::uint32_t site, TrafficClass c, FluidRate delta);
  FluidRate rate(std::uint32_t site, TrafficClass c) const {
    return rate_[static_cast<int>(c)][site];
  }

  /// Routes again without the nodes in `down` (crashed routers), keeping every site's rates, and
  /// recomputes everything (a step included). Costs a new RoutingMatrix: call it at a network
  /// step when router states changed, with every node that is down.
  void set_down(const std::vector<Vertex>& down);
  /// Multiplies every link's background load (a daily cycle); read at queries. Default 1.
  void set_background_factor(double factor) { background_factor_ = factor; }
  double background_factor() const { return background_factor_; }

  /// The network step: loads as of now for every query until the next step.
  void step();
  /// Rebuilds every total from the sites' rates and steps: the full recompute that the
  /// incremental path must match exactly.
  void recompute();
  /// The loads computed from scratch from the sites' rates without touching this object's
  /// state: equal, element by element and bit by bit, to load() after step().
  std::vector<LinkLoad> full_loads() const;

  /// Worm traffic on a directed link at the last step.
  LinkLoad load(DirectedLink dl) const;
  double capacity_bps(DirectedLink dl) const {
    return static_cast<double>(routing().link(dl).capacity_bps);
  }
  double background_bps(DirectedLink dl) const {
    return background_factor_ * static_cast<double>(routing().link(dl).background_bps[dl & 1u]);
  }
  /// Worm load (never below zero) plus background.
  double offered_bps(DirectedLink dl) const;
  /// Offered / capacity (infinite for a link of capacity 0 offered anything).
  double utilisation(DirectedLink dl) const;
  /// max(0, 1 − capacity / offered).
  double drop_probability(DirectedLink dl) const;
  /// What the link drops: offered − capacity when above, else 0 (first-order, see above).
  double dropped_bps(DirectedLink dl) const;

  /// The share of traffic from node a that reaches node b: the product of (1 − p) along the route;
  /// 0 if b cannot be reached; 1 for a == b unless the node is down (a crashed router cuts its
  /// sites off, from each other too). O(route length), no allocation.
  double delivery(Vertex a, Vertex b) const;
  /// delivery() between two sites' nodes.
  double path_delivery(std::uint32_t site_a, std::uint32_t site_b) const {
    return delivery(matrix_.site_node(site_a), matrix_.site_node(site_b));
  }
  /// Packets per second arriving at node v over its links (a router's forwarding load).
  double incoming_pps(Vertex v) const;
  /// Worm traffic sent to destinations that cannot be reached, bit/s, from the sites' current
  /// rates. O(sites).
  double unreachable_bps() const;

 private:
  using Int128 = detail::Int128;
  /// The totals a load is computed from: the step's, or full_loads()'s own.
  struct Totals {
    const FluidRate* z;          // spread, per pendant node
    const FluidRate* component;  // spread, per component
    const double* core_bps;      // spread on 2-core links, per directed link
    const double* core_pps;
    const FluidRate* entry;  // local, per entry of a tree group
    const FluidRate* group;  // local, per group (live members)
  };

  void resize_state();
  void add_local(std::uint32_t site, FluidRate delta);
  LinkLoad load_from(DirectedLink dl, const Totals& totals, const LinkLoad& spanning) const;
  static LinkLoad local_load(Int128 bits, Int128 packets);

  /// Values changed since the last step, and their copies as of the last step.
  struct DirtyList {
    std::vector<std::uint32_t> list;
    std::vector<std::uint8_t> is_dirty;
    void reset(std::size_t n) {
      list.clear();
      is_dirty.assign(n, 0);
    }
    void mark(std::uint32_t i) {
      if (is_dirty[i]) return;
      is_dirty[i] = 1;
      list.push_back(i);
    }
  };

  const Topology* topology_;
  RoutingMatrix matrix_;
  std::vector<FluidRate> rate_[2];
  double background_factor_ = 1.0;

  // Spread traffic, changed now: subtree totals (pendant nodes), root totals, component totals.
  std::vector<FluidRate> z_, y_, component_rate_;
  bool y_changed_ = false;
  DirtyList z_dirty_, component_dirty_;
  // Spread traffic at the last step.
  std::vector<FluidRate> z_step_, component_step_;
  std::vector<double> core_bps_, core_pps_;  // per directed link; only 2-core rows non-zero
  std::vector<DirectedLink> core_rows_;      // the directed links of the 2-core

  // Local traffic of tree groups: entry and group totals, changed now and at the last step.
  std::vector<FluidRate> entry_rate_, group_rate_, entry_step_, group_step_;
  DirtyList entry_dirty_, group_dirty_;
  // Local traffic of spanning groups: exact per-link sums of rate (2^-16) × weight (2^-32),
  // changed now; per-link loads at the last step.
  std::vector<Int128> spanning_bits_, spanning_packets_;
  DirtyList spanning_dirty_;
  std::vector<LinkLoad> spanning_step_;
};

}  // namespace wormsim::net
