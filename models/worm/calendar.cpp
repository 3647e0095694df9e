#include "models/worm/calendar.hpp"

namespace wormsim::models {

CivilDate civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::int64_t spread_end_epoch_s(std::int64_t epoch_s, int until_day) {
  const std::int64_t days = epoch_s >= 0 ? epoch_s / 86400 : (epoch_s - 86399) / 86400;
  const CivilDate today = civil_from_days(days);
  if (static_cast<int>(today.day) >= until_day) return epoch_s;
  // Start of day `until_day` of this month, or of the next month if this month is shorter.
  const unsigned next_month = today.month == 12 ? 1 : today.month + 1;
  const std::int64_t next_year = today.month == 12 ? today.year + 1 : today.year;
  const std::int64_t month_end = days_from_civil(next_year, next_month, 1);
  std::int64_t stop = days_from_civil(today.year, today.month, static_cast<unsigned>(until_day));
  if (stop > month_end) stop = month_end;
  return stop * 86400;
}

std::int64_t FloodCalendar::flood_us(std::int64_t from_us, std::int64_t to_us) const {
  constexpr std::int64_t kDayUs = 86'400'000'000;
  auto floor_day = [](std::int64_t us) {
    return us >= 0 ? us / kDayUs : (us - kDayUs + 1) / kDayUs;
  };
  std::int64_t total = 0;
  for (std::int64_t day = floor_day(from_us); from_us < to_us; ++day) {
    const std::int64_t day_end = (day + 1) * kDayUs;
    const std::int64_t upto = to_us < day_end ? to_us : day_end;
    if (floods_on(civil_from_days(day))) total += upto - from_us;
    from_us = upto;
  }
  return total;
}

}  // namespace wormsim::models
