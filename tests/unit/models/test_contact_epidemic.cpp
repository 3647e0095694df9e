// The contact-graph SIR model (models/contact): the CSR graph and where its arcs come from, the
// Barabási–Albert graph being net::generate_as_powerlaw's, input checks, determinism, and the
// event-driven run being exactly the first-passage process its documented random streams define
// (held against a brute-force relaxation over the same draws).
#include <oneapi/tbb/parallel_for.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "models/contact/contact_epidemic.hpp"
#include "net/generators.hpp"
#include "net/topology.hpp"
#include "sim/random.hpp"
#include "sim/variates.hpp"

using wormsim::models::ContactEpidemic;
using wormsim::models::ContactGraph;
using wormsim::models::ContactRunResult;
using wormsim::models::ContactSettings;
using wormsim::models::ContactWorkspace;
namespace net = wormsim::net;
namespace sim = wormsim::sim;

namespace {

std::vector<std::uint32_t> as_vector(std::span<const std::uint32_t> s) {
  return {s.begin(), s.end()};
}

void check_same(const ContactRunResult& a, const ContactRunResult& b) {
  CHECK(a.replication == b.replication);
  CHECK(a.initial_infected == b.initial_infected);
  CHECK(a.final_size == b.final_size);
  CHECK(a.infected_at_end == b.infected_at_end);
  CHECK(a.peak_infected == b.peak_infected);
  CHECK(a.peak_time == b.peak_time);
  CHECK(a.end_time == b.end_time);
  CHECK(a.scheduled_infections == b.scheduled_infections);
  REQUIRE(a.samples.size() == b.samples.size());
  for (std::size_t i = 0; i < a.samples.size(); ++i) {
    CHECK(a.samples[i].time == b.samples[i].time);
    CHECK(a.samples[i].susceptible == b.samples[i].susceptible);
    CHECK(a.samples[i].infected == b.samples[i].infected);
    CHECK(a.samples[i].recovered == b.samples[i].recovered);
  }
}

/// The process by brute force from the documented draws: node v's stream (seed, replication, v,
/// contact) gives its recovery delay (word 0) and its k-th arc's delay (word 1 + k) by the
/// exponential transform; infection times are the least, over paths from the initial nodes, of
/// the sums of arc delays, using only arcs whose delay is below their source's recovery delay.
/// Relaxed until nothing changes (Bellman–Ford), with no event queue at all.
struct Reference {
  std::vector<double> infection;  // infinity: never infected
  std::vector<double> recovery;   // infinity: never recovers (or never infected)
};

Reference reference_run(const ContactGraph& g, const ContactSettings& s, std::uint64_t rep) {
  const double inf = std::numeric_limits<double>::infinity();
  const std::uint32_t n = g.node_count();
  std::vector<double> recovery_delay(n);
  std::vector<std::vector<double>> arc_delay(n);
  for (std::uint32_t v = 0; v < n; ++v) {
    sim::RandomStream stream(s.seed, rep, v, sim::Purpose::contact);
    const double gamma =
        s.rates.recovery_per_node.empty() ? s.rates.recovery : s.rates.recovery_per_node[v];
    const double u = sim::variates::uniform01_open_low(stream);
    recovery_delay[v] = gamma > 0 ? -std::log(u) / gamma : inf;
    for (std::uint32_t a = g.offsets()[v]; a < g.offsets()[v + 1]; ++a) {
      const double tau = s.rates.transmission_per_arc.empty() ? s.rates.transmission
                                                              : s.rates.transmission_per_arc[a];
      const double w = sim::variates::uniform01_open_low(stream);
      arc_delay[v].push_back(tau > 0 ? -std::log(w) / tau : inf);
    }
  }
  Reference ref{std::vector<double>(n, inf), std::vector<double>(n, inf)};
  for (auto v : s.initial_nodes) ref.infection[v] = 0.0;
  for (bool changed = true; changed;) {
    changed = false;
    for (std::uint32_t v = 0; v < n; ++v) {
      if (ref.infection[v] == inf) continue;
      const auto nb = g.neighbours(v);
      for (std::size_t k = 0; k < nb.size(); ++k) {
        if (!(arc_delay[v][k] < recovery_delay[v])) continue;
        const double t = ref.infection[v] + arc_delay[v][k];
        if (t < ref.infection[nb[k]]) {
          ref.infection[nb[k]] = t;
          changed = true;
        }
      }
    }
  }
  for (std::uint32_t v = 0; v < n; ++v)
    if (ref.infection[v] < inf) ref.recovery[v] = ref.infection[v] + recovery_delay[v];
  return ref;
}

/// I(t) after every event at or before t, by counting.
std::uint32_t infected_at(const Reference& ref, double t) {
  std::uint32_t i = 0;
  for (std::size_t v = 0; v < ref.infection.size(); ++v)
    if (ref.infection[v] <= t && !(ref.recovery[v] <= t)) ++i;
  return i;
}

}  // namespace

