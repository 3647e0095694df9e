// Worm calendars read the host clock in UTC: civil-date conversions round-trip, and Code Red's
// spreading ends at 00:00 UTC on day 20 of the month (CERT CA-2001-23).
#include <catch2/catch.hpp>

#include "models/worm/calendar.hpp"

using namespace wormsim::models;

TEST_CASE("models::calendar: civil dates round-trip over four centuries", "[models]") {
  // Every day from 1900 to 2300 maps to a date and back to itself.
  for (std::int64_t d = days_from_civil(1900, 1, 1); d < days_from_civil(2300, 1, 1); d += 1) {
    const CivilDate c = civil_from_days(d);
    REQUIRE(days_from_civil(c.year, c.month, c.day) == d);
  }
  CHECK(days_from_civil(1970, 1, 1) == 0);
  CHECK(days_from_civil(2001, 7, 19) == 11522);
  const CivilDate leap = civil_from_days(days_from_civil(2000, 2, 29));
  CHECK(leap.month == 2);
  CHECK(leap.day == 29);
}

TEST_CASE("models::calendar: Code Red stops spreading at 00:00 UTC on day 20", "[models]") {
  const std::int64_t start = days_from_civil(2001, 7, 19) * 86400 + 10 * 3600;  // 10:00 UTC
  CHECK(spread_end_epoch_s(start, 20) == days_from_civil(2001, 7, 20) * 86400);
  // A host infected on day 20 or later does not spread at all.
  const std::int64_t day20 = days_from_civil(2001, 7, 20) * 86400 + 1;
  CHECK(spread_end_epoch_s(day20, 20) == day20);
  const std::int64_t day28 = days_from_civil(2001, 7, 28) * 86400;
  CHECK(spread_end_epoch_s(day28, 20) == day28);
  // Day 1 of the next month spreads again until day 20 of that month.
  const std::int64_t aug1 = days_from_civil(2001, 8, 1) * 86400 + 5;
  CHECK(spread_end_epoch_s(aug1, 20) == days_from_civil(2001, 8, 20) * 86400);
}

TEST_CASE("models::calendar: a stop day past the month's end stops at the month's end",
          "[models]") {
  const std::int64_t feb10 = days_from_civil(2001, 2, 10) * 86400;
  CHECK(spread_end_epoch_s(feb10, 31) == days_from_civil(2001, 3, 1) * 86400);
  CHECK(spread_end_epoch_s(feb10, 32) == days_from_civil(2001, 3, 1) * 86400);
}
