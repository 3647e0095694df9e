#include "models/scanning/fixed_sequence_scan.hpp"

#include <algorithm>
#include <stdexcept>

namespace wormsim::models {

namespace {
// Inverse of an odd number modulo 2^64 by Newton's iteration (each step doubles the correct bits).
std::uint64_t odd_inverse(std::uint64_t a) {
  std::uint64_t x = a;  // correct to 3 bits for odd a
  for (int i = 0; i < 5; ++i) x *= 2 - a * x;
  return x;
}
}  // namespace

FixedSequenceScan::FixedSequenceScan(sim::Prefix space, std::uint64_t sequence_seed)
    : space_(space),
      bits_(32u - space.length),
      mask_(space.size() - 1),
      shift_(bits_ / 2 + 1),
      key_(0) {
  // The order: x -> ((x ^ key) * m0) -> xorshift -> (* m1), each step a bijection on `bits_`
  // bits (odd multipliers modulo 2^bits, a right xorshift, a xor with a constant).
  std::uint64_t z = sequence_seed * 0x9E3779B97F4A7C15ull + 0xD1B54A32D192ED03ull;
  auto next = [&z] {
    z ^= z >> 31;
    z *= 0xBF58476D1CE4E5B9ull;
    z ^= z >> 29;
    return z;
  };
  for (int i = 0; i < 2; ++i) {
    multiplier_[i] = next() | 1u;
    inverse_[i] = odd_inverse(multiplier_[i]);
  }
  key_ = next() & mask_;
}

std::uint64_t FixedSequenceScan::offset_at(std::uint64_t position) const {
  std::uint64_t x = position & mask_;
  x = ((x ^ key_) * multiplier_[0]) & mask_;
  if (bits_ > 1) x ^= x >> shift_;
  return (x * multiplier_[1]) & mask_;
}

std::uint64_t FixedSequenceScan::position_of(std::uint64_t offset) const {
  std::uint64_t x = (offset * inverse_[1]) & mask_;
  if (bits_ > 1) {
    // Undo x ^= x >> s: repeat y = x ^ (y >> s) until every bit is fixed.
    std::uint64_t y = x;
    for (unsigned done = shift_; done < bits_; done += shift_) y = x ^ (y >> shift_);
    x = y;
  }
  return ((x * inverse_[0]) & mask_) ^ key_;
}

void FixedSequenceScan::prepare(const sim::AddressIndex& relevant) {
  order_.clear();
  for (std::size_t i = 0; i < relevant.size(); ++i) {
    const std::uint32_t a = relevant.address(i);
    if (!space_.contains(a)) continue;
    order_.emplace_back(position_of(a - space_.base), static_cast<std::uint32_t>(i));
  }
  std::sort(order_.begin(), order_.end());
}

void FixedSequenceScan::begin(std::uint32_t, ScannerState& state, sim::RandomStream&) const {
  state.cursor = 0;
}

OrderedHit FixedSequenceScan::next_in_order(std::uint32_t, const ScannerState& state,
                                            const sim::LiveIndex& relevant) const {
  const std::uint64_t size = space_.size();
  const std::uint64_t cursor = state.cursor % size;
  const auto first =
      std::lower_bound(order_.begin(), order_.end(), std::make_pair(cursor, std::uint32_t{0}));
  // From the cursor to the end of the sequence, then from its beginning: the first live entry.
  auto scan = [&](auto from, auto to) -> OrderedHit {
    for (auto it = from; it != to; ++it)
      if (relevant.is_live(it->second)) return {it->second, (it->first + size - cursor) % size + 1};
    return {};
  };
  if (const OrderedHit hit = scan(first, order_.end()); hit.target != OrderedHit::kNone) return hit;
  return scan(order_.begin(), first);
}

void FixedSequenceScan::advance(ScannerState& state, std::uint64_t probes) const {
  state.cursor = (state.cursor + probes) % space_.size();
  state.probes += probes;
}

std::uint32_t FixedSequenceScan::next_probe(std::uint32_t, ScannerState& state,
                                            sim::RandomStream&) const {
  const auto address = static_cast<std::uint32_t>(space_.base + offset_at(state.cursor));
  advance(state, 1);
  return address;
}

std::size_t FixedSequenceScan::draw_target(std::uint32_t, const sim::LiveIndex&,
                                           sim::RandomStream&) const {
  throw std::logic_error("FixedSequenceScan is sequential: use next_in_order");
}

}  // namespace wormsim::models
