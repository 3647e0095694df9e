// bands.csv holds, per sample and metric, the mean, median and Student-t 95% interval of the
// replications' values (low = high = the value with one replication); summary.json aggregates
// every headline figure and states its method, and its `reference` block fits random constant
// spread and the two-factor model to the mean curve, reporting K per hour and T as a clock time.
#include <unistd.h>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "analysis/reference_models.hpp"
#include "analysis/write/bands.hpp"
#include "analysis/write/outputs.hpp"
#include "models/scenario/loader.hpp"

using namespace wormsim;
using namespace wormsim::analysis;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> fields_of(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string f; std::getline(in, f, ',');) out.push_back(f);
  return out;
}

/// A replication whose curves are `infected_total` = values[i] and `scanning` = 2 values[i] at
/// times 0, 60, 120, ... seconds.
ReplicationResult replication(std::uint64_t index, const std::vector<double>& values) {
  ReplicationResult run;
  run.summary.replication = index;
  const std::size_t total = run.curves.declare({"infected_total", "hosts", ""});
  const std::size_t scanning = run.curves.declare({"scanning", "hosts", ""});
  for (std::size_t i = 0; i < values.size(); ++i) {
    run.curves.begin_sample(sim::SimTime::from_s(static_cast<std::int64_t>(60 * i)));
    run.curves.set(total, values[i]);
    run.curves.set(scanning, 2 * values[i]);
  }
  return run;
}

const char* const kScenario = R"(
[simulation]
name = "reference"
start = 2001-07-19T10:00:00Z
duration = "24h"
seed = 1

[address_space]
prefix = "10.0.0.0/16"

[[population]]
name = "iis"
count = 100
placement = { per = "/24", mean_per_block = 8 }
os = { "win2000-sp1" = 1.0 }
services = ["iis5-index"]

[worm]
model = "codered-v2"
)";

}  // namespace

TEST_CASE("analysis::bands_csv: one replication gives low = high = mean = median = the value",
          "[analysis]") {
  const std::vector<ReplicationResult> runs = {replication(0, {5, 7.25, 1e6})};
  const auto lines = lines_of(bands_csv(runs));
  REQUIRE(lines.size() == 1 + 3 * 2);
  CHECK(lines[0] == "time_s,metric,n,mean,median,low,high");
  CHECK(lines[1] == "0,infected_total,1,5,5,5,5");
  CHECK(lines[2] == "0,scanning,1,10,10,10,10");
  CHECK(lines[3] == "60,infected_total,1,7.25,7.25,7.25,7.25");
  CHECK(lines[6] == "120,scanning,1,2000000,2000000,2000000,2000000");
}

TEST_CASE("analysis::bands_csv: mean, median and the Student-t interval over replications",
          "[analysis]") {
  // At 60 s the three replications hold 1, 2 and 6: mean 3, median 2, s^2 = (4 + 1 + 9) / 2 = 7,
  // half-width t(0.975, 2) sqrt(7 / 3) = 4.303 x 1.5275 = 6.5730. At 0 s all hold 10: a band of
  // width 0.
  const std::vector<ReplicationResult> runs = {replication(0, {10, 1}), replication(1, {10, 2}),
                                               replication(2, {10, 6})};
  const auto lines = lines_of(bands_csv(runs));
  REQUIRE(lines.size() == 5);
  CHECK(lines[1] == "0,infected_total,3,10,10,10,10");
  const auto f = fields_of(lines[3]);
  REQUIRE(f.size() == 7);
  CHECK(f[0] == "60");
  CHECK(f[1] == "infected_total");
  CHECK(f[2] == "3");
  CHECK(std::stod(f[3]) == Approx(3.0));
  CHECK(std::stod(f[4]) == Approx(2.0));
  const double half = 4.303 * std::sqrt(7.0 / 3.0);
  CHECK(std::stod(f[5]) == Approx(3.0 - half));
  CHECK(std::stod(f[6]) == Approx(3.0 + half));
  // The second metric scales with the first: its band doubles.
  const auto g = fields_of(lines[4]);
  CHECK(std::stod(g[5]) == Approx(2 * (3.0 - half)));
}

TEST_CASE("analysis::write_summary_json: every headline figure aggregated, the method stated",
          "[analysis]") {
  const models::Scenario s = models::load_scenario_text(kScenario, "reference.toml");
  std::vector<ReplicationResult> runs(4);
  for (std::uint64_t r = 0; r < runs.size(); ++r) {
    auto& sum = runs[r].summary;
    sum.replication = r;
    sum.vulnerable = 100;
    sum.infected_total = 50 + 10 * r;
    sum.rpc_crashes = r;
    sum.iis_crashes = 2 * r;
    sum.reboots = 7;
  }
  const auto file = std::filesystem::temp_directory_path() /
                    ("wormsim-" + std::to_string(::getpid()) + "-summary-aggregate.json");
  write_summary_json(file, s, runs, "test", false);
  std::ifstream in(file);
  const auto j = nlohmann::json::parse(in);
  std::filesystem::remove(file);
  const auto& agg = j["aggregate"];
  CHECK(agg["method"].get<std::string>().find("Student-t") != std::string::npos);
  CHECK(agg["method"].get<std::string>().find("median") != std::string::npos);
  for (const char* key :
       {"vulnerable", "infected_total", "infected_total_pct", "infected_now", "time_to_50pct_s",
        "peak_infections_per_minute", "crashes", "rpc_crashes", "iis_crashes", "reboots",
        "defaced", "backdoored", "flood_packets", "patched", "probes_blocked", "hosts_cleaned"}) {
    CAPTURE(key);
    CHECK(agg.contains(key));
  }
  CHECK(agg["infected_total_pct"]["mean"] == Approx(65.0));
  CHECK(agg["crashes"]["mean"] == Approx(4.5));  // 3 r over r = 0..3
  CHECK(agg["reboots"]["ci95_low"] == 7.0);
  CHECK(agg["time_to_50pct_s"].is_null());  // no replication reached it
  // No curves: nothing to fit, and the block says so.
  CHECK(j["reference"]["replications"] == 0);
  CHECK(j["reference"]["rcs"].is_null());
  CHECK(j["reference"]["two_factor"].is_null());
}

