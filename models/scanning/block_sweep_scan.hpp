// sadmind/IIS's scanning (CERT CA-2001-11): the worm picks a random class B network (a /16) and
// probes every address in it, then picks another. A sequential strategy of scan_strategy.hpp:
// the blocks one run sweeps are a pseudo-random function of a seed the run draws when it starts
// and of the block's number in the run, so the whole walk is a fixed order and next_in_order finds
// the next live relevant address by index look-ups, never probe by probe.
#pragma once

#include <cstdint>

#include "models/scanning/scan_strategy.hpp"

namespace wormsim::models {

/// Blocks are the /`block_length` prefixes of the scenario's space (the whole space if it is
/// smaller than one block), each drawn uniformly and independently (with replacement, as the
/// worm's own random choice of a class B). Inside a block the walk goes upward from its first
/// address to its last.
///
/// `ScannerState::cursor` is the position in the run's walk: block number cursor >> (32 -
/// block_length), offset cursor & (block size - 1). `ScannerState::seed` is drawn by begin().
/// Block k of the run is the k-th output of SplitMix64 (Steele, Lea, Flood, OOPSLA 2014) seeded
/// with the run's seed, mapped to a block by a multiply-shift (its bias, at most blocks / 2^64,
/// is far below anything a simulation can detect).
class BlockSweepScan final : public ScanStrategy {
 public:
  /// sadmind/IIS sweeps class B networks.
  static constexpr std::uint8_t kSadmindBlockLength = 16;

  /// `block_length` from 1 to 32. Throws std::invalid_argument otherwise.
  explicit BlockSweepScan(sim::Prefix space, std::uint8_t block_length = kSadmindBlockLength);

  bool is_sequential() const override { return true; }

  /// Not used for sequential strategies: 0.
  double hit_probability(std::uint32_t, const sim::LiveIndex&) const override { return 0; }
  /// Not used for sequential strategies: throws std::logic_error.
  std::size_t draw_target(std::uint32_t, const sim::LiveIndex&, sim::RandomStream&) const override;

  /// Draws the run's seed (one word) and starts at the first address of its first block.
  void begin(std::uint32_t source, ScannerState& state, sim::RandomStream& rng) const override;
  /// The first live relevant address at or after the cursor in the walk, with the probes to it
  /// (skipped blocks count in full); target kNone if no live relevant address is in the space.
  /// Cost: one look-up per block visited, on average (blocks in the space) / (blocks holding a
  /// live relevant address).
  OrderedHit next_in_order(std::uint32_t source, const ScannerState& state,
                           const sim::LiveIndex& relevant) const override;
  /// The address at the cursor; advances it. Draws no words.
  std::uint32_t next_probe(std::uint32_t source, ScannerState& state,
                           sim::RandomStream& rng) const override;

  /// The first address of the run's block number `k`.
  std::uint32_t block_base(std::uint64_t seed, std::uint64_t k) const;
  std::uint8_t block_length() const { return block_length_; }

 private:
  sim::Prefix space_;
  std::uint8_t block_length_;  // at least the space's length
  unsigned offset_bits_;       // 32 - block_length_
  std::uint64_t blocks_;       // blocks in the space
};

}  // namespace wormsim::models
