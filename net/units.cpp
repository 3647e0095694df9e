#include "net/units.hpp"

#include <fmt/format.h>

#include <array>
#include <utility>

namespace wormsim::net {

namespace {

struct Unit {
  std::string_view name;
  std::uint64_t factor;
};

constexpr std::array<Unit, 11> kBandwidthUnits{{
    {"bps", 1},
    {"kbps", 1'000},
    {"Kbps", 1'000},
    {"Mbps", 1'000'000},
    {"Gbps", 1'000'000'000},
    {"Tbps", 1'000'000'000'000},
    {"bit/s", 1},
    {"kbit/s", 1'000},
    {"Mbit/s", 1'000'000},
    {"Gbit/s", 1'000'000'000},
    {"Tbit/s", 1'000'000'000'000},
}};

constexpr std::array<Unit, 7> kSizeUnits{{
    {"B", 1},
    {"kB", 1'000},
    {"MB", 1'000'000},
    {"GB", 1'000'000'000},
    {"KiB", 1'024},
    {"MiB", 1'048'576},
    {"GiB", 1'073'741'824},
}};

constexpr std::uint64_t kLimit = std::uint64_t{1} << 63;

__extension__ using Uint128 = unsigned __int128;

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

/// value = mantissa / 10^decimals, read from the digits; false on overflow or a malformed number.
bool read_decimal(std::string_view& s, std::uint64_t& mantissa, unsigned& decimals) {
  mantissa = 0;
  decimals = 0;
  std::size_t i = 0;
  bool any_digit = false, in_fraction = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c >= '0' && c <= '9') {
      if (mantissa > (kLimit - 9) / 10) return false;
      mantissa = mantissa * 10 + static_cast<std::uint64_t>(c - '0');
      any_digit = true;
      if (in_fraction) ++decimals;
    } else if (c == '.' && !in_fraction && any_digit) {
      in_fraction = true;
      if (i + 1 >= s.size() || s[i + 1] < '0' || s[i + 1] > '9') return false;
    } else {
      break;
    }
  }
  if (!any_digit) return false;
  s.remove_prefix(i);
  return true;
}

template <std::size_t N>
std::optional<std::uint64_t> parse_with_units(std::string_view text,
                                              const std::array<Unit, N>& units) {
  std::string_view s = trim(text);
  std::uint64_t mantissa = 0;
  unsigned decimals = 0;
  if (!read_decimal(s, mantissa, decimals)) return std::nullopt;
  s = trim(s);
  for (const auto& u : units) {
    if (s != u.name) continue;
    // mantissa * factor / 10^decimals must be a whole number below 2^63.
    std::uint64_t divisor = 1;
    for (unsigned d = 0; d < decimals; ++d) {
      if (divisor > kLimit / 10) return std::nullopt;
      divisor *= 10;
    }
    const Uint128 scaled = static_cast<Uint128>(mantissa) * u.factor;
    if (scaled % divisor != 0) return std::nullopt;
    const Uint128 value = scaled / divisor;
    if (value >= kLimit) return std::nullopt;
    return static_cast<std::uint64_t>(value);
  }
  return std::nullopt;
}

template <std::size_t N>
std::string format_with_units(
    std::uint64_t value, const std::array<std::pair<std::uint64_t, std::string_view>, N>& units) {
  // units sorted from the largest factor down; the last has factor 1.
  for (const auto& [factor, name] : units) {
    if (value < factor && factor != 1) continue;
    const std::uint64_t whole = value / factor;
    std::uint64_t rest = value % factor;
    if (rest == 0) return fmt::format("{}{}", whole, name);
    // The fraction's digits, as many as the factor has zeros, trailing zeros dropped.
    std::string digits;
    for (std::uint64_t f = factor / 10; f > 0; f /= 10) {
      digits += static_cast<char>('0' + rest / f);
      rest %= f;
    }
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    return fmt::format("{}.{}{}", whole, digits, name);
  }
  return fmt::format("{}{}", value, units.back().second);
}

}  // namespace

std::optional<std::uint64_t> parse_bandwidth(std::string_view text) {
  return parse_with_units(text, kBandwidthUnits);
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
  return parse_with_units(text, kSizeUnits);
}

std::string format_bandwidth(std::uint64_t bps) {
  static constexpr std::array<std::pair<std::uint64_t, std::string_view>, 5> units{{
      {1'000'000'000'000, "Tbps"},
      {1'000'000'000, "Gbps"},
      {1'000'000, "Mbps"},
      {1'000, "kbps"},
      {1, "bps"},
  }};
  return format_with_units(bps, units);
}

std::string format_size(std::uint64_t bytes) {
  static constexpr std::array<std::pair<std::uint64_t, std::string_view>, 4> units{{
      {1'000'000'000, "GB"},
      {1'000'000, "MB"},
      {1'000, "kB"},
      {1, "B"},
  }};
  return format_with_units(bytes, units);
}

}  // namespace wormsim::net
