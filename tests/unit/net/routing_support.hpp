// Helpers of the routing and link-load tests: small topologies with sites on them, and a
// brute-force router (Floyd–Warshall plus the tie rule, written without net/routing) and
// per-flow load sum to hold the library against.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "net/generators.hpp"
#include "net/link_loads.hpp"
#include "net/site_attachment.hpp"
#include "net/topology.hpp"
#include "sim/random.hpp"
#include "sim/variates.hpp"

namespace wormsim::test {

inline net::Vertex add_node(net::Topology& t, const std::string& id, net::NodeKind kind) {
  net::Node n;
  n.id = id;
  n.name = id;
  n.kind = kind;
  return t.add_node(n);
}

/// prefix followed by k ("leaf3"), built by appending: GCC 12 warns falsely (-Wrestrict) on
/// "literal" + std::string.
inline std::string numbered(const char* prefix, int k) {
  std::string out = prefix;
  out += std::to_string(k);
  return out;
}

inline void add_link(net::Topology& t, net::Vertex a, net::Vertex b, std::uint64_t capacity_bps,
                     std::int64_t latency_us) {
  net::Link l;
  l.capacity_bps = capacity_bps;
  l.latency = sim::SimTime::from_us(latency_us);
  t.add_link(a, b, l);
}

/// A topology with sites on it.
struct SiteFixture {
  std::string name;
  net::Topology topology;
  net::SiteAttachment sites;
};

/// The graphs the tests run on: a transit-stub Internet (defaults, seed 7: 272 nodes, cycles in
/// the transit core, multihomed regional ISPs, no outside node; 200 sites on its 192 customer
/// sites, so some nodes hold two), a campus (defaults, seed 3, 30 sites drawn over its segments,
/// the rest of the space behind the internet node), a line, a star with two sites per leaf, and
/// a ring of equal latencies, where opposite nodes have two routes of the same length.
inline std::vector<SiteFixture> site_fixtures() {
  using net::NodeKind;
  std::vector<SiteFixture> out;
  {
    SiteFixture f{"transit-stub", net::generate_transit_stub(net::TransitStubParams{}, 7), {}};
    f.sites = net::attach_sites(f.topology, 200, 1.0 / 1024);
    out.push_back(std::move(f));
  }
  {
    SiteFixture f{"campus", net::generate_campus(net::CampusParams{}, 3), {}};
    f.sites = net::attach_sites(f.topology, 30, 1.0 / 65536, net::Placement::seeded, 11);
    out.push_back(std::move(f));
  }
  {
    // internet - r1 - r2 - r3 - r4, sites on the routers, two local groups.
    SiteFixture f{"line", {}, {}};
    auto& t = f.topology;
    const auto i = add_node(t, "internet", NodeKind::internet);
    net::Vertex prev = i;
    for (int k = 1; k <= 4; ++k) {
      const auto r = add_node(t, numbered("r", k), NodeKind::access);
      add_link(t, prev, r, 4'000'000, 1000);
      prev = r;
    }
    f.sites.node = {1, 2, 3, 4, 4};
    f.sites.address_share = {0.1, 0.05, 0.2, 0.01, 0.04};
    f.sites.local_group = {0, 0, 1, 1, 0};
    f.sites.internet = i;
    out.push_back(std::move(f));
  }
  {
    // A hub with six leaves and the internet node; two sites on every leaf.
    SiteFixture f{"star", {}, {}};
    auto& t = f.topology;
    const auto hub = add_node(t, "hub", NodeKind::core);
    const auto i = add_node(t, "internet", NodeKind::internet);
    add_link(t, hub, i, 100'000'000, 5000);
    for (int k = 0; k < 6; ++k) {
      const auto leaf = add_node(t, numbered("leaf", k), NodeKind::site);
      add_link(t, hub, leaf, 1'000'000 * static_cast<std::uint64_t>(k + 1), 100 * (k + 1));
      for (int j = 0; j < 2; ++j) {
        f.sites.node.push_back(leaf);
        f.sites.address_share.push_back(0.01 * (k + 1) + 0.002 * j);
      }
    }
    f.sites.local_group = net::local_groups_by_gateway(t, f.sites.node);
    f.sites.internet = i;
    out.push_back(std::move(f));
  }
  {
    // A ring of six routers, every link 1 ms, a customer site on each router.
    SiteFixture f{"ring", {}, {}};
    auto& t = f.topology;
    for (int k = 0; k < 6; ++k) add_node(t, numbered("c", k), NodeKind::core);
    for (int k = 0; k < 6; ++k) add_link(t, k, (k + 1) % 6, 1'000'000'000, 1000);
    for (int k = 0; k < 6; ++k) {
      const auto s = add_node(t, numbered("s", k), NodeKind::site);
      add_link(t, k, s, 2'000'000, 200);
    }
    f.sites = net::attach_sites(t, 6, 0.1);
    f.sites.local_group = {0, 0, 0, 1, 1, 1};
    out.push_back(std::move(f));
  }
  return out;
}

/// Routes by Floyd–Warshall on (latency, hops), then, from the destination back, the predecessor
/// of smallest vertex index among those on a best route: the rule net/routing documents, computed
/// another way. O(n^3): small graphs only.
class BruteRoutes {
 public:
  explicit BruteRoutes(const net::Topology& t, const std::vector<net::Vertex>& down = {})
      : n_(t.node_count()), down_(n_, false), distance_(n_ * n_, kInf) {
    const auto& g = t.graph();
    std::uint32_t index = 0;
    for (auto [it, end] = boost::edges(g); it != end; ++it, ++index) {
      const auto a = boost::source(*it, g), b = boost::target(*it, g);
      link_index_[{std::min(a, b), std::max(a, b)}] = index;
      weight_[{a, b}] = weight_[{b, a}] = (static_cast<std::uint64_t>(g[*it].latency.us) << 24) + 1;
    }
    for (const auto v : down) down_[v] = true;
    for (std::size_t v = 0; v < n_; ++v)
      if (!down_[v]) distance_[v * n_ + v] = 0;
    for (const auto& [ends, w] : weight_)
      if (!down_[ends.first] && !down_[ends.second]) distance_[ends.first * n_ + ends.second] = w;
    for (std::size_t k = 0; k < n_; ++k)
      for (std::size_t i = 0; i < n_; ++i) {
        const std::uint64_t ik = distance_[i * n_ + k];
        if (ik == kInf) continue;
        for (std::size_t j = 0; j < n_; ++j) {
          const std::uint64_t kj = distance_[k * n_ + j];
          if (kj != kInf && ik + kj < distance_[i * n_ + j]) distance_[i * n_ + j] = ik + kj;
        }
      }
    neighbours_.resize(n_);
    for (const auto& [ends, w] : weight_) neighbours_[ends.second].push_back(ends.first);
    for (auto& nb : neighbours_) std::sort(nb.begin(), nb.end());
  }

  bool reachable(net::Vertex a, net::Vertex b) const { return distance_[a * n_ + b] != kInf; }

  /// Directed links from a to b in order; empty for a == b or unreachable.
  std::vector<net::DirectedLink> route(net::Vertex a, net::Vertex b) const {
    std::vector<net::DirectedLink> out;
    if (a == b || !reachable(a, b)) return out;
    for (net::Vertex x = b; x != a;) {
      for (const net::Vertex u : neighbours_[x]) {
        if (down_[u] || distance_[a * n_ + u] == kInf) continue;
        if (distance_[a * n_ + u] + weight_.at({u, x}) != distance_[a * n_ + x]) continue;
        out.push_back(2 * link_index_.at({std::min(u, x), std::max(u, x)}) + (u < x ? 0u : 1u));
        x = u;
        break;
      }
    }
    std::reverse(out.begin(), out.end());
    return out;
  }

 private:
  static constexpr std::uint64_t kInf = std::numeric_limits<std::uint64_t>::max();
  std::size_t n_;
  std::vector<bool> down_;
  std::vector<std::uint64_t> distance_;
  std::map<std::pair<net::Vertex, net::Vertex>, std::uint32_t> link_index_;
  std::map<std::pair<net::Vertex, net::Vertex>, std::uint64_t> weight_;
  std::vector<std::vector<net::Vertex>> neighbours_;
};

/// Per-link loads (bit/s) summed flow by flow along BruteRoutes: each site's spread rate to every
/// destination node in its share (unrounded), its local rate to every member of its group.
inline std::vector<double> brute_force_loads(const net::Topology& t,
                                             const net::SiteAttachment& sites,
                                             const std::vector<double>& spread_bps,
                                             const std::vector<double>& local_bps,
                                             const std::vector<net::Vertex>& down = {}) {
  const BruteRoutes routes(t, down);
  std::vector<double> share(t.node_count(), 0.0);
  double total = 0;
  for (const double a : sites.address_share) total += a;
  const double scale = sites.internet ? 1.0 : 1.0 / total;
  for (std::size_t s = 0; s < sites.site_count(); ++s)
    share[sites.node[s]] += sites.address_share[s] * scale;
  if (sites.internet) share[*sites.internet] += 1.0 - total;
  std::vector<double> load(2 * t.link_count(), 0.0);
  for (std::size_t s = 0; s < sites.site_count(); ++s) {
    for (net::Vertex d = 0; d < t.node_count(); ++d)
      for (const auto dl : routes.route(sites.node[s], d)) load[dl] += spread_bps[s] * share[d];
    double group_total = 0;
    std::size_t group_size = 0;
    const auto group_of = [&](std::size_t i) {
      return sites.local_group.empty() ? i : sites.local_group[i];
    };
    for (std::size_t m = 0; m < sites.site_count(); ++m)
      if (group_of(m) == group_of(s)) {
        group_total += sites.address_share[m];
        ++group_size;
      }
    for (std::size_t m = 0; m < sites.site_count(); ++m) {
      if (group_of(m) != group_of(s)) continue;
      const double q = group_total > 0 ? sites.address_share[m] / group_total
                                       : 1.0 / static_cast<double>(group_size);
      for (const auto dl : routes.route(sites.node[s], sites.node[m])) load[dl] += local_bps[s] * q;
    }
  }
  return load;
}

/// Rates for every site from a fixed test stream: uniform on [0, max_bps), with 500-byte packets.
inline std::vector<net::FluidRate> random_rates(std::size_t sites, std::uint64_t seed,
                                                double max_bps) {
  sim::RandomStream s(seed, 0, 0, sim::Purpose::test);
  std::vector<net::FluidRate> out(sites);
  for (auto& r : out) {
    const double bps = sim::variates::uniform01(s) * max_bps;
    r = net::FluidRate::from(bps, bps / 4000.0);
  }
  return out;
}

}  // namespace wormsim::test
