// The command line as a user meets it: version, help, models, the default scenario's outputs,
// and the exit statuses of DESIGN.md (0 success, 2 bad input or usage, 1 other failures).
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <vector>

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
  for (const char* cmd : {"", " run", " compare", " validate", " models", " report"}) {
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

namespace {
/// The names of the files in a folder.
std::set<std::string> files_in(const std::filesystem::path& dir) {
  std::set<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    names.insert(e.path().filename().string());
  return names;
}
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}
}  // namespace

TEST_CASE("cli: a run without defences writes actions.csv with its header only", "[e2e]") {
  const auto dir = scratch_dir("cli-no-actions");
  const auto r = run_command(wormsim_exe() + " run tests/e2e/data/small-codered.toml --out '" +
                             dir.string() + "'");
  REQUIRE(r.status == 0);
  CHECK(r.out.find("defences") == std::string::npos);
  CHECK(read_file(dir / "actions.csv") ==
        "time_s,replication,name,type,kind,unit,selected,eligible,adopting\n");
  CHECK(files_in(dir) == std::set<std::string>{"actions.csv", "bands.csv", "curves.csv",
                                               "report.html", "run.json", "summary.json"});
  std::filesystem::remove_all(dir);
}

TEST_CASE("cli: defences and actions: actions.csv, events and summary, the same on any scheduler",
          "[e2e]") {
  const std::string scenario = "tests/e2e/data/small-defences.toml";
  for (const char* variant : {"", " --variant quarantine"}) {
    CAPTURE(variant);
    const auto one = scratch_dir("cli-defences-1");
    const auto two = scratch_dir("cli-defences-2");
    const auto r1 = run_command(wormsim_exe() + " run " + scenario + variant +
                                " --events --threads 1 --out '" + one.string() + "'");
    REQUIRE(r1.status == 0);
    CHECK(r1.out.find("  defences              ") != std::string::npos);
    CHECK(r1.out.find("(actions.csv): ") != std::string::npos);
    const auto r2 =
        run_command(wormsim_exe() + " run " + scenario + variant +
                    " --events --threads 2 --scheduler windowed --out '" + two.string() + "'");
    REQUIRE(r2.status == 0);

    // Every output but run.json is byte-identical.
    const auto names = files_in(one);
    CHECK(names == std::set<std::string>{"actions.csv", "bands.csv", "curves.csv", "events.csv",
                                         "report.html", "run.json", "summary.json"});
    CHECK(files_in(two) == names);
    for (const auto& name : names) {
      if (name == "run.json") continue;
      CAPTURE(name);
      CHECK(read_file(one / name) == read_file(two / name));
    }

    // actions.csv: one row per policy and replication, scenario order, then replication.
    const auto rows = lines_of(read_file(one / "actions.csv"));
    const bool quarantine = std::string(variant).find("quarantine") != std::string::npos;
    REQUIRE(rows.size() == (quarantine ? 7u : 5u));
    CHECK(rows[0] == "time_s,replication,name,type,kind,unit,selected,eligible,adopting");
    CHECK(rows[1].rfind("300,0,\"MS01-033, by Windows Update\",defence,patch,hosts,1000,1000,",
                        0) == 0);
    CHECK(rows[2].rfind("300,1,\"MS01-033, by Windows Update\",defence,patch,hosts,1000,1000,",
                        0) == 0);
    CHECK(rows[3].rfind("600,0,block web inbound,action,border-firewall,sites,", 0) == 0);
    CHECK(rows[4].rfind("600,1,block web inbound,action,border-firewall,sites,", 0) == 0);
    if (quarantine) {
      CHECK(rows[5].rfind("0,0,quarantine #3,defence,quarantine,hosts,", 0) == 0);
      CHECK(rows[6].rfind("0,1,quarantine #3,defence,quarantine,hosts,", 0) == 0);
    }

    // events.csv: the patch's installs name the patch.
    const std::string events = read_file(one / "events.csv");
    CHECK(events.find(",patched,\"MS01-033, by Windows Update\",") != std::string::npos);
    if (quarantine) CHECK(events.find(",cleaned,quarantine #3,") != std::string::npos);

    const auto summary = nlohmann::json::parse(read_file(one / "summary.json"));
    const auto& defences = summary["parameters"]["defences"];
    REQUIRE(defences.size() == (quarantine ? 3u : 2u));
    CHECK(defences[0]["type"] == "defence");
    CHECK(defences[0]["fix"] == "ms01-033");
    CHECK(defences[1]["type"] == "action");
    CHECK(defences[1]["block_in"][0] == "tcp/80");
    CHECK(summary["scenario"].contains("variant") == quarantine);
    CHECK(summary["replications"][0]["patched"].get<int>() > 0);
    CHECK(summary["aggregate"]["patched"]["n"] == 2);
    if (quarantine) CHECK(summary["replications"][0]["hosts_cleaned"].get<int>() > 0);
    std::filesystem::remove_all(one);
    std::filesystem::remove_all(two);
  }
}

TEST_CASE(
    "cli: a defence applied to nobody leaves curves.csv and events.csv byte for byte as "
    "they were",
    "[e2e]") {
  // The same scenario with, one at a time, a defence of every kind that no host or site adopts
  // (coverage 0): nothing may change, not even a random draw.
  const std::string base =
      read_file(std::string(WORMSIM_SOURCE_DIR) + "/tests/e2e/data/small-codered.toml");
  REQUIRE(!base.empty());
  auto run = [&](const std::string& text, const std::string& tag) {
    const auto dir = scratch_dir(tag);
    const auto file = dir / "scenario.toml";
    std::ofstream(file) << text;
    const auto r = run_command(wormsim_exe() + " run '" + file.string() + "' --events --out '" +
                               (dir / "out").string() + "'");
    REQUIRE(r.status == 0);
    const std::array<std::string, 2> files{read_file(dir / "out" / "curves.csv"),
                                           read_file(dir / "out" / "events.csv")};
    std::filesystem::remove_all(dir);
    return files;
  };
  const auto reference = run(base, "nobody-ref");
  REQUIRE(reference[0].size() > 1000);
  const char* defences[] = {
      "kind = \"patch\"\nfix = \"ms03-026\"",
      "kind = \"remove-mappings\"",
      "kind = \"disable-dcom\"",
      "kind = \"border-firewall\"\nblock_in = [\"tcp/80\"]\nweb_servers_offline = true",
      "kind = \"icf\"",
      "kind = \"ipsec\"\nblock_in = [\"tcp/1-65535\"]",
      "kind = \"antivirus\"",
      "kind = \"quarantine\"\nscope = \"site\"",
      "kind = \"blacklist\"",
      "kind = \"content-filter\"\nreaction_time = \"0s\"",
  };
  for (const char* d : defences) {
    CAPTURE(d);
    const auto with = run(base + "\n[[defence]]\n" + d + "\ncoverage = 0.0\n", "nobody");
    CHECK(with[0] == reference[0]);
    CHECK(with[1] == reference[1]);
  }
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
