// Invariant: for the worms whose scanning is not uniform, the exact samplers and the per-probe
// oracle give the same distribution of outbreak statistics (DESIGN.md, "Scanning without
// simulating every probe": the oracle is what tests hold the fast samplers against), at the level
// of whole outbreaks with everything the worms do to the hosts they reach:
// - Code Red II: local preference (LocalPreferenceScan). Fast mode: Poisson hits of rate
//   rate * hit_probability, thinned as the live set shrinks, targets from draw_target. Oracle:
//   every probe an event, its class and address drawn by next_probe.
// - Blaster: sequential scanning in batches (SequentialScan). Fast mode: next_in_order finds the
//   next live relevant address from the cursor and the probe's batch time is computed. Oracle:
//   every probe an event, next_probe walking the cursor one address at a time.
// - Welchia: the same sequential scanning with a Poisson clock (pings), over a live set that
//   shrinks as hosts are infected and patched — the case where a planned hit's target leaves the
//   live set before its probe goes out.
// - sadmind/IIS: random block sweeps (BlockSweepScan): next_in_order skips whole blocks; the
//   oracle walks them address by address. Its own statistic is the number of web sites defaced,
//   which depends on which blocks are swept and on each copy's count of defacements (a copy
//   defaces its own host at the limit).
// Checked with two-sample Kolmogorov–Smirnov tests on independent samples, as in
// test_uniform_vs_per_probe.cpp.
//
// Choice of the significance level, fixed before any output was seen: alpha = 0.001 per KS
// check. The asymptotic two-sample critical value is D_crit = c(alpha) * sqrt((n + m) / (n * m))
// with c(alpha) = sqrt(-ln(alpha / 2) / 2), c(0.001) = 1.949; at n = m = 200, D_crit = 0.195.
// Each worm has four checks, so a correct sampler fails one worm's test case with probability
// <= 4e-3 and this file's four comparisons with probability <= 1.6e-2 (union bound). The seeds are
// fixed, so a pass is reproducible and a failure is reproduced exactly by rerunning. The
// asymptotic value is slightly conservative at n = m = 200, and ties make the KS test
// conservative, never anti-conservative: the discrete statistics (infected counts), Blaster's
// times (every event falls on a grid of 0.2 s: batches every 1.8 s after infections that take
// 1 s + 11 s), and runs that had not reached a fraction by the end, recorded as +infinity in both
// samples alike (an exact censoring at the same time for both).
//
// The statistics: the times to 10% and to 50% of the vulnerable hosts, the hosts ever infected at
// a fixed early time, and the share of infections (seeds excluded) whose infecting host sits in
// the victim's /16 — the signature of Code Red II's 3/8 of probes in the own /16 and of Blaster's
// local starts, which a sampler with the right rate but wrong targets would get wrong. It is read
// from the event log (OutbreakOptions::record_events, the same in both modes).
//
// Each replication draws its own world (host placement, operating systems) from (seed,
// replication); both modes draw it the same way, so the worlds are identically distributed across
// the samples. The fast samples use replications 0..n-1 and the oracle replications
// 10000..10000+m-1, so no random stream is shared between the samples and they are independent.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
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

using wormsim::models::OutbreakEvent;
using wormsim::models::OutbreakOptions;
using wormsim::models::Scenario;

constexpr std::uint64_t kFastFirst = 0;         // fast mode: replications 0..n-1
constexpr std::uint64_t kOracleFirst = 10'000;  // oracle: replications 10000..10000+m-1
constexpr std::size_t kReplications = 200;      // n = m

