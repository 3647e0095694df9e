// Unit tests of net/generators: the same parameters and seed give the same graph and other seeds
// another; node counts are the parameters' products; the Barabási–Albert graph has a heavy tail;
// settings given as text are checked like scenario keys.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "net/generators.hpp"
#include "net/graphml.hpp"
#include "net/input_error.hpp"
#include "net/summary.hpp"

using namespace wormsim::net;

namespace {

/// Everything about a graph: its GraphML text (nodes, kinds, links, capacities, latencies).
std::string fingerprint(const Topology& t) {
  std::ostringstream out;
  write_graphml(t, out);
  return out.str();
}

std::size_t count_kind(const Topology& t, NodeKind kind) {
  return count_by_kind(t)[static_cast<std::size_t>(kind)];
}

}  // namespace

TEST_CASE("net::generate: every generator is deterministic per seed and differs across seeds",
          "[net]") {
  for (const char* name : {"transit-stub", "as-powerlaw", "campus"}) {
    CAPTURE(name);
    const std::string a = fingerprint(generate(name, 42, {}));
    const std::string b = fingerprint(generate(name, 42, {}));
    const std::string c = fingerprint(generate(name, 43, {}));
    CHECK(a == b);
    CHECK(a != c);
  }
}

TEST_CASE("net::generate_transit_stub: node counts are the products of the parameters", "[net]") {
  TransitStubParams p;
  p.transit_domains = 3;
  p.cores_per_domain = 5;
  p.regionals_per_core = 2;
  p.access_per_regional = 3;
  p.sites_per_access = 7;
  const Topology t = generate_transit_stub(p, 1);
  const std::size_t cores = 3 * 5, regionals = cores * 2, access = regionals * 3,
                    sites = access * 7;
  CHECK(count_kind(t, NodeKind::core) == cores);
  CHECK(count_kind(t, NodeKind::regional) == regionals);
  CHECK(count_kind(t, NodeKind::access) == access);
  CHECK(count_kind(t, NodeKind::site) == sites);
  CHECK(t.node_count() == cores + regionals + access + sites);
  CHECK(component_count(t) == 1);
  // Trees below the regional routers: one uplink per access router and site; rings and chords
  // among cores, three inter-domain links, and one or two uplinks per regional router.
  const std::size_t tree_links = access + sites;
  CHECK(t.link_count() >= tree_links + 3 * 5 + 3 + regionals);
  CHECK(t.link_count() <= tree_links + 3 * (5 * 4 / 2) + 3 + 2 * regionals);
}

