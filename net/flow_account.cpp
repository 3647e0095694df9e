#include "net/flow_account.hpp"

#include <algorithm>

namespace wormsim::net {

FlowAccount account_flows(const LinkLoads& loads) {
  const RoutingMatrix& m = loads.matrix();
  const Routing& r = loads.routing();
  const SiteAttachment& sites = m.sites();

  // Destination shares before anything is down (RoutingMatrix's rule): what the sites address.
  std::vector<double> share(r.node_count(), 0.0);
  double total = 0;
  for (const double a : sites.address_share) total += a;
  const double scale = sites.internet || total <= 0 ? 1.0 : 1.0 / total;
  for (std::size_t i = 0; i < sites.site_count(); ++i)
    share[sites.node[i]] += sites.address_share[i] * scale;
  if (sites.internet) share[*sites.internet] += std::max(0.0, 1.0 - total);
  std::vector<Vertex> destinations;
  for (Vertex v = 0; v < share.size(); ++v)
    if (share[v] > 0) destinations.push_back(v);

  FlowAccount a;
  a.dropped_by_link_bps.assign(r.directed_link_count(), 0.0);
  a.received_by_node_bps.assign(r.node_count(), 0.0);
  const auto follow = [&](Vertex from, Vertex to, double rate_bps) {
    a.sent_bps += rate_bps;
    if (r.is_down(from) || !r.is_reachable(from, to)) {
      a.unreachable_bps += rate_bps;
      return;
    }
    for (const DirectedLink dl : r.route(from, to)) {
      const double lost = rate_bps * loads.drop_probability(dl);
      a.dropped_by_link_bps[dl] += lost;
      a.dropped_bps += lost;
      rate_bps -= lost;
    }
    a.received_bps += rate_bps;
    a.received_by_node_bps[to] += rate_bps;
  };
  for (std::uint32_t s = 0; s < sites.site_count(); ++s) {
    const Vertex from = sites.node[s];
    const double spread = loads.rate(s, TrafficClass::spread).bps();
    if (spread != 0)
      for (const Vertex d : destinations) follow(from, d, spread * share[d]);
    const double local = loads.rate(s, TrafficClass::local).bps();
    if (local != 0)
      for (const std::uint32_t member : m.local_group_members(s))
        follow(from, sites.node[member], local * m.local_weight(member));
  }
  return a;
}

}  // namespace wormsim::net
