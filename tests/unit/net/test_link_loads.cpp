// Unit tests of net/routing_matrix, net/link_loads and net/flow_account: loads from the routing
// matrix equal a brute-force per-flow sum; incremental updates equal a full recompute bit for
// bit; a link offered no more than its capacity drops nothing; the fluid model conserves bytes
// flow by flow; a crashed router cuts its sites off and leaves the other loads consistent.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "net/flow_account.hpp"
#include "net/link_loads.hpp"
#include "routing_support.hpp"

using namespace wormsim;
using namespace wormsim::net;
using wormsim::test::site_fixtures;

namespace {

std::vector<double> as_bps(const std::vector<FluidRate>& rates) {
  std::vector<double> out;
  for (const auto& r : rates) out.push_back(r.bps());
  return out;
}

double total_bps(const std::vector<FluidRate>& a, const std::vector<FluidRate>& b) {
  double t = 0;
  for (const auto& r : a) t += r.bps();
  for (const auto& r : b) t += r.bps();
  return t;
}

/// Bitwise equality of two loads (== would also equate 0.0 and -0.0).
bool same_bits(const LinkLoad& a, const LinkLoad& b) {
  return std::memcmp(&a.bps, &b.bps, sizeof(double)) == 0 &&
         std::memcmp(&a.pps, &b.pps, sizeof(double)) == 0;
}

void set_all(LinkLoads& loads, const std::vector<FluidRate>& spread,
             const std::vector<FluidRate>& local) {
  for (std::uint32_t s = 0; s < spread.size(); ++s) {
    loads.set_rate(s, TrafficClass::spread, spread[s]);
    loads.set_rate(s, TrafficClass::local, local[s]);
  }
}

}  // namespace

TEST_CASE("net::LinkLoads: the loads, drops and deliveries of a line, by hand", "[net]") {
  // internet - a - b; site 0 on a and site 1 on b own a quarter of the space each, the outside
  // the other half. Site 0 sends 100 bit/s spread and 40 bit/s local, site 1 200 bit/s spread.
  Topology t;
  const Vertex i = test::add_node(t, "internet", NodeKind::internet);
  const Vertex a = test::add_node(t, "a", NodeKind::access);
  const Vertex b = test::add_node(t, "b", NodeKind::access);
  test::add_link(t, i, a, 1000, 1000);
  test::add_link(t, a, b, 100, 1000);
  SiteAttachment sites;
  sites.node = {a, b};
  sites.address_share = {0.25, 0.25};
  sites.local_group = {0, 0};
  sites.internet = i;
  LinkLoads loads(t, sites);
  loads.set_rate(0, TrafficClass::spread, FluidRate::from(100, 1));
  loads.set_rate(1, TrafficClass::spread, FluidRate::from(200, 2));
  loads.set_rate(0, TrafficClass::local, FluidRate::from(40, 0));
  CHECK(loads.load(3).bps == 0.0);  // nothing before the step
  loads.step();

  const Routing& r = loads.routing();
  const DirectedLink i_a = r.directed_link(i, a), a_i = r.directed_link(a, i);
  const DirectedLink a_b = r.directed_link(a, b), b_a = r.directed_link(b, a);
  CHECK(i_a == 0);  // direction 0 runs from the smaller vertex index
  CHECK(loads.load(i_a).bps == 0.0);
  CHECK(loads.load(a_i).bps == 150.0);      // half of 100 and half of 200 to the outside
  CHECK(loads.load(a_b).bps == 25.0 + 20);  // a quarter of 100, and half of 40 locally
  CHECK(loads.load(b_a).bps == 150.0);      // three quarters of 200
  CHECK(loads.load(b_a).pps == 1.5);
  CHECK(loads.incoming_pps(a) == 1.5);

  // b -> a is offered 150 bit/s on 100: a third is dropped.
  CHECK(loads.utilisation(b_a) == 1.5);
  CHECK(loads.drop_probability(b_a) == Approx(1.0 / 3));
  CHECK(loads.dropped_bps(b_a) == 50.0);
  CHECK(loads.drop_probability(a_b) == 0.0);
  CHECK(loads.delivery(b, i) == Approx(2.0 / 3));
  CHECK(loads.path_delivery(1, 0) == Approx(2.0 / 3));
  CHECK(loads.path_delivery(0, 1) == 1.0);
  CHECK(loads.delivery(b, b) == 1.0);

  // Background counts towards the offered load and scales with the factor.
  t.link(*t.link_between(a, b)).background_bps = {60, 0};
  CHECK(loads.offered_bps(a_b) == 105.0);
  CHECK(loads.drop_probability(a_b) == Approx(5.0 / 105));
  loads.set_background_factor(0.5);
  CHECK(loads.drop_probability(a_b) == 0.0);
  CHECK(loads.unreachable_bps() == 0.0);
}

