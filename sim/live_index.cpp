#include "sim/live_index.hpp"

#include <cassert>

namespace wormsim::sim {

LiveIndex::LiveIndex(const AddressIndex& index)
    : index_(&index), tree_(index.size() + 1, 0), flag_(index.size(), 1), live_(index.size()) {
  // Linear-time build: each node adds itself to its parent.
  const std::size_t n = index.size();
  for (std::size_t i = 1; i <= n; ++i) {
    tree_[i] += 1;
    const std::size_t parent = i + (i & (~i + 1));
    if (parent <= n) tree_[parent] += tree_[i];
  }
  top_bit_ = 1;
  while (top_bit_ * 2 <= n) top_bit_ *= 2;
}

std::size_t LiveIndex::live_before(std::size_t end) const {
  std::size_t sum = 0;
  for (std::size_t i = end; i > 0; i &= i - 1) sum += tree_[i];
  return sum;
}

std::size_t LiveIndex::kth_live(std::size_t k) const {
  assert(k < live_);
  // Binary lifting: the largest prefix whose live count is <= k ends just before the answer.
  std::size_t pos = 0;
  std::size_t remaining = k;
  for (std::size_t step = top_bit_; step > 0; step >>= 1) {
    const std::size_t next = pos + step;
    if (next < tree_.size() && tree_[next] <= remaining) {
      pos = next;
      remaining -= tree_[next];
    }
  }
  return pos;  // 1-based prefix end == 0-based position of the answer
}

void LiveIndex::remove(std::size_t position) {
  if (!flag_[position]) return;
  flag_[position] = 0;
  --live_;
  for (std::size_t i = position + 1; i < tree_.size(); i += i & (~i + 1)) --tree_[i];
}

}  // namespace wormsim::sim
