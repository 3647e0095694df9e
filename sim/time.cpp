#include "sim/time.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>

namespace wormsim::sim {

SimTime SimTime::from_seconds(double s) {
  return SimTime{std::llround(s * 1e6)};
}

std::optional<SimTime> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  long double total_us = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    // Number: digits with an optional fraction; '_' separators allowed as in TOML integers.
    std::size_t start = i;
    long double value = 0;
    bool any_digit = false;
    while (i < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '_')) {
      if (text[i] != '_') {
        value = value * 10 + (text[i] - '0');
        any_digit = true;
      }
      ++i;
    }
    if (i < text.size() && text[i] == '.') {
      ++i;
      long double scale = 0.1L;
      while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
        value += (text[i] - '0') * scale;
        scale /= 10;
        any_digit = true;
        ++i;
      }
    }
    if (!any_digit || i == start) return std::nullopt;
    // Unit.
    std::size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string_view unit = text.substr(unit_start, i - unit_start);
    long double factor;
    if (unit == "us")
      factor = 1;
    else if (unit == "ms")
      factor = 1e3L;
    else if (unit == "s")
      factor = 1e6L;
    else if (unit == "m" || unit == "min")
      factor = 6e7L;
    else if (unit == "h")
      factor = 3.6e9L;
    else if (unit == "d")
      factor = 8.64e10L;
    else
      return std::nullopt;
    total_us += value * factor;
    if (total_us > 9.2e18L) return std::nullopt;
  }
  // Rounded in long double: its 64-bit mantissa holds every total up to the 9.2e18 limit exactly,
  // a double (53 bits) would lose microseconds beyond 2^53 us (about 285 years).
  return SimTime{static_cast<std::int64_t>(std::llround(total_us))};
}

std::string format_duration(SimTime t) {
  if (t.us == 0) return "0s";
  std::string out;
  std::int64_t us = t.us;
  if (us < 0) {
    out.push_back('-');
    us = -us;
  }
  const std::int64_t day = 86'400'000'000, hour = 3'600'000'000, minute = 60'000'000,
                     second = 1'000'000;
  auto emit = [&](std::int64_t unit, const char* name) {
    if (us >= unit) {
      out += std::to_string(us / unit);
      out += name;
      us %= unit;
    }
  };
  emit(day, "d");
  emit(hour, "h");
  emit(minute, "m");
  emit(second, "s");
  if (us > 0) {
    const bool whole_ms = us % 1000 == 0;
    out += std::to_string(whole_ms ? us / 1000 : us);
    out += whole_ms ? "ms" : "us";
  }
  return out;
}

}  // namespace wormsim::sim
