// The sorted set of addresses where a probe can have an effect for one service (DESIGN.md,
// "Scanning without simulating every probe"), with per-/8 and per-/16 offsets so that the count
// in any block is O(1) for /16 and coarser and O(log n) for finer blocks.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/random.hpp"

namespace wormsim::sim {

/// An IPv4 prefix: `base` with its low (32 - length) bits zero.
struct Prefix {
  std::uint32_t base = 0;
  std::uint8_t length = 0;  ///< 0..32

  std::uint64_t size() const { return std::uint64_t{1} << (32 - length); }
  std::uint32_t last() const { return static_cast<std::uint32_t>(base + (size() - 1)); }
  bool contains(std::uint32_t a) const { return a >= base && a <= last(); }
  /// The prefix of the given length that holds address `a`.
  static Prefix of(std::uint32_t a, std::uint8_t length) {
    const std::uint32_t mask =
        length == 0 ? 0u : static_cast<std::uint32_t>(~std::uint64_t{0} << (32 - length));
    return Prefix{a & mask, length};
  }
};

/// Parses "a.b.c.d/len" (host bits must be zero); nullopt if malformed.
std::optional<Prefix> parse_prefix(std::string_view text);
/// Parses a dotted quad; nullopt if malformed.
std::optional<std::uint32_t> parse_address(std::string_view text);
std::string format_address(std::uint32_t a);
std::string format_prefix(Prefix p);

class AddressIndex {
 public:
  AddressIndex() = default;
  /// Builds from any order; duplicates are an error of the caller (asserted). O(n) radix sort.
  explicit AddressIndex(std::vector<std::uint32_t> addresses);

  std::size_t size() const { return addresses_.size(); }
  std::uint32_t address(std::size_t i) const { return addresses_[i]; }
  std::span<const std::uint32_t> addresses() const { return addresses_; }

  /// Index of the first address >= a (size() if none).
  std::size_t lower_bound(std::uint32_t a) const;
  /// Index of the first address at or after `a`, if any.
  std::optional<std::size_t> next_at_or_after(std::uint32_t a) const {
    const std::size_t i = lower_bound(a);
    if (i == addresses_.size()) return std::nullopt;
    return i;
  }
  /// Index of address `a` if it is in the set.
  std::optional<std::size_t> find(std::uint32_t a) const {
    const std::size_t i = lower_bound(a);
    if (i == addresses_.size() || addresses_[i] != a) return std::nullopt;
    return i;
  }
  /// Half-open index range [first, second) of the addresses inside `block`.
  std::pair<std::size_t, std::size_t> range(Prefix block) const;
  std::size_t count(Prefix block) const {
    const auto [lo, hi] = range(block);
    return hi - lo;
  }
  /// A position drawn uniformly among the addresses inside `block` (one word), if it holds any.
  std::optional<std::size_t> uniform_in(Prefix block, RandomStream& rng) const;

 private:
  std::vector<std::uint32_t> addresses_;
  std::vector<std::uint32_t> offset16_;  // 65537 entries: first index of each /16
};

/// Sorts 32-bit keys in place: two 16-bit LSD radix passes, O(n).
void radix_sort(std::vector<std::uint32_t>& values);

}  // namespace wormsim::sim
