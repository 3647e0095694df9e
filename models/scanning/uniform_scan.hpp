// Uniform random scanning over a prefix (Code Red v2): every probe picks an address of the space
// uniformly and independently.
#pragma once

#include "models/scanning/scan_strategy.hpp"

namespace wormsim::models {

class UniformScan final : public ScanStrategy {
 public:
  explicit UniformScan(sim::Prefix space) : space_(space) {}

  /// |live relevant| / |space|.
  double hit_probability(std::uint32_t source, const sim::LiveIndex& relevant) const override;
  /// Uniform over the live relevant positions; one word.
  std::size_t draw_target(std::uint32_t source, const sim::LiveIndex& relevant,
                          sim::RandomStream& rng) const override;
  /// Uniform over the space; one word.
  std::uint32_t next_probe(std::uint32_t source, ScannerState& state,
                           sim::RandomStream& rng) const override;

 private:
  sim::Prefix space_;
};

}  // namespace wormsim::models
