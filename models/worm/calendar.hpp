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

}  // namespace wormsim::models
