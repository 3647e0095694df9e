// The contact-graph SIR model against exact results and an independent simulator: the
// transmission probability along one edge, the final-size distribution on a complete graph from
// the embedded Markov chain, and a plain Gillespie direct-method simulation on a small
// Barabási–Albert graph (two-sample Kolmogorov–Smirnov on final size and peak time). Fixed seeds;
// every tolerance is set in advance from a false-alarm rate of 0.001 per check.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <map>
#include <vector>

#include "models/contact/contact_epidemic.hpp"
#include "sim/random.hpp"
#include "sim/variates.hpp"
#include "tests/support/ks.hpp"

using wormsim::models::ContactEpidemic;
using wormsim::models::ContactGraph;
using wormsim::models::ContactSettings;
using wormsim::models::ContactWorkspace;
namespace sim = wormsim::sim;

namespace {

/// z such that P(|N(0,1)| > z) = 0.001.
constexpr double kZ001 = 3.2905;

/// chi-square quantiles at 1 - 0.001 for 1 to 8 degrees of freedom.
constexpr double kChiSquare001[] = {0,      10.828, 13.816, 16.266, 18.467,
                                    20.515, 22.458, 24.322, 26.124};

ContactGraph complete_graph(std::uint32_t n) {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> edges;
  for (std::uint32_t a = 0; a < n; ++a)
    for (std::uint32_t b = a + 1; b < n; ++b) edges.emplace_back(a, b);
  return ContactGraph::from_edges(n, edges);
}

/// Final-size distribution of SIR on the complete graph K_n from one infected node, by the
/// embedded jump chain of (S, I): from (s, i) the next event is an infection with probability
/// s i tau / (s i tau + i gamma) = s tau / (s tau + gamma) (every S–I pair is an edge), else a
/// recovery; the chain stops at i = 0 with final size n - s. Index k: probability of size k.
std::vector<double> complete_graph_final_sizes(std::uint32_t n, double tau, double gamma) {
  std::vector<double> out(n + 1, 0.0);
  std::map<std::pair<std::uint32_t, std::uint32_t>, double> mass{{{n - 1, 1}, 1.0}};
  // Every transition lowers 2s + i by one, so states are settled in decreasing order of it.
  for (int level = 2 * static_cast<int>(n) - 1; level >= 0; --level)
    for (std::uint32_t s = 0; s < n; ++s) {
      const int i_signed = level - 2 * static_cast<int>(s);
      if (i_signed < 0) continue;
      const auto i = static_cast<std::uint32_t>(i_signed);
      const auto it = mass.find({s, i});
      if (it == mass.end()) continue;
      const double m = it->second;
      if (i == 0) {
        out[n - s] += m;
        continue;
      }
      const double p_inf = s * tau / (s * tau + gamma);
      if (s > 0) mass[{s - 1, i + 1}] += m * p_inf;
      mass[{s, i - 1}] += m * (1 - p_inf);
    }
  return out;
}

struct Outcome {
  std::vector<double> final_size;
  std::vector<double> peak_time;
};

/// The SIR process by Gillespie's direct method, written independently of models/contact: at
/// each step every susceptible node's infection rate (the sum of tau over arcs from its infected
/// neighbours) and every infected node's recovery rate are summed, the time advances by an
/// exponential of the total, and the event is chosen in proportion to its rate by a linear scan.
/// The peak is the first time I(t) reaches its maximum.
Outcome gillespie(const ContactGraph& g, const ContactSettings& s, std::uint32_t runs,
                  std::uint64_t seed) {
  const std::uint32_t n = g.node_count();
  const auto tau = [&](std::uint32_t arc) {
    return s.rates.transmission_per_arc.empty() ? s.rates.transmission
                                                : s.rates.transmission_per_arc[arc];
  };
  const auto gamma = [&](std::uint32_t v) {
    return s.rates.recovery_per_node.empty() ? s.rates.recovery : s.rates.recovery_per_node[v];
  };
  Outcome out;
  enum : std::uint8_t { S, I, R };
  std::vector<std::uint8_t> state(n);
  std::vector<double> pressure(n);
  // pressure[w]: the sum of tau over arcs u -> w from infected u, recomputed from scratch when a
  // neighbour changes (no drift from repeated additions and subtractions).
  const auto refresh = [&](std::uint32_t w) {
    double sum = 0;
    for (std::uint32_t a = g.offsets()[w]; a < g.offsets()[w + 1]; ++a) {
      const std::uint32_t u = g.targets()[a];
      if (state[u] != I) continue;
      for (std::uint32_t b = g.offsets()[u]; b < g.offsets()[u + 1]; ++b)
        if (g.targets()[b] == w) sum += tau(b);
    }
    pressure[w] = sum;
  };
  for (std::uint32_t run = 0; run < runs; ++run) {
    sim::RandomStream rng(seed, run, 0, sim::Purpose::test);
    std::fill(state.begin(), state.end(), S);
    for (auto v : s.initial_nodes) state[v] = I;
    for (std::uint32_t v = 0; v < n; ++v) refresh(v);
    double t = 0, peak_time = 0;
    std::uint32_t infected = static_cast<std::uint32_t>(s.initial_nodes.size()), peak = infected;
    for (;;) {
      double total = 0;
      for (std::uint32_t v = 0; v < n; ++v)
        total += state[v] == S ? pressure[v] : state[v] == I ? gamma(v) : 0.0;
      if (total <= 0) break;
      t += sim::variates::exponential(rng, total);
      double pick = sim::variates::uniform01(rng) * total;
      std::uint32_t v = 0;
      for (;; ++v) {
        const double rate = state[v] == S ? pressure[v] : state[v] == I ? gamma(v) : 0.0;
        if (pick < rate || v + 1 == n) break;
        pick -= rate;
      }
      if (state[v] == S) {
        state[v] = I;
        ++infected;
      } else {
        state[v] = R;
        --infected;
      }
      for (auto w : g.neighbours(v)) refresh(w);
      if (infected > peak) {
        peak = infected;
        peak_time = t;
      }
    }
    std::uint32_t size = 0;
    for (auto st : state) size += st != S;
    out.final_size.push_back(size);
    out.peak_time.push_back(peak_time);
  }
  return out;
}

Outcome event_driven(const ContactGraph& g, const ContactSettings& s, std::uint32_t runs) {
  const ContactEpidemic epidemic(g, s);
  ContactWorkspace w;
  Outcome out;
  for (std::uint32_t r = 0; r < runs; ++r) {
    const auto result = epidemic.run(r, w);
    out.final_size.push_back(result.final_size);
    out.peak_time.push_back(result.peak_time);
  }
  return out;
}

double mean(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return sum / static_cast<double>(v.size());
}

}  // namespace

