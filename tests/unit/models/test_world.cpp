// Worlds are drawn from population mixes: exact counts, distinct addresses inside the allocated
// space, attribute mixes as configured, deterministic per (seed, replication), and one
// population's draws independent of another's size (common random numbers).
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <set>

#include "models/host/world.hpp"
#include "models/scenario/loader.hpp"

using namespace wormsim;
using namespace wormsim::models;

namespace {
std::string scenario_text(int second_count) {
  return R"(
[simulation]
seed = 11
partitions = 16
[address_space]
prefix = "0.0.0.0/0"
allocated_blocks = "iana-2001"
[[population]]
name = "a"
count = 20000
placement = { per = "/16", mean_per_block = 20 }
os = { "win2000-sp1" = 0.6, "nt4-sp6a" = 0.4 }
services = ["iis5-index"]
[[population]]
name = "b"
count = )" +
         std::to_string(second_count) + R"(
placement = { per = "/24", mean_per_block = 10 }
os = { "xp-sp1" = 1.0 }
services = ["dcom-rpc"]
[worm]
model = "codered-v2"
)";
}
}  // namespace

TEST_CASE("models::World: counts, distinct addresses, allocated blocks only", "[models]") {
  const Scenario s = load_scenario_text(scenario_text(5000), "w.toml");
  const World w = build_world(s, 0);
  const HostTable& h = w.hosts;
  REQUIRE(h.size() == 25000);
  std::size_t in_a = 0;
  for (std::size_t i = 0; i < h.size(); ++i) {
    if (i > 0) REQUIRE(h.address[i - 1] < h.address[i]);  // sorted and distinct
    bool allocated = false;
    for (const auto& b : s.address_space.allocated) allocated |= b.contains(h.address[i]);
    REQUIRE(allocated);
    const auto len = s.populations[h.population[i]].placement.block_length;
    const sim::Prefix block = sim::Prefix::of(h.address[i], len);
    REQUIRE(h.address[i] != block.base);
    REQUIRE(h.address[i] != block.last());
    REQUIRE(w.sites[h.site[i]].base == block.base);
    REQUIRE(w.site_partition[h.site[i]] < w.partitions);
    in_a += h.population[i] == 0;
  }
  CHECK(in_a == 20000);
  CHECK(w.partitions == 16);
}

TEST_CASE("models::World: the OS mix is drawn with its fractions", "[models]") {
  // 20,000 draws with p = 0.6: sd = sqrt(20000 * 0.6 * 0.4) = 69.3; 5 sd = 346 hosts.
  const Scenario s = load_scenario_text(scenario_text(10), "w.toml");
  const World w = build_world(s, 3);
  std::size_t sp1 = 0;
  for (std::size_t i = 0; i < w.hosts.size(); ++i)
    sp1 += w.hosts.population[i] == 0 && w.hosts.os[i] == Os::win2000_sp1;
  CAPTURE(sp1);
  CHECK(std::abs(static_cast<double>(sp1) - 12000.0) < 5 * std::sqrt(20000 * 0.6 * 0.4));
}

TEST_CASE("models::World: deterministic per replication, different across replications",
          "[models]") {
  const Scenario s = load_scenario_text(scenario_text(5000), "w.toml");
  const World a = build_world(s, 1), b = build_world(s, 1), c = build_world(s, 2);
  CHECK(a.hosts.address == b.hosts.address);
  CHECK(a.hosts.os == b.hosts.os);
  CHECK(a.hosts.address != c.hosts.address);
}

TEST_CASE("models::World: a population's hosts do not move when another population grows",
          "[models]") {
  // Population a is placed from its own stream; b's size must not change a's addresses or OS.
  const World small = build_world(load_scenario_text(scenario_text(100), "w.toml"), 0);
  const World large = build_world(load_scenario_text(scenario_text(9000), "w.toml"), 0);
  auto hosts_of_a = [](const World& w) {
    std::map<std::uint32_t, std::pair<std::uint32_t, Os>> m;  // index -> (address, os)
    for (std::size_t i = 0; i < w.hosts.size(); ++i)
      if (w.hosts.population[i] == 0)
        m[w.hosts.index_in_population[i]] = {w.hosts.address[i], w.hosts.os[i]};
    return m;
  };
  CHECK(hosts_of_a(small) == hosts_of_a(large));
}

TEST_CASE("models::World: patched shares, prerequisites, nesting and service packs", "[models]") {
  // One population of 20,000: 70% Windows 2000 SP2, 30% SP1. MS03-026 needs SP2 or later, so
  // only the SP2 hosts can have it; MS01-033 installs on both. One draw per host decides every
  // fix: a host with the rarer fix (MS03-026, 0.2) has the commoner one (MS01-033, 0.5) too.
  // SP2 ships MS00-078, so every SP2 host has it whatever the table says.
  // Expected MS03-026 hosts: 20,000 * 0.7 * 0.2 = 2,800, sd sqrt(20000 * 0.14 * 0.86) = 49;
  // MS01-033: 10,000, sd 71. The checks allow 5 sd (false alarm below 1e-6).
  const Scenario s = load_scenario_text(R"(
[simulation]
seed = 5
[[population]]
count = 20000
placement = { per = "/16", mean_per_block = 40 }
os = { "win2000-sp2" = 0.7, "win2000-sp1" = 0.3 }
services = ["iis5-index", "dcom-rpc"]
patched = { "ms01-033" = 0.5, "ms03-026" = 0.2 }
[worm]
model = "codered-v2"
)",
                                        "p.toml");
  const World w = build_world(s, 0);
  std::size_t ms03026 = 0, ms01033 = 0;
  for (std::size_t i = 0; i < w.hosts.size(); ++i) {
    const std::uint8_t p = w.hosts.patches[i];
    const Os os = w.hosts.os[i];
    if (p & kMs03026) {
      ++ms03026;
      REQUIRE(os == Os::win2000_sp2);  // the prerequisite
      REQUIRE((p & kMs01033) != 0);    // nesting
    }
    ms01033 += (p & kMs01033) != 0;
    REQUIRE(((p & kMs00078) != 0) == (os == Os::win2000_sp2));  // in SP2, not applied to SP1
  }
  CAPTURE(ms03026, ms01033);
  CHECK(std::abs(static_cast<double>(ms03026) - 2800.0) < 5 * std::sqrt(20000 * 0.14 * 0.86));
  CHECK(std::abs(static_cast<double>(ms01033) - 10000.0) < 5 * std::sqrt(20000 * 0.25));
}
