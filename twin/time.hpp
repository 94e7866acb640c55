#pragma once
/// Instants and calendar arithmetic for the model. Time is always passed in; nothing here reads a clock.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace swaptwin::twin {

/// An instant: milliseconds since the Unix epoch, UTC.
using unix_ms = std::chrono::time_point<std::chrono::system_clock, std::chrono::milliseconds>;

/// Builds an instant from a count of milliseconds since the epoch.
inline unix_ms from_ms(std::int64_t ms) { return unix_ms{std::chrono::milliseconds{ms}}; }
/// Milliseconds since the epoch of `t`.
inline std::int64_t to_ms(unix_ms t) { return t.time_since_epoch().count(); }

/// Parses "2026-11-23T08:30:00Z", "2026-11-23T08:30Z" or "2026-11-23" (midnight UTC).
std::optional<unix_ms> parse_instant(std::string_view text);
/// Formats as "2026-11-23T08:30:00Z" (UTC, whole seconds).
std::string format_instant(unix_ms t);

/// A calendar date as days since 1970-01-01.
using civil_day = std::int32_t;
/// Parses "1990-05-17".
std::optional<civil_day> parse_date(std::string_view text);
/// Formats as "1990-05-17".
std::string format_date(civil_day d);
/// The UTC calendar day of `t`.
civil_day utc_day(unix_ms t);

/// `t` moved by `n` calendar months in UTC, the day clamped to the month's end (Jan 31 + 1 = Feb 28/29).
unix_ms add_months(unix_ms t, int n);
/// Completed years of age on day `on` for someone born on `born`.
int age_years(civil_day born, civil_day on);

/// The instant at which `seconds` of activity have passed from `from`, counting only the daily
/// window [start_h, end_h) of local time (local = UTC + `utc_offset_ms`). A window of 0..24 counts
/// all the time; an instant outside the window waits for the next one to open.
unix_ms after_active_time(unix_ms from, double seconds, int start_h, int end_h, std::int64_t utc_offset_ms);

}  // namespace swaptwin::twin