TEST_CASE("net::generate_transit_stub: sites do not move the draws of the tiers above", "[net]") {
  // Invariant: one stream per structural piece, so the core, the inter-domain links and the
  // multihoming choices are the same whatever the number of sites.
  TransitStubParams small, large;
  small.sites_per_access = 1;
  large.sites_per_access = 9;
  const Topology a = generate_transit_stub(small, 5), b = generate_transit_stub(large, 5);
  const auto uplinks = [](const Topology& t) {
    std::vector<std::pair<std::string, std::string>> out;
    const Graph& g = t.graph();
    for (auto [it, end] = boost::edges(g); it != end; ++it) {
      const Node& u = g[boost::source(*it, g)];
      const Node& v = g[boost::target(*it, g)];
      if (u.kind != NodeKind::site && v.kind != NodeKind::site) out.emplace_back(u.id, v.id);
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  CHECK(uplinks(a) == uplinks(b));
}

TEST_CASE("net::generate_as_powerlaw: the degree distribution has a heavy tail", "[net]") {
  // Seed 1, n = 10,000, m = 2: the mean degree is 2m(n - 1.5)/n, about 4. Preferential
  // attachment makes the oldest nodes' degrees grow like m*sqrt(n) (about 200 here), whereas a
  // random graph with the same mean (Erdős–Rényi, Poisson degrees) would have a largest degree
  // near 13, and P(degree >= 60) about 1e-40 per node. Requiring max > 15 * mean separates the
  // two by a wide margin on both sides: it is a sanity check, not a fit of the exponent.
  PowerLawParams p;
  p.nodes = 10'000;
  p.m = 2;
  const Topology t = generate_as_powerlaw(p, 1);
  const auto d = degree_stats(t);
  CAPTURE(d.min, d.mean, d.max);
  CHECK(t.link_count() == 3 + (10'000 - 3) * 2);
  CHECK(d.min == 2);
  CHECK(d.mean == Approx(4.0).epsilon(0.01));
  CHECK(static_cast<double>(d.max) > 15.0 * d.mean);
  // The tail holds many nodes, not one outlier. BA's degrees have P(K >= k) = m(m+1)/(k(k+1)),
  // 1.4% for k = 20 (five times the mean): about 140 nodes of 10,000, where Poisson degrees of
  // mean 4 would give none (P about 1e-8). The threshold, 50, is a third of the expectation.
  std::size_t hubs = 0;
  for (Vertex v = 0; v < t.node_count(); ++v) hubs += boost::out_degree(v, t.graph()) >= 20;
  CAPTURE(hubs);
  CHECK(hubs >= 50);
  CHECK(component_count(t) == 1);
}

TEST_CASE("net::generate_campus: counts, the firewall and the flat option", "[net]") {
  CampusParams p;
  p.distribution_routers = 3;
  p.segments = 10;
  const Topology t = generate_campus(p, 9);
  CHECK(t.node_count() == 1 + 1 + 3 + 10);
  CHECK(count_kind(t, NodeKind::distribution) == 3);
  CHECK(count_kind(t, NodeKind::site) == 10);
  REQUIRE(t.internet().has_value());
  const Vertex border = *t.find("border");
  CHECK(t.node(border).device_model == "border-router+firewall");
  CHECK(t.link(*t.link_between(border, *t.internet())).capacity_bps == 45'000'000);
  for (const char* d : {"dist0", "dist1", "dist2"})
    CHECK(boost::out_degree(*t.find(d), t.graph()) >= 2);  // every router has a segment
  p.flat = true;
  const Topology flat = generate_campus(p, 9);
  CHECK(flat.node_count() == 3);
  CHECK(count_kind(flat, NodeKind::site) == 1);
  CHECK(count_kind(flat, NodeKind::distribution) == 0);
}

TEST_CASE("net::generate: settings as text, node targets, and bad settings", "[net]") {
  const Topology ba = generate("as-powerlaw", 1, {{"m", "3"}}, 500);
  CHECK(ba.node_count() == 500);
  const Topology campus = generate("campus", 1, {{"distribution_routers", "2"}}, 40);
  CHECK(campus.node_count() == 40);
  // transit-stub: the default tiers give 8 * (1 + 3 * (1 + 2)) = 80 nodes plus 48 per site per
  // access router, so 500 nodes need 9 sites each: 80 + 432 = 512.
  const Topology ts = generate("transit-stub", 1, {}, 500);
  CHECK(ts.node_count() == 512);
  const Topology custom =
      generate("transit-stub", 1, {{"site_capacity", "2.048Mbps"}, {"site_latency", "2ms"}});
  bool found = false;
  for (const auto& [key, value] : custom.info.parameters)
    if (key == "site_capacity") found = value == "2.048Mbps";
  CHECK(found);

  const auto message = [](auto&& call) -> std::string {
    try {
      call();
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  };
  CHECK_THAT(message([] { generate("transit-stubb", 1, {}); }),
             Catch::Contains("did you mean 'transit-stub'?"));
  CHECK_THAT(message([] {
               generate("campus", 1, {{"segmens", "4"}});
             }),
             Catch::Contains("did you mean 'segments'?"));
  CHECK_THAT(message([] {
               generate("campus", 1, {{"uplink_capacity", "45"}});
             }),
             Catch::Contains("expected a positive bandwidth with one of the units"));
  CHECK_THAT(message([] {
               generate("as-powerlaw", 1, {{"m", "5"}, {"nodes", "5"}});
             }),
             Catch::Contains("must be more than m"));
  CHECK_THAT(message([] {
               generate("as-powerlaw", 1, {{"m", "0"}});
             }),
             Catch::Contains("expected a whole number from 1 to 1000"));
  CHECK_THAT(message([] {
               generate("campus", 1, {{"flat", "yes"}});
             }),
             Catch::Contains("expected true or false"));
  CHECK_THAT(message([] {
               generate("campus", 1, {{"flat", "true"}}, 10);
             }),
             Catch::Contains("flat campus"));
  CHECK_THAT(message([] { generate("transit-stub", 1, {}, 10); }),
             Catch::Contains("cannot make 10 nodes"));
}

TEST_CASE("net::generators: every parameter has a documented default and unit", "[net]") {
  for (const auto& g : generators()) {
    CAPTURE(g.name);
    CHECK_FALSE(g.summary.empty());
    CHECK_FALSE(g.source.empty());
    for (const auto& p : g.params) {
      CAPTURE(p.key);
      CHECK_FALSE(p.default_value.empty());
      CHECK_FALSE(p.doc.empty());
      // The default, given back as text, is accepted and changes nothing.
      CHECK_NOTHROW(generate(g.name, 1, {{p.key, p.default_value}}));
    }
  }
}
