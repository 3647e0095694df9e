#include "sim/address_index.hpp"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <string>

#include "sim/variates.hpp"

namespace wormsim::sim {

std::optional<std::uint32_t> parse_address(std::string_view text) {
  std::uint32_t value = 0;
  const char* p = text.data();
  const char* end = text.data() + text.size();
  for (int octet = 0; octet < 4; ++octet) {
    if (octet > 0) {
      if (p == end || *p != '.') return std::nullopt;
      ++p;
    }
    unsigned v = 0;
    const auto [next, ec] = std::from_chars(p, end, v);
    if (ec != std::errc{} || next == p || v > 255 || next - p > 3) return std::nullopt;
    value = (value << 8) | v;
    p = next;
  }
  if (p != end) return std::nullopt;
  return value;
}

std::optional<Prefix> parse_prefix(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto base = parse_address(text.substr(0, slash));
  if (!base) return std::nullopt;
  unsigned length = 0;
  const auto tail = text.substr(slash + 1);
  const auto [next, ec] = std::from_chars(tail.data(), tail.data() + tail.size(), length);
  if (ec != std::errc{} || next != tail.data() + tail.size() || tail.empty() || length > 32)
    return std::nullopt;
  const Prefix p = Prefix::of(*base, static_cast<std::uint8_t>(length));
  if (p.base != *base) return std::nullopt;  // host bits set
  return p;
}

std::string format_address(std::uint32_t a) {
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." +
         std::to_string((a >> 8) & 255) + "." + std::to_string(a & 255);
}

std::string format_prefix(Prefix p) {
  return format_address(p.base) + "/" + std::to_string(p.length);
}

void radix_sort(std::vector<std::uint32_t>& values) {
  std::vector<std::uint32_t> scratch(values.size());
  std::vector<std::uint32_t> count(65537);
  for (int pass = 0; pass < 2; ++pass) {
    const int shift = pass * 16;
    std::fill(count.begin(), count.end(), 0u);
    for (std::uint32_t v : values) ++count[((v >> shift) & 0xFFFFu) + 1];
    for (std::size_t i = 1; i < count.size(); ++i) count[i] += count[i - 1];
    for (std::uint32_t v : values) scratch[count[(v >> shift) & 0xFFFFu]++] = v;
    values.swap(scratch);
  }
}

AddressIndex::AddressIndex(std::vector<std::uint32_t> addresses)
    : addresses_(std::move(addresses)), offset16_(65537, 0) {
  radix_sort(addresses_);
  assert(std::adjacent_find(addresses_.begin(), addresses_.end()) == addresses_.end());
  for (std::uint32_t a : addresses_) ++offset16_[(a >> 16) + 1];
  for (std::size_t i = 1; i < offset16_.size(); ++i) offset16_[i] += offset16_[i - 1];
}

std::size_t AddressIndex::lower_bound(std::uint32_t a) const {
  if (addresses_.empty()) return 0;
  const std::uint32_t block = a >> 16;
  const auto first = addresses_.begin() + offset16_[block];
  const auto last = addresses_.begin() + offset16_[block + 1];
  return static_cast<std::size_t>(std::lower_bound(first, last, a) - addresses_.begin());
}

std::pair<std::size_t, std::size_t> AddressIndex::range(Prefix block) const {
  if (addresses_.empty()) return {0, 0};
  if (block.length <= 16) {
    const std::uint32_t first16 = block.base >> 16;
    const std::uint64_t blocks16 = block.size() >> 16;
    return {offset16_[first16], offset16_[first16 + blocks16]};
  }
  const std::size_t lo = lower_bound(block.base);
  const std::uint32_t last = block.last();
  const std::size_t hi = last == 0xFFFFFFFFu ? addresses_.size() : lower_bound(last + 1);
  return {lo, hi};
}

}  // namespace wormsim::sim

namespace wormsim::sim {

std::optional<std::size_t> AddressIndex::uniform_in(Prefix block, RandomStream& rng) const {
  const auto [lo, hi] = range(block);
  if (lo == hi) return std::nullopt;
  return lo + static_cast<std::size_t>(variates::uniform_below(rng, hi - lo));
}

}  // namespace wormsim::sim
