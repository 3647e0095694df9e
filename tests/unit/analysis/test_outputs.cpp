// Output formatting is exact and stable: seconds from integer microseconds, tidy CSV rows in
// replication, time, metric order; actions.csv one row per policy and replication, names quoted
// as CSV needs; events.csv names the defence of a defence event; summary.json records every
// field of every defence and the defence figures.
#include <unistd.h>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "analysis/write/outputs.hpp"
#include "models/scenario/loader.hpp"

using namespace wormsim;
using namespace wormsim::analysis;

namespace {

std::filesystem::path temp_file(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         ("wormsim-" + std::to_string(::getpid()) + "-" + name);
}

std::string slurp(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// A scenario with two defences and an action (one a variant's), every kind of field used.
const char* const kDefendedScenario = R"(
[simulation]
name = "defended"
start = 2001-07-19T10:00:00Z
duration = "2h"
seed = 3

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

[[defence]]
kind = "patch"
name = "MS01-033, \"now\""
fix = "ms01-033"
start = "90m"
populations = ["iis"]
blocks = ["10.0.4.0/22"]
adoption = "logistic"
half_time = "30m"
spread = "5m"
coverage = 0.7

[[defence]]
kind = "quarantine"
adoption = "table"
coverage_by_time = { "10m" = 0.25, "1h" = 0.5 }

[[action]]
at = "1m30s"
do = "border-firewall"
name = "borders"
block_in = ["tcp/80", "udp/137-139"]
block_out = ["tcp/135"]
web_servers_offline = true

[[variant]]
name = "late filter"
[[variant.action]]
at = "1h"
do = "content-filter"
)";

}  // namespace

