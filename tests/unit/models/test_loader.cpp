// The loader turns valid text into typed values with defaults filled in from the parameter
// tables, and rejects bad text with every problem (the corpus in tests/bad_input checks the
// messages word for word; these check the values).
#include <catch2/catch.hpp>

#include "models/registry.hpp"
#include "models/scenario/diagnostics.hpp"
#include "models/scenario/loader.hpp"
#include "models/worm/calendar.hpp"

using namespace wormsim;
using namespace wormsim::models;

namespace {
const char* kMinimal = R"(
[simulation]
duration = "2h30m"
[[population]]
count = 100
os = { "win2000-sp2" = 1.0 }
services = ["iis5-index"]
[worm]
model = "codered-v2"
)";
}

TEST_CASE("models::loader: defaults come from the parameter tables", "[models]") {
  const Scenario s = load_scenario_text(kMinimal, "minimal.toml");
  CHECK(s.simulation.name == "minimal");
  CHECK(s.simulation.duration == sim::SimTime::from_min(150));
  CHECK(s.simulation.seed == 1);
  CHECK(s.simulation.sample_every == sim::SimTime::from_min(1));
  CHECK(s.address_space.prefix.length == 0);
  CHECK(s.address_space.allocated.size() == 1);
  REQUIRE(s.populations.size() == 1);
  CHECK(s.populations[0].placement.block_length == 16);
  CHECK(s.populations[0].placement.mean_per_block == 35);
  CHECK(s.populations[0].services == kIis5Index);
  REQUIRE(s.worms.size() == 1);
  CHECK(s.worms[0].number("probe_rate") == Approx(358.0 / 60.0));
  CHECK(s.worms[0].duration("exploit_delay") == sim::SimTime::from_ms(500));
  CHECK(s.worms[0].initial_infected == 10);
  CHECK(s.worms[0].integer("spread_until_day") == 20);
  CHECK(s.text_hash == fnv1a64_hex(kMinimal));
}

TEST_CASE("models::loader: values are read with their units", "[models]") {
  const Scenario s = load_scenario_text(R"(
[simulation]
start = 2003-08-11T18:00:00+02:00
duration = "3d"
sample_every = "90s"
seed = 42
partitions = 4
[address_space]
prefix = "10.0.0.0/12"
[[population]]
count = 50
placement = { per = "/24", mean_per_block = 5 }
os = { "nt4-sp6a" = 0.25, "win2000-sp1" = 0.75 }
services = ["iis4-index", "iis5-index"]
locale = { zh = 1 }
[worm]
model = "codered-v2"
probe_rate = "6/s"
exploit_delay = "1s"
initial_infected = 3
)",
                                        "t.toml");
  CHECK(s.simulation.start_epoch_s ==
        days_from_civil(2003, 8, 11) * 86400 + 16 * 3600);  // 16:00 UTC
  CHECK(s.simulation.duration == sim::SimTime::from_h(72));
  CHECK(s.simulation.sample_every == sim::SimTime::from_s(90));
  CHECK(s.simulation.partitions == 4);
  CHECK(s.address_space.prefix.base == (10u << 24));
  CHECK(s.address_space.prefix.length == 12);
  CHECK(s.populations[0].placement.block_length == 24);
  CHECK(s.populations[0].os.size() == 2);
  CHECK(s.populations[0].locale[0].first == Locale::zh);
  CHECK(s.worms[0].number("probe_rate") == 6.0);
  CHECK(s.worms[0].initial_infected == 3);
}

TEST_CASE("models::loader: iana-2001 keeps the 124 /8s of July 2001", "[models]") {
  const std::string text =
      std::string(kMinimal) + "[address_space]\nallocated_blocks = \"iana-2001\"\n";
  const Scenario s = load_scenario_text(text, "t.toml");
  CHECK(s.address_space.allocated.size() == 124);
  for (const auto& b : s.address_space.allocated) {
    CHECK(b.length == 8);
    CHECK((b.base >> 24) != 10);   // private
    CHECK((b.base >> 24) != 127);  // loopback
    CHECK((b.base >> 24) < 224);   // multicast and above
  }
}

TEST_CASE("models::loader: all problems are reported at once, in file order", "[models]") {
  try {
    load_scenario_text(R"([simulation]
duration = 90
seeed = 3
[[population]]
count = 0
os = { "win2000-sp2" = 1.0 }
[worm]
model = "codered-v2"
)",
                       "bad.toml");
    FAIL("bad input was accepted");
  } catch (const InputError& e) {
    const std::string msg = e.what();
    CAPTURE(msg);
    const auto duration = msg.find("bad.toml:2:12: error: [simulation] duration:");
    const auto seed =
        msg.find("bad.toml:3:1: error: [simulation] seeed: unknown key; did you mean 'seed'?");
    const auto count = msg.find("bad.toml:5:9: error: [population] count:");
    CHECK(duration != std::string::npos);
    CHECK(seed != std::string::npos);
    CHECK(count != std::string::npos);
    CHECK(duration < seed);
    CHECK(seed < count);
  }
}