TEST_CASE("contact SIR: one edge carries the worm with probability tau / (tau + gamma)", "[stat]") {
  // The neighbour is infected iff the transmission delay Exp(tau) beats the source's recovery
  // Exp(gamma): probability tau / (tau + gamma). The count of infections in N runs is binomial,
  // so the observed share is within z_0.001 standard errors of it except with probability 0.001.
  // Given an infection, its time is the minimum of the two delays, Exp(tau + gamma): a
  // one-sample KS test at alpha 0.001 checks it (the peak time is that moment, I going 1 -> 2).
  const std::vector<std::pair<std::uint32_t, std::uint32_t>> edge{{0, 1}};
  const auto g = ContactGraph::from_edges(2, edge);
  struct Case {
    ContactSettings settings;
    double p;
    double time_rate;
  };
  std::vector<Case> cases;
  {
    ContactSettings s;
    s.rates.transmission = 0.5;
    s.rates.recovery = 1.0;
    s.initial_nodes = {0};
    s.seed = 101;
    cases.push_back({s, 0.5 / 1.5, 1.5});
  }
  {
    // Per-arc and per-node rates: 0 -> 1 at 2, 1 -> 0 at 0.1; node 0 patched at 0.5.
    ContactSettings s;
    s.rates.transmission_per_arc = {2.0, 0.1};
    s.rates.recovery_per_node = {0.5, 3.0};
    s.initial_nodes = {0};
    s.seed = 202;
    cases.push_back({s, 2.0 / 2.5, 2.5});
  }
  constexpr std::uint32_t kRuns = 20000;
  for (const auto& c : cases) {
    const ContactEpidemic epidemic(g, c.settings);
    ContactWorkspace w;
    std::uint32_t infected = 0;
    std::vector<double> times;
    for (std::uint32_t r = 0; r < kRuns; ++r) {
      const auto result = epidemic.run(r, w);
      if (result.final_size == 2) {
        ++infected;
        times.push_back(result.peak_time);
      }
    }
    const double share = static_cast<double>(infected) / kRuns;
    const double tolerance = kZ001 * std::sqrt(c.p * (1 - c.p) / kRuns);
    CAPTURE(c.settings.seed, kRuns, share, c.p, tolerance);
    CHECK(std::abs(share - c.p) <= tolerance);

    std::sort(times.begin(), times.end());
    double d = 0;
    const double m = static_cast<double>(times.size());
    for (std::size_t i = 0; i < times.size(); ++i) {
      const double cdf = 1 - std::exp(-c.time_rate * times[i]);
      d = std::max({d, std::abs(cdf - static_cast<double>(i) / m),
                    std::abs(static_cast<double>(i + 1) / m - cdf)});
    }
    CAPTURE(times.size(), d);
    CHECK(d <= wormsim::test::kKsCritical001 / std::sqrt(m));
  }
}

