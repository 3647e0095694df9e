// Where every bit of worm traffic ends up, flow by flow (DESIGN.md, "Network impact"): the fluid
// model's bookkeeping, against which LinkLoads' per-link figures and path delivery are checked.
// A reference: it follows every (site, destination) route, so it is for tests and small graphs.
#pragma once

#include <vector>

#include "net/link_loads.hpp"

namespace wormsim::net {

/// Totals in bit/s at the loads' last step.
struct FlowAccount {
  double sent_bps = 0;         ///< every flow at its sending rate
  double received_bps = 0;     ///< what reached its destination
  double dropped_bps = 0;      ///< lost on links (the sum of dropped_by_link_bps)
  double unreachable_bps = 0;  ///< addressed to a node that is down or in another component
  /// Per directed link: each flow's rate as it arrives (thinned by the links before) times p.
  std::vector<double> dropped_by_link_bps;
  /// Per node: what the flows addressed to it delivered.
  std::vector<double> received_by_node_bps;
};

/// Follows every flow: a site's spread traffic to each destination node in its share (the
/// sites' nodes and the outside, down or not: RoutingMatrix's shares before anything is down),
/// its local traffic to each member of its group; along each route, the flow loses rate × p at
/// each link in turn and delivers the rest. Per flow, received + dropped (+ unreachable) = sent
/// up to rounding. O(sites × destination nodes × route length).
FlowAccount account_flows(const LinkLoads& loads);

}  // namespace wormsim::net
