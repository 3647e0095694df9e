// Unit tests of net/routing and net/site_attachment: routes are the documented shortest paths
// (checked against Floyd–Warshall with the tie rule on every pair of nodes), the pendant trees
// and 2-core are what the graphs make them, a crashed router blocks exactly the routes through it,
// and sites are attached as documented.
#include <catch2/catch.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "net/routing.hpp"
#include "net/site_attachment.hpp"
#include "routing_support.hpp"

using namespace wormsim::net;
using wormsim::test::BruteRoutes;
using wormsim::test::site_fixtures;

namespace {

/// Whether the route passes through node x (as an end or in between).
bool passes_through(const Routing& r, const std::vector<DirectedLink>& route, Vertex x) {
  return std::any_of(route.begin(), route.end(),
                     [&](DirectedLink dl) { return r.from(dl) == x || r.to(dl) == x; });
}

}  // namespace

TEST_CASE(
    "net::Routing: every route is the shortest by latency, then hops, ties to the smallest "
    "vertex index",
    "[net]") {
  // Invariant: for every ordered pair of nodes, Routing's route equals the route rebuilt from
  // Floyd–Warshall distances by the documented predecessor rule, and for_each_on_route visits
  // exactly its links.
  for (const auto& f : site_fixtures()) {
    CAPTURE(f.name);
    const Routing r(f.topology);
    const BruteRoutes brute(f.topology);
    std::size_t pairs = 0, mismatches = 0;
    for (Vertex a = 0; a < f.topology.node_count(); ++a)
      for (Vertex b = 0; b < f.topology.node_count(); ++b) {
        const auto got = r.route(a, b);
        const auto want = brute.route(a, b);
        std::vector<DirectedLink> visited;
        const bool ok = r.for_each_on_route(a, b, [&](DirectedLink dl) { visited.push_back(dl); });
        auto sorted = got;
        std::sort(sorted.begin(), sorted.end());
        std::sort(visited.begin(), visited.end());
        ++pairs;
        if (got != want || sorted != visited || ok != brute.reachable(a, b)) {
          ++mismatches;
          CAPTURE(a, b, got, want);
          CHECK(got == want);
        }
      }
    CAPTURE(pairs);
    CHECK(mismatches == 0);
  }
}

TEST_CASE("net::Routing: a ring's equal routes go by the smaller neighbour", "[net]") {
  // c0 .. c5 in a ring of equal links: from c0, c3 is three hops either way; the rule takes the
  // last hop from c2 (index 2 < 4).
  const auto fixtures = site_fixtures();
  const auto& ring = *std::find_if(fixtures.begin(), fixtures.end(),
                                   [](const auto& f) { return f.name == "ring"; });
  const Routing r(ring.topology);
  const auto route = r.route(0, 3);
  REQUIRE(route.size() == 3);
  CHECK(r.from(route[2]) == 2);
  const auto back = r.route(3, 0);
  REQUIRE(back.size() == 3);
  CHECK(r.from(back[2]) == 1);  // into c0 from c1 (index 1 < 5)
  // The customer sites hang off the ring: pendant, depth 1; the ring is the 2-core.
  CHECK(r.roots().size() == 6);
  for (Vertex s = 6; s < 12; ++s) {
    CHECK(r.is_pendant(s));
    CHECK(r.depth(s) == 1);
    CHECK(r.parent(s) == s - 6);
    CHECK(r.pendant_end(Routing::link_of(r.up_link(s))) == s);
  }
}

TEST_CASE("net::Routing: pendant trees and roots of a transit-stub graph, a line and a star",
          "[net]") {
  for (const auto& f : site_fixtures()) {
    CAPTURE(f.name);
    const Routing r(f.topology);
    const auto& g = f.topology.graph();
    CHECK(r.component_count() == 1);
    // Every peeled node has its parent peeled later or a root; depth is one more than its parent's.
    std::vector<std::size_t> position(f.topology.node_count(), r.peel_order().size());
    for (std::size_t i = 0; i < r.peel_order().size(); ++i) position[r.peel_order()[i]] = i;
    for (const Vertex u : r.peel_order()) {
      CHECK(position[r.parent(u)] > position[u]);
      CHECK(r.depth(u) == r.depth(r.parent(u)) + 1);
      CHECK(r.root_index(u) == r.root_index(r.parent(u)));
    }
    CHECK(r.roots().size() + r.peel_order().size() == f.topology.node_count());
    if (f.name == "transit-stub") {
      // Customer sites and access routers are never in the 2-core; the transit cores always are.
      for (Vertex v = 0; v < f.topology.node_count(); ++v) {
        if (g[v].kind == NodeKind::site || g[v].kind == NodeKind::access) CHECK(r.is_pendant(v));
        if (g[v].kind == NodeKind::core) CHECK(!r.is_pendant(v));
        if (g[v].kind == NodeKind::site) CHECK(r.depth(v) >= 1);
      }
      CHECK(r.roots().size() < 20);
    }
    if (f.name == "line" || f.name == "star" || f.name == "campus") CHECK(r.roots().size() == 1);
  }
}