TEST_CASE("models::ContactGraph: edges become arcs both ways, in edge order per node", "[models]") {
  // Node 0 is named by edges 0, 2 and 3, so its neighbours come in that order.
  const std::vector<std::pair<std::uint32_t, std::uint32_t>> edges{{0, 1}, {2, 1}, {3, 0}, {0, 2}};
  const auto g = ContactGraph::from_edges(5, edges);
  CHECK(g.node_count() == 5);
  CHECK(g.edge_count() == 4);
  CHECK(g.arc_count() == 8);
  CHECK(as_vector(g.neighbours(0)) == std::vector<std::uint32_t>{1, 3, 2});
  CHECK(as_vector(g.neighbours(1)) == std::vector<std::uint32_t>{0, 2});
  CHECK(as_vector(g.neighbours(2)) == std::vector<std::uint32_t>{1, 0});
  CHECK(as_vector(g.neighbours(3)) == std::vector<std::uint32_t>{0});
  CHECK(g.degree(4) == 0);
  CHECK(g.offsets() == std::vector<std::uint32_t>{0, 3, 5, 7, 8, 8});
}

TEST_CASE("models::ContactGraph: self-loops and nodes out of range are refused", "[models]") {
  const std::vector<std::pair<std::uint32_t, std::uint32_t>> loop{{0, 1}, {2, 2}};
  CHECK_THROWS_AS(ContactGraph::from_edges(3, loop), std::invalid_argument);
  const std::vector<std::pair<std::uint32_t, std::uint32_t>> out{{0, 3}};
  CHECK_THROWS_AS(ContactGraph::from_edges(3, out), std::invalid_argument);
}

TEST_CASE("models::barabasi_albert_graph: the graph of net::generate_as_powerlaw, arc for arc",
          "[models]") {
  for (const auto& [nodes, m, seed] : {std::tuple{500u, 3u, 1u}, std::tuple{200u, 1u, 7u},
                                       std::tuple{300u, 5u, 2u}, std::tuple{4u, 3u, 9u}}) {
    CAPTURE(nodes, m, seed);
    net::PowerLawParams p;
    p.nodes = nodes;
    p.m = m;
    const auto from_topology = ContactGraph::from_topology(net::generate_as_powerlaw(p, seed));
    const auto direct = wormsim::models::barabasi_albert_graph(nodes, m, seed);
    CHECK(direct == from_topology);
    CHECK(direct.edge_count() == m * (m + 1) / 2 + (nodes - m - 1) * m);
  }
  // Another seed is another graph (the check above is not vacuous).
  CHECK_FALSE(wormsim::models::barabasi_albert_graph(500, 3, 1) ==
              wormsim::models::barabasi_albert_graph(500, 3, 2));
}

TEST_CASE("models::ContactGraph: a generated transit-stub topology, links both ways", "[models]") {
  const net::Topology t = net::generate("transit-stub", 3, {});
  const auto g = ContactGraph::from_topology(t);
  REQUIRE(g.node_count() == t.node_count());
  CHECK(g.edge_count() == t.link_count());
  for (std::uint32_t v = 0; v < g.node_count(); ++v)
    for (auto w : g.neighbours(v)) {
      const auto back = g.neighbours(w);
      CHECK(std::find(back.begin(), back.end(), v) != back.end());
      CHECK(t.link_between(v, w).has_value());
    }
}