TEST_CASE("net::RoutingMatrix: loads equal a brute-force sum over every flow's route", "[net]") {
  // Invariant: for every directed link, the load LinkLoads computes from the factorised matrix,
  // and the explicit matrices times the rate vectors, equal the sum over flows (site, destination)
  // of rate × share along routes rebuilt by Floyd–Warshall. Tolerance 1e-9 of the total rate: each
  // load sums at most sites × nodes terms in a different order (relative rounding ~1e-16 each),
  // rates are rounded to 2^-16 bit/s and local weights to 2^-32 (2.3e-10 relative).
  for (const auto& f : site_fixtures()) {
    CAPTURE(f.name);
    LinkLoads loads(f.topology, f.sites);
    const auto spread = test::random_rates(f.sites.site_count(), 1, 1e6);
    const auto local = test::random_rates(f.sites.site_count(), 2, 3e5);
    set_all(loads, spread, local);
    loads.step();
    const auto want = test::brute_force_loads(f.topology, f.sites, as_bps(spread), as_bps(local));

    Eigen::VectorXd spread_vec(static_cast<Eigen::Index>(spread.size()));
    Eigen::VectorXd local_vec(static_cast<Eigen::Index>(local.size()));
    for (std::size_t s = 0; s < spread.size(); ++s) {
      spread_vec[static_cast<Eigen::Index>(s)] = spread[s].bps();
      local_vec[static_cast<Eigen::Index>(s)] = local[s].bps();
    }
    const Eigen::VectorXd explicit_loads =
        loads.matrix().explicit_spread() * spread_vec + loads.matrix().explicit_local() * local_vec;

    const double tolerance = 1e-9 * total_bps(spread, local);
    double worst = 0, busiest = 0;
    for (DirectedLink dl = 0; dl < loads.directed_link_count(); ++dl) {
      worst = std::max(worst, std::abs(loads.load(dl).bps - want[dl]));
      worst = std::max(worst, std::abs(explicit_loads[dl] - want[dl]));
      busiest = std::max(busiest, want[dl]);
    }
    CAPTURE(worst, tolerance, busiest);
    CHECK(worst <= tolerance);
    CHECK(busiest > 0);
    CHECK(loads.unreachable_bps() < tolerance);
  }
}

