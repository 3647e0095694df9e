// Every file in scenarios/ is valid, and runs (DESIGN.md, "Bad input"; STYLE.md, "Tests"); the
// benchmarks' scenarios in bench/scenario/ validate too.
// The default scenario embedded in the binary is the file in scenarios/.
#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <vector>

#include "tests/support/command.hpp"

using wormsim::test::read_file;
using wormsim::test::run_command;
using wormsim::test::scratch_dir;
using wormsim::test::wormsim_exe;

namespace {
std::vector<std::string> scenario_files(const char* folder = "scenarios") {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(
           std::filesystem::path(WORMSIM_SOURCE_DIR) / folder))
    if (e.is_regular_file() && e.path().extension() == ".toml")
      files.push_back(std::filesystem::relative(e.path(), WORMSIM_SOURCE_DIR).string());
  std::sort(files.begin(), files.end());
  return files;
}
}  // namespace

TEST_CASE("scenarios: every file in scenarios/ validates", "[e2e]") {
  const auto files = scenario_files();
  REQUIRE_FALSE(files.empty());
  for (const auto& f : files) {
    CAPTURE(f);
    const auto r = run_command(wormsim_exe() + " validate " + f);
    CHECK(r.err.empty());
    CHECK(r.status == 0);
  }
}

TEST_CASE("scenarios: every file in bench/scenario/ validates", "[e2e]") {
  const auto files = scenario_files("bench/scenario");
  REQUIRE(files.size() >= 2);
  for (const auto& f : files) {
    CAPTURE(f);
    const auto r = run_command(wormsim_exe() + " validate " + f);
    CHECK(r.err.empty());
    CHECK(r.status == 0);
  }
}

TEST_CASE("scenarios: every file in scenarios/ opens with a header naming what it reproduces",
          "[e2e]") {
  for (const auto& f : scenario_files()) {
    CAPTURE(f);
    const std::string text = read_file(std::filesystem::path(WORMSIM_SOURCE_DIR) / f);
    CHECK(text.rfind("# ", 0) == 0);
    CHECK(text.find("Reproduces") != std::string::npos);
    CHECK(text.find("Sources") != std::string::npos);
  }
}

TEST_CASE("scenarios: every file in scenarios/ runs its first six simulated hours", "[e2e]") {
  // The full horizons are run by the benchmarks and reported in bench/README.md; the test keeps
  // to six hours and one replication so the suite stays within minutes.
  for (const auto& f : scenario_files()) {
    CAPTURE(f);
    const auto dir = scratch_dir("scenario");
    const auto r = run_command(wormsim_exe() + " run " + f +
                               " --duration 6h --replications 1 --out '" + dir.string() + "'");
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    CHECK(std::filesystem::file_size(dir / "curves.csv") > 0);
    std::filesystem::remove_all(dir);
  }
}

TEST_CASE("scenarios: run without a file runs the embedded Code Red v2 scenario", "[e2e]") {
  // Same bytes as running the file itself: the embedded copy is the file.
  const auto a = scratch_dir("embedded");
  const auto b = scratch_dir("file");
  REQUIRE(run_command(wormsim_exe() + " run --out '" + a.string() + "'").status == 0);
  REQUIRE(run_command(wormsim_exe() + " run scenarios/codered/codered-v2-2001-07-19.toml --out '" +
                      b.string() + "'")
              .status == 0);
  CHECK(read_file(a / "curves.csv") == read_file(b / "curves.csv"));
  CHECK(read_file(a / "summary.json") == read_file(b / "summary.json"));
  // The headline figures of 19 July 2001 (CAIDA, Moore et al. IMW 2002): over 340,000 hosts
  // infected within 14 hours of 10:00 UTC, a peak above 2,000 new hosts per minute.
  const auto s = nlohmann::json::parse(read_file(a / "summary.json"));
  const auto& rep = s["replications"][0];
  CHECK(rep["infected_total"].get<double>() > 340000);
  CHECK(rep["time_to_90pct_s"].get<double>() < 14 * 3600);
  CHECK(rep["peak_infections_per_minute"].get<double>() > 2000);
  // Spreading stops at 00:00 UTC on 20 July (day 20 of the calendar), 14 h = 50,400 s after the
  // start: the sample after it shows no host scanning (a sample at t sees the events before t),
  // a minute before it hosts still scan.
  const std::string curves = read_file(a / "curves.csv");
  CHECK(curves.find("\n50460,0,scanning,0\n") != std::string::npos);
  CHECK(curves.find("\n50340,0,scanning,0\n") == std::string::npos);
  CHECK(curves.find("\n50460,0,new_infections,0\n") != std::string::npos);
  std::filesystem::remove_all(a);
  std::filesystem::remove_all(b);
}
