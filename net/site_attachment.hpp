// Where sites hang off a topology (DESIGN.md, "Network impact": sites hang off access routers and
// own address blocks): each site index 0..S-1 is attached to one node, owns a share of the scanned
// address space, and belongs to a local group; the node for the outside holds the rest of the
// space. Knows nothing about hosts or worms: models/ fills it from its sites' blocks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "net/topology.hpp"

namespace wormsim::net {

/// Sites on nodes. Every vector has one entry per site (index 0..S-1), except local_group, which
/// may be empty.
struct SiteAttachment {
  /// The node each site's hosts sit behind (any node, the internet node included: that is where
  /// an imported network's outside population lives).
  std::vector<Vertex> node;
  /// The share of the scanned address space each site's block covers, in [0, 1]; traffic spread
  /// uniformly over the space reaches a site in this share. With `internet` set the shares sum to
  /// at most 1 and the rest of the space lies behind `internet`; without it, the graph is the
  /// whole Internet and the shares are scaled to sum to 1 (RoutingMatrix does it).
  std::vector<double> address_share;
  /// Local traffic (local-preference and sequential scanning) of a site is spread over the sites
  /// of its group in proportion to their address shares (equally if they are all zero). Empty:
  /// every site is its own group, so local traffic stays behind its own node and loads no link.
  std::vector<std::uint32_t> local_group;
  /// The node behind which the address space not owned by any site lies; none: there is no
  /// outside (the graph is itself the Internet, as a generated transit-stub graph is).
  std::optional<Vertex> internet;

  std::size_t site_count() const { return node.size(); }
};

/// Where sites go by default: the nodes of kind site, else those of kind access, else every node
/// but the internet node; in vertex order.
std::vector<Vertex> attachment_candidates(const Topology& topology);

/// How attach_sites spreads sites over the candidates.
enum class Placement : std::uint8_t {
  round_robin,  ///< site i on candidate i mod C
  seeded,       ///< site i on a candidate drawn uniformly from site i's own stream
};

/// S sites over attachment_candidates(topology), each owning `share_per_site` of the address
/// space, grouped by gateway (local_groups_by_gateway), with the topology's internet node as the
/// outside. `seed` is used by Placement::seeded only: stream (seed, replication 0, entity
/// 2^42 + i, purpose topology) for site i, one uniform draw, so adding sites moves no other site.
/// Throws std::invalid_argument if there is no candidate or share_per_site is outside [0, 1].
SiteAttachment attach_sites(const Topology& topology, std::size_t site_count, double share_per_site,
                            Placement placement = Placement::round_robin, std::uint64_t seed = 1);

/// The gateway of a node: a node of kind site has as gateway its neighbour of smallest (latency,
/// vertex index) among those not of kind site (itself if it has none); any other node is its own
/// gateway. Local traffic of a customer site then turns round at its access router (transit-stub)
/// or distribution router (campus).
Vertex gateway(const Topology& topology, Vertex v);

/// Local groups for sites on these nodes: sites whose nodes share a gateway form one group,
/// numbered in order of their first site.
std::vector<std::uint32_t> local_groups_by_gateway(const Topology& topology,
                                                   const std::vector<Vertex>& node);

/// Checks an attachment against a topology: sizes agree, nodes exist, shares are finite and in
/// [0, 1], with an outside node their sum is at most 1 (plus 1e-9 for rounding), without one it
/// is positive. Throws std::invalid_argument naming the first problem.
void validate(const Topology& topology, const SiteAttachment& sites);

}  // namespace wormsim::net