TEST_CASE("analysis::format_seconds: exact decimals without trailing zeros", "[analysis]") {
  CHECK(format_seconds(sim::SimTime::from_s(90)) == "90");
  CHECK(format_seconds(sim::SimTime::from_ms(500)) == "0.5");
  CHECK(format_seconds(sim::SimTime::from_us(1)) == "0.000001");
  CHECK(format_seconds(sim::SimTime::from_us(3'600'000'010)) == "3600.00001");
  CHECK(format_seconds(sim::SimTime{0}) == "0");
}

TEST_CASE("analysis::write_curves_csv: tidy rows in replication, time, metric order",
          "[analysis]") {
  std::vector<ReplicationResult> runs(2);
  for (std::uint64_t r = 0; r < 2; ++r) {
    runs[r].summary.replication = r;
    auto& c = runs[r].curves;
    c.declare({"a", "hosts", ""});
    c.declare({"b", "hosts", ""});
    for (int s = 0; s < 2; ++s) {
      c.begin_sample(sim::SimTime::from_s(60 * s));
      c.set(0, 10.0 * s + static_cast<double>(r));
      c.set(1, 0.25);
    }
  }
  const auto file = std::filesystem::temp_directory_path() /
                    ("wormsim-curves-" + std::to_string(::getpid()) + ".csv");
  write_curves_csv(file, runs);
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  CHECK(ss.str() ==
        "time_s,replication,metric,value\n"
        "0,0,a,0\n0,0,b,0.25\n60,0,a,10\n60,0,b,0.25\n"
        "0,1,a,1\n0,1,b,0.25\n60,1,a,11\n60,1,b,0.25\n");
  std::filesystem::remove(file);
}

TEST_CASE("analysis::write_text_file: an unwritable path throws naming it", "[analysis]") {
  const std::filesystem::path bad = "/nonexistent-dir-for-wormsim/x.csv";
  try {
    write_text_file(bad, "x");
    FAIL("no exception");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).find(bad.string()) != std::string::npos);
  }
}

TEST_CASE("analysis::write_actions_csv: one row per policy and replication, names quoted",
          "[analysis]") {
  std::vector<ReplicationResult> runs(2);
  for (std::uint64_t r = 0; r < 2; ++r) {
    runs[r].summary.replication = r;
    runs[r].actions = {
        {sim::SimTime::from_h(4), "patch, \"MS01-033\"", "patch", false, false, 100, 80 + r, 56},
        {sim::SimTime::from_ms(90'500), "borders", "border-firewall", true, true, 12, 12, 6 + r},
    };
  }
  const auto file = temp_file("actions.csv");
  write_actions_csv(file, runs);
  CHECK(slurp(file) ==
        "time_s,replication,name,type,kind,unit,selected,eligible,adopting\n"
        "14400,0,\"patch, \"\"MS01-033\"\"\",defence,patch,hosts,100,80,56\n"
        "14400,1,\"patch, \"\"MS01-033\"\"\",defence,patch,hosts,100,81,56\n"
        "90.5,0,borders,action,border-firewall,sites,12,12,6\n"
        "90.5,1,borders,action,border-firewall,sites,12,12,7\n");

  // Without defences: the header alone, so every output folder has the same files.
  for (auto& run : runs) run.actions.clear();
  write_actions_csv(file, runs);
  CHECK(slurp(file) == "time_s,replication,name,type,kind,unit,selected,eligible,adopting\n");
  std::filesystem::remove(file);
}

TEST_CASE("analysis::write_events_csv: defence events name the defence in the worm column",
          "[analysis]") {
  models::Scenario s;
  s.worms.push_back({"blaster", 1, {}, {}});
  s.defences.resize(2);
  s.defences[0].name = "patch #1";
  s.defences[1].name = "quarantine, campus";
  std::vector<ReplicationResult> runs(1);
  using Kind = models::OutbreakEvent::Kind;
  auto event = [](std::int64_t t_s, Kind kind, std::uint8_t index) {
    models::OutbreakEvent e;
    e.time = sim::SimTime::from_s(t_s);
    e.kind = kind;
    e.worm = index;
    e.address = 0x0A000001;
    e.cause_address = 0x0A000001;
    e.site = sim::Prefix{0x0A000000, 24};
    return e;
  };
  runs[0].events = {event(1, Kind::infected, 0), event(2, Kind::patched, 0),
                    event(3, Kind::defended, 0), event(4, Kind::disconnected, 1),
                    event(5, Kind::cleaned, 1),  event(6, Kind::reboot, 1)};
  const auto file = temp_file("events.csv");
  write_events_csv(file, s, runs);
  CHECK(slurp(file) ==
        "time_s,replication,host,site,event,worm,cause\n"
        "1,0,10.0.0.1,10.0.0.0/24,infected,blaster,10.0.0.1\n"
        "2,0,10.0.0.1,10.0.0.0/24,patched,patch #1,10.0.0.1\n"
        "3,0,10.0.0.1,10.0.0.0/24,defended,patch #1,10.0.0.1\n"
        "4,0,10.0.0.1,10.0.0.0/24,disconnected,\"quarantine, campus\",10.0.0.1\n"
        "5,0,10.0.0.1,10.0.0.0/24,cleaned,\"quarantine, campus\",10.0.0.1\n"
        "6,0,10.0.0.1,10.0.0.0/24,reboot,-,10.0.0.1\n");
  std::filesystem::remove(file);
}

TEST_CASE("analysis::write_summary_json: every field of every defence, the variant, the figures",
          "[analysis]") {
  const models::Scenario base = models::load_scenario_text(kDefendedScenario, "defended.toml");
  const auto variant = models::with_variant(base, "late filter");
  REQUIRE(variant);
  const models::Scenario& s = *variant;
  REQUIRE(s.defences.size() == 4);

  std::vector<ReplicationResult> runs(3);
  for (std::uint64_t r = 0; r < runs.size(); ++r) {
    auto& sum = runs[r].summary;
    sum.replication = r;
    sum.patched = 10 + r;
    sum.protected_hosts = 20 + r;
    sum.probes_blocked = 300 + r;
    sum.hosts_cleaned = 4 + r;
  }
  const auto file = temp_file("summary.json");
  write_summary_json(file, s, runs, "test", false);
  const auto j = nlohmann::json::parse(slurp(file));
  std::filesystem::remove(file);

  CHECK(j["schema_version"] == kSummarySchemaVersion);
  CHECK(j["scenario"]["variant"] == "late filter");
  const auto& d = j["parameters"]["defences"];
  REQUIRE(d.size() == 4);

  const auto& patch = d[0];
  CHECK(patch["kind"] == "patch");
  CHECK(patch["name"] == "MS01-033, \"now\"");
  CHECK(patch["type"] == "defence");
  CHECK(patch["start_s"] == 5400);
  CHECK(patch["populations"] == nlohmann::json::array({"iis"}));
  CHECK(patch["blocks"] == nlohmann::json::array({"10.0.4.0/22"}));
  CHECK(patch["unit"] == "hosts");
  CHECK(patch["coverage"] == 0.7);
  CHECK(patch["adoption"] == "logistic");
  CHECK(patch["half_time"] == "30m");
  CHECK(patch["spread"] == "5m");
  CHECK(patch["coverage_by_time"] == nlohmann::json::object());
  CHECK(patch["fix"] == "ms01-033");
  CHECK(patch["block_in"] == nlohmann::json::array());
  CHECK(patch["web_servers_offline"] == false);
  CHECK(patch["install_time"].is_string());  // a default of the kind, recorded

  const auto& quarantine = d[1];
  CHECK(quarantine["kind"] == "quarantine");
  CHECK(quarantine["name"] == "quarantine #2");
  CHECK(quarantine["start_s"] == 0);
  CHECK(quarantine["adoption"] == "table");
  CHECK(quarantine["coverage"] == 0.5);
  CHECK(quarantine["coverage_by_time"] == nlohmann::json({{"10m", 0.25}, {"1h", 0.5}}));
  CHECK_FALSE(quarantine.contains("fix"));
  for (const char* key : {"detect_after", "clean_time", "scope"}) {
    CAPTURE(key);
    CHECK(quarantine[key].is_string());
  }

  const auto& borders = d[2];
  CHECK(borders["kind"] == "border-firewall");
  CHECK(borders["type"] == "action");
  CHECK(borders["start_s"] == 90);
  CHECK(borders["unit"] == "sites");
  CHECK(borders["adoption"] == "immediate");
  CHECK(borders["block_in"] == nlohmann::json::array({"tcp/80", "udp/137-139"}));
  CHECK(borders["block_out"] == nlohmann::json::array({"tcp/135"}));
  CHECK(borders["open"] == nlohmann::json::array());
  CHECK(borders["web_servers_offline"] == true);

  const auto& filter = d[3];
  CHECK(filter["kind"] == "content-filter");
  CHECK(filter["type"] == "action");
  CHECK(filter["start_s"] == 3600);
  CHECK(filter["reaction_time"].is_string());

  const std::vector<std::string> keys = {
      "kind",        "name",      "type",   "start_s",
      "populations", "blocks",    "unit",   "coverage",
      "adoption",    "half_time", "spread", "coverage_by_time",
      "block_in",    "block_out", "open",   "web_servers_offline"};
  for (const auto& one : d)
    for (const auto& key : keys) {
      CAPTURE(one["name"], key);
      CHECK(one.contains(key));
    }

  for (std::size_t r = 0; r < runs.size(); ++r) {
    const auto& rep = j["replications"][r];
    CHECK(rep["patched"] == 10 + r);
    CHECK(rep["protected_hosts"] == 20 + r);
    CHECK(rep["probes_blocked"] == 300 + r);
    CHECK(rep["hosts_cleaned"] == 4 + r);
  }
  const auto& agg = j["aggregate"];
  CHECK(agg["patched"]["n"] == 3);
  CHECK(agg["patched"]["mean"] == 11.0);
  CHECK(agg["protected_hosts"]["median"] == 21.0);
  CHECK(agg["probes_blocked"]["ci95_low"].get<double>() < 301.0);
  CHECK(agg["probes_blocked"]["ci95_high"].get<double>() > 301.0);
  CHECK(agg["hosts_cleaned"]["mean"] == 5.0);
}

TEST_CASE("analysis::write_summary_json: no defences, no variant: an empty list, no variant key",
          "[analysis]") {
  models::Scenario s = models::load_scenario_text(kDefendedScenario, "defended.toml");
  s.defences.clear();
  std::vector<ReplicationResult> runs(1);
  const auto file = temp_file("summary-plain.json");
  write_summary_json(file, s, runs, "test", false);
  const auto j = nlohmann::json::parse(slurp(file));
  std::filesystem::remove(file);
  CHECK(j["parameters"]["defences"] == nlohmann::json::array());
  CHECK_FALSE(j["scenario"].contains("variant"));
  CHECK(j["replications"][0]["patched"] == 0);
}
