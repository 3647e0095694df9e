// The command line as a user meets it: version, help, models, the default scenario's outputs,
// and the exit statuses of DESIGN.md (0 success, 2 bad input or usage, 1 other failures).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/command.hpp"

using wormsim::test::read_file;
using wormsim::test::run_command;
using wormsim::test::scratch_dir;
using wormsim::test::wormsim_exe;

TEST_CASE("cli: --version prints the version and exits 0", "[e2e]") {
  const auto r = run_command(wormsim_exe() + " --version");
  CHECK(r.status == 0);
  CHECK(r.out.rfind("wormsim ", 0) == 0);
}

TEST_CASE("cli: --help on every command exits 0", "[e2e]") {
  for (const char* cmd : {"", " run", " compare", " validate", " models"}) {
    CAPTURE(cmd);
    const auto r = run_command(wormsim_exe() + cmd + " --help");
    CHECK(r.status == 0);
    CHECK(r.out.find("Usage") != std::string::npos);
  }
}

TEST_CASE("cli: usage errors exit 2", "[e2e]") {
  CHECK(run_command(wormsim_exe()).status == 2);
  CHECK(run_command(wormsim_exe() + " frobnicate").status == 2);
  CHECK(run_command(wormsim_exe() + " run --no-such-option").status == 2);
  CHECK(run_command(wormsim_exe() + " run --threads -1").status == 2);
  CHECK(run_command(wormsim_exe() + " validate").status == 2);
  CHECK(run_command(wormsim_exe() + " run --duration 90").status == 2);
}

TEST_CASE("cli: models lists codered-v2 with its parameters, units, defaults and sources",
          "[e2e]") {
  const auto r = run_command(wormsim_exe() + " models");
  REQUIRE(r.status == 0);
  CHECK(r.out.find("worm codered-v2") != std::string::npos);
  CHECK(r.out.find("probe_rate") != std::string::npos);
  CHECK(r.out.find("358/min") != std::string::npos);
  CHECK(r.out.find("Zou, Gong, Towsley") != std::string::npos);
  CHECK(r.out.find("strategy uniform") != std::string::npos);
  const auto one = run_command(wormsim_exe() + " models codered-v2");
  CHECK(one.status == 0);
  CHECK(one.out.find("strategy uniform") == std::string::npos);
  const auto typo = run_command(wormsim_exe() + " models codred-v2");
  CHECK(typo.status == 2);
  CHECK(typo.err.find("did you mean 'codered-v2'") != std::string::npos);
}

TEST_CASE("cli: run writes curves.csv, summary.json and run.json and prints a summary", "[e2e]") {
  const auto dir = scratch_dir("cli-run");
  const auto r = run_command(wormsim_exe() + " run tests/e2e/data/small-codered.toml --out '" +
                             dir.string() + "/nested/out'");
  REQUIRE(r.status == 0);
  CHECK(r.out.find("infected (total)") != std::string::npos);
  CHECK(r.out.find("outputs in") != std::string::npos);
  const auto out = dir / "nested" / "out";
  const std::string curves = read_file(out / "curves.csv");
  CHECK(curves.rfind("time_s,replication,metric,value\n", 0) == 0);
  CHECK(curves.find("\n60,0,infected_total,") != std::string::npos);
  CHECK(curves.find("\n3600,3,probes_sent,") != std::string::npos);
  const auto summary = nlohmann::json::parse(read_file(out / "summary.json"));
  CHECK(summary["schema_version"] == 1);
  CHECK(summary["scenario"]["hash_fnv1a64"].get<std::string>().size() == 16);
  CHECK(summary["parameters"]["worms"][0]["exploit_delay"] == "500ms");  // a default, recorded
  CHECK(summary["parameters"]["simulation"]["seed"] == 7);
  REQUIRE(summary["replications"].size() == 4);
  for (const auto& rep : summary["replications"]) {
    CHECK(rep["vulnerable"] == 2000);
    CHECK(rep["infected_total"].get<int>() <= 2000);
    CHECK(rep["infected_total"].get<int>() >= 5);
  }
  CHECK(summary["aggregate"]["infected_total"]["n"] == 4);
  const auto run = nlohmann::json::parse(read_file(out / "run.json"));
  CHECK(run["wall_seconds"].get<double>() >= 0);
  std::filesystem::remove_all(dir);
}

TEST_CASE("cli: an output folder that cannot be created exits 1", "[e2e]") {
  const auto dir = scratch_dir("cli-unwritable");
  std::ofstream(dir / "file") << "x";
  const auto r = run_command(wormsim_exe() + " run tests/e2e/data/small-codered.toml --out '" +
                             (dir / "file" / "out").string() + "'");
  CHECK(r.status == 1);
  CHECK(r.err.find("cannot create output folder") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("cli: a missing scenario file exits 2 naming the path", "[e2e]") {
  const auto r = run_command(wormsim_exe() + " run no/such/file.toml");
  CHECK(r.status == 2);
  CHECK(r.err.find("no/such/file.toml") != std::string::npos);
}
