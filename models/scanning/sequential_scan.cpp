#include "models/scanning/sequential_scan.hpp"

#include <stdexcept>
#include <string>

namespace wormsim::models {

SequentialScan::SequentialScan(sim::Prefix space, double random_start_probability,
                               std::uint32_t lower_above_third_octet, std::uint32_t max_lowering)
    : space_(space),
      random_start_probability_(random_start_probability),
      lower_above_third_octet_(lower_above_third_octet),
      max_lowering_(max_lowering) {
  if (!(random_start_probability >= 0.0 && random_start_probability <= 1.0))
    throw std::invalid_argument("SequentialScan: random_start_probability must be in [0, 1], got " +
                                std::to_string(random_start_probability));
  if (lower_above_third_octet > 255)
    throw std::invalid_argument("SequentialScan: lower_above_third_octet must be <= 255, got " +
                                std::to_string(lower_above_third_octet));
  // A third octet above the threshold is at least threshold + 1, so lowering it by at most
  // threshold + 1 keeps it an octet.
  if (max_lowering > lower_above_third_octet + 1)
    throw std::invalid_argument(
        "SequentialScan: max_lowering must be <= lower_above_third_octet + 1 (" +
        std::to_string(lower_above_third_octet + 1) + "), got " + std::to_string(max_lowering));
}

double SequentialScan::hit_probability(std::uint32_t, const sim::LiveIndex&) const {
  return 0.0;
}

std::size_t SequentialScan::draw_target(std::uint32_t, const sim::LiveIndex&,
                                        sim::RandomStream&) const {
  throw std::logic_error(
      "SequentialScan::draw_target: a sequential strategy has no per-probe target distribution; "
      "use next_in_order");
}

std::uint32_t SequentialScan::draw_start_address(std::uint32_t source,
                                                 sim::RandomStream& rng) const {
  if (sim::variates::bernoulli(rng, random_start_probability_)) {
    const auto a = static_cast<std::uint32_t>(1 + sim::variates::uniform_below(rng, 254));
    const auto b = static_cast<std::uint32_t>(sim::variates::uniform_below(rng, 254));
    const auto c = static_cast<std::uint32_t>(sim::variates::uniform_below(rng, 254));
    return a << 24 | b << 16 | c << 8;
  }
  std::uint32_t c = (source >> 8) & 0xffu;
  if (c > lower_above_third_octet_)
    c -= static_cast<std::uint32_t>(sim::variates::uniform_below(rng, max_lowering_ + 1));
  return (source & 0xffff0000u) | c << 8;
}

void SequentialScan::begin(std::uint32_t source, ScannerState& state,
                           sim::RandomStream& rng) const {
  // space.base has its low (32 - length) bits zero, so (a - base) mod |space| is a's low bits.
  state.cursor = draw_start_address(source, rng) & (space_.size() - 1);
}

OrderedHit SequentialScan::next_in_order(std::uint32_t, const ScannerState& state,
                                         const sim::LiveIndex& relevant) const {
  const sim::AddressIndex& index = relevant.index();
  const std::uint64_t size = space_.size();
  const std::uint32_t last = space_.last();
  const auto at = static_cast<std::uint32_t>(space_.base + state.cursor);
  // The position of the first live address at or after `from` if it is inside the space.
  auto first_live = [&](std::uint32_t from) -> std::size_t {
    const std::size_t position = relevant.next_live(index.lower_bound(from));
    if (position >= index.size() || index.address(position) > last) return OrderedHit::kNone;
    return position;
  };
  // Up to the end of the space...
  if (const std::size_t hit = first_live(at); hit != OrderedHit::kNone)
    return {hit, std::uint64_t{index.address(hit) - at} + 1};
  // ...then, wrapped, from its start up to (not including) the cursor, which the first search
  // covered already.
  if (const std::size_t hit = first_live(space_.base);
      hit != OrderedHit::kNone && index.address(hit) < at)
    return {hit, (size - state.cursor) + (index.address(hit) - space_.base) + 1};
  return {};
}

void SequentialScan::advance(ScannerState& state, std::uint64_t probes) const {
  const std::uint64_t size = space_.size();
  // cursor < size <= 2^32, so the sum cannot overflow once probes is reduced.
  state.cursor = (state.cursor + probes % size) % size;
  state.probes += probes;
}

std::uint32_t SequentialScan::next_probe(std::uint32_t, ScannerState& state,
                                         sim::RandomStream&) const {
  const auto address = static_cast<std::uint32_t>(space_.base + state.cursor);
  state.cursor = (state.cursor + 1) % space_.size();
  ++state.probes;
  return address;
}

}  // namespace wormsim::models