// Code Red II. Space 10.0.0.0/13 (2^19 addresses, eight /16s): smaller than a /8, so the "own /8"
// class (1/2 of the probes) is the whole space, like the "anywhere" class (1/8); the other 3/8 go
// to the own /16. 500 Windows 2000 IIS 5.0 hosts in two /16 blocks of the eight (placement per
// /16, 250 per block on average), locale en: 300 threads at 1 probe/min each, 5 probes/s per
// host. One probe reaches a given host of its own /16 with probability
// 3/8 * 2^-16 + 5/8 * 2^-19 = 6.91e-6 and one of the other block with 5/8 * 2^-19 = 1.19e-6, so
// inside a block the rate constant is K = 5 * 250 * 6.91e-6 = 8.6e-3 /s (1/K = 116 s) and a
// block seeds the other at 5 * 250 * 1.19e-6 = 1.5e-3 /s per infected host: locality makes a
// block six times as infectious to itself as to the other, and about 85% of the infections are
// local. From 3 seeds (often all in one block) the median time to 50% is about 520 s with a
// spread of about 60 s (sd, measured). The run stops at 13 min (780 s), over 4 sd past the median,
// so censoring is rare (and handled exactly, see above); the active period (24 h) plays no part.
// Infected hosts leave the live set at the barriers (every 10 s), so the thinning of pending hits
// is exercised too. The oracle's cost is one event per probe, rate * integral of the infected
// count: about 0.67 million events per replication (measured), 27 s in Release for its 200
// replications (the fast sample: under a second).
constexpr std::uint64_t kCodeRedIISeed = 20010804;
constexpr double kCodeRedIIEarlySeconds = 300;  // infected count read at 5 min (about 10%)
constexpr const char* kCodeRedIIScenario = R"(
[simulation]
name = "Code Red II: local-preference sampler vs per-probe oracle"
start = 2001-08-04T00:00:00Z
duration = "13m"
seed = 20010804
sample_every = "10s"

[address_space]
prefix = "10.0.0.0/13"
allocated_blocks = "all"

[[population]]
name = "iis5-on-windows-2000"
count = 500
placement = { per = "/16", mean_per_block = 250 }
os = { "win2000-sp1" = 1.0 }
services = ["iis5-index"]
locale = { en = 1.0 }

[worm]
model = "codered-ii"
initial_infected = 3
probe_rate_per_thread = "@RATE@"
same_slash8 = @SLASH8@
same_slash16 = @SLASH16@
)";

// Blaster. Space 10.0.0.0/14 (2^18 addresses: a sweep takes 2^18 / (20 / 1.8 s) = 6.6 h; in the
// 20 min run a scanner walks at most 13,300 addresses, 5% of the space, so its start decides what
// it reaches, and it wraps only from a start in the last 5%). The random start a.b.c.0
// is mapped into the space by its low 18 bits (b mod 4, c); a local start is the host's own /24,
// lowered by 0..19 /24s when its third octet is above 20. 500 hosts with DCOM RPC, in /24 blocks
// of 5 on average (100 of the 1024 /24s), 80% Windows XP SP1 and 20% Windows 2000 SP3. Blaster's
// defaults: the XP offsets with probability 0.8, so a run crashes RPC on the hosts of the other
// kind (reboot 60 s later, 2 min down, then the worm starts again from a new start), the TFTP
// pull completing with probability 0.9: the crash, reboot and restart paths are part of the
// comparison. A scanner reaches a host every 2^18 / 500 = 524 probes, 47 s, on average, in bursts
// (the /24 blocks), and the infection completes 12 s after the probe. From 3 seeds the median
// time to 50% is about 575 s with a spread of about 130 s (sd, measured; the start positions vary
// a lot); the run stops at 20 min (1200 s), 4.8 sd past the median. No Server 2003 hosts: the
// live set stays whole (infected hosts stay live, since wrong offsets still crash them). The
// oracle's cost is 11.1 probes/s * integral of the scanning hosts: about 2.4 million events per
// replication (measured), 28 s in Release for its 200 replications (the fast sample: 1 s).
constexpr std::uint64_t kBlasterSeed = 20030811;
constexpr double kBlasterEarlySeconds = 600;  // infected count read at 10 min (about 50%)
constexpr const char* kBlasterScenario = R"(
[simulation]
name = "Blaster: sequential sampler vs per-probe oracle"
start = 2003-08-11T16:00:00Z
duration = "20m"
seed = 20030811
sample_every = "10s"

