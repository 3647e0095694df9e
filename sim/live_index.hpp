// The relevant set as it shrinks (DESIGN.md, "Where the time goes": hits on hosts that cannot
// change state are waste). Positions of a static AddressIndex are live or not; a Fenwick tree
// over the positions gives live counts in any index range and the k-th live position in
// O(log n), so samplers can draw exactly among live addresses only. The live flags are bits of
// 64-bit words and the tree counts per word: 360,000 positions take 45 KB of bits and a 22 KB
// tree, which stay in cache where a tree per position (1.4 MB) missed at every level.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/address_index.hpp"

namespace wormsim::sim {

class LiveIndex {
 public:
  LiveIndex() = default;
  /// Every position of `index` starts live. `index` must outlive this object.
  explicit LiveIndex(const AddressIndex& index);

  const AddressIndex& index() const { return *index_; }
  std::size_t live_count() const { return live_; }
  bool is_live(std::size_t position) const { return (bits_[position >> 6] >> (position & 63)) & 1; }
  /// Live positions in [0, end).
  std::size_t live_before(std::size_t end) const;
  /// Live positions in [first, last).
  std::size_t live_in(std::size_t first, std::size_t last) const {
    return live_before(last) - live_before(first);
  }
  /// The position of the k-th live entry (k from 0); k < live_count().
  std::size_t kth_live(std::size_t k) const;
  /// The first live position >= `position`, or index().size() if none.
  std::size_t next_live(std::size_t position) const {
    const std::size_t before = live_before(position);
    return before < live_ ? kth_live(before) : size_;
  }
  /// Marks a position dead (idempotent).
  void remove(std::size_t position);

 private:
  const AddressIndex* index_ = nullptr;
  std::vector<std::uint32_t> tree_;  // 1-based Fenwick tree of live counts per word
  std::vector<std::uint64_t> bits_;  // live flags, position i at bit i % 64 of word i / 64
  std::size_t size_ = 0;
  std::size_t live_ = 0;
  std::size_t top_bit_ = 0;  // highest power of two <= number of words
};

}  // namespace wormsim::sim