TEST_CASE("models::ContactEpidemic: bad rates, sizes and initial nodes are refused", "[models]") {
  const auto g = wormsim::models::barabasi_albert_graph(50, 2, 1);
  const auto refused = [&g](auto change) {
    ContactSettings s;
    change(s);
    return [&g, s] { ContactEpidemic e(g, s); };
  };
  CHECK_THROWS_AS(refused([](ContactSettings& s) { s.rates.transmission = -0.1; })(),
                  std::invalid_argument);
  CHECK_THROWS_AS(refused([](ContactSettings& s) { s.rates.recovery = std::nan(""); })(),
                  std::invalid_argument);
  CHECK_THROWS_AS(refused([](ContactSettings& s) {
                    s.rates.recovery = std::numeric_limits<double>::infinity();
                  })(),
                  std::invalid_argument);
  CHECK_THROWS_AS(
      refused([](ContactSettings& s) { s.rates.transmission_per_arc.assign(3, 1.0); })(),
      std::invalid_argument);
  CHECK_THROWS_AS(refused([&g](ContactSettings& s) {
                    s.rates.transmission_per_arc.assign(g.arc_count(), 1.0);
                    s.rates.transmission_per_arc[7] = -1;
                  })(),
                  std::invalid_argument);
  CHECK_THROWS_AS(refused([](ContactSettings& s) { s.rates.recovery_per_node.assign(49, 1.0); })(),
                  std::invalid_argument);
  CHECK_THROWS_AS(refused([](ContactSettings& s) { s.initial_infected = 51; })(),
                  std::invalid_argument);
  CHECK_THROWS_AS(refused([](ContactSettings& s) {
                    s.initial_nodes = {3, 50};
                  })(),
                  std::invalid_argument);
  CHECK_THROWS_AS(refused([](ContactSettings& s) {
                    s.initial_nodes = {3, 4, 3};
                  })(),
                  std::invalid_argument);
  CHECK_THROWS_AS(refused([](ContactSettings& s) { s.sample_every = -1; })(),
                  std::invalid_argument);
  CHECK_NOTHROW(refused([](ContactSettings& s) { s.initial_infected = 50; })());

  // A sample step far too short for the epidemic is refused when the run knows its length,
  // before the curve takes the memory.
  ContactSettings s;
  s.initial_infected = 5;
  s.sample_every = 1e-9;
  CHECK_THROWS_AS(ContactEpidemic(g, s).run(0), std::invalid_argument);
  s.sample_every = 1e-3;
  CHECK(ContactEpidemic(g, s).run(0).samples.size() > 100);
}

