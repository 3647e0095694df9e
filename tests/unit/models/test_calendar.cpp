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

TEST_CASE("models::calendar: flood days of Code Red and Blaster", "[models]") {
  const std::int64_t day_us = 86'400'000'000;
  const FloodCalendar code_red{20, 28, 13};
  const FloodCalendar blaster{16, 32, 9};
  // 19 July 2001 12:00 to 21 July 2001 12:00: days 20 (all) and 21 (half) flood for Code Red.
  const std::int64_t jul19 = days_from_civil(2001, 7, 19) * day_us;
  CHECK(code_red.flood_us(jul19 + day_us / 2, jul19 + 2 * day_us + day_us / 2) ==
        day_us + day_us / 2);
  // 27 to 29 July: only the 27th.
  const std::int64_t jul27 = days_from_civil(2001, 7, 27) * day_us;
  CHECK(code_red.flood_us(jul27, jul27 + 2 * day_us) == day_us);
  // Blaster: 11-15 August none; the 16th on; all of September.
  const std::int64_t aug11 = days_from_civil(2003, 8, 11) * day_us;
  CHECK(blaster.flood_us(aug11, aug11 + 5 * day_us) == 0);
  CHECK(blaster.flood_us(aug11, aug11 + 6 * day_us) == day_us);
  const std::int64_t sep1 = days_from_civil(2003, 9, 1) * day_us;
  CHECK(blaster.flood_us(sep1, sep1 + 10 * day_us) == 10 * day_us);
  CHECK(blaster.flood_us(sep1, sep1) == 0);
}