[address_space]
prefix = "10.0.0.0/14"
allocated_blocks = "all"

[[population]]
name = "windows-with-dcom"
count = 500
placement = { per = "/24", mean_per_block = 5 }
os = { "xp-sp1" = 0.8, "win2000-sp3" = 0.2 }
services = ["dcom-rpc"]

[worm]
model = "blaster"
initial_infected = 3
batch_size = @BATCH@
)";

// Welchia. The Blaster design above, in 10.0.0.0/15 with 300 hosts, with Welchia's sequential
// sweeps: pings at 10/s (a fourteenth of the real rate, so the oracle stays affordable; the
// sampler's logic does not depend on the rate), half the sweeps starting near the host. A scanner
// reaches a host every 2^17 / 300 = 437 probes, 44 s, on average; the infection takes 1 s; 90% of
// the patches install and close the hole, and every infected host reboots 5 min after its
// infection (down 2 min, then scans again from a new start). Infected and patched hosts leave the
// live set at the barriers (every 10 s), so planned hits whose target has left are frequent. From
// 3 seeds the median time to 50% is 262 s (measured: 195 of 200 runs reach 50% in the 9 min run);
// the early statistic is read at 5 min. 23 s in Release for both samples (measured).
constexpr std::uint64_t kWelchiaSeed = 20030818;
constexpr double kWelchiaEarlySeconds = 300;
constexpr const char* kWelchiaScenario = R"(
[simulation]
name = "Welchia: sequential sampler vs per-probe oracle"
start = 2003-08-18T16:00:00Z
duration = "9m"
seed = 20030818
sample_every = "10s"

[address_space]
prefix = "10.0.0.0/15"
allocated_blocks = "all"

[[population]]
name = "windows-with-dcom"
count = 300
placement = { per = "/24", mean_per_block = 5 }
os = { "xp-sp1" = 0.8, "win2000-sp3" = 0.2 }
services = ["dcom-rpc"]

[worm]
model = "welchia"
initial_infected = 3
ping_rate = "@RATE@"
)";

// sadmind/IIS. Space 10.0.0.0/17 swept in /21 blocks (16 blocks of 2,048 addresses; at 10
// probes/s a block takes 205 s). 120 vulnerable Solaris hosts in /21 blocks of 20 on average
// (six blocks) and 200 IIS 4.0 servers without MS00-078 in blocks of 50 (four blocks); half of
// the sadmind attacks work; a copy defaces its own host after 60 defacements (about five sweeps
// of IIS blocks, so early copies reach it within the run). A sweep lands in a Solaris block with
// probability 6/16 and infects about 10 hosts there; from 3 seeds the median time to 50% of the
// Solaris hosts is 284 s (measured; 198 of 200 runs reach it in the 15 min run), the early
// statistic is read at 5 min, and the fourth statistic is the number of hosts defaced at the end
// (median 224). 27 s in Release for both samples (measured). The time to 10% is bimodal (the
// first sweeps find a Solaris block or not), which the KS test handles as any other shape.
constexpr std::uint64_t kSadmindSeed = 20010508;
constexpr double kSadmindEarlySeconds = 300;
constexpr const char* kSadmindScenario = R"(
[simulation]
name = "sadmind/IIS: block-sweep sampler vs per-probe oracle"
start = 2001-05-01T00:00:00Z
duration = "15m"
seed = 20010508
sample_every = "10s"

[address_space]
prefix = "10.0.0.0/17"
allocated_blocks = "all"

[[population]]
name = "solaris-with-sadmind"
count = 120
placement = { per = "/21", mean_per_block = 20 }
os = { "solaris" = 1.0 }
services = ["sadmind"]

[[population]]
name = "iis4-on-nt4"
count = 200
placement = { per = "/21", mean_per_block = 50 }
os = { "nt4-sp6a" = 1.0 }
services = ["iis4"]