TEST_CASE("models::registry: nearest suggests typos and nothing for unrelated words", "[models]") {
  const std::vector<std::string> keys = {"duration", "seed", "sample_every"};
  CHECK(nearest("duraton", keys) == std::optional<std::string>("duration"));
  CHECK(nearest("sample_evry", keys) == std::optional<std::string>("sample_every"));
  CHECK_FALSE(nearest("banana", keys).has_value());
}

namespace {
/// Two populations (a web server farm and XP desktops) and a Blaster release, to which the tests
/// below add [[defence]], [[action]] and [[variant]] tables.
const char* kDefenceBase = R"(
[simulation]
duration = "3d"
[address_space]
prefix = "10.0.0.0/12"
[[population]]
name = "web"
count = 100
placement = { per = "/24", mean_per_block = 10 }
os = { "win2000-sp2" = 1.0 }
services = ["iis5-index", "dcom-rpc"]
[[population]]
name = "desktops"
count = 100
placement = { per = "/24", mean_per_block = 10 }
os = { "xp-sp1" = 1.0 }
services = ["dcom-rpc"]
[worm]
model = "blaster"
)";

std::string rejection(const std::string& text) {
  try {
    load_scenario_text(text, "t.toml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("models::loader: every defence kind is read into its DefenceConfig", "[models]") {
  const std::string text = std::string(kDefenceBase) + R"(
[[defence]]
kind = "patch"
fix = "ms03-026"
start = "4h"
adoption = "logistic"
half_time = "2d"
spread = "3h"
coverage = 0.7
[[defence]]
kind = "remove-mappings"
populations = ["web"]
adoption = "linear"
[[defence]]
kind = "disable-dcom"
blocks = ["10.1.0.0/16", "10.2.3.0/24"]
adoption = "table"
coverage_by_time = { "6h" = 0.1, "1d" = 0.5, "12h" = 0.2 }
[[defence]]
kind = "disable-cis"
[[defence]]
kind = "border-firewall"
block_in = ["tcp/135", "udp/135", "tcp/4444", "udp/69"]
block_out = ["tcp/1-1024"]
coverage = 0.5
[[defence]]
kind = "icf"
open = ["tcp/80"]
name = "ICF with the web port open"
[[defence]]
kind = "ipsec"
block_out = ["tcp/135"]
[[defence]]
kind = "antivirus"
[[defence]]
kind = "quarantine"
scope = "site"
[[defence]]
kind = "blacklist"
[[action]]
at = "2h30m"
do = "content-filter"
reaction_time = "1h"
)";
  const Scenario s = load_scenario_text(text, "t.toml");
  REQUIRE(s.defences.size() == 11);
  CHECK(s.variants.empty());
  std::vector<DefenceKind> kinds;
  for (const auto& d : s.defences) kinds.push_back(d.kind);
  CHECK(kinds == std::vector<DefenceKind>{
                     DefenceKind::patch, DefenceKind::remove_mappings, DefenceKind::disable_dcom,
                     DefenceKind::disable_cis, DefenceKind::border_firewall, DefenceKind::icf,
                     DefenceKind::ipsec, DefenceKind::antivirus, DefenceKind::quarantine,
                     DefenceKind::blacklist, DefenceKind::content_filter});

  const DefenceConfig& patch = s.defences[0];
  CHECK_FALSE(patch.is_action);
  CHECK(patch.name == "patch #1");
  CHECK(patch.start == sim::SimTime::from_h(4));
  CHECK(patch.fix == kMs03026);
  CHECK(patch.text("fix") == "ms03-026");
  CHECK(patch.duration("install_time") == sim::SimTime::from_min(10));  // the default
  CHECK(patch.adoption.shape == Adoption::Shape::logistic);
  CHECK(patch.adoption.coverage == 0.7);
  CHECK(patch.adoption.half_time == sim::SimTime::from_h(48));
  CHECK(patch.adoption.spread == sim::SimTime::from_h(3));
  CHECK(patch.populations.empty());
  CHECK(patch.blocks.empty());

  const DefenceConfig& mappings = s.defences[1];
  CHECK(mappings.start == sim::SimTime{0});
  CHECK(mappings.populations == std::vector<std::string>{"web"});
  CHECK(mappings.adoption.shape == Adoption::Shape::linear);
  CHECK(mappings.adoption.coverage == 1.0);
  CHECK(mappings.adoption.half_time == sim::SimTime::from_h(24));  // defaults, always filled
  CHECK(mappings.adoption.spread == sim::SimTime::from_h(6));
  CHECK(mappings.params.empty());

  const DefenceConfig& dcom = s.defences[2];
  REQUIRE(dcom.blocks.size() == 2);
  CHECK(sim::format_prefix(dcom.blocks[0]) == "10.1.0.0/16");
  CHECK(sim::format_prefix(dcom.blocks[1]) == "10.2.3.0/24");
  CHECK(dcom.adoption.shape == Adoption::Shape::table);
  // Sorted by time, whatever the order of the keys; the last share is the coverage.
  const std::vector<std::pair<sim::SimTime, double>> table = {{sim::SimTime::from_h(6), 0.1},
                                                              {sim::SimTime::from_h(12), 0.2},
                                                              {sim::SimTime::from_h(24), 0.5}};
  CHECK(dcom.adoption.table == table);
  CHECK(dcom.adoption.coverage == 0.5);

  const DefenceConfig& firewall = s.defences[4];
  CHECK(firewall.adoption.shape == Adoption::Shape::immediate);
  CHECK(firewall.adoption.coverage == 0.5);
  CHECK(firewall.block_in == std::vector<std::string>{"tcp/135", "udp/135", "tcp/4444", "udp/69"});
  CHECK(firewall.flows_in == (kFlowTcp135 | kFlowTcp4444 | kFlowUdp69));
  CHECK(firewall.flows_out == (kFlowTcp80 | kFlowTcp135 | kFlowTcp111 | kFlowWelchiaShell));
  CHECK_FALSE(firewall.web_servers_offline);

  const DefenceConfig& icf = s.defences[5];
  CHECK(icf.name == "ICF with the web port open");
  CHECK(icf.open == std::vector<std::string>{"tcp/80"});
  CHECK(icf.flows_open == kFlowTcp80);
  CHECK(s.defences[6].flows_out == kFlowTcp135);
  CHECK(s.defences[6].flows_in == 0);

  const DefenceConfig& quarantine = s.defences[8];
  CHECK(quarantine.text("scope") == "site");
  CHECK(quarantine.duration("detect_after") == sim::SimTime::from_min(30));
  CHECK(quarantine.duration("clean_time") == sim::SimTime::from_h(4));
  CHECK(s.defences[9].duration("reaction_time") == sim::SimTime::from_min(20));

  const DefenceConfig& filter = s.defences[10];
  CHECK(filter.is_action);
  CHECK(filter.start == sim::SimTime::from_min(150));
  CHECK(filter.duration("reaction_time") == sim::SimTime::from_h(1));
  CHECK(filter.name == "content-filter #11");
}

TEST_CASE("models::loader: defences are named by their place in the file", "[models]") {
  // The scenario's own tables from the top (an action above a defence comes first), then the
  // variants' tables in file order.
  const std::string text = std::string(kDefenceBase) + R"(
[[action]]
at = "1h"
do = "antivirus"
[[defence]]
kind = "quarantine"
[[variant]]
name = "a"
[[variant.action]]
at = "1h"
do = "icf"
[[variant.defence]]
kind = "ipsec"
)";
  const Scenario s = load_scenario_text(text, "t.toml");
  REQUIRE(s.defences.size() == 2);
  CHECK(s.defences[0].name == "quarantine #2");  // [[defence]] first in Scenario::defences
  CHECK(s.defences[1].name == "antivirus #1");
  REQUIRE(s.variants.size() == 1);
  REQUIRE(s.variants[0].defences.size() == 2);
  CHECK(s.variants[0].defences[0].name == "ipsec #4");
  CHECK(s.variants[0].defences[1].name == "icf #3");
  CHECK(s.variants[0].defences[1].is_action);
}