TEST_CASE("net::LinkLoads: incremental updates equal a full recompute bit for bit", "[net]") {
  // Invariant: after any sequence of rate changes (both classes, up and down, back to zero) and
  // steps, every link's load equals the one computed from scratch from the final rates, and the
  // one of a fresh object given those rates in the reverse order: rates and weights are integers
  // in fixed point, so sums do not depend on order. Between steps, queries see the last step.
  for (const auto& f : site_fixtures()) {
    CAPTURE(f.name);
    LinkLoads loads(f.topology, f.sites);
    const std::size_t sites = f.sites.site_count();
    sim::RandomStream rng(3, 0, 0, sim::Purpose::test);
    for (int round = 0; round < 6; ++round) {
      for (int change = 0; change < 200; ++change) {
        const auto site = static_cast<std::uint32_t>(sim::variates::uniform_below(rng, sites));
        const auto c =
            sim::variates::bernoulli(rng, 0.5) ? TrafficClass::spread : TrafficClass::local;
        const double u = sim::variates::uniform01(rng);
        if (u < 0.1) {
          loads.set_rate(site, c, FluidRate{});
        } else if (u < 0.5) {
          const double bps = sim::variates::uniform01(rng) * 1e5;
          loads.set_rate(site, c, FluidRate::from(bps, bps / 1000));
        } else {
          // A host starting or stopping: plus or minus a Code Red host's 6 probes/s of 62 bytes.
          const FluidRate host = FluidRate::from(6 * 62 * 8, 6);
          if (u < 0.8 || loads.rate(site, c).bps_q16 < host.bps_q16)
            loads.add_rate(site, c, host);
          else
            loads.add_rate(site, c, FluidRate{} - host);
        }
      }
      std::vector<LinkLoad> before(loads.directed_link_count());
      for (DirectedLink dl = 0; dl < before.size(); ++dl) before[dl] = loads.load(dl);
      loads.add_rate(0, TrafficClass::spread, FluidRate::from(1e6, 1e3));
      loads.add_rate(0, TrafficClass::local, FluidRate::from(1e6, 1e3));
      std::size_t moved = 0;
      for (DirectedLink dl = 0; dl < before.size(); ++dl)
        moved += same_bits(before[dl], loads.load(dl)) ? 0 : 1;
      CHECK(moved == 0);
      loads.step();

      const auto full = loads.full_loads();
      std::size_t differ = 0;
      for (DirectedLink dl = 0; dl < full.size(); ++dl)
        differ += same_bits(full[dl], loads.load(dl)) ? 0 : 1;
      CAPTURE(round);
      CHECK(differ == 0);
    }
    LinkLoads fresh(f.topology, f.sites);
    for (std::uint32_t s = static_cast<std::uint32_t>(sites); s-- > 0;) {
      fresh.set_rate(s, TrafficClass::local, loads.rate(s, TrafficClass::local));
      fresh.set_rate(s, TrafficClass::spread, loads.rate(s, TrafficClass::spread));
    }
    fresh.step();
    std::size_t differ = 0;
    for (DirectedLink dl = 0; dl < loads.directed_link_count(); ++dl)
      differ += same_bits(fresh.load(dl), loads.load(dl)) ? 0 : 1;
    CHECK(differ == 0);
    std::vector<LinkLoad> before(loads.directed_link_count());
    for (DirectedLink dl = 0; dl < before.size(); ++dl) before[dl] = loads.load(dl);
    loads.recompute();
    differ = 0;
    for (DirectedLink dl = 0; dl < before.size(); ++dl)
      differ += same_bits(before[dl], loads.load(dl)) ? 0 : 1;
    CHECK(differ == 0);
  }
}

TEST_CASE("net::LinkLoads: a link offered no more than its capacity drops nothing", "[net]") {
  // Invariant: p = 0, nothing dropped and nothing lost by any flow on a link whose offered load
  // (worm plus background) is at most its capacity; with every link so, every reachable flow is
  // delivered whole.
  for (const auto& f : site_fixtures()) {
    CAPTURE(f.name);
    for (const double max_bps : {1e3, 3e6}) {  // light: nothing saturates; heavy: T1s do
      LinkLoads loads(f.topology, f.sites);
      set_all(loads, test::random_rates(f.sites.site_count(), 4, max_bps),
              test::random_rates(f.sites.site_count(), 5, max_bps / 3));
      loads.step();
      const auto account = account_flows(loads);
      std::size_t congested = 0;
      for (DirectedLink dl = 0; dl < loads.directed_link_count(); ++dl) {
        if (loads.offered_bps(dl) > loads.capacity_bps(dl)) {
          ++congested;
          CHECK(loads.drop_probability(dl) > 0);
          continue;
        }
        CHECK(loads.drop_probability(dl) == 0.0);
        CHECK(loads.dropped_bps(dl) == 0.0);
        CHECK(account.dropped_by_link_bps[dl] == 0.0);
      }
      CAPTURE(max_bps, congested);
      if (congested == 0) {
        CHECK(account.dropped_bps == 0.0);
        CHECK(account.received_bps == Approx(account.sent_bps - account.unreachable_bps));
        for (std::uint32_t a = 0; a < f.sites.site_count(); a += 7)
          for (std::uint32_t b = 0; b < f.sites.site_count(); b += 5)
            CHECK(loads.path_delivery(a, b) == 1.0);
      }
      if (max_bps == 1e3) CHECK(congested == 0);
      if (max_bps == 3e6 && f.name == "transit-stub") CHECK(congested > 0);
    }
  }
}

