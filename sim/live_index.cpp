#include "sim/live_index.hpp"

#include <cassert>

namespace wormsim::sim {

namespace {

int popcount(std::uint64_t w) {
  return __builtin_popcountll(w);
}

// The position (0-63) of the k-th set bit of w (k from 0); k < popcount(w).
unsigned select_bit(std::uint64_t w, unsigned k) {
  unsigned base = 0;
  for (unsigned half = 32; half >= 8; half >>= 1) {  // halve the range while counting
    const std::uint64_t low = w & ((std::uint64_t{1} << half) - 1);
    const auto c = static_cast<unsigned>(popcount(low));
    if (k >= c) {
      k -= c;
      w >>= half;
      base += half;
    } else {
      w = low;
    }
  }
  for (; k > 0; --k) w &= w - 1;  // at most 7 more bits in the last byte
  return base + static_cast<unsigned>(__builtin_ctzll(w));
}

}  // namespace

LiveIndex::LiveIndex(const AddressIndex& index)
    : index_(&index), size_(index.size()), live_(index.size()) {
  const std::size_t words = (size_ + 63) / 64;
  bits_.assign(words, ~std::uint64_t{0});
  if (size_ % 64 != 0) bits_.back() = (std::uint64_t{1} << (size_ % 64)) - 1;
  tree_.assign(words + 1, 0);
  // Linear-time build: each node adds itself to its parent.
  for (std::size_t i = 1; i <= words; ++i) {
    tree_[i] += static_cast<std::uint32_t>(popcount(bits_[i - 1]));
    const std::size_t parent = i + (i & (~i + 1));
    if (parent <= words) tree_[parent] += tree_[i];
  }
  top_bit_ = words == 0 ? 0 : 1;
  while (top_bit_ * 2 <= words) top_bit_ *= 2;
}

std::size_t LiveIndex::live_before(std::size_t end) const {
  std::size_t sum = 0;
  for (std::size_t i = end >> 6; i > 0; i &= i - 1) sum += tree_[i];
  if (end & 63)
    sum += static_cast<std::size_t>(
        popcount(bits_[end >> 6] & ((std::uint64_t{1} << (end & 63)) - 1)));
  return sum;
}

std::size_t LiveIndex::kth_live(std::size_t k) const {
  assert(k < live_);
  // Binary lifting over words: the largest prefix of words whose live count is <= k ends just
  // before the word holding the answer.
  std::size_t word = 0;
  std::size_t remaining = k;
  for (std::size_t step = top_bit_; step > 0; step >>= 1) {
    const std::size_t next = word + step;
    if (next < tree_.size() && tree_[next] <= remaining) {
      word = next;
      remaining -= tree_[next];
    }
  }
  return word * 64 + select_bit(bits_[word], static_cast<unsigned>(remaining));
}

void LiveIndex::remove(std::size_t position) {
  std::uint64_t& w = bits_[position >> 6];
  const std::uint64_t bit = std::uint64_t{1} << (position & 63);
  if (!(w & bit)) return;
  w &= ~bit;
  --live_;
  for (std::size_t i = (position >> 6) + 1; i < tree_.size(); i += i & (~i + 1)) --tree_[i];
}

}  // namespace wormsim::sim