TEST_CASE("models::loader: variants give one scenario each, the base defences first", "[models]") {
  const std::string text = std::string(kDefenceBase) + R"(
[[defence]]
kind = "antivirus"
coverage = 0.3
[[variant]]
name = "baseline"
description = "Anti-virus only."
[[variant]]
name = "patch-fast"
[[variant.defence]]
kind = "patch"
fix = "ms03-026"
adoption = "linear"
half_time = "6h"
[[variant.action]]
at = "12h"
do = "border-firewall"
block_in = ["tcp/135"]
[[variant]]
name = "blacklist"
[[variant.defence]]
kind = "blacklist"
)";
  const Scenario s = load_scenario_text(text, "t.toml");
  REQUIRE(s.defences.size() == 1);
  REQUIRE(s.variants.size() == 3);
  CHECK(s.variants[0].description == "Anti-virus only.");
  CHECK(s.variants[0].defences.empty());
  CHECK(s.variants[1].defences.size() == 2);

  const auto columns = scenario_columns(s);
  REQUIRE(columns.size() == 3);
  const std::vector<std::size_t> sizes = {1, 3, 2};
  const std::vector<std::string> names = {"baseline", "patch-fast", "blacklist"};
  for (std::size_t c = 0; c < columns.size(); ++c) {
    CAPTURE(c);
    CHECK(columns[c].variant == names[c]);
    CHECK(columns[c].variants.empty());
    REQUIRE(columns[c].defences.size() == sizes[c]);
    CHECK(columns[c].defences[0].kind == DefenceKind::antivirus);
  }
  CHECK(columns[1].defences[1].kind == DefenceKind::patch);
  CHECK(columns[1].defences[2].kind == DefenceKind::border_firewall);
  CHECK(columns[1].defences[2].is_action);
  CHECK(columns[1].defences[2].start == sim::SimTime::from_h(12));

  const auto fast = with_variant(s, "patch-fast");
  REQUIRE(fast.has_value());
  CHECK(fast->variant == "patch-fast");
  CHECK(fast->defences.size() == 3);
  CHECK_FALSE(with_variant(s, "patch-slow").has_value());

  // Without [[variant]], the file is its own single column.
  const Scenario plain = load_scenario_text(kDefenceBase, "t.toml");
  REQUIRE(scenario_columns(plain).size() == 1);
  CHECK(scenario_columns(plain)[0].variant.empty());
}

