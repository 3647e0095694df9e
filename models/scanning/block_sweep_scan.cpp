#include "models/scanning/block_sweep_scan.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "sim/variates.hpp"

namespace wormsim::models {

namespace {

/// The k-th output of SplitMix64 from `seed` (Steele, Lea, Flood 2014).
std::uint64_t splitmix64(std::uint64_t seed, std::uint64_t k) {
  std::uint64_t z = seed + (k + 1) * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace

BlockSweepScan::BlockSweepScan(sim::Prefix space, std::uint8_t block_length) : space_(space) {
  if (block_length < 1 || block_length > 32)
    throw std::invalid_argument("BlockSweepScan: block_length must be from 1 to 32, got " +
                                std::to_string(block_length));
  block_length_ = std::max(block_length, space.length);
  offset_bits_ = 32u - block_length_;
  blocks_ = std::uint64_t{1} << (block_length_ - space.length);
}

std::size_t BlockSweepScan::draw_target(std::uint32_t, const sim::LiveIndex&,
                                        sim::RandomStream&) const {
  throw std::logic_error(
      "BlockSweepScan::draw_target: a sequential strategy has no per-probe target distribution; "
      "use next_in_order");
}

std::uint32_t BlockSweepScan::block_base(std::uint64_t seed, std::uint64_t k) const {
  const auto block =
      static_cast<std::uint64_t>((static_cast<sim::uint128>(splitmix64(seed, k)) * blocks_) >> 64);
  return static_cast<std::uint32_t>(space_.base + (block << offset_bits_));
}

void BlockSweepScan::begin(std::uint32_t, ScannerState& state, sim::RandomStream& rng) const {
  state.seed = rng.next_u64();
  state.cursor = 0;
}

OrderedHit BlockSweepScan::next_in_order(std::uint32_t, const ScannerState& state,
                                         const sim::LiveIndex& relevant) const {
  const sim::AddressIndex& index = relevant.index();
  const std::uint64_t block_size = std::uint64_t{1} << offset_bits_;
  // Nothing live inside the space: no block will ever hold a hit.
  const auto [space_first, space_last] = index.range(space_);
  if (relevant.live_in(space_first, space_last) == 0) return {};
  std::uint64_t k = state.cursor >> offset_bits_;
  std::uint64_t offset = state.cursor & (block_size - 1);
  std::uint64_t probes = 0;
  // A live address lies in some block, and each block is drawn with probability 1/blocks, so the
  // loop ends after `blocks` visits on average when a single block holds one; the bound only
  // guards against a pathological generator (it would take e^-256-unlikely draws to reach it).
  const std::uint64_t bound = blocks_ * 256 + 1024;
  for (std::uint64_t visited = 0; visited < bound; ++visited, ++k) {
    const std::uint32_t base = block_base(state.seed, k);
    const auto from = static_cast<std::uint32_t>(base + offset);
    const std::size_t end = index.range(sim::Prefix{base, block_length_}).second;
    const std::size_t first = index.lower_bound(from);
    if (first < end && relevant.live_in(first, end) > 0) {
      const std::size_t hit = relevant.next_live(first);
      return {hit, probes + (index.address(hit) - from) + 1};
    }
    probes += block_size - offset;
    offset = 0;
  }
  return {};
}

std::uint32_t BlockSweepScan::next_probe(std::uint32_t, ScannerState& state,
                                         sim::RandomStream&) const {
  const std::uint64_t block_size = std::uint64_t{1} << offset_bits_;
  const auto address = static_cast<std::uint32_t>(
      block_base(state.seed, state.cursor >> offset_bits_) + (state.cursor & (block_size - 1)));
  ++state.cursor;
  ++state.probes;
  return address;
}

}  // namespace wormsim::models
