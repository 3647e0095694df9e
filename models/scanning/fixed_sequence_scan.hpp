// Code Red v1's scanning: every copy of the worm seeds its generator with the same constant, so
// every infected host probes the same sequence of addresses from its beginning. The sequence is
// a fixed pseudo-random order of the space (a bijective mix of the position, standing in for the
// worm's static-seeded generator); a new copy starts at position 0. Sequential in that order: the
// next relevant hit is the first live relevant address at or after the cursor in the order.
#pragma once

#include <cstdint>
#include <vector>

#include "models/scanning/scan_strategy.hpp"

namespace wormsim::models {

class FixedSequenceScan final : public ScanStrategy {
 public:
  FixedSequenceScan(sim::Prefix space, std::uint64_t sequence_seed);

  bool is_sequential() const override { return true; }
  /// Records where each relevant address stands in the sequence (once, before the run).
  void prepare(const sim::AddressIndex& relevant) override;

  /// Every copy starts at the beginning of the sequence; draws nothing.
  void begin(std::uint32_t source, ScannerState& state, sim::RandomStream& rng) const override;
  OrderedHit next_in_order(std::uint32_t source, const ScannerState& state,
                           const sim::LiveIndex& relevant) const override;
  void advance(ScannerState& state, std::uint64_t probes) const override;
  /// The address at the cursor; advances it. Draws nothing.
  std::uint32_t next_probe(std::uint32_t source, ScannerState& state,
                           sim::RandomStream& rng) const override;

  double hit_probability(std::uint32_t, const sim::LiveIndex&) const override { return 0; }
  std::size_t draw_target(std::uint32_t, const sim::LiveIndex&, sim::RandomStream&) const override;

  /// Position -> offset in the space, and its inverse (bijections on the space's offsets).
  std::uint64_t offset_at(std::uint64_t position) const;
  std::uint64_t position_of(std::uint64_t offset) const;

 private:
  sim::Prefix space_;
  unsigned bits_;
  std::uint64_t mask_;
  std::uint64_t multiplier_[2], inverse_[2];
  unsigned shift_;
  std::uint64_t key_;
  // Relevant addresses in sequence order: (position in the sequence, position in the index).
  std::vector<std::pair<std::uint64_t, std::uint32_t>> order_;
};

}  // namespace wormsim::models