TEST_CASE("models::ContactEpidemic: each run is exactly the first-passage process of its streams",
          "[models]") {
  // Infection times are least sums of arc delays over usable arcs, a function of the documented
  // per-node draws alone; the event-driven run must find every one of them, and the counts,
  // peak and samples must follow from them. Uniform and per-arc/per-node rates, several seeds.
  const auto g = wormsim::models::barabasi_albert_graph(120, 2, 4);
  for (int variant = 0; variant < 2; ++variant)
    for (std::uint64_t rep = 0; rep < 6; ++rep) {
      CAPTURE(variant, rep);
      ContactSettings s;
      s.seed = 11;
      s.rates.transmission = 0.7;
      s.rates.recovery = 1.0;
      if (variant == 1) {
        s.rates.transmission_per_arc = wormsim::models::rates_per_arc(
            g, [](std::uint32_t u, std::uint32_t v) { return 0.3 + 0.25 * ((u + 2 * v) % 4); });
        s.rates.recovery_per_node = wormsim::models::rates_per_node(
            g, [](std::uint32_t v) { return v % 10 == 0 ? 0.0 : 0.5 + 0.1 * (v % 7); });
      }
      s.initial_nodes = {static_cast<std::uint32_t>(rep * 17 % 120), 119};
      s.sample_every = 0.25;
      const auto r = ContactEpidemic(g, s).run(rep);
      const auto ref = reference_run(g, s, rep);

      std::vector<double> times;
      std::uint32_t ever = 0, never_recover = 0;
      for (std::uint32_t v = 0; v < g.node_count(); ++v) {
        if (std::isinf(ref.infection[v])) continue;
        ++ever;
        times.push_back(ref.infection[v]);
        if (std::isinf(ref.recovery[v]))
          ++never_recover;
        else
          times.push_back(ref.recovery[v]);
      }
      CHECK(r.final_size == ever);
      CHECK(r.infected_at_end == never_recover);
      CHECK(r.initial_infected == 2);
      std::sort(times.begin(), times.end());
      CHECK(r.end_time == times.back());
      std::uint32_t peak = 0;
      double peak_time = 0;
      for (double t : times)
        if (const auto i = infected_at(ref, t); i > peak) {
          peak = i;
          peak_time = t;
        }
      CHECK(r.peak_infected == peak);
      CHECK(r.peak_time == peak_time);
      REQUIRE_FALSE(r.samples.empty());
      CHECK(r.samples.back().time >= r.end_time);
      CHECK(r.samples.size() == static_cast<std::size_t>(std::ceil(r.end_time / 0.25)) + 1);
      for (std::size_t k = 0; k < r.samples.size(); ++k) {
        const auto& smp = r.samples[k];
        CHECK(smp.time == static_cast<double>(k) * 0.25);
        std::uint32_t infected_by = 0, recovered_by = 0;
        for (std::uint32_t v = 0; v < g.node_count(); ++v) {
          infected_by += ref.infection[v] <= smp.time;
          recovered_by += ref.recovery[v] <= smp.time;
        }
        CHECK(smp.susceptible == g.node_count() - infected_by);
        CHECK(smp.infected == infected_by - recovered_by);
        CHECK(smp.recovered == recovered_by);
      }
      if (variant == 0) CHECK(ever > 2);  // the outbreak spreads: the checks are not vacuous
    }
}

TEST_CASE("models::ContactEpidemic: the same seed gives the same run, other seeds other runs",
          "[models]") {
  const auto g = wormsim::models::barabasi_albert_graph(2000, 3, 1);
  ContactSettings s;
  s.initial_infected = 5;
  s.sample_every = 0.5;
  const ContactEpidemic e(g, s);
  ContactWorkspace shared;
  const auto first = e.run(3, shared);
  e.run(4, shared);  // a workspace that ran something else in between changes nothing
  check_same(first, e.run(3, shared));
  check_same(first, e.run(3));
  CHECK(first.final_size > 100);
  const auto other = e.run(4);
  CHECK((other.final_size != first.final_size || other.peak_time != first.peak_time));
  s.seed = 2;
  const auto reseeded = ContactEpidemic(g, s).run(3);
  CHECK((reseeded.final_size != first.final_size || reseeded.peak_time != first.peak_time));
}

TEST_CASE("models::ContactEpidemic: replications run on threads give the results of one thread",
          "[models]") {
  const auto g = wormsim::models::barabasi_albert_graph(3000, 3, 5);
  ContactSettings s;
  s.initial_infected = 3;
  s.sample_every = 0.2;
  const ContactEpidemic e(g, s);
  constexpr std::uint32_t kReps = 16;
  std::vector<ContactRunResult> sequential(kReps), parallel(kReps);
  ContactWorkspace w;
  for (std::uint32_t r = 0; r < kReps; ++r) sequential[r] = e.run(r, w);
  tbb::parallel_for(std::uint32_t{0}, kReps, [&](std::uint32_t r) { parallel[r] = e.run(r); });
  for (std::uint32_t r = 0; r < kReps; ++r) {
    CAPTURE(r);
    check_same(sequential[r], parallel[r]);
  }
}

