// `--set KEY=VALUE` overrides: the key reaches the value it names (tables, arrays of tables by
// index, by name or by model), the value reads as TOML or else as a string, the loader checks
// the result as it checks a file, and a problem names the file and the option instead of a line.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "models/scenario/diagnostics.hpp"
#include "models/scenario/loader.hpp"
#include "models/scenario/overrides.hpp"

using namespace wormsim;
using namespace wormsim::models;

namespace {

const char* kTwoPopulations = R"(
[simulation]
duration = "2h"
[address_space]
prefix = "10.0.0.0/12"
[[population]]
name = "iis5"
count = 100
placement = { per = "/24", mean_per_block = 10 }
os = { "win2000-sp2" = 1.0 }
services = ["iis5-index"]
[[population]]
name = "iis4.0"
count = 50
placement = { per = "/24", mean_per_block = 10 }
os = { "nt4-sp6a" = 1.0 }
services = ["iis4-index"]
[worm]
model = "codered-v2"
initial_infected = 5
[[defence]]
kind = "patch"
fix = "ms01-033"
start = "1h"
)";

Scenario with(const std::vector<std::string>& sets) {
  std::vector<Override> overrides;
  for (const auto& s : sets) overrides.push_back(parse_override(s));
  return load_scenario_text(kTwoPopulations, "two.toml", overrides);
}