TEST_CASE("contact SIR: final sizes on the complete graph K5 follow the exact Markov chain",
          "[stat]") {
  // Pearson's chi-square of the observed final sizes (1 to 5) against the embedded chain's
  // probabilities, 4 degrees of freedom, rejected at alpha 0.001 (18.467). The initial node is
  // drawn (Floyd's sampling): by symmetry any node gives the same distribution.
  constexpr std::uint32_t kNodes = 5, kRuns = 20000;
  const auto g = complete_graph(kNodes);
  for (const auto& [tau, gamma, seed] : {std::tuple{0.5, 1.0, 7u}, std::tuple{0.15, 0.4, 8u}}) {
    ContactSettings s;
    s.rates.transmission = tau;
    s.rates.recovery = gamma;
    s.initial_infected = 1;
    s.seed = seed;
    const auto expected = complete_graph_final_sizes(kNodes, tau, gamma);
    double total = 0;
    for (double p : expected) total += p;
    REQUIRE(total == Approx(1.0).epsilon(1e-12));
    std::vector<double> observed(kNodes + 1, 0.0);
    const ContactEpidemic epidemic(g, s);
    ContactWorkspace w;
    for (std::uint32_t r = 0; r < kRuns; ++r) ++observed[epidemic.run(r, w).final_size];
    double chi2 = 0;
    for (std::uint32_t k = 1; k <= kNodes; ++k) {
      const double e = expected[k] * kRuns;
      REQUIRE(e >= 5);  // every cell large enough for the chi-square approximation
      chi2 += (observed[k] - e) * (observed[k] - e) / e;
    }
    CAPTURE(tau, gamma, seed, kRuns, observed, expected, chi2);
    CHECK(chi2 <= kChiSquare001[kNodes - 1]);
  }
}

TEST_CASE("contact SIR: agrees with a Gillespie direct-method simulation on a small BA graph",
          "[stat]") {
  // Two independent exact simulators of one Markov process: their final sizes and peak times
  // must pass a two-sample Kolmogorov–Smirnov test at alpha 0.001 (conservative for the discrete
  // final size). Uniform rates, then per-arc and per-node rates.
  const auto g = wormsim::models::barabasi_albert_graph(120, 3, 3);
  constexpr std::uint32_t kRuns = 1200;
  for (int variant = 0; variant < 2; ++variant) {
    ContactSettings s;
    s.rates.transmission = 0.35;
    s.rates.recovery = 1.0;
    if (variant == 1) {
      s.rates.transmission_per_arc = wormsim::models::rates_per_arc(
          g, [](std::uint32_t u, std::uint32_t v) { return 0.15 + 0.2 * ((u + v) % 3); });
      s.rates.recovery_per_node = wormsim::models::rates_per_node(
          g, [](std::uint32_t v) { return v % 4 == 0 ? 0.5 : 1.2; });
    }
    s.initial_nodes = {10, 100};
    s.seed = 31 + static_cast<std::uint64_t>(variant);
    const Outcome fast = event_driven(g, s, kRuns);
    const Outcome reference = gillespie(g, s, kRuns, 4242 + static_cast<std::uint64_t>(variant));
    const double critical = wormsim::test::ks_critical(kRuns, kRuns);
    const double d_size = wormsim::test::ks_statistic(fast.final_size, reference.final_size);
    const double d_peak = wormsim::test::ks_statistic(fast.peak_time, reference.peak_time);
    CAPTURE(variant, kRuns, critical, d_size, d_peak, mean(fast.final_size),
            mean(reference.final_size), mean(fast.peak_time), mean(reference.peak_time));
    CHECK(d_size <= critical);
    CHECK(d_peak <= critical);
    // Outbreaks of all sizes occur, so the comparison covers more than immediate extinctions.
    CHECK(mean(fast.final_size) > 10);
  }
}