[worm]
model = "sadmind-iis"
initial_infected = 3
probe_rate = "@RATE@"
sweep_block = 21
deface_limit = 60
)";

std::string substitute(std::string text,
                       const std::vector<std::pair<std::string, std::string>>& values) {
  for (const auto& [placeholder, value] : values)
    text.replace(text.find(placeholder), placeholder.size(), value);
  return text;
}

Scenario code_red_ii(const std::string& rate, const std::string& slash8, const std::string& slash16,
                     const std::string& name) {
  Scenario scenario = wormsim::models::load_scenario_text(
      substitute(kCodeRedIIScenario,
                 {{"@RATE@", rate}, {"@SLASH8@", slash8}, {"@SLASH16@", slash16}}),
      name);
  REQUIRE(scenario.simulation.seed == kCodeRedIISeed);
  return scenario;
}

Scenario blaster(const std::string& batch, const std::string& name) {
  Scenario scenario =
      wormsim::models::load_scenario_text(substitute(kBlasterScenario, {{"@BATCH@", batch}}), name);
  REQUIRE(scenario.simulation.seed == kBlasterSeed);
  return scenario;
}

Scenario welchia(const std::string& rate, const std::string& name) {
  Scenario scenario =
      wormsim::models::load_scenario_text(substitute(kWelchiaScenario, {{"@RATE@", rate}}), name);
  REQUIRE(scenario.simulation.seed == kWelchiaSeed);
  return scenario;
}

Scenario sadmind(const std::string& rate, const std::string& name) {
  Scenario scenario =
      wormsim::models::load_scenario_text(substitute(kSadmindScenario, {{"@RATE@", rate}}), name);
  REQUIRE(scenario.simulation.seed == kSadmindSeed);
  return scenario;
}

/// The fourth statistic of a comparison.
enum class Fourth { local_share, defaced };

struct Sample {
  std::vector<double> time_to_10;  // s; +infinity if never reached
  std::vector<double> time_to_50;
  std::vector<double> infected_early;  // infected_total at the early time
  std::vector<double> local_share;     // infections caused from the victim's /16, of all
  std::vector<double> defaced;         // hosts defaced at the end
};

Sample run_sample(const Scenario& scenario, std::uint64_t first, std::size_t n, bool per_probe,
                  double early_seconds) {
  constexpr double kNotReached = std::numeric_limits<double>::infinity();
  Sample s;
  for (std::uint64_t r = first; r < first + n; ++r) {
    const auto run =
        wormsim::models::run_replication(scenario, r, OutbreakOptions{per_probe, true});
    s.time_to_10.push_back(run.summary.time_to_fraction_s[0].value_or(kNotReached));
    s.time_to_50.push_back(run.summary.time_to_fraction_s[1].value_or(kNotReached));
    const std::size_t metric = run.curves.find("infected_total");
    REQUIRE(metric < run.curves.metric_count());
    bool found = false;
    for (std::size_t k = 0; k < run.curves.sample_count(); ++k) {
      if (run.curves.time(k).seconds() == early_seconds) {
        s.infected_early.push_back(run.curves.value(k, metric));
        found = true;
      }
    }
    REQUIRE(found);
    std::size_t infections = 0, local = 0;
    for (const OutbreakEvent& e : run.events) {
      if (e.kind != OutbreakEvent::Kind::infected) continue;
      ++infections;
      local += (e.address >> 16) == (e.cause_address >> 16);
    }
    // Every run infects someone within minutes; 0 would only mean an empty run.
    s.local_share.push_back(
        infections == 0 ? 0.0 : static_cast<double>(local) / static_cast<double>(infections));
    s.defaced.push_back(static_cast<double>(run.summary.defaced));
  }
  return s;
}

