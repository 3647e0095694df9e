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
