// Simulated time: an integer count of microseconds (DESIGN.md, "The engine contract").
// No floating-point clock: sums of doubles depend on evaluation order, integers do not.
#pragma once

#include <compare>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace wormsim::sim {

/// A point in simulated time or a duration, in integer microseconds since the scenario's start.
struct SimTime {
  std::int64_t us = 0;

  static constexpr SimTime from_us(std::int64_t v) { return SimTime{v}; }
  static constexpr SimTime from_ms(std::int64_t v) { return SimTime{v * 1'000}; }
  static constexpr SimTime from_s(std::int64_t v) { return SimTime{v * 1'000'000}; }
  static constexpr SimTime from_min(std::int64_t v) { return SimTime{v * 60'000'000}; }
  static constexpr SimTime from_h(std::int64_t v) { return SimTime{v * 3'600'000'000}; }
  /// Rounds to the nearest microsecond; for converting sampled real-valued delays.
  static SimTime from_seconds(double s);
  static constexpr SimTime max() { return SimTime{std::numeric_limits<std::int64_t>::max()}; }

  constexpr double seconds() const { return static_cast<double>(us) * 1e-6; }

  friend constexpr auto operator<=>(SimTime, SimTime) = default;
  friend constexpr SimTime operator+(SimTime a, SimTime b) { return SimTime{a.us + b.us}; }
  friend constexpr SimTime operator-(SimTime a, SimTime b) { return SimTime{a.us - b.us}; }
  friend constexpr SimTime operator*(SimTime a, std::int64_t k) { return SimTime{a.us * k}; }
  constexpr SimTime& operator+=(SimTime b) {
    us += b.us;
    return *this;
  }
};

/// Parses a duration written with units: "90s", "15m", "24h", "3d", "2h30m", "500ms", "250us",
/// "1.5s" (decimals allowed per component, rounded to the microsecond). Returns nullopt on any
/// malformed text, a missing unit or a negative value.
std::optional<SimTime> parse_duration(std::string_view text);

/// The accepted duration units, for error messages.
inline constexpr std::string_view duration_units = "us, ms, s, m, h, d (e.g. \"90s\", \"2h30m\")";

/// Formats a duration compactly and exactly ("2h30m", "1s500ms", "0s"); parse_duration reads it
/// back.
std::string format_duration(SimTime t);

}  // namespace wormsim::sim