/// The four KS checks of a fast sample against an oracle sample.
void compare(const Sample& fast, const Sample& oracle, double early_seconds,
             Fourth fourth = Fourth::local_share) {
  const double critical = ks_critical(fast.time_to_50.size(), oracle.time_to_50.size());
  CAPTURE(critical);
  // The designs above have almost every run reach 50% before the end; if many did not, the
  // comparison would rest on few values (it would stay valid, but weak).
  CHECK(count_reached(fast.time_to_50) >= fast.time_to_50.size() * 95 / 100);
  CHECK(count_reached(oracle.time_to_50) >= oracle.time_to_50.size() * 95 / 100);
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
    INFO("statistic: hosts ever infected at the early time");
    CAPTURE(early_seconds, d, fast_median, oracle_median);
    CHECK(d < critical);
  }
  if (fourth == Fourth::local_share) {
    const double d = ks_statistic(fast.local_share, oracle.local_share);
    const double fast_median = median(fast.local_share), oracle_median = median(oracle.local_share);
    INFO("statistic: share of the infections caused from the victim's own /16");
    CAPTURE(d, fast_median, oracle_median);
    CHECK(d < critical);
  } else {
    const double d = ks_statistic(fast.defaced, oracle.defaced);
    const double fast_median = median(fast.defaced), oracle_median = median(oracle.defaced);
    INFO("statistic: hosts defaced at the end");
    CAPTURE(d, fast_median, oracle_median);
    CHECK(d < critical);
  }
}

}  // namespace

TEST_CASE("stat: Code Red II's local-preference sampler matches the per-probe oracle (KS)",
          "[stat]") {
  const Scenario scenario = code_red_ii("1/min", "0.5", "0.375", "stat-codered-ii.toml");
  const Sample fast =
      run_sample(scenario, kFastFirst, kReplications, false, kCodeRedIIEarlySeconds);
  const Sample oracle =
      run_sample(scenario, kOracleFirst, kReplications, true, kCodeRedIIEarlySeconds);
  CAPTURE(kCodeRedIISeed, kFastFirst, kOracleFirst, kReplications);
  compare(fast, oracle, kCodeRedIIEarlySeconds);
}

TEST_CASE("stat: Blaster's sequential batch sampler matches the per-probe oracle (KS)", "[stat]") {
  const Scenario scenario = blaster("20", "stat-blaster.toml");
  const Sample fast = run_sample(scenario, kFastFirst, kReplications, false, kBlasterEarlySeconds);
  const Sample oracle =
      run_sample(scenario, kOracleFirst, kReplications, true, kBlasterEarlySeconds);
  CAPTURE(kBlasterSeed, kFastFirst, kOracleFirst, kReplications);
  compare(fast, oracle, kBlasterEarlySeconds);
}

TEST_CASE("stat: Welchia's sequential sampler matches the per-probe oracle (KS)", "[stat]") {
  const Scenario scenario = welchia("10/s", "stat-welchia.toml");
  const Sample fast = run_sample(scenario, kFastFirst, kReplications, false, kWelchiaEarlySeconds);
  const Sample oracle =
      run_sample(scenario, kOracleFirst, kReplications, true, kWelchiaEarlySeconds);
  CAPTURE(kWelchiaSeed, kFastFirst, kOracleFirst, kReplications);
  compare(fast, oracle, kWelchiaEarlySeconds);
}

TEST_CASE("stat: sadmind/IIS's block-sweep sampler matches the per-probe oracle (KS)", "[stat]") {
  const Scenario scenario = sadmind("10/s", "stat-sadmind.toml");
  const Sample fast = run_sample(scenario, kFastFirst, kReplications, false, kSadmindEarlySeconds);
  const Sample oracle =
      run_sample(scenario, kOracleFirst, kReplications, true, kSadmindEarlySeconds);
  CAPTURE(kSadmindSeed, kFastFirst, kOracleFirst, kReplications);
  compare(fast, oracle, kSadmindEarlySeconds, Fourth::defaced);
}