/// The message of the InputError that loading with `sets` throws; "" if it loads.
std::string rejection(const std::vector<std::string>& sets) {
  try {
    (void)with(sets);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("models::overrides: KEY=VALUE splits at the first '=' and trims both sides",
          "[models]") {
  const Override o = parse_override(" simulation.name = a=b ");
  CHECK(o.key == "simulation.name");
  CHECK(o.value == "a=b");
  CHECK(o.option_text() == "--set simulation.name=a=b");
  // An '=' inside a quoted segment belongs to the key.
  CHECK(parse_override(R"(population."a=b".count=3)").key == R"(population."a=b".count)");
  CHECK_THROWS_AS(parse_override("simulation.duration"), InputError);
  CHECK_THROWS_AS(parse_override("=2h"), InputError);
  CHECK_THROWS_AS(parse_override("simulation..duration=2h"), InputError);
  CHECK_THROWS_AS(parse_override("simulation.=2h"), InputError);
}

TEST_CASE("models::overrides: key segments, quoted segments keep their dots", "[models]") {
  CHECK(key_segments("population.0.count") ==
        std::vector<std::string>{"population", "0", "count"});
  CHECK(key_segments(R"(population."iis-5.0".count)") ==
        std::vector<std::string>{"population", "iis-5.0", "count"});
  CHECK(key_segments(R"(population."open.count)").empty());
  CHECK(key_segments("a..b").empty());
  CHECK(key_segments("").empty());
}

TEST_CASE("models::overrides: sweep values split at commas outside quotes and brackets",
          "[models]") {
  CHECK(split_values("1h, 2h,3h") == std::vector<std::string>{"1h", "2h", "3h"});
  CHECK(split_values(R"(["a","b"],["c"])") == std::vector<std::string>{R"(["a","b"])", R"(["c"])"});
  CHECK(split_values(R"("x, y",z)") == std::vector<std::string>{R"("x, y")", "z"});
  CHECK(split_values(R"({ a = 1, b = 2 })") == std::vector<std::string>{"{ a = 1, b = 2 }"});
  CHECK(split_values("358/min") == std::vector<std::string>{"358/min"});
}

TEST_CASE("models::overrides: a value shows without the quotes of a TOML string", "[models]") {
  CHECK(display_value(R"("2h")") == "2h");
  CHECK(display_value("2h") == "2h");
  CHECK(display_value("10") == "10");
  CHECK(display_value(R"(["a"])") == R"(["a"])");
}

TEST_CASE("models::overrides: values replace the file's, in tables and arrays of tables",
          "[models]") {
  const Scenario base = with({});
  const Scenario s = with({"simulation.duration=30m", "worm.probe_rate=6/s",
                           "population.0.count=200", R"(population."iis4.0".count=20)",
                           "worm.initial_infected=2", "defence.0.start=\"10m\""});
  CHECK(s.simulation.duration == sim::SimTime::from_min(30));
  CHECK(s.worms[0].number("probe_rate") == Approx(6.0));
  CHECK(s.worms[0].initial_infected == 2);
  REQUIRE(s.populations.size() == 2);
  CHECK(s.populations[0].count == 200);
  CHECK(s.populations[1].count == 20);
  REQUIRE(s.defences.size() == 1);
  CHECK(s.defences[0].start == sim::SimTime::from_min(10));
  // The hash is the file's; the overrides are recorded beside it, in order.
  CHECK(s.text_hash == base.text_hash);
  REQUIRE(s.overrides.size() == 6);
  CHECK(s.overrides[0] == Override{"simulation.duration", "30m"});
  CHECK(s.overrides[5] == Override{"defence.0.start", "\"10m\""});
  CHECK(base.overrides.empty());
}

TEST_CASE("models::overrides: a key the file leaves to its default can be set", "[models]") {
  const Scenario s = with({"simulation.replications=3", "simulation.seed=42",
                           "population.iis5.antivirus=0.5"});
  CHECK(s.simulation.replications == 3);
  CHECK(s.simulation.seed == 42);
  CHECK(s.populations[0].antivirus == Approx(0.5));
  CHECK(with({}).simulation.replications == 1);
}

TEST_CASE("models::overrides: a later override of the same key wins", "[models]") {
  CHECK(with({"simulation.duration=3h", "simulation.duration=4h"}).simulation.duration ==
        sim::SimTime::from_h(4));
}

TEST_CASE("models::overrides: arrays and inline tables are TOML values", "[models]") {
  const Scenario s = with({R"(population.0.services=["iis4-index"])",
                           R"(population.1.os={ "nt4-pre-sp6a" = 1.0 })",
                           "population.1.services.0=iis5-index"});
  CHECK(s.populations[0].services == kIis4Index);
  REQUIRE(s.populations[1].os.size() == 1);
  CHECK(s.populations[1].os[0].first == Os::nt4_pre_sp6a);
  CHECK(s.populations[1].services == kIis5Index);
}

TEST_CASE("models::overrides: [[worm]] tables are reached by model", "[models]") {
  const std::string text = R"(
[simulation]
duration = "1h"
[address_space]
prefix = "10.0.0.0/12"
[[population]]
count = 100
placement = { per = "/24", mean_per_block = 10 }
os = { "win2000-sp2" = 1.0 }
services = ["dcom-rpc"]
[[worm]]
model = "blaster"
initial_infected = 5
[[worm]]
model = "welchia"
initial_infected = 1
)";
  const Scenario s = load_scenario_text(text, "two-worms.toml",
                                        {parse_override("worm.welchia.initial_infected=3"),
                                         parse_override("worm.0.initial_infected=4")});
  REQUIRE(s.worms.size() == 2);
  CHECK(s.worms[0].initial_infected == 4);
  CHECK(s.worms[1].initial_infected == 3);
}

TEST_CASE("models::overrides: a bad value names the file and the option, not a line",
          "[models]") {
  const std::string msg = rejection({"simulation.duration=2x", "population.iis5.count=-5"});
  CAPTURE(msg);
  CHECK(msg.find("two.toml: --set simulation.duration=2x: error: [simulation] duration: expected "
                 "a duration with one of the units") != std::string::npos);
  CHECK(msg.find("two.toml: --set population.iis5.count=-5: error: [population] count: expected "
                 "an integer from 1 to") != std::string::npos);
  CHECK(msg.find("two.toml:") == msg.find("two.toml: --set"));  // no line of the file
  // Without quotes or units, as in the file: a duration needs its unit.
  CHECK(rejection({"simulation.duration=90"}).find("got integer 90; a number needs a unit") !=
        std::string::npos);
}

TEST_CASE("models::overrides: an unknown key is rejected with a suggestion", "[models]") {
  const std::string msg = rejection({"worm.probe_rat=1/s"});
  CHECK(msg ==
        "two.toml: --set worm.probe_rat=1/s: error: [worm] probe_rat: unknown key; did you mean "
        "'probe_rate'?\n");
}

TEST_CASE("models::overrides: a key that leads nowhere says why, and every problem is reported",
          "[models]") {
  const std::string msg = rejection(
      {"population.iis6.count=1", "population.2.count=1", "simulation.duration.x=1",
       "action.0.at=1h", "simulation.seed=banana"});
  CAPTURE(msg);
  CHECK(msg.find("two.toml: --set population.iis6.count=1: error: population: expected the "
                 "index (0 to 1) or the name (\"iis5\", \"iis4.0\") of a [[population]] table, "
                 "got \"iis6\"; did you mean \"iis5\"?\n") != std::string::npos);
  CHECK(msg.find("two.toml: --set population.2.count=1: error: population: expected an index "
                 "from 0 to 1 (the file has 2 [[population]] tables), got 2\n") !=
        std::string::npos);
  CHECK(msg.find("two.toml: --set simulation.duration.x=1: error: simulation.duration: expected "
                 "a table for the key to go on into (simulation.duration.x), got the string "
                 "\"2h\" in the file\n") != std::string::npos);
  CHECK(msg.find("two.toml: --set action.0.at=1h: error: action: expected a [[action]] table, "
                 "but the file has none\n") != std::string::npos);
  CHECK(msg.find("two.toml: --set simulation.seed=banana: error: [simulation] seed: expected an "
                 "integer, got string \"banana\"") != std::string::npos);
}
