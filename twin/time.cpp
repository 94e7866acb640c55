#include "twin/time.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>

#include <date/date.h>

namespace swaptwin::twin {

namespace {
bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

std::optional<date::year_month_day> parse_ymd(std::string_view s) {
  int y = 0, m = 0, d = 0;
  if (s.size() < 10 || !digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, m) || s[7] != '-' ||
      !digits(s, 8, 2, d))
    return std::nullopt;
  date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(m)},
                           date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}
}  // namespace

std::optional<unix_ms> parse_instant(std::string_view s) {
  auto ymd = parse_ymd(s);
  if (!ymd) return std::nullopt;
  unix_ms t = std::chrono::time_point_cast<std::chrono::milliseconds>(date::sys_days{*ymd});
  if (s.size() == 10) return t;
  int hh = 0, mm = 0, ss = 0;
  if (s[10] != 'T' || !digits(s, 11, 2, hh) || s.size() < 16 || s[13] != ':' || !digits(s, 14, 2, mm))
    return std::nullopt;
  size_t pos = 16;
  if (pos < s.size() && s[pos] == ':') {
    if (!digits(s, pos + 1, 2, ss)) return std::nullopt;
    pos += 3;
  }
  if (pos != s.size() - 1 || s[pos] != 'Z' || hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  return t + std::chrono::hours{hh} + std::chrono::minutes{mm} + std::chrono::seconds{ss};
}

std::string format_instant(unix_ms t) {
  auto secs = std::chrono::floor<std::chrono::seconds>(t);
  auto day = std::chrono::floor<date::days>(secs);
  date::year_month_day ymd{day};
  date::hh_mm_ss<std::chrono::seconds> hms{secs - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

std::optional<civil_day> parse_date(std::string_view text) {
  if (text.size() != 10) return std::nullopt;
  auto ymd = parse_ymd(text);
  if (!ymd) return std::nullopt;
  return static_cast<civil_day>(date::sys_days{*ymd}.time_since_epoch().count());
}

std::string format_date(civil_day d) {
  date::year_month_day ymd{date::sys_days{date::days{d}}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

civil_day utc_day(unix_ms t) {
  return static_cast<civil_day>(std::chrono::floor<date::days>(t).time_since_epoch().count());
}

unix_ms add_months(unix_ms t, int n) {
  auto day = std::chrono::floor<date::days>(t);
  auto time_of_day = t - day;
  date::year_month_day ymd{day};
  auto ym = date::year_month{ymd.year(), ymd.month()} + date::months{n};
  auto last = date::year_month_day_last{ym.year(), date::month_day_last{ym.month()}}.day();
  auto d = ymd.day() > last ? last : ymd.day();
  return unix_ms{std::chrono::time_point_cast<std::chrono::milliseconds>(
                     date::sys_days{date::year_month_day{ym.year(), ym.month(), d}})} +
         time_of_day;
}

int age_years(civil_day born, civil_day on) {
  date::year_month_day b{date::sys_days{date::days{born}}};
  date::year_month_day o{date::sys_days{date::days{on}}};
  int age = static_cast<int>(o.year()) - static_cast<int>(b.year());
  if (date::month_day{o.month(), o.day()} < date::month_day{b.month(), b.day()}) --age;
  return age;
}

unix_ms after_active_time(unix_ms from, double seconds, int start_h, int end_h, std::int64_t utc_offset_ms) {
  constexpr std::int64_t day_ms = 86400000, hour_ms = 3600000;
  std::int64_t t = to_ms(from) + utc_offset_ms;  // local milliseconds
  std::int64_t left = static_cast<std::int64_t>(std::ceil(seconds * 1000.0));
  if (start_h <= 0 && end_h >= 24) return from_ms(t - utc_offset_ms + left);
  if (end_h <= start_h) return from_ms(t - utc_offset_ms + left);  // no usable window: treat as always active
  const std::int64_t open = start_h * hour_ms, close = end_h * hour_ms;
  for (;;) {
    std::int64_t day = t - ((t % day_ms) + day_ms) % day_ms;
    std::int64_t in_day = t - day;
    if (in_day < open) in_day = open;
    if (in_day >= close) {
      t = day + day_ms + open;
      continue;
    }
    std::int64_t room = close - in_day;
    if (left <= room) return from_ms(day + in_day + left - utc_offset_ms);
    left -= room;
    t = day + day_ms + open;
  }
}

}  // namespace swaptwin::twin
