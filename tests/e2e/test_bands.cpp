// bands.csv and the summary's reference block through the wormsim executable: the same bytes
// whatever --threads is (replications side by side or one after another), one row per sample and
// metric, low = high = mean with a single replication, and K and T fitted.
#include <catch2/catch.hpp>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/support/command.hpp"

using wormsim::test::read_file;
using wormsim::test::run_command;
using wormsim::test::scratch_dir;
using wormsim::test::wormsim_exe;

namespace {

std::vector<std::vector<std::string>> rows_of(const std::string& csv) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(csv);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> fields;
    std::istringstream fs(line);
    for (std::string f; std::getline(fs, f, ',');) fields.push_back(f);
    rows.push_back(fields);
  }
  return rows;
}

struct Run {
  std::string bands, summary;
};

Run run_small(const std::string& flags, const std::string& tag) {
  const auto dir = scratch_dir(tag);
  const auto r = run_command(wormsim_exe() + " run tests/e2e/data/small-codered.toml --out '" +
                             dir.string() + "' " + flags);
  REQUIRE(r.status == 0);
  Run out{read_file(dir / "bands.csv"), read_file(dir / "summary.json")};
  std::filesystem::remove_all(dir);
  return out;
}

}  // namespace

TEST_CASE("e2e: bands.csv is byte-identical for 1 and 2 threads on 3 replications", "[e2e]") {
  const Run one = run_small("--replications 3 --threads 1", "bands-t1");
  const Run two = run_small("--replications 3 --threads 2", "bands-t2");
  CHECK(one.bands == two.bands);
  CHECK(one.summary == two.summary);

  // 61 samples (an hour every minute) times the 24 metrics of a scenario without a network, all
  // over the 3 replications; the band holds the mean, and the spread between replications opens
  // it somewhere.
  const auto rows = rows_of(one.bands);
  REQUIRE(rows.size() > 1);
  CHECK(rows[0] == std::vector<std::string>{"time_s", "metric", "n", "mean", "median", "low",
                                            "high"});
  std::size_t open = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    REQUIRE(rows[i].size() == 7);
    CHECK(rows[i][2] == "3");
    const double mean = std::stod(rows[i][3]), low = std::stod(rows[i][5]),
                 high = std::stod(rows[i][6]);
    CHECK(low <= mean);
    CHECK(mean <= high);
    if (high > low) ++open;
  }
  CHECK(open > 0);
  CHECK((rows.size() - 1) % 61 == 0);
  CHECK(rows[1][0] == "0");
  CHECK(rows.back()[0] == "3600");

  // The summary's reference block: K and T fitted on the mean curve, with its clock time.
  const auto summary = nlohmann::json::parse(one.summary);
  const auto& rcs = summary["reference"]["rcs"];
  REQUIRE(rcs.is_object());
  // 2,000 servers in 2^20 addresses at 6 probes/s: K = 6 x 2000 / 2^20 = 0.0114 /s = 41 /h.
  CHECK(rcs["k_per_hour"].get<double>() == Approx(41.2).epsilon(0.1));
  CHECK(rcs["t_half_utc"].get<std::string>().rfind("2001-07-19T10:", 0) == 0);
  CHECK(summary["reference"]["replications"] == 3);
  CHECK(summary["reference"]["two_factor"].is_object());
}

TEST_CASE("e2e: with one replication every band is the replication's own value", "[e2e]") {
  const Run one = run_small("--replications 1", "bands-one");
  const auto rows = rows_of(one.bands);
  REQUIRE(rows.size() > 61);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    CAPTURE(i, rows[i][0], rows[i][1]);
    CHECK(rows[i][2] == "1");
    CHECK(rows[i][4] == rows[i][3]);  // median
    CHECK(rows[i][5] == rows[i][3]);  // low
    CHECK(rows[i][6] == rows[i][3]);  // high
  }
}
