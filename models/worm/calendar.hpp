// Worm calendars read the host clock (UTC): Code Red spreads on days 1-19 of the month, floods
// on days 20-27 and is dormant from day 28 (REFERENCE.md, CERT CA-2001-23).
#pragma once

#include <cstdint>

namespace wormsim::models {

struct CivilDate {
  std::int64_t year;
  unsigned month;  ///< 1..12
  unsigned day;    ///< 1..31
};

/// Days since 1970-01-01 -> proleptic Gregorian date (Hinnant's civil_from_days).
CivilDate civil_from_days(std::int64_t days);
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);

/// For a host whose clock reads `epoch_s` (seconds since 1970, UTC): the instant (same scale)
/// at which spreading stops if it spreads only before day `until_day` of the month, or
/// `epoch_s` itself if it is already past that day. Code Red does not resume: after day 20 it
/// floods, then sleeps from day 28 until a reboot.
std::int64_t spread_end_epoch_s(std::int64_t epoch_s, int until_day);

/// The days on which a worm floods a fixed target, by the host clock (UTC): days `from_day`
/// to `until_day` - 1 of every month, and every day of months `from_month` to 12. Code Red:
/// days 20-27; Blaster: day 16 onward, and every day from September.
struct FloodCalendar {
  unsigned from_day = 32, until_day = 32;  ///< no day of the month by default
  unsigned from_month = 13;                ///< no month by default

  bool floods_on(const CivilDate& d) const {
    return (d.day >= from_day && d.day < until_day) || d.month >= from_month;
  }
  /// Microseconds of [from_us, to_us) (microseconds since 1970, UTC) that fall on flood days.
  std::int64_t flood_us(std::int64_t from_us, std::int64_t to_us) const;
};

}  // namespace wormsim::models