// The KS checks above are not vacuous: at the same sample sizes and level they reject samplers
// that are wrong by modest amounts. Fast mode on both sides (replications 0..n-1 against
// 10000..10000+m-1, as above), so this costs little.
// - Probe rate 10% too high: the time to 50% shrinks by 1/1.1 (the 0.5 s exploit delay aside),
//   about 47 s at the median of 515 s against a spread of 60 s (sd) in each sample, which moves
//   the ECDFs apart by about Phi(0.39) - Phi(-0.39) = 0.30 at the middle, against D_crit = 0.195.
// - 10% too few probes to the own /16 (same_slash16 = 0.3375 instead of 0.375, the rest to the
//   whole space, same_slash8 = 0.5375): a host of the own /16 is reached with probability
//   0.3375 * 2^-16 + 0.6625 * 2^-19 = 6.41e-6 instead of 6.91e-6, one of the other block with
//   1.26e-6 instead of 1.19e-6; the local share falls from 0.849 to about 0.83 against a spread of
//   0.015 (sd): D about Phi(0.6) - Phi(-0.6) = 0.45.
TEST_CASE("stat: the Code Red II per-probe comparison rejects a 10% error in rate or in locality",
          "[stat]") {
  const Scenario right = code_red_ii("1/min", "0.5", "0.375", "stat-codered-ii.toml");
  const Scenario rate_plus_10 =
      code_red_ii("1.1/min", "0.5", "0.375", "stat-codered-ii-rate-plus-10.toml");
  const Scenario own_16_minus_10 =
      code_red_ii("1/min", "0.5375", "0.3375", "stat-codered-ii-own-16-minus-10.toml");
  const Sample a = run_sample(right, kFastFirst, kReplications, false, kCodeRedIIEarlySeconds);
  const Sample b =
      run_sample(rate_plus_10, kOracleFirst, kReplications, false, kCodeRedIIEarlySeconds);
  const Sample c =
      run_sample(own_16_minus_10, kOracleFirst, kReplications, false, kCodeRedIIEarlySeconds);
  const double critical = ks_critical(kReplications, kReplications);
  CAPTURE(kCodeRedIISeed, kFastFirst, kOracleFirst, kReplications, critical);
  {
    const double d = ks_statistic(a.time_to_50, b.time_to_50);
    INFO("probe rate 10% too high; statistic: time to 50%");
    CAPTURE(d);
    CHECK(d > critical);
  }
  {
    const double d = ks_statistic(a.local_share, c.local_share);
    INFO("10% too few probes to the own /16; statistic: share of local infections");
    CAPTURE(d);
    CHECK(d > critical);
  }
}

// The same for Blaster, whose time to 50% is much more spread out (the start positions decide a
// lot): 20% more probes per second (batches of 24 instead of 20). Each generation is about 47 s
// of scanning, which shrinks by 1/1.2, and 12 s of exploit and TFTP pull, which does not: the
// median time to 50% moves by about 16%, some 90 s, against a spread of 130 s (sd), so
// D is about Phi(0.35) - Phi(-0.35) = 0.27 against D_crit = 0.195. (A 10% error, batches of 22,
// moves the median by about 55 s and gives D close to D_crit: at n = m = 200 the Blaster
// comparison cannot promise to detect it.)
TEST_CASE("stat: the Blaster per-probe comparison rejects a probe rate 20% too high", "[stat]") {
  const Sample a = run_sample(blaster("20", "stat-blaster.toml"), kFastFirst, kReplications, false,
                              kBlasterEarlySeconds);
  const Sample b = run_sample(blaster("24", "stat-blaster-rate-plus-20.toml"), kOracleFirst,
                              kReplications, false, kBlasterEarlySeconds);
  const double critical = ks_critical(kReplications, kReplications);
  const double d = ks_statistic(a.time_to_50, b.time_to_50);
  CAPTURE(kBlasterSeed, kFastFirst, kOracleFirst, kReplications, critical, d);
  CHECK(d > critical);
}