TEST_CASE("models::loader: defences that select no host, or spare the web servers, are valid",
          "[models]") {
  // A block with no host in it, and a firewall blocking TCP 80 only where no web server runs or
  // where the scenario accepts it.
  const std::string text = std::string(kDefenceBase) + R"(
[[defence]]
kind = "quarantine"
blocks = ["10.15.255.0/24"]
[[defence]]
kind = "border-firewall"
populations = ["desktops"]
block_in = ["tcp/80"]
[[defence]]
kind = "border-firewall"
block_in = ["tcp/1-65535"]
web_servers_offline = true
)";
  const Scenario s = load_scenario_text(text, "t.toml");
  REQUIRE(s.defences.size() == 3);
  CHECK(s.defences[1].flows_in == kFlowTcp80);
  CHECK(s.defences[2].web_servers_offline);
}

TEST_CASE("models::loader: defence problems name the table, the key and what was expected",
          "[models]") {
  const std::string base = kDefenceBase;
  // The firewall check selects populations: "web" runs IIS.
  CHECK(rejection(base + "[[defence]]\nkind = \"border-firewall\"\npopulations = [\"web\"]\n"
                         "block_in = [\"tcp/1-1024\"]\n")
            .find("[defence] block_in: expected tcp/80 left open inbound while population "
                  "\"web\" runs a web server (iis5-index), got \"tcp/1-1024\"") !=
        std::string::npos);
  // `start` must come before the end too; the default duration is named as such.
  const std::string no_duration = std::string(kMinimal).replace(
      std::string(kMinimal).find("duration = \"2h30m\""), 18, "seed = 2");
  CHECK(rejection(no_duration + "[[defence]]\nkind = \"antivirus\"\nstart = \"2d\"\n")
            .find("[defence] start: expected a time before the end of the simulation "
                  "([simulation] duration = \"1d\", the default), got \"2d\"") !=
        std::string::npos);
  // coverage_by_time belongs to table adoption only.
  CHECK(rejection(base + "[[defence]]\nkind = \"antivirus\"\ncoverage_by_time = { \"1d\" = 0.5 }\n")
            .find("[defence] coverage_by_time: expected coverage_by_time only with adoption = "
                  "\"table\", got adoption = \"immediate\" (the default)") != std::string::npos);
  // Two content filters in one variant.
  CHECK(rejection(base + "[[variant]]\nname = \"v\"\n[[variant.defence]]\nkind = "
                         "\"content-filter\"\n[[variant.action]]\nat = \"1h\"\ndo = "
                         "\"content-filter\"\n")
            .find("[variant.action] do: expected at most one content-filter") != std::string::npos);
  // Table adoption needs its table.
  CHECK(rejection(base + "[[defence]]\nkind = \"antivirus\"\nadoption = \"table\"\n")
            .find("[defence] coverage_by_time: missing:") != std::string::npos);
}