TEST_CASE("analysis::write_summary_json: the reference block fits K and T on the mean curve",
          "[analysis]") {
  // Two replications whose infected shares are exact logistics with K = 1.8 per hour and T = 6 h
  // and 6 h 10 min. Their mean is not itself a logistic but is close to one with T = 6 h 5 min
  // (by symmetry) and K slightly below 1.8: averaging S-curves shifted by +-d in logit flattens
  // them by about 1 / sqrt(1 + pi d^2 / 8) (the logistic-probit approximation), 0.9956 for
  // d = 5 min x K = 0.15. The approximation is good to a few 1e-4 at this spread.
  const models::Scenario s = models::load_scenario_text(kScenario, "reference.toml");
  const double k = 1.8 / 3600, vulnerable = 360000;
  std::vector<ReplicationResult> runs;
  for (int r = 0; r < 2; ++r) {
    ReplicationResult run;
    run.summary.replication = static_cast<std::uint64_t>(r);
    run.summary.vulnerable = static_cast<std::uint64_t>(vulnerable);
    run.summary.worms.resize(1);
    run.summary.worms[0].model = "codered-v2";
    run.summary.worms[0].vulnerable = run.summary.vulnerable;
    const std::size_t total = run.curves.declare({"infected_total", "hosts", ""});
    const std::size_t now = run.curves.declare({"infected_now", "hosts", ""});
    const RcsParameters p{k, 6 * 3600.0 + 600 * r};
    for (std::int64_t t = 0; t <= 86400; t += 60) {
      run.curves.begin_sample(sim::SimTime::from_s(t));
      const double a = rcs_fraction(p, static_cast<double>(t)) * vulnerable;
      run.curves.set(total, a);
      run.curves.set(now, a);
    }
    runs.push_back(std::move(run));
  }
  const auto file = std::filesystem::temp_directory_path() /
                    ("wormsim-" + std::to_string(::getpid()) + "-summary-reference.json");
  write_summary_json(file, s, runs, "test", false);
  std::ifstream in(file);
  const auto j = nlohmann::json::parse(in);
  std::filesystem::remove(file);
  const auto& ref = j["reference"];
  CHECK(ref["replications"] == 2);
  CHECK(ref["vulnerable"] == vulnerable);
  const auto& rcs = ref["rcs"];
  REQUIRE(rcs.is_object());
  const double k_fit = rcs["k_per_hour"].get<double>() / 3600;
  CHECK(k_fit * 3600 == Approx(1.8 * 0.9956).epsilon(1e-3));
  CHECK(rcs["k_per_s"].get<double>() * 3600 == Approx(rcs["k_per_hour"].get<double>()));
  CHECK(rcs["t_half_s"].get<double>() == Approx(6 * 3600 + 300).margin(5));
  CHECK(rcs["t_half_utc"] == "2001-07-19T16:05:00Z");  // 10:00 UTC + 6 h 5 min
  CHECK(rcs["fit"]["r_squared"].get<double>() > 0.9999);
  // The overlay: at most 289 points of 1,441 samples, first and last included, shares in [0, 1].
  const auto& curve = rcs["curve"];
  REQUIRE(curve.size() == 289);
  CHECK(curve[0][0] == 0);
  CHECK(curve[288][0] == 86400);
  CHECK(curve[72][0] == 21600);
  // The curve is the fitted logistic, rounded to 1e-6.
  const RcsParameters fitted{k_fit, rcs["t_half_s"].get<double>()};
  for (const std::size_t i : {0, 72, 73, 288})
    CHECK(curve[i][1].get<double>() ==
          Approx(rcs_fraction(fitted, curve[i][0].get<double>())).margin(5.1e-7));
  const auto& two = ref["two_factor"];
  REQUIRE(two.is_object());
  // The two-factor fit starts on the random-constant-spread curve, so it fits at least as well.
  CHECK(two["fit"]["rss"].get<double>() <= 2 * rcs["fit"]["rss"].get<double>() * (1 + 1e-3));
  CHECK(two["beta0_n_per_hour"].get<double>() == Approx(1.8).epsilon(0.05));
  CHECK(two["curve"].size() == 289);
  CHECK(two["curve"][288].size() == 3);
}
