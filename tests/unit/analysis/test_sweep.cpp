// A sweep's grid enumerates every combination with the first parameter varying slowest; its
// progress file gives back exactly the figures written to it (so that a resumed sweep writes the
// bytes of an uninterrupted one), drops a line cut short and refuses a file that is not its own.
#include <catch2/catch.hpp>

#include <unistd.h>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>

#include "analysis/sweep.hpp"
#include "analysis/write/sweep_outputs.hpp"
#include "models/scenario/diagnostics.hpp"

using namespace wormsim;
using namespace wormsim::analysis;

namespace {

std::filesystem::path scratch(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("wormsim-unit-sweep-" + std::to_string(::getpid()) + "-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

std::string read(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

SweepIdentity identity() {
  SweepIdentity id;
  id.version = "9.9.9";
  id.scenario_path = "s.toml";
  id.text_hash = "0123456789abcdef";
  id.parameters = {{"worm.probe_rate", {"6/s", "12/s"}}, {"simulation.duration", {"1h", "2h", "3h"}}};
  id.seed = 7;
  id.replications = 2;
  id.figures = {"infected_total", "time_to_50pct_s"};
  return id;
}

}  // namespace

TEST_CASE("analysis::SweepGrid: every combination, the first parameter varying slowest",
          "[analysis]") {
  const SweepGrid grid({{"a", {"1", "2"}}, {"b", {"x", "y", "z"}}});
  REQUIRE(grid.size() == 6);
  CHECK(grid.coordinates(0) == std::vector<std::size_t>{0, 0});
  CHECK(grid.coordinates(1) == std::vector<std::size_t>{0, 1});
  CHECK(grid.coordinates(2) == std::vector<std::size_t>{0, 2});
  CHECK(grid.coordinates(3) == std::vector<std::size_t>{1, 0});
  CHECK(grid.coordinates(5) == std::vector<std::size_t>{1, 2});
  const auto o = grid.overrides(4);
  REQUIRE(o.size() == 2);
  CHECK(o[0] == models::Override{"a", "2"});
  CHECK(o[1] == models::Override{"b", "y"});
  CHECK(SweepGrid({}).size() == 1);
  CHECK_THROWS_AS(SweepGrid(std::vector<SweepParameter>{{"a", {}}}), std::invalid_argument);
  CHECK_THROWS_AS(SweepGrid({{"a", {"1", "2", "3"}}, {"b", {"1", "2"}}}, 5),
                  std::invalid_argument);
}

TEST_CASE("analysis::sweep_figures: network and defence figures only when asked", "[analysis]") {
  auto keys = [](const std::vector<SweepFigure>& figures) {
    std::vector<std::string> out;
    for (const auto& f : figures) out.emplace_back(f.key);
    return out;
  };
  CHECK(keys(sweep_figures(false, false)) ==
        std::vector<std::string>{"vulnerable", "infected_total", "infected_now", "time_to_10pct_s",
                                 "time_to_50pct_s", "time_to_90pct_s",
                                 "peak_infections_per_minute"});
  const auto all = keys(sweep_figures(true, true));
  CHECK(all.size() == 13);
  CHECK(all[7] == "hits_lost");
  CHECK(all[10] == "bytes_dropped");
  CHECK(all[12] == "probes_blocked");
  // A point without the network has no network figure, rather than a zero never measured.
  models::ReplicationSummary s;
  s.hits_lost = 5;
  s.has_network = false;
  CHECK_FALSE(figure_values(sweep_figures(true, false), s)[7].has_value());
  s.has_network = true;
  CHECK(figure_values(sweep_figures(true, false), s)[7] == 5.0);
}

TEST_CASE("analysis::identity_differences: each difference is named, the path is not one",
          "[analysis]") {
  const SweepIdentity a = identity();
  SweepIdentity b = a;
  b.scenario_path = "elsewhere/s.toml";
  CHECK(identity_differences(a, b).empty());
  b.seed = 8;
  b.parameters[1].values.pop_back();
  const auto d = identity_differences(a, b);
  REQUIRE(d.size() == 2);
  CHECK(d[0] ==
        "the parameters are --set worm.probe_rate=6/s,12/s --set simulation.duration=1h,2h,3h "
        "here, --set worm.probe_rate=6/s,12/s --set simulation.duration=1h,2h in the progress "
        "file");
  CHECK(d[1] == "the seed is 7 here, 8 in the progress file");
}

TEST_CASE("analysis::SweepProgressFile: records read back exactly, in any order", "[analysis]") {
  const auto dir = scratch("round-trip");
  const auto file = dir / kSweepProgressFile;
  const double awkward = 0.1 + 0.2;  // not the double nearest 0.3
  {
    SweepProgressFile progress(file, identity(), {{5, 1, {2000.0, std::nullopt}}});
    progress.append({3, 0, {1999.0, awkward}});
    progress.append({0, 1, {std::numeric_limits<double>::denorm_min(), 1e300}});
  }
  const auto contents = read_sweep_progress(file);
  REQUIRE(contents.has_value());
  CHECK(identity_differences(identity(), contents->identity).empty());
  CHECK(contents->identity.scenario_path == "s.toml");
  CHECK(contents->dropped_lines == 0);
  REQUIRE(contents->records.size() == 3);
  CHECK(contents->records[0].point == 5);
  CHECK_FALSE(contents->records[0].values[1].has_value());
  CHECK(contents->records[1].point == 3);
  CHECK(contents->records[1].values[1] == awkward);
  CHECK(contents->records[2].values[0] == std::numeric_limits<double>::denorm_min());
  CHECK(contents->records[2].values[1] == 1e300);
  std::filesystem::remove_all(dir);
}

TEST_CASE("analysis::read_sweep_progress: a line cut short or out of range is dropped",
          "[analysis]") {
  const auto dir = scratch("dropped");
  const auto file = dir / kSweepProgressFile;
  { SweepProgressFile progress(file, identity(), {{0, 0, {1.0, 2.0}}}); }
  {
    std::ofstream out(file, std::ios::binary | std::ios::app);
    out << R"({"point":6,"replication":0,"values":[1.0,2.0]})" << "\n";   // no point 6 in 2 × 3
    out << R"({"point":1,"replication":2,"values":[1.0,2.0]})" << "\n";   // 2 replications
    out << R"({"point":1,"replication":0,"values":[1.0]})" << "\n";       // a figure short
    out << R"({"point":1,"replication":0,"values":["x",2.0]})" << "\n";   // not a number
    out << R"({"point":2,"replication":1,"values":[3.0,4.0]})" << "\n";   // fine
    out << R"({"point":1,"replication":1,"values":[5.0,)";                // cut short
  }
  const auto contents = read_sweep_progress(file);
  REQUIRE(contents.has_value());
  CHECK(contents->dropped_lines == 5);
  REQUIRE(contents->records.size() == 2);
  CHECK(contents->records[1].point == 2);
  CHECK(contents->records[1].values[1] == 4.0);

  // Reopening rewrites the file without the dropped lines: appends start on a fresh line.
  {
    SweepProgressFile progress(file, identity(), contents->records);
    progress.append({1, 1, {5.0, 6.0}});
  }
  const auto again = read_sweep_progress(file);
  REQUIRE(again.has_value());
  CHECK(again->dropped_lines == 0);
  CHECK(again->records.size() == 3);
  std::filesystem::remove_all(dir);
}

TEST_CASE("analysis::read_sweep_progress: no file is no progress, and another file is refused",
          "[analysis]") {
  const auto dir = scratch("refused");
  CHECK_FALSE(read_sweep_progress(dir / kSweepProgressFile).has_value());
  std::ofstream(dir / "not-ours.jsonl") << "point,replication\n0,1\n";
  CHECK_THROWS_AS(read_sweep_progress(dir / "not-ours.jsonl"), models::InputError);
  std::ofstream(dir / "empty.jsonl") << "";
  CHECK_THROWS_AS(read_sweep_progress(dir / "empty.jsonl"), models::InputError);
  std::filesystem::remove_all(dir);
}

TEST_CASE("analysis::write_sweep_csv: parameters as columns, one row per point and replication",
          "[analysis]") {
  const auto dir = scratch("csv");
  SweepResults results;
  results.identity = identity();
  results.identity.parameters = {{"simulation.name", {R"("a, b")", "c"}}};
  results.values = {{{10.0, 1.5}, {11.0, std::nullopt}}, {{12.0, -0.0}, {13.0, 2.0}}};
  write_sweep_csv(dir / "sweep.csv", results);
  CHECK(read(dir / "sweep.csv") ==
        "point,simulation.name,replication,infected_total,time_to_50pct_s\n"
        "0,\"a, b\",0,10,1.5\n"
        "0,\"a, b\",1,11,\n"
        "1,c,0,12,0\n"
        "1,c,1,13,2\n");
  write_sweep_summary_csv(dir / "sweep_summary.csv", results);
  const std::string summary = read(dir / "sweep_summary.csv");
  CHECK(summary.rfind("point,simulation.name,figure,replications,mean,ci_low,ci_high\n"
                      "0,\"a, b\",infected_total,2,10.5,",
                      0) == 0);
  CHECK(summary.find("\n0,\"a, b\",time_to_50pct_s,1,1.5,1.5,1.5\n") != std::string::npos);
  std::filesystem::remove_all(dir);
}
