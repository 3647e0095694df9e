// Invariant: the exact uniform sampler (fast mode: Poisson hits of rate rate * live / |space|,
// thinned as the live set shrinks) and the per-probe oracle (every probe an event, its address
// drawn uniformly from the space) give the same distribution of outbreak statistics
// (DESIGN.md, "Scanning without simulating every probe": the oracle is what tests hold the fast
// samplers against). Checked with two-sample Kolmogorov–Smirnov tests on independent samples.
//
// Choice of the significance level, fixed before any output was seen: alpha = 0.001 per KS
// check. The asymptotic two-sample critical value is D_crit = c(alpha) * sqrt((n + m) / (n * m))
// with c(alpha) = sqrt(-ln(alpha / 2) / 2), c(0.001) = 1.949. A correct sampler therefore fails
// one check with probability 1e-3; the three checks below together with probability <= 3e-3
// (union bound), i.e. about one seed in 330 would be a false alarm. Because the seeds are fixed, a
// pass is reproducible and a failure is reproduced exactly by rerunning. The asymptotic value is
// slightly conservative at n = m = 200, and ties (the discrete infected count; runs that had not
// reached a fraction by the end, recorded as +infinity in both samples alike, which is an exact
// censoring at the same time for both) make the KS test conservative too, never anti-conservative.
//
// Each replication draws its own world (host placement) from (seed, replication); both modes draw
// it the same way, so the worlds are identically distributed across the samples, and with uniform
// scanning the placement does not affect spread at all. The fast sample uses replications
// 0..n-1 and the oracle replications 10000..10000+m-1, so no random stream is shared between the
// samples and they are independent.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "models/outbreak.hpp"
#include "models/scenario/loader.hpp"
#include "models/simulation.hpp"
#include "tests/support/ks.hpp"

namespace {

using wormsim::test::count_reached;
using wormsim::test::ks_critical;
using wormsim::test::ks_statistic;
using wormsim::test::median;

using wormsim::models::OutbreakOptions;
using wormsim::models::Scenario;

constexpr std::uint64_t kSeed = 20010719;       // the scenario's seed, fixed
constexpr std::uint64_t kFastFirst = 0;         // fast mode: replications 0..n-1
constexpr std::uint64_t kOracleFirst = 10'000;  // oracle: replications 10000..10000+m-1
constexpr std::size_t kReplications = 200;      // n = m
constexpr double kEarlySeconds = 300;           // infected count read at 5 min (logistic: 9%)

// 2^20 addresses, 1000 vulnerable hosts, 10 of them (1%) initially infected, 8 probes/s per
// host: K = rate * N / |space| = 8 * 1000 / 2^20 = 7.63e-3 /s (1/K = 131 s). From a0 = 1% the
// logistic reaches 10% at 315 s and 50% at 602 s; the early randomness spreads the time to 50% by
// about sqrt(psi'(10)) / K = 0.32 / K = 43 s (sd). The run stops at 13 min (780 s, logistic at
// 79%), over 4 sd past the median, so censoring is negligible (and handled exactly, see above).
// The oracle's cost is |space| * ln(S0 / S_end) = 2^20 * ln(0.99 / 0.09) = 2.5e6 probes per
// replication, each an event; the two samples take about 80 s in Release.
// 1 July start, day 1: the calendar (spreading until day 20) plays no part.
constexpr const char* kScenarioTemplate = R"(
[simulation]
name = "uniform sampler vs per-probe oracle"
start = 2001-07-01T00:00:00Z
duration = "13m"
seed = 20010719
sample_every = "10s"

[address_space]
prefix = "10.0.0.0/12"
allocated_blocks = "all"

[[population]]
name = "iis5"
count = 1000
placement = { per = "/24", mean_per_block = 4 }
os = { "win2000-sp1" = 1.0 }
services = ["iis5-index"]

[worm]
model = "codered-v2"
initial_infected = 10
probe_rate = "@RATE@"
)";

Scenario load_scenario(const std::string& probe_rate, const std::string& name) {
  std::string text = kScenarioTemplate;
  const std::string placeholder = "@RATE@";
  text.replace(text.find(placeholder), placeholder.size(), probe_rate);
  Scenario scenario = wormsim::models::load_scenario_text(text, name);
  REQUIRE(scenario.simulation.seed == kSeed);
  return scenario;
}

