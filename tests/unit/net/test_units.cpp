// Unit tests of net/units: bandwidths and sizes written with units parse to exact integers, text
// without a known unit is refused, and the formatters write what the parsers read back.
#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "net/units.hpp"
#include "sim/random.hpp"
#include "sim/variates.hpp"

using wormsim::net::format_bandwidth;
using wormsim::net::format_size;
using wormsim::net::parse_bandwidth;
using wormsim::net::parse_size;

TEST_CASE("net::parse_bandwidth: every unit gives exact bit/s, decimals included", "[net]") {
  // Invariant: value times unit, computed in integers (1.544 Mbps is 1,544,000 bit/s exactly).
  struct Case {
    std::string_view text;
    std::uint64_t bps;
  };
  const Case cases[] = {
      {"155Mbps", 155'000'000},   {"1.5 Gbps", 1'500'000'000},  {"1.544Mbps", 1'544'000},
      {"64kbps", 64'000},         {"64Kbps", 64'000},           {"9600bps", 9'600},
      {"2.5Gbps", 2'500'000'000}, {"10Gbit/s", 10'000'000'000}, {"1Tbps", 1'000'000'000'000},
      {"  45Mbps  ", 45'000'000}, {"622\tMbps", 622'000'000},   {"0bps", 0},
      {"0.000001Mbps", 1},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    const auto v = parse_bandwidth(c.text);
    REQUIRE(v.has_value());
    CHECK(*v == c.bps);
  }
}

TEST_CASE(
    "net::parse_bandwidth: text without a known unit, signs and fractions of a bit are "
    "refused",
    "[net]") {
  for (std::string_view text :
       {"155", "10 parsecs", "", "Mbps", "155 MBps", "155mbps", "155 Mb", "-1Mbps", "+1Mbps",
        "1e6bps", ".5Mbps", "5.Mbps", "1.5bps", "1,000kbps", "1.2.3Mbps", "100 Mbps extra",
        "99999999999999999999Gbps", "9300000000Gbps"}) {
    CAPTURE(text);
    CHECK_FALSE(parse_bandwidth(text).has_value());
  }
}

TEST_CASE("net::parse_size: decimal and binary units give exact bytes", "[net]") {
  CHECK(parse_size("1500B") == std::optional<std::uint64_t>(1500));
  CHECK(parse_size("4 kB") == std::optional<std::uint64_t>(4000));
  CHECK(parse_size("1.5MB") == std::optional<std::uint64_t>(1'500'000));
  CHECK(parse_size("2GB") == std::optional<std::uint64_t>(2'000'000'000));
  CHECK(parse_size("64KiB") == std::optional<std::uint64_t>(65'536));
  CHECK(parse_size("1MiB") == std::optional<std::uint64_t>(1'048'576));
  CHECK(parse_size("1GiB") == std::optional<std::uint64_t>(1'073'741'824));
  for (std::string_view text : {"1500", "1.5B", "4 kb", "4KB", "10 parsecs", "1 MiBs", "-3B"}) {
    CAPTURE(text);
    CHECK_FALSE(parse_size(text).has_value());
  }
}

TEST_CASE("net::format_bandwidth: writes the largest unit exactly", "[net]") {
  CHECK(format_bandwidth(1'544'000) == "1.544Mbps");
  CHECK(format_bandwidth(2'500'000'000) == "2.5Gbps");
  CHECK(format_bandwidth(155'000'000) == "155Mbps");
  CHECK(format_bandwidth(999) == "999bps");
  CHECK(format_bandwidth(0) == "0bps");
  CHECK(format_bandwidth(1'000'000'000'001) == "1.000000000001Tbps");
  CHECK(format_size(1500) == "1.5kB");
  CHECK(format_size(40) == "40B");
}

TEST_CASE("net::format_bandwidth and format_size: the parsers read back every value", "[net]") {
  // Invariant: parse(format(x)) == x, over values spread across every unit's range.
  wormsim::sim::RandomStream s(7, 0, 0, wormsim::sim::Purpose::test);
  for (int i = 0; i < 20000; ++i) {
    const int digits = static_cast<int>(wormsim::sim::variates::uniform_below(s, 16));
    std::uint64_t bound = 1;
    for (int d = 0; d <= digits; ++d) bound *= 10;
    const std::uint64_t x = wormsim::sim::variates::uniform_below(s, bound);
    CAPTURE(x);
    REQUIRE(parse_bandwidth(format_bandwidth(x)) == std::optional<std::uint64_t>(x));
    REQUIRE(parse_size(format_size(x)) == std::optional<std::uint64_t>(x));
  }
}
