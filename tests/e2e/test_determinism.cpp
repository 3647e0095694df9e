// Determinism contract (DESIGN.md): the same scenario, seed and replication give byte-identical
// curves.csv and summary.json on every run and whatever --threads is, on either scheduler.
#include <catch2/catch.hpp>

#include "models/scenario/loader.hpp"

#include <array>
#include <filesystem>

#include "tests/support/command.hpp"

using wormsim::test::read_file;
using wormsim::test::run_command;
using wormsim::test::scratch_dir;
using wormsim::test::wormsim_exe;

namespace {
struct Outputs {
  std::string curves, summary;
};
Outputs run_with(const std::string& scenario, const std::string& extra, const std::string& tag) {
  const auto dir = scratch_dir(tag);
  const auto r =
      run_command(wormsim_exe() + " run " + scenario + " --out '" + dir.string() + "' " + extra);
  REQUIRE(r.status == 0);
  Outputs o{read_file(dir / "curves.csv"), read_file(dir / "summary.json")};
  std::filesystem::remove_all(dir);
  return o;
}
}  // namespace

TEST_CASE("e2e: curves.csv and summary.json are byte-identical for 1, 2 and 4 threads", "[e2e]") {
  const std::string scenario = "tests/e2e/data/small-codered.toml";
  const Outputs one = run_with(scenario, "--threads 1", "t1");
  REQUIRE(one.curves.size() > 1000);
  for (const char* threads : {"2", "4"}) {
    CAPTURE(threads);
    const Outputs many = run_with(scenario, std::string("--threads ") + threads, "tn");
    CHECK(many.curves == one.curves);
    CHECK(many.summary == one.summary);
  }
}

TEST_CASE("e2e: repeated runs give byte-identical outputs", "[e2e]") {
  const std::string scenario = "tests/e2e/data/small-codered.toml";
  const Outputs a = run_with(scenario, "--threads 2", "ra");
  const Outputs b = run_with(scenario, "--threads 2", "rb");
  CHECK(a.curves == b.curves);
  CHECK(a.summary == b.summary);
}

TEST_CASE("e2e: a different seed gives different curves", "[e2e]") {
  // Guards the tests above against a degenerate run that ignores its randomness.
  const std::string scenario = "tests/e2e/data/small-codered.toml";
  const Outputs a = run_with(scenario, "--seed 7", "sa");
  const Outputs b = run_with(scenario, "--seed 8", "sb");
  CHECK(a.curves != b.curves);
}

TEST_CASE("e2e: summary.json holds nothing that depends on the machine or the clock", "[e2e]") {
  const auto dir = scratch_dir("summary");
  const auto r =
      run_command(wormsim_exe() + " run tests/e2e/data/small-codered.toml --threads 3 --out '" +
                  dir.string() + "'");
  REQUIRE(r.status == 0);
  const std::string summary = read_file(dir / "summary.json");
  CHECK(summary.find("thread") == std::string::npos);
  CHECK(summary.find("wall") == std::string::npos);
  CHECK(summary.find(WORMSIM_SOURCE_DIR) == std::string::npos);
  CHECK(summary.find(dir.string()) == std::string::npos);
  const std::string run = read_file(dir / "run.json");
  CHECK(run.find("\"threads\": 3") != std::string::npos);
  CHECK(run.find("wall_seconds") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("e2e: events.csv is byte-identical for 1 and 4 threads and logs every infection",
          "[e2e]") {
  const std::string scenario = "tests/e2e/data/small-codered.toml";
  std::string logs[2];
  int i = 0;
  for (const char* threads : {"1", "4"}) {
    const auto dir = scratch_dir(std::string("events") + threads);
    const auto r = run_command(wormsim_exe() + " run " + scenario + " --events --threads " +
                               threads + " --out '" + dir.string() + "'");
    REQUIRE(r.status == 0);
    logs[i++] = read_file(dir / "events.csv");
    std::filesystem::remove_all(dir);
  }
  CHECK(logs[0] == logs[1]);
  REQUIRE(logs[0].rfind("time_s,replication,host,site,event,worm,cause\n", 0) == 0);
  // 4 replications x 5 seeds, and one "infected" line per infection beyond them.
  std::size_t seeded = 0, infected = 0;
  for (std::size_t p = logs[0].find(",seeded,"); p != std::string::npos;
       p = logs[0].find(",seeded,", p + 1))
    ++seeded;
  for (std::size_t p = logs[0].find(",infected,"); p != std::string::npos;
       p = logs[0].find(",infected,", p + 1))
    ++infected;
  CHECK(seeded == 20);
  CHECK(infected > 0);
}

// The windowed scheduler reproduces the sequential scheduler's bytes (DESIGN.md, "Schedulers") on
// every outbreak of scenarios/ and on 1, 2 and 4 threads: curves.csv, summary.json, events.csv,
// actions.csv and, with [network], links.csv, links_summary.csv and devices.csv. The first two simulated hours of each scenario (the hours with infections,
// crashes, reboots and cross-partition deliveries in every one of them). Every variant of a
// file with [[variant]] tables (its defences: patches, firewalls, quarantine, filters) is held
// to the same, on 2 threads and for its first hour, to keep the suite within minutes. One
// replication each (scenarios made for comparisons ask for ten).
TEST_CASE("e2e: the windowed scheduler gives the sequential scheduler's bytes on every scenario",
          "[e2e]") {
  for (const auto& entry : std::filesystem::recursive_directory_iterator(
           std::string(WORMSIM_SOURCE_DIR) + "/scenarios")) {
    if (entry.path().extension() != ".toml") continue;
    const std::string scenario = entry.path().string();
    CAPTURE(scenario);
    auto run = [&](const std::string& flags, const std::string& tag) {
      const auto dir = scratch_dir(tag);
      const auto r =
          run_command(wormsim_exe() + " run '" + scenario + "' --replications 1 --events --out '" +
                      dir.string() + "' " + flags);
      REQUIRE(r.status == 0);
      // The network's files exist with [network] only.
      auto maybe = [&](const char* name) {
        return std::filesystem::exists(dir / name) ? read_file(dir / name) : std::string();
      };
      std::array<std::string, 7> files{
          read_file(dir / "curves.csv"), read_file(dir / "summary.json"),
          read_file(dir / "events.csv"), read_file(dir / "actions.csv"),
          maybe("links.csv"),            maybe("links_summary.csv"),
          maybe("devices.csv")};
      std::filesystem::remove_all(dir);
      return files;
    };
    const auto reference = run("--duration 2h --scheduler sequential --threads 1", "seq");
    REQUIRE(reference[0].size() > 1000);
    for (const char* threads : {"1", "2", "4"}) {
      CAPTURE(threads);
      const auto windowed =
          run(std::string("--duration 2h --scheduler windowed --threads ") + threads, "win");
      for (std::size_t i = 0; i < reference.size(); ++i) CHECK(windowed[i] == reference[i]);
    }
    for (const auto& variant : wormsim::models::load_scenario_file(scenario).variants) {
      CAPTURE(variant.name);
      const std::string v = " --duration 1h --variant '" + variant.name + "'";
      const auto seq = run(v + " --scheduler sequential --threads 1", "vseq");
      const auto win = run(v + " --scheduler windowed --threads 2", "vwin");
      for (std::size_t i = 0; i < seq.size(); ++i) CHECK(win[i] == seq[i]);
    }
  }
}