struct Sample {
  std::vector<double> time_to_10;  // s; +infinity if never reached
  std::vector<double> time_to_50;
  std::vector<double> infected_early;  // infected_total at kEarlySeconds
};

Sample run_sample(const Scenario& scenario, std::uint64_t first, std::size_t n, bool per_probe) {
  constexpr double kNotReached = std::numeric_limits<double>::infinity();
  Sample s;
  for (std::uint64_t r = first; r < first + n; ++r) {
    const auto run = wormsim::models::run_replication(scenario, r, OutbreakOptions{per_probe});
    s.time_to_10.push_back(run.summary.time_to_fraction_s[0].value_or(kNotReached));
    s.time_to_50.push_back(run.summary.time_to_fraction_s[1].value_or(kNotReached));
    const std::size_t metric = run.curves.find("infected_total");
    REQUIRE(metric < run.curves.metric_count());
    bool found = false;
    for (std::size_t k = 0; k < run.curves.sample_count(); ++k) {
      if (run.curves.time(k).seconds() == kEarlySeconds) {
        s.infected_early.push_back(run.curves.value(k, metric));
        found = true;
      }
    }
    REQUIRE(found);
  }
  return s;
}

}  // namespace

TEST_CASE("stat: the exact uniform sampler matches the per-probe oracle in distribution (KS)",
          "[stat]") {
  const Scenario scenario = load_scenario("8/s", "stat-uniform.toml");
  const Sample fast = run_sample(scenario, kFastFirst, kReplications, false);
  const Sample oracle = run_sample(scenario, kOracleFirst, kReplications, true);
  const double critical = ks_critical(kReplications, kReplications);

  CAPTURE(kSeed, kFastFirst, kOracleFirst, kReplications, critical);
  // The design above assumes almost every run reaches 50% before the end; if many did not, the
  // comparison would rest on few values (it would stay valid, but weak).
  CHECK(count_reached(fast.time_to_50) >= kReplications * 95 / 100);
  CHECK(count_reached(oracle.time_to_50) >= kReplications * 95 / 100);

  {
    const double d = ks_statistic(fast.time_to_50, oracle.time_to_50);
    const double fast_median = median(fast.time_to_50), oracle_median = median(oracle.time_to_50);
    INFO("statistic: time to 50% of the vulnerable hosts (s)");
    CAPTURE(d, fast_median, oracle_median);
    CHECK(d < critical);
  }
  {
    const double d = ks_statistic(fast.time_to_10, oracle.time_to_10);
    const double fast_median = median(fast.time_to_10), oracle_median = median(oracle.time_to_10);
    INFO("statistic: time to 10% of the vulnerable hosts (s)");
    CAPTURE(d, fast_median, oracle_median);
    CHECK(d < critical);
  }
  {
    const double d = ks_statistic(fast.infected_early, oracle.infected_early);
    const double fast_median = median(fast.infected_early),
                 oracle_median = median(oracle.infected_early);
    INFO("statistic: hosts ever infected at 5 min");
    CAPTURE(kEarlySeconds, d, fast_median, oracle_median);
    CHECK(d < critical);
  }
}

// The KS check above is not vacuous: at the same sample sizes and level it rejects a sampler
// whose probe rate is 10% too high. Theory: 10% more rate shortens the time to 50% by 9% of
// 510 s, about 46 s, against a spread of 43 s (sd) in each sample, which moves the ECDFs apart
// by about Phi(0.54) - Phi(-0.54) = 0.41 at the middle, twice D_crit = 0.195. Fast mode on both
// sides, so this costs little.
TEST_CASE("stat: the KS check rejects a uniform sampler whose probe rate is 10% too high",
          "[stat]") {
  const Scenario right = load_scenario("8/s", "stat-uniform.toml");
  const Scenario fast_by_10 = load_scenario("8.8/s", "stat-uniform-rate-plus-10.toml");
  const Sample a = run_sample(right, kFastFirst, kReplications, false);
  const Sample b = run_sample(fast_by_10, kOracleFirst, kReplications, false);
  const double critical = ks_critical(kReplications, kReplications);
  const double d = ks_statistic(a.time_to_50, b.time_to_50);
  CAPTURE(kSeed, kFastFirst, kOracleFirst, kReplications, critical, d);
  CHECK(d > critical);
}