TEST_CASE("net::Routing: a crashed router blocks every route through it and changes no other",
          "[net]") {
  // Invariant: with node x down, a route that avoided x is the same link for link; a route that
  // went through x now avoids it or is gone (no other path); x's own traffic is cut off both
  // ways; and the new routes are again the brute-force shortest routes without x.
  const auto fixtures = site_fixtures();
  std::size_t core_rerouted = 0;
  for (const auto& f : fixtures) {
    const auto& g = f.topology.graph();
    // Every transit core router, then the first access router, regional router, border router
    // and distribution router.
    std::vector<Vertex> victims;
    for (Vertex v = 0; v < f.topology.node_count(); ++v)
      if (g[v].kind == NodeKind::core) victims.push_back(v);
    for (const NodeKind kind :
         {NodeKind::access, NodeKind::regional, NodeKind::border, NodeKind::distribution}) {
      for (Vertex v = 0; v < f.topology.node_count(); ++v)
        if (g[v].kind == kind) {
          victims.push_back(v);
          break;
        }
    }
    if (f.name == "ring") victims = {2};
    if (f.name == "line") victims = {2};
    if (f.name == "star") victims = {0};
    for (const Vertex x : victims) {
      CAPTURE(f.name, x, g[x].id);
      const Routing before(f.topology);
      const Routing after(f.topology, {x});
      const BruteRoutes brute(f.topology, {x});
      std::size_t unchanged = 0, rerouted = 0, cut = 0, bad = 0;
      for (Vertex a = 0; a < f.topology.node_count(); ++a)
        for (Vertex b = 0; b < f.topology.node_count(); ++b) {
          if (a == b) continue;
          const auto old_route = before.route(a, b);
          const auto new_route = after.route(a, b);
          if (a == x || b == x) {
            bad += after.is_reachable(a, b) || !new_route.empty() ? 1 : 0;
            continue;
          }
          if (new_route != brute.route(a, b) || passes_through(after, new_route, x)) ++bad;
          if (!passes_through(before, old_route, x)) {
            bad += new_route == old_route ? 0 : 1;
            ++unchanged;
          } else if (after.is_reachable(a, b)) {
            ++rerouted;
          } else {
            ++cut;
          }
        }
      CAPTURE(unchanged, rerouted, cut);
      CHECK(bad == 0);
      if (f.name != "star") CHECK(unchanged > 0);  // every route of the star crosses its hub
      CHECK(after.is_down(x));
      // The single-homed regional ISPs hanging off a transit core are cut off with it.
      if (f.name == "transit-stub" && g[x].kind == NodeKind::core) {
        CHECK(cut > 0);
        core_rerouted += rerouted;
      }
      if (f.name == "ring") CHECK(rerouted > 0);
      if (g[x].kind == NodeKind::access || f.name == "line" || f.name == "star") CHECK(cut > 0);
    }
  }
  // Transit cores sit on a ring with chords: some routes through some core find another way.
  CHECK(core_rerouted > 0);
}

TEST_CASE("net::attach_sites: round robin, seeded draws, gateways and groups", "[net]") {
  const Topology t = generate_transit_stub(TransitStubParams{}, 7);
  const auto candidates = attachment_candidates(t);
  CHECK(candidates.size() == 192);  // the customer sites
  for (const Vertex v : candidates) CHECK(t.node(v).kind == NodeKind::site);

  const auto rr = attach_sites(t, 400, 0.001);
  REQUIRE(rr.site_count() == 400);
  CHECK(rr.node[0] == candidates[0]);
  CHECK(rr.node[193] == candidates[1]);
  CHECK(!rr.internet.has_value());

  const auto a = attach_sites(t, 50, 0.001, Placement::seeded, 5);
  const auto b = attach_sites(t, 60, 0.001, Placement::seeded, 5);
  const auto c = attach_sites(t, 50, 0.001, Placement::seeded, 6);
  CHECK(std::equal(a.node.begin(), a.node.end(), b.node.begin()));  // more sites move no other
  CHECK(a.node != c.node);

  // A customer site's gateway is its access router; the sites of one access router form a group.
  for (std::size_t i = 0; i < rr.site_count(); ++i) {
    const Vertex gw = gateway(t, rr.node[i]);
    CHECK(t.node(gw).kind == NodeKind::access);
    for (std::size_t j = 0; j < i; j += 37)
      CHECK((rr.local_group[i] == rr.local_group[j]) == (gateway(t, rr.node[j]) == gw));
  }
  CHECK(rr.local_group[0] == 0);

  SiteAttachment bad = rr;
  bad.address_share[3] = -0.1;
  CHECK_THROWS_AS(validate(t, bad), std::invalid_argument);
  bad = rr;
  bad.node[2] = 100000;
  CHECK_THROWS_AS(validate(t, bad), std::invalid_argument);
  bad = rr;
  bad.internet = 0;
  CHECK_NOTHROW(validate(t, bad));  // 400 × 0.001 of the space, the rest behind node 0
  bad.address_share.assign(400, 0.01);
  CHECK_THROWS_AS(validate(t, bad), std::invalid_argument);  // 400 × 0.01: more than the space
  bad = rr;
  bad.address_share.assign(400, 0.0);
  CHECK_THROWS_AS(validate(t, bad), std::invalid_argument);  // nowhere for spread traffic to go
  CHECK_NOTHROW(validate(t, rr));
}
