// Bandwidths and sizes written with their units, as every value in wormsim's files is
// (DESIGN.md, "The engine contract": units in the text, integers inside). Parsing is exact:
// decimals are read as integers scaled by powers of ten, never through a double.
//
// Grammar (leading and trailing blanks ignored):
//   value     = digits [ "." digits ] [ blanks ] unit
//   bandwidth units  bps kbps Mbps Gbps Tbps  (also Kbps, and bit/s kbit/s Mbit/s Gbit/s Tbit/s);
//                    decimal prefixes: 1 kbps = 1,000 bit/s
//   size units       B kB MB GB (decimal: 1 kB = 1,000 bytes), KiB MiB GiB (binary: 1 KiB = 1,024)
// The value times the unit must be a whole number of bit/s (of bytes) below 2^63. Unit names are
// case-sensitive ("MBps" and "mbps" are rejected): M and m, B and b mean different things.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wormsim::net {

/// Parses "155Mbps", "1.5 Gbps", "64kbps", "1.544Mbit/s" into bit/s; nullopt on a missing or
/// unknown unit, a sign, an exponent, a fraction of a bit/s or an overflow.
std::optional<std::uint64_t> parse_bandwidth(std::string_view text);

/// Parses "1500B", "4 kB", "1.5MB", "64KiB" into bytes; nullopt as for parse_bandwidth.
std::optional<std::uint64_t> parse_size(std::string_view text);

/// The accepted units, for error messages.
inline constexpr std::string_view bandwidth_units =
    "bps, kbps, Mbps, Gbps, Tbps (e.g. \"155Mbps\")";
inline constexpr std::string_view size_units = "B, kB, MB, GB, KiB, MiB, GiB (e.g. \"1500B\")";

/// Formats bit/s exactly with the largest decimal unit not above the value: 1544000 ->
/// "1.544Mbps", 2500000000 -> "2.5Gbps", 999 -> "999bps". parse_bandwidth reads it back.
std::string format_bandwidth(std::uint64_t bps);

/// Formats bytes exactly with the largest decimal unit not above the value: 1500 -> "1.5kB".
std::string format_size(std::uint64_t bytes);

}  // namespace wormsim::net
