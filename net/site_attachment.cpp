#include "net/site_attachment.hpp"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <stdexcept>
#include <utility>

#include "sim/random.hpp"
#include "sim/variates.hpp"

namespace wormsim::net {

namespace {
// Stream entities of seeded attachment: a range of its own, apart from the generators' (2^40,
// 2×2^40, 3×2^40 in net/generators.cpp), one stream per site.
constexpr std::uint64_t kAttachmentEntity = std::uint64_t{1} << 42;
}  // namespace

std::vector<Vertex> attachment_candidates(const Topology& topology) {
  const Graph& g = topology.graph();
  const std::size_t n = boost::num_vertices(g);
  for (NodeKind kind : {NodeKind::site, NodeKind::access}) {
    std::vector<Vertex> found;
    for (Vertex v = 0; v < n; ++v)
      if (g[v].kind == kind) found.push_back(v);
    if (!found.empty()) return found;
  }
  std::vector<Vertex> found;
  for (Vertex v = 0; v < n; ++v)
    if (g[v].kind != NodeKind::internet) found.push_back(v);
  return found;
}

SiteAttachment attach_sites(const Topology& topology, std::size_t site_count, double share_per_site,
                            Placement placement, std::uint64_t seed) {
  const auto candidates = attachment_candidates(topology);
  if (candidates.empty())
    throw std::invalid_argument("net::attach_sites: the topology has no node to attach sites to");
  if (!(share_per_site >= 0.0 && share_per_site <= 1.0))
    throw std::invalid_argument(
        fmt::format("net::attach_sites: share_per_site {} is outside [0, 1]", share_per_site));
  SiteAttachment a;
  a.node.resize(site_count);
  for (std::size_t i = 0; i < site_count; ++i) {
    if (placement == Placement::round_robin) {
      a.node[i] = candidates[i % candidates.size()];
    } else {
      sim::RandomStream s(seed, 0, kAttachmentEntity + i, sim::Purpose::topology);
      a.node[i] = candidates[sim::variates::uniform_below(s, candidates.size())];
    }
  }
  a.address_share.assign(site_count, share_per_site);
  a.local_group = local_groups_by_gateway(topology, a.node);
  a.internet = topology.internet();
  return a;
}

Vertex gateway(const Topology& topology, Vertex v) {
  const Graph& g = topology.graph();
  if (g[v].kind != NodeKind::site) return v;
  Vertex best = v;
  std::int64_t best_latency = 0;
  for (auto [it, end] = boost::out_edges(v, g); it != end; ++it) {
    const Vertex u = boost::target(*it, g);
    if (g[u].kind == NodeKind::site) continue;
    const std::int64_t latency = g[*it].latency.us;
    if (best == v || latency < best_latency || (latency == best_latency && u < best)) {
      best = u;
      best_latency = latency;
    }
  }
  return best;
}

std::vector<std::uint32_t> local_groups_by_gateway(const Topology& topology,
                                                   const std::vector<Vertex>& node) {
  std::vector<std::uint32_t> group(node.size());
  std::map<Vertex, std::uint32_t> number;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const auto [it, inserted] =
        number.emplace(gateway(topology, node[i]), static_cast<std::uint32_t>(number.size()));
    group[i] = it->second;
  }
  return group;
}

void validate(const Topology& topology, const SiteAttachment& sites) {
  const std::size_t s = sites.site_count();
  const std::size_t n = topology.node_count();
  if (sites.address_share.size() != s)
    throw std::invalid_argument(fmt::format("net::SiteAttachment: {} sites but {} address shares",
                                            s, sites.address_share.size()));
  if (!sites.local_group.empty() && sites.local_group.size() != s)
    throw std::invalid_argument(fmt::format("net::SiteAttachment: {} sites but {} local groups", s,
                                            sites.local_group.size()));
  if (sites.internet && *sites.internet >= n)
    throw std::invalid_argument(fmt::format(
        "net::SiteAttachment: the outside is node {} of a topology of {}", *sites.internet, n));
  double total = 0;
  for (std::size_t i = 0; i < s; ++i) {
    if (sites.node[i] >= n)
      throw std::invalid_argument(fmt::format(
          "net::SiteAttachment: site {} is on node {} of a topology of {}", i, sites.node[i], n));
    const double share = sites.address_share[i];
    if (!(share >= 0.0 && share <= 1.0))
      throw std::invalid_argument(fmt::format(
          "net::SiteAttachment: site {} has address share {}, expected 0 to 1", i, share));
    total += share;
  }
  if (sites.internet && total > 1.0 + 1e-9)
    throw std::invalid_argument(fmt::format(
        "net::SiteAttachment: the sites' address shares sum to {}, more than the whole space",
        total));
  if (!sites.internet && s > 0 && !(total > 0.0))
    throw std::invalid_argument(
        "net::SiteAttachment: no outside node and no site owns any address space: spread traffic "
        "would have nowhere to go");
}

}  // namespace wormsim::net
