// BlockSweepScan (sadmind/IIS): next_in_order, which skips whole blocks by index look-ups, gives
// exactly the hit and probe count that walking the sweep one probe at a time with next_probe
// gives, through removals and with no live target; begin draws one word; and the blocks a run
// sweeps are spread uniformly over the space.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "models/scanning/block_sweep_scan.hpp"
#include "sim/address_index.hpp"
#include "sim/live_index.hpp"
#include "sim/random.hpp"
#include "sim/variates.hpp"

using wormsim::models::BlockSweepScan;
using wormsim::models::OrderedHit;
using wormsim::models::ScannerState;
using wormsim::sim::AddressIndex;
using wormsim::sim::LiveIndex;
using wormsim::sim::Prefix;
using wormsim::sim::Purpose;
using wormsim::sim::RandomStream;
namespace variates = wormsim::sim::variates;

namespace {

/// The oracle: probes one at a time from a copy of `state` until one lands on a live relevant
/// address, for at most `cap` probes.
OrderedHit walk(const BlockSweepScan& scan, ScannerState state, const LiveIndex& live,
                std::uint64_t cap) {
  RandomStream unused(0, 0, 0, Purpose::test);
  for (std::uint64_t k = 1; k <= cap; ++k) {
    const std::uint32_t probe = scan.next_probe(0, state, unused);
    if (const auto position = live.index().find(probe); position && live.is_live(*position))
      return {*position, k};
  }
  return {};
}

}  // namespace

TEST_CASE("BlockSweepScan: next_in_order matches the probe-by-probe walk through removals") {
  // 10.0.0.0/16 in /20 blocks (16 blocks of 4,096): 60 relevant addresses in three blocks.
  const Prefix space{10u << 24, 16};
  const BlockSweepScan scan(space, 20);
  RandomStream rng(7, 1, 0, Purpose::test);
  std::vector<std::uint32_t> addresses;
  for (std::uint32_t block : {2u, 9u, 13u})
    for (int i = 0; i < 20; ++i) {
      std::uint32_t a = 0;
      do {
        a = space.base + (block << 12) +
            static_cast<std::uint32_t>(variates::uniform_below(rng, 4096));
      } while (std::find(addresses.begin(), addresses.end(), a) != addresses.end());
      addresses.push_back(a);
    }
  const AddressIndex index(addresses);
  LiveIndex live(index);
  for (int run = 0; run < 20; ++run) {
    ScannerState state;
    RandomStream stream(11, static_cast<std::uint64_t>(run), 0, Purpose::test);
    scan.begin(0, state, stream);
    CHECK(stream.position() == 1);  // one word: the run's seed
    CHECK(state.cursor == 0);
    for (int step = 0; step < 30 && live.live_count() > 0; ++step) {
      const OrderedHit fast = scan.next_in_order(0, state, live);
      // A block is drawn with probability 3/16 of holding targets: 2,000 blocks of walk cover
      // every case with overwhelming probability (and the oracle agrees on where it stops).
      const OrderedHit slow = walk(scan, state, live, std::uint64_t{4096} * 2000);
      REQUIRE(fast.target == slow.target);
      REQUIRE(fast.probes == slow.probes);
      scan.advance(state, fast.probes);
      // Remove every third hit, as infected hosts leave the live set.
      if (step % 3 == 0) live.remove(fast.target);
    }
  }
  // No live target left in the space: none is found.
  for (std::size_t p = 0; p < index.size(); ++p) live.remove(p);
  ScannerState state;
  CHECK(scan.next_in_order(0, state, live).target == OrderedHit::kNone);
}

TEST_CASE("BlockSweepScan: a run's blocks are uniform over the space (chi-square)") {
  // 16 blocks, 16,000 runs' first blocks: expected 1,000 each. Chi-square with 15 degrees of
  // freedom; the critical value at alpha = 0.001, fixed in advance, is 37.70.
  const Prefix space{10u << 24, 16};
  const BlockSweepScan scan(space, 20);
  std::vector<double> counts(16, 0);
  for (std::uint64_t r = 0; r < 16'000; ++r) {
    RandomStream stream(3, r, 0, Purpose::test);
    ScannerState state;
    scan.begin(0, state, stream);
    ++counts[(scan.block_base(state.seed, 0) - space.base) >> 12];
  }
  double chi2 = 0;
  for (double c : counts) chi2 += (c - 1000) * (c - 1000) / 1000;
  CAPTURE(chi2);
  CHECK(chi2 < 37.70);
}

TEST_CASE("BlockSweepScan: blocks never leave the space, and a space smaller than a block is one") {
  const BlockSweepScan scan(Prefix{(10u << 24) | (5u << 16), 24}, 16);
  CHECK(scan.block_length() == 24);
  for (std::uint64_t k = 0; k < 100; ++k)
    CHECK(scan.block_base(12345, k) == ((10u << 24) | (5u << 16)));
  CHECK_THROWS_AS(BlockSweepScan(Prefix{0, 0}, 0), std::invalid_argument);
}