TEST_CASE("net::account_flows: the fluid model conserves bytes along every route", "[net]") {
  // Invariant: what the sites send equals what arrives plus what links drop plus what is
  // addressed to unreachable nodes, in a network with many saturated links; a link's dropped
  // share of the flows (thinned by the links before) is at most its first-order figure; and what
  // a destination receives is each flow times path_delivery. Relative tolerance 1e-12: a few
  // hundred thousand additions of doubles (destination shares and local weights add up to 1, the
  // latter exactly, the former up to rounding).
  for (const auto& f : site_fixtures()) {
    CAPTURE(f.name);
    for (const bool crash : {false, true}) {
      LinkLoads loads(f.topology, f.sites);
      const auto spread = test::random_rates(f.sites.site_count(), 6, 5e6);
      const auto local = test::random_rates(f.sites.site_count(), 7, 1e6);
      set_all(loads, spread, local);
      if (crash) loads.set_down({f.sites.node[0]});
      loads.step();
      const auto a = account_flows(loads);
      const double sent = total_bps(spread, local);
      CAPTURE(crash, a.sent_bps, a.received_bps, a.dropped_bps, a.unreachable_bps);
      CHECK(a.sent_bps == Approx(sent).epsilon(1e-12));
      CHECK(a.received_bps + a.dropped_bps + a.unreachable_bps == Approx(sent).epsilon(1e-12));
      if (!crash) CHECK(a.dropped_bps > 0);
      CHECK(a.unreachable_bps == Approx(loads.unreachable_bps()).epsilon(1e-9).margin(1e-6));
      if (crash) CHECK(a.unreachable_bps > 0);
      double by_link = 0;
      for (DirectedLink dl = 0; dl < a.dropped_by_link_bps.size(); ++dl) {
        by_link += a.dropped_by_link_bps[dl];
        CHECK(a.dropped_by_link_bps[dl] <= loads.dropped_bps(dl) * (1 + 1e-12) + 1e-9);
      }
      CHECK(by_link == Approx(a.dropped_bps).epsilon(1e-12));
      // Spread traffic from site 1 to every site's node arrives thinned by path_delivery.
      const auto& m = loads.matrix();
      std::vector<double> received(f.topology.node_count(), 0.0);
      for (std::uint32_t s = 0; s < f.sites.site_count(); ++s) {
        for (Vertex d = 0; d < f.topology.node_count(); ++d)
          received[d] +=
              spread[s].bps() * m.destination_share(d) * loads.delivery(f.sites.node[s], d);
        for (const std::uint32_t member : m.local_group_members(s))
          received[f.sites.node[member]] += local[s].bps() * m.local_weight(member) *
                                            loads.delivery(f.sites.node[s], f.sites.node[member]);
      }
      for (Vertex d = 0; d < f.topology.node_count(); ++d)
        CHECK(received[d] == Approx(a.received_by_node_bps[d]).epsilon(1e-9).margin(1e-6));
    }
  }
}

