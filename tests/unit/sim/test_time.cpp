// Unit tests of sim/time: durations written with units parse to exact microseconds, malformed
// text is refused, and format_duration writes what parse_duration reads back.
#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/random.hpp"
#include "sim/time.hpp"
#include "sim/variates.hpp"

namespace {

using wormsim::sim::format_duration;
using wormsim::sim::parse_duration;
using wormsim::sim::SimTime;

constexpr std::int64_t kSecond = 1'000'000;
constexpr std::int64_t kMinute = 60 * kSecond;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;

/// The parsed value in microseconds, or -1 when parse_duration refuses the text.
std::int64_t parsed_us(std::string_view text) {
  const std::optional<SimTime> t = parse_duration(text);
  return t ? t->us : -1;
}

}  // namespace

TEST_CASE("sim::parse_duration: every unit and compound durations give exact microseconds",
          "[sim]") {
  // Invariant: a duration written with units parses to the exact integer number of microseconds
  // it names, whatever the unit, with '_' digit separators and decimal fractions allowed.
  struct Case {
    std::string_view text;
    std::int64_t us;
  };
  const std::vector<Case> cases = {
      {"90s", 90 * kSecond},
      {"15m", 15 * kMinute},
      {"15min", 15 * kMinute},
      {"24h", 24 * kHour},
      {"3d", 3 * kDay},
      {"2h30m", 2 * kHour + 30 * kMinute},
      {"1d2h3m4s5ms6us", kDay + 2 * kHour + 3 * kMinute + 4 * kSecond + 5'000 + 6},
      {"500ms", 500'000},
      {"250us", 250},
      {"1.5s", 1'500'000},
      {"0.25ms", 250},
      {"1.5h", 90 * kMinute},
      {"1_000s", 1'000 * kSecond},
      {"0s", 0},
      {"0us", 0},
      {"1us", 1},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    CHECK(parsed_us(c.text) == c.us);
  }
}

TEST_CASE("sim::parse_duration: fractions round to the nearest microsecond", "[sim]") {
  // Invariant: a decimal component that is not a whole number of microseconds rounds to the
  // nearest one (the documented contract), rather than truncating.
  CHECK(parsed_us("0.4us") == 0);
  CHECK(parsed_us("0.6us") == 1);
  CHECK(parsed_us("0.0000016s") == 2);
  CHECK(parsed_us("1.0000004s") == kSecond);
}

TEST_CASE("sim::parse_duration: malformed text, missing units and negatives are refused", "[sim]") {
  // Invariant: anything that is not a sequence of <number><unit> components with a known unit is
  // refused as a whole (nullopt), never parsed partially.
  const std::vector<std::string_view> bad = {
      "",   "90",   "s",  "-5s", "5x", "1.2.3s", "5 s", " 5s",  "5s ",
      "5S", "5sec", "_s", "1s2", "ms", "5hours", "+5s", "1e3s", "5m-3s",
  };
  for (std::string_view text : bad) {
    CAPTURE(text);
    CHECK_FALSE(parse_duration(text).has_value());
  }
}

TEST_CASE("sim::format_duration: compact forms of typical durations", "[sim]") {
  // Invariant: the formatted text uses the largest units first, omits zero components, writes
  // sub-second remainders in ms when whole, else in us, and writes zero as "0s".
  CHECK(format_duration(SimTime{0}) == "0s");
  CHECK(format_duration(SimTime::from_s(90)) == "1m30s");
  CHECK(format_duration(SimTime::from_h(2) + SimTime::from_min(30)) == "2h30m");
  CHECK(format_duration(SimTime::from_ms(1'500)) == "1s500ms");
  CHECK(format_duration(SimTime::from_us(250)) == "250us");
  CHECK(format_duration(SimTime::from_us(1'500)) == "1500us");
  CHECK(format_duration(SimTime::from_h(72)) == "3d");
  CHECK(format_duration(SimTime::from_h(1) + SimTime::from_s(5)) == "1h5s");
}

TEST_CASE("sim::format_duration: parse_duration reads back every formatted duration exactly",
          "[sim]") {
  // Invariant: parse_duration(format_duration(t)) == t for every non-negative t that
  // parse_duration accepts (it refuses negatives and totals above 9.2e18 us). Checked on
  // hand-picked boundaries and on values whose magnitudes are spread over every unit: the
  // exponent of 2 is uniform in [0, 63) and the mantissa uniform below it, so every unit and
  // every combination of components is exercised.
  std::vector<std::int64_t> values = {0,
                                      1,
                                      999,
                                      1'000,
                                      1'001,
                                      kSecond - 1,
                                      kSecond,
                                      kSecond + 1,
                                      kMinute - 1,
                                      kMinute,
                                      kHour - 1,
                                      kHour,
                                      kDay - 1,
                                      kDay,
                                      kDay + 1,
                                      365 * kDay,
                                      (std::int64_t{1} << 53) - 1,
                                      std::int64_t{1} << 53,
                                      (std::int64_t{1} << 53) + 1,
                                      9'000'000'000'000'000'001,
                                      9'200'000'000'000'000'000};
  const std::uint64_t seed = 20240101;
  const int sample_size = 20'000;
  CAPTURE(seed, sample_size);
  wormsim::sim::RandomStream stream(seed, 0, 0, wormsim::sim::Purpose::test);
  for (int i = 0; i < sample_size; ++i) {
    const std::uint64_t bits = wormsim::sim::variates::uniform_below(stream, 63);
    const std::uint64_t v = wormsim::sim::variates::uniform_below(stream, std::uint64_t{1} << bits);
    values.push_back(static_cast<std::int64_t>(v));
  }
  for (std::int64_t us : values) {
    if (us > 9'200'000'000'000'000'000) continue;  // beyond what parse_duration accepts
    const std::string text = format_duration(SimTime{us});
    const std::optional<SimTime> back = parse_duration(text);
    if (!back || back->us != us) {
      CAPTURE(us, text);
      FAIL_CHECK("round trip lost the value: " << (back ? back->us : -1));
    }
  }
}