TEST_CASE("models::ContactEpidemic: per-arc rates all equal to tau give the uniform run",
          "[models]") {
  // The threshold that skips most arcs' logarithms is only conservative: every decision is D < R
  // whichever path a rate comes from.
  const auto g = wormsim::models::barabasi_albert_graph(3000, 3, 2);
  ContactSettings uniform;
  uniform.rates.transmission = 0.8;
  uniform.rates.recovery = 1.3;
  uniform.initial_infected = 4;
  uniform.sample_every = 0.1;
  ContactSettings arrays = uniform;
  arrays.rates.transmission_per_arc.assign(g.arc_count(), 0.8);
  arrays.rates.recovery_per_node.assign(g.node_count(), 1.3);
  for (std::uint64_t rep = 0; rep < 4; ++rep) {
    CAPTURE(rep);
    check_same(ContactEpidemic(g, uniform).run(rep), ContactEpidemic(g, arrays).run(rep));
  }
}

TEST_CASE("models::ContactEpidemic: limiting rates (no transmission, no recovery, closed arcs)",
          "[models]") {
  const auto g = wormsim::models::barabasi_albert_graph(400, 2, 3);
  ContactSettings s;
  s.initial_infected = 7;
  s.sample_every = 1.0;
  s.rates.transmission = 0;
  auto r = ContactEpidemic(g, s).run(0);
  CHECK(r.final_size == 7);
  CHECK(r.peak_infected == 7);
  CHECK(r.peak_time == 0);
  CHECK(r.scheduled_infections == 7);
  CHECK(r.samples.back().recovered == 7);

  // Nobody is ever patched: the worm reaches the whole (connected) graph and stays.
  s.rates.transmission = 0.5;
  s.rates.recovery = 0;
  r = ContactEpidemic(g, s).run(0);
  CHECK(r.final_size == 400);
  CHECK(r.infected_at_end == 400);
  CHECK(r.peak_infected == 400);
  CHECK(r.peak_time == r.end_time);
  CHECK(r.samples.back().infected == 400);

  // Every arc into node 5 closed (say, its kind is patched in advance): it is never infected,
  // while the rest still is.
  s.rates.transmission_per_arc = wormsim::models::rates_per_arc(
      g, [](std::uint32_t, std::uint32_t v) { return v == 5 ? 0.0 : 0.5; });
  for (std::uint64_t rep = 0; rep < 20; ++rep) {
    s.initial_nodes = {static_cast<std::uint32_t>(6 + rep)};
    r = ContactEpidemic(g, s).run(rep);
    CHECK(r.final_size == 399);
  }
}

TEST_CASE("models::ContactEpidemic: recovery rates by node kind on an imported-style topology",
          "[models]") {
  // A campus: LAN segments (kind site) patched four times faster than routers. Per-node rates
  // come from the topology's node kinds; the run uses them (it differs from the uniform one).
  const net::Topology t = net::generate("campus", 1, {});
  const auto g = ContactGraph::from_topology(t);
  ContactSettings s;
  s.rates.transmission = 1.5;
  s.rates.recovery_per_node = wormsim::models::rates_per_node(
      g, [&t](std::uint32_t v) { return t.node(v).kind == net::NodeKind::site ? 4.0 : 1.0; });
  s.initial_nodes = {1};  // the border router
  ContactSettings uniform = s;
  uniform.rates.recovery_per_node.clear();
  std::uint64_t differ = 0, spread = 0;
  for (std::uint64_t rep = 0; rep < 50; ++rep) {
    CAPTURE(rep);
    const auto a = ContactEpidemic(g, s).run(rep);
    const auto b = ContactEpidemic(g, uniform).run(rep);
    differ += a.end_time != b.end_time;
    spread += b.final_size > 1;
    // Faster patching of the segments cannot make the worm reach more nodes: with the same
    // draws (common random numbers) their recovery delays only shrink, so fewer arcs are used in
    // time and the infected set is a subset, run by run.
    CHECK(a.final_size <= b.final_size);
  }
  CHECK(differ > 0);
  CHECK(spread > 0);
}
