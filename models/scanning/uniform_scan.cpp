#include "models/scanning/uniform_scan.hpp"

namespace wormsim::models {

double UniformScan::hit_probability(std::uint32_t, const sim::LiveIndex& relevant) const {
  return static_cast<double>(relevant.live_count()) / static_cast<double>(space_.size());
}

std::size_t UniformScan::draw_target(std::uint32_t, const sim::LiveIndex& relevant,
                                     sim::RandomStream& rng) const {
  const std::size_t n = relevant.live_count();
  const auto k = static_cast<std::size_t>(sim::variates::uniform_below(rng, n));
  // While nothing has been removed, the k-th live position is k itself.
  return n == relevant.index().size() ? k : relevant.kth_live(k);
}

std::uint32_t UniformScan::next_probe(std::uint32_t, ScannerState&, sim::RandomStream& rng) const {
  return space_.base + static_cast<std::uint32_t>(sim::variates::uniform_below(rng, space_.size()));
}

}  // namespace wormsim::models