TEST_CASE(
    "net::LinkLoads: a crashed router cuts its sites off both ways; other loads follow the "
    "new routes",
    "[net]") {
  // Invariant: with an access router down, its sites neither reach nor are reached by anyone;
  // links touching it carry nothing; every other load equals the brute-force sum over the routes
  // without it; and bringing it back restores the loads before the crash bit for bit.
  const auto fixtures = site_fixtures();
  const auto& f = fixtures.front();
  REQUIRE(f.name == "transit-stub");
  const auto& g = f.topology.graph();
  LinkLoads loads(f.topology, f.sites);
  const auto spread = test::random_rates(f.sites.site_count(), 8, 1e6);
  const auto local = test::random_rates(f.sites.site_count(), 9, 1e5);
  set_all(loads, spread, local);
  loads.step();
  std::vector<LinkLoad> before(loads.directed_link_count());
  for (DirectedLink dl = 0; dl < before.size(); ++dl) before[dl] = loads.load(dl);

  const Vertex x = gateway(f.topology, f.sites.node[0]);  // site 0's access router
  REQUIRE(g[x].kind == NodeKind::access);
  loads.set_down({x});
  const Routing& r = loads.routing();
  std::vector<std::uint32_t> behind, others;
  for (std::uint32_t s = 0; s < f.sites.site_count(); ++s)
    (gateway(f.topology, f.sites.node[s]) == x ? behind : others).push_back(s);
  REQUIRE(!behind.empty());
  for (const std::uint32_t s : behind)
    for (const std::uint32_t o : others) {
      CHECK(loads.path_delivery(s, o) == 0.0);
      CHECK(loads.path_delivery(o, s) == 0.0);
    }
  CHECK(loads.path_delivery(others[0], others[1]) > 0.0);
  for (const auto& nb : r.neighbours(x)) {
    CHECK(loads.load(2 * nb.link).bps == 0.0);
    CHECK(loads.load(2 * nb.link + 1).bps == 0.0);
  }
  CHECK(loads.incoming_pps(x) == 0.0);
  CHECK(loads.unreachable_bps() > 0);

  const auto want =
      test::brute_force_loads(f.topology, f.sites, as_bps(spread), as_bps(local), {x});
  double worst = 0;
  for (DirectedLink dl = 0; dl < loads.directed_link_count(); ++dl) {
    // Flows to unreachable destinations are counted by the brute force up to where its routes
    // stop existing (nowhere): both sides leave them out.
    worst = std::max(worst, std::abs(loads.load(dl).bps - want[dl]));
  }
  CHECK(worst <= 1e-9 * total_bps(spread, local));
  const auto full = loads.full_loads();
  for (DirectedLink dl = 0; dl < full.size(); ++dl) CHECK(same_bits(full[dl], loads.load(dl)));

  loads.set_down({});
  std::size_t differ = 0;
  for (DirectedLink dl = 0; dl < before.size(); ++dl)
    differ += same_bits(before[dl], loads.load(dl)) ? 0 : 1;
  CHECK(differ == 0);
}

TEST_CASE(
    "net::RoutingMatrix: groups behind one router become subtree entries, groups across "
    "the core explicit columns",
    "[net]") {
  // Invariant: a local group whose live members lie in one tree costs one entry per member node
  // (and per ancestor below their common ancestor), no column; a group across the 2-core, or cut
  // apart by a crash, keeps explicit columns. Both give the brute-force loads (checked above).
  const auto fixtures = site_fixtures();
  for (const auto& f : fixtures) {
    CAPTURE(f.name);
    const RoutingMatrix m(f.topology, f.sites);
    std::size_t tree = 0;
    for (std::uint32_t g = 0; g < m.local_group_count(); ++g) tree += m.is_tree_group(g) ? 1 : 0;
    if (f.name == "ring") {
      CHECK(tree == 0);  // three sites on three ring routers each
      CHECK(m.local_spanning().nonZeros() > 0);
      CHECK(m.local_entry_count() == 0);
    } else {
      CHECK(tree == m.local_group_count());
      CHECK(m.local_spanning().nonZeros() == 0);
    }
    if (f.name == "transit-stub") {
      // Groups by access router: one entry on each customer site that holds a site.
      std::vector<Vertex> nodes(f.sites.node.begin(), f.sites.node.end());
      std::sort(nodes.begin(), nodes.end());
      nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
      CHECK(m.local_entry_count() == nodes.size());
      for (std::uint32_t s = 0; s < f.sites.site_count(); ++s) CHECK(m.site_entries(s).size() == 1);
      // With site 0's access router down, its group's members are cut apart: explicit columns.
      const RoutingMatrix cut(f.topology, f.sites, {gateway(f.topology, f.sites.node[0])});
      CHECK(!cut.is_tree_group(cut.local_group(0)));
      CHECK(cut.local_unreachable_share(0) > 0);
    }
    if (f.name == "line") {
      // Peeling internet - r1 - r2 - r3 - r4 from both ends leaves r2 as the root. Group 0 has
      // sites on r1, r2 and r4, whose common ancestor is r2: entries on r1 (site 0), r4 and r3
      // (site 4). Group 1 has sites on r3 and r4: one entry on r4 (site 3), below r3.
      CHECK(m.routing().roots() == std::vector<Vertex>{2});
      CHECK(m.site_entries(0).size() == 1);
      CHECK(m.site_entries(1).size() == 0);
      CHECK(m.site_entries(2).size() == 0);
      CHECK(m.site_entries(3).size() == 1);
      CHECK(m.site_entries(4).size() == 2);
    }
  }
}
