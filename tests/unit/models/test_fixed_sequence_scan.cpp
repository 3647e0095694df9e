// Code Red v1's fixed sequence: the order is a bijection of the space's offsets (every address
// exactly once per pass), every copy starts at its beginning, and next_in_order finds what a
// probe-by-probe walk of the same sequence finds.
#include <catch2/catch.hpp>
#include <vector>

#include "models/scanning/fixed_sequence_scan.hpp"
#include "models/scenario/loader.hpp"
#include "models/simulation.hpp"
#include "sim/live_index.hpp"

using namespace wormsim;
using namespace wormsim::models;

TEST_CASE("models::FixedSequenceScan: the order visits every address once and inverts",
          "[models]") {
  for (std::uint8_t len : {std::uint8_t{16}, std::uint8_t{20}, std::uint8_t{31}}) {
    CAPTURE(int(len));
    const sim::Prefix space{0x0A000000u, len};
    const FixedSequenceScan scan(space, 7);
    std::vector<std::uint8_t> seen(space.size(), 0);
    for (std::uint64_t p = 0; p < space.size(); ++p) {
      const std::uint64_t o = scan.offset_at(p);
      REQUIRE(o < space.size());
      REQUIRE(seen[o] == 0);
      seen[o] = 1;
      REQUIRE(scan.position_of(o) == p);
    }
  }
  // The full space: spot-check the inverse.
  const FixedSequenceScan full(sim::Prefix{0, 0}, 1);
  for (std::uint64_t p : {0ull, 1ull, 12345ull, 4294967295ull, 2718281828ull})
    CHECK(full.position_of(full.offset_at(p)) == p);
}

TEST_CASE("models::FixedSequenceScan: next_in_order matches walking the sequence", "[models]") {
  const sim::Prefix space{0x0A000000u, 16};
  FixedSequenceScan scan(space, 3);
  std::vector<std::uint32_t> addresses;
  for (std::uint32_t i = 0; i < 300; ++i) addresses.push_back(space.base + i * 211 + 5);
  const sim::AddressIndex index(addresses);
  sim::LiveIndex live(index);
  scan.prepare(index);
  sim::RandomStream rng(1, 0, 0, sim::Purpose::test);
  ScannerState st;
  scan.begin(0, st, rng);
  CHECK(st.cursor == 0);
  for (int hop = 0; hop < 50; ++hop) {
    const OrderedHit hit = scan.next_in_order(0, st, live);
    REQUIRE(hit.target != OrderedHit::kNone);
    ScannerState walk = st;
    std::uint64_t probes = 0;
    std::uint32_t address = 0;
    do {
      address = scan.next_probe(0, walk, rng);
      ++probes;
    } while (!index.find(address));
    CHECK(probes == hit.probes);
    CHECK(index.address(hit.target) == address);
    scan.advance(st, hit.probes);
  }
}

TEST_CASE("models::codered-v1: the static seed spreads far slower than Code Red v2", "[models]") {
  // Every v1 copy re-walks the same sequence, so only the copy furthest along finds new hosts:
  // growth is about linear, one new host per |space| / (N * rate) = 2^24 / (3000 * 6) = 930 s,
  // where v2's is exponential with K = 1 / 930 s, 5 hosts growing to about 1,000 in 90 minutes.
  // Same population, seed and horizon: v2 must make at least 20 times as many new infections.
  auto text = [](const char* model) {
    return std::string(R"(
[simulation]
start = 2001-07-12T10:00:00Z
duration = "90m"
sample_every = "10m"
seed = 12
[address_space]
prefix = "10.0.0.0/8"
[[population]]
count = 3_000
placement = { per = "/16", mean_per_block = 300 }
os = { "win2000-sp1" = 1.0 }
services = ["iis5-index"]
[worm]
model = ")") +
           model + R"("
initial_infected = 5
probe_rate = "6/s"
)";
  };
  const auto v1 = run_replication(load_scenario_text(text("codered-v1"), "v1.toml"), 0, {});
  const auto v2 = run_replication(load_scenario_text(text("codered-v2"), "v2.toml"), 0, {});
  const auto new_v1 = v1.summary.infected_total - 5, new_v2 = v2.summary.infected_total - 5;
  CAPTURE(new_v1, new_v2);
  CHECK(new_v2 >= 20 * new_v1);
  CHECK(new_v1 >= 1);  // it does spread, slowly
}
