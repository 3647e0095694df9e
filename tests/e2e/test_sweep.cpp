// `--set` and `wormsim sweep` as a user meets them: an override changes what it names and is
// recorded; a bad one exits 2 naming the option; a sweep runs its whole grid on common random
// numbers (its point at the file's own values reproduces `wormsim run`), writes the same bytes on
// any number of threads and after a resume as in one go; progress never reaches a stderr that
// is not a terminal. The scenario is tests/e2e/data/small-codered.toml (2,000 hosts) cut to 20
// simulated minutes: every command here takes well under a second in a Release build.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/command.hpp"

using wormsim::test::read_file;
using wormsim::test::run_command;
using wormsim::test::scratch_dir;
using wormsim::test::wormsim_exe;

namespace {

const std::string kScenario = "tests/e2e/data/small-codered.toml";
const std::string kShort = " --set simulation.duration=20m";

std::string quoted(const std::filesystem::path& p) {
  std::string out = "'";
  out += p.string();
  out += "'";
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> fields_of(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream cells(line);
  while (std::getline(cells, field, ',')) fields.push_back(field);
  if (!line.empty() && line.back() == ',') fields.emplace_back();
  return fields;
}

std::string sweep_command(const std::filesystem::path& out, const std::string& extra) {
  return wormsim_exe() + " sweep " + kScenario +
         " --set worm.probe_rate=6/s,12/s --set worm.initial_infected=5,10 --replications 3" +
         kShort + " --out " + quoted(out) + " " + extra;
}

const char* const kSweepFiles[] = {"sweep.csv", "sweep_summary.csv", "sweep.json", "report.html"};

}  // namespace

TEST_CASE("overrides: --set on run changes what it names and summary.json records it", "[e2e]") {
  const auto dir = scratch_dir("set-run");
  const auto plain = run_command(wormsim_exe() + " run " + kScenario + " --replications 1 --out " +
                                 quoted(dir / "plain"));
  const auto set = run_command(wormsim_exe() + " run " + kScenario +
                               " --replications 1 --set simulation.duration=20m --set "
                               "'simulation.name=\"renamed\"' --out " +
                               quoted(dir / "set"));
  REQUIRE(plain.status == 0);
  REQUIRE(set.status == 0);
  // The file's duration is 1h: the curves end at 3600 s; with the override, at 1200 s.
  const auto plain_curves = lines_of(read_file(dir / "plain" / "curves.csv"));
  const auto set_curves = lines_of(read_file(dir / "set" / "curves.csv"));
  CHECK(plain_curves.back().rfind("3600,0,", 0) == 0);
  CHECK(set_curves.back().rfind("1200,0,", 0) == 0);
  CHECK(set.out.rfind("renamed — 1 replication", 0) == 0);

  const auto a = nlohmann::json::parse(read_file(dir / "plain" / "summary.json"));
  const auto b = nlohmann::json::parse(read_file(dir / "set" / "summary.json"));
  CHECK(b["parameters"]["simulation"]["duration"] == "20m");
  CHECK(b["scenario"]["hash_fnv1a64"] == a["scenario"]["hash_fnv1a64"]);  // the file's hash
  CHECK_FALSE(a["scenario"].contains("overrides"));
  REQUIRE(b["scenario"]["overrides"].size() == 2);
  CHECK(b["scenario"]["overrides"][0]["key"] == "simulation.duration");
  CHECK(b["scenario"]["overrides"][0]["value"] == "20m");
  CHECK(b["scenario"]["overrides"][1]["value"] == "\"renamed\"");
  std::filesystem::remove_all(dir);
}

TEST_CASE("overrides: a bad key or value exits 2 naming the option, and nothing is written",
          "[e2e]") {
  const auto dir = scratch_dir("set-bad");
  const std::string prefix = kScenario + ": --set ";
  struct Case {
    const char* set;
    const char* message;
  };
  const Case cases[] = {
      {"simulation.durration=2h",
       "simulation.durration=2h: error: [simulation] durration: unknown key; did you mean "
       "'duration'?\n"},
      {"simulation.duration=2x",
       "simulation.duration=2x: error: [simulation] duration: expected a duration with one of "
       "the units us, ms, s, m, h, d (e.g. \"90s\", \"2h30m\"), got \"2x\"\n"},
      {"population.web.count=10",
       "population.web.count=10: error: population: expected the index (0) or the name "
       "(\"iis\") of a [[population]] table, got \"web\"\n"},
      {"worm.probe_rate=-6/s",
       "worm.probe_rate=-6/s: error: [worm] probe_rate: expected a positive rate such as "
       "\"358/min\", got \"-6/s\"\n"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.set);
    for (const char* command : {" run ", " validate ", " compare "}) {
      CAPTURE(command);
      std::string line = wormsim_exe() + command + kScenario + " --set '" + c.set + "'";
      if (std::string(command) != " validate ") line += " --out " + quoted(dir / "out");
      const auto r = run_command(line);
      CHECK(r.status == 2);
      CHECK(r.err == prefix + c.message);
    }
    const auto sweep = run_command(wormsim_exe() + " sweep " + kScenario + " --set '" + c.set +
                                   "' --out " + quoted(dir / "out"));
    CHECK(sweep.status == 2);
    CHECK(sweep.err == prefix + c.message);
  }
  CHECK_FALSE(std::filesystem::exists(dir / "out"));
  const auto no_equals = run_command(wormsim_exe() + " run " + kScenario +
                                     " --set simulation.duration --out " + quoted(dir / "out"));
  CHECK(no_equals.status == 2);
  CHECK(no_equals.err.find("--set simulation.duration: error: expected KEY=VALUE") == 0);
  CHECK_FALSE(std::filesystem::exists(dir / "out"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("sweep: the grid, its parameters as columns, the first key varying slowest", "[e2e]") {
  const auto dir = scratch_dir("sweep-grid");
  const auto r = run_command(sweep_command(dir / "out", "--threads 2"));
  REQUIRE(r.status == 0);
  CHECK(r.err.empty());
  CHECK(r.out.find("4 points × 3 replications, seed 7 for every point") != std::string::npos);
  const auto rows = lines_of(read_file(dir / "out" / "sweep.csv"));
  REQUIRE(rows.size() == 1 + 4 * 3);
  // Every --set is a column, a single value (simulation.duration) included.
  CHECK(rows[0] ==
        "point,worm.probe_rate,worm.initial_infected,simulation.duration,replication,vulnerable,"
        "infected_total,infected_now,time_to_10pct_s,time_to_50pct_s,time_to_90pct_s,"
        "peak_infections_per_minute");
  const char* expected[] = {"0,6/s,5,20m,0,",   "0,6/s,5,20m,1,",   "0,6/s,5,20m,2,",
                            "1,6/s,10,20m,0,",  "1,6/s,10,20m,1,",  "1,6/s,10,20m,2,",
                            "2,12/s,5,20m,0,",  "2,12/s,5,20m,1,",  "2,12/s,5,20m,2,",
                            "3,12/s,10,20m,0,", "3,12/s,10,20m,1,", "3,12/s,10,20m,2,"};
  for (std::size_t i = 0; i < 12; ++i) {
    CAPTURE(i, rows[i + 1]);
    CHECK(rows[i + 1].rfind(expected[i], 0) == 0);
    CHECK(fields_of(rows[i + 1]).size() == 12);
    CHECK(fields_of(rows[i + 1])[5] == "2000");
  }
  // A faster worm reaches half the hosts sooner, replication by replication.
  for (std::size_t rep = 0; rep < 3; ++rep) {
    const double slow = std::stod(fields_of(rows[1 + rep])[9]);
    const double fast = std::stod(fields_of(rows[7 + rep])[9]);
    CAPTURE(rep, slow, fast);
    CHECK(fast < slow);
  }
  const auto summary = lines_of(read_file(dir / "out" / "sweep_summary.csv"));
  CHECK(summary.size() == 1 + 4 * 7);
  CHECK(summary[0] ==
        "point,worm.probe_rate,worm.initial_infected,simulation.duration,figure,replications,mean,"
        "ci_low,ci_high");
  const auto json = nlohmann::json::parse(read_file(dir / "out" / "sweep.json"));
  CHECK(json["seed"] == 7);
  CHECK(json["replications"] == 3);
  REQUIRE(json["points"].size() == 4);
  CHECK(json["points"][3]["parameters"]["worm.probe_rate"] == "12/s");
  CHECK(json["points"][3]["figures"]["infected_total"]["values"].size() == 3);
  CHECK(json["points"][3]["figures"]["infected_total"]["estimate"]["n"] == 3);
  CHECK(std::filesystem::exists(dir / "out" / "run.json"));
  std::filesystem::remove_all(dir);
}

TEST_CASE(
    "sweep: the point at the file's own values reproduces wormsim run (common random "
    "numbers)",
    "[e2e]") {
  // The file's probe rate is 6/s: point 0 is the file itself, so replication r of it must give
  // run's replication r figure for figure, to the last bit.
  const auto dir = scratch_dir("sweep-crn");
  const auto run = run_command(wormsim_exe() + " run " + kScenario + kShort +
                               " --replications 3 --out " + quoted(dir / "run"));
  const auto sweep = run_command(sweep_command(dir / "sweep", ""));
  REQUIRE(run.status == 0);
  REQUIRE(sweep.status == 0);
  const auto summary = nlohmann::json::parse(read_file(dir / "run" / "summary.json"));
  const auto rows = lines_of(read_file(dir / "sweep" / "sweep.csv"));
  const auto header = fields_of(rows[0]);
  REQUIRE(summary["replications"].size() == 3);
  for (std::size_t r = 0; r < 3; ++r) {
    const auto row = fields_of(rows[1 + r]);
    REQUIRE(row.size() == header.size());
    REQUIRE(row[0] == "0");
    for (std::size_t f = 5; f < header.size(); ++f) {
      CAPTURE(r, header[f], row[f]);
      const auto& value = summary["replications"][r][header[f]];
      REQUIRE(!value.is_null());
      CHECK(std::stod(row[f]) == value.get<double>());
    }
  }
  // Point 1 (10 initial infections) differs from the file: not the same figures.
  CHECK(fields_of(rows[4])[9] != fields_of(rows[1])[9]);
  std::filesystem::remove_all(dir);
}

TEST_CASE(
    "sweep: sweep.csv, sweep_summary.csv, sweep.json and report.html are the same bytes on "
    "1 and 2 threads",
    "[e2e]") {
  const auto dir = scratch_dir("sweep-threads");
  REQUIRE(run_command(sweep_command(dir / "t1", "--threads 1")).status == 0);
  REQUIRE(run_command(sweep_command(dir / "t2", "--threads 2")).status == 0);
  for (const char* name : kSweepFiles) {
    CAPTURE(name);
    const std::string one = read_file(dir / "t1" / name);
    CHECK(one.size() > 100);
    CHECK(one == read_file(dir / "t2" / name));
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("sweep: a resumed sweep writes the bytes of an uninterrupted one", "[e2e]") {
  // The progress file is cut to its header and five records, plus half of a sixth (a write cut
  // short by a kill), and the outputs are removed; the same command then runs the seven missing
  // replications and must write the very same files.
  const auto dir = scratch_dir("sweep-resume");
  REQUIRE(run_command(sweep_command(dir / "whole", "--threads 2")).status == 0);
  REQUIRE(run_command(sweep_command(dir / "cut", "--threads 2")).status == 0);
  const auto progress = dir / "cut" / "sweep-progress.jsonl";
  const auto lines = lines_of(read_file(progress));
  REQUIRE(lines.size() == 1 + 12);
  {
    std::ofstream out(progress, std::ios::binary | std::ios::trunc);
    for (std::size_t i = 0; i < 6; ++i) out << lines[i] << "\n";
    out << lines[6].substr(0, lines[6].size() / 2);
  }
  for (const char* name : kSweepFiles) std::filesystem::remove(dir / "cut" / name);

  const auto resumed = run_command(sweep_command(dir / "cut", "--threads 1"));
  REQUIRE(resumed.status == 0);
  CHECK(resumed.out.find("resumed: 5 of 12 runs were done already") != std::string::npos);
  CHECK(resumed.out.find("1 incomplete line of the progress file") != std::string::npos);
  for (const char* name : kSweepFiles) {
    CAPTURE(name);
    CHECK(read_file(dir / "cut" / name) == read_file(dir / "whole" / name));
  }
  CHECK(lines_of(read_file(progress)).size() == 1 + 12);

  // Once finished, the same command runs nothing and writes the same files again.
  const auto again = run_command(sweep_command(dir / "cut", ""));
  REQUIRE(again.status == 0);
  CHECK(again.out.find("resumed: 12 of 12 runs were done already") != std::string::npos);
  CHECK(read_file(dir / "cut" / "sweep.csv") == read_file(dir / "whole" / "sweep.csv"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("sweep: another sweep's progress file is refused with exit 2 and left alone", "[e2e]") {
  const auto dir = scratch_dir("sweep-refuse");
  REQUIRE(run_command(sweep_command(dir / "out", "")).status == 0);
  const std::string before = read_file(dir / "out" / "sweep-progress.jsonl");
  const auto seed = run_command(sweep_command(dir / "out", "--seed 8"));
  CHECK(seed.status == 2);
  CHECK(seed.err.find("holds the progress of another sweep") != std::string::npos);
  CHECK(seed.err.find("the seed is 8 here, 7 in the progress file") != std::string::npos);
  const auto reps = run_command(wormsim_exe() + " sweep " + kScenario +
                                " --set worm.probe_rate=6/s,12/s --set worm.initial_infected=5,10 "
                                "--replications 2" +
                                kShort + " --out " + quoted(dir / "out"));
  CHECK(reps.status == 2);
  CHECK(reps.err.find("the replications are 2 here, 3 in the progress file") != std::string::npos);
  const auto values = run_command(wormsim_exe() + " sweep " + kScenario +
                                  " --set worm.probe_rate=6/s,24/s --set "
                                  "worm.initial_infected=5,10 --replications 3" +
                                  kShort + " --out " + quoted(dir / "out"));
  CHECK(values.status == 2);
  CHECK(values.err.find("the parameters are --set worm.probe_rate=6/s,24/s") != std::string::npos);
  CHECK(read_file(dir / "out" / "sweep-progress.jsonl") == before);
  std::filesystem::remove_all(dir);
}

TEST_CASE("sweep: bad command lines exit 2 before anything is written", "[e2e]") {
  const auto dir = scratch_dir("sweep-bad");
  const std::string out = " --out " + quoted(dir / "out");
  const std::string head = wormsim_exe() + " sweep " + kScenario;
  const auto seed = run_command(head + " --set simulation.seed=1,2" + out);
  CHECK(seed.status == 2);
  CHECK(seed.err.find("use --seed instead") != std::string::npos);
  const auto twice =
      run_command(head + " --set worm.probe_rate=1/s --set worm.probe_rate=2/s" + out);
  CHECK(twice.status == 2);
  CHECK(twice.err.find("worm.probe_rate is set twice") != std::string::npos);
  // A bad value shows in half the points; it is reported once.
  const auto bad = run_command(head +
                               " --set worm.probe_rate=6/s,6/x --set "
                               "worm.initial_infected=1,2" +
                               out);
  CHECK(bad.status == 2);
  CHECK(lines_of(bad.err).size() == 1);
  CHECK(bad.err.find("--set worm.probe_rate=6/x: error: [worm] probe_rate:") != std::string::npos);
  CHECK(run_command(head + out).status == 2);  // no --set
  const auto help = run_command(wormsim_exe() + " sweep --help");
  CHECK(help.status == 0);
  CHECK(help.out.find("--set") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "out"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("progress: nothing on a stderr that is not a terminal, and --progress forces it",
          "[e2e]") {
  // The tests run without a terminal, so stderr must stay empty by default; --progress draws
  // the line anyway (redrawn with carriage returns), which shows the quiet is a choice.
  const auto dir = scratch_dir("progress");
  const auto run =
      run_command(wormsim_exe() + " run " + kScenario + kShort + " --out " + quoted(dir / "run"));
  const auto compare = run_command(wormsim_exe() + " compare " + kScenario + " " + kScenario +
                                   kShort + " --out " + quoted(dir / "compare"));
  const auto sweep = run_command(sweep_command(dir / "sweep", ""));
  REQUIRE(run.status == 0);
  REQUIRE(compare.status == 0);
  REQUIRE(sweep.status == 0);
  CHECK(run.err.empty());
  CHECK(compare.err.empty());
  CHECK(sweep.err.empty());

  const auto forced = run_command(wormsim_exe() + " run " + kScenario + kShort +
                                  " --progress --out " + quoted(dir / "forced"));
  REQUIRE(forced.status == 0);
  CHECK(forced.err.rfind("\rrun: ", 0) == 0);
  CHECK(forced.err.find("replications") != std::string::npos);
  CHECK(forced.err.back() == '\r');  // the line is erased at the end
  const auto forced_sweep = run_command(sweep_command(dir / "forced-sweep", "--progress"));
  REQUIRE(forced_sweep.status == 0);
  CHECK(forced_sweep.err.rfind("\rsweep: ", 0) == 0);
  CHECK(forced_sweep.err.find("/12 runs (") != std::string::npos);
  // The files do not depend on whether progress was drawn.
  CHECK(read_file(dir / "forced-sweep" / "sweep.csv") == read_file(dir / "sweep" / "sweep.csv"));
  CHECK(run_command(wormsim_exe() + " run " + kScenario + " --progress --no-progress --out " +
                    quoted(dir / "both"))
            .status == 2);
  std::filesystem::remove_all(dir);
}
