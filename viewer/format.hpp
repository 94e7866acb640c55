#pragma once
/// Formatting for humans: money with symbol, decimals and thousands separators; instants in the
/// operator's time zone (a fixed UTC offset); durations. Pure functions, no ImGui.

#include <cstdint>
#include <string>

#include "viewer/view_model.hpp"

namespace swaptwin::viewer {

/// "KSh 1,234.56" for 123456 minor units of a 2-decimal currency with symbol "KSh"; "-KSh 1,234.56"
/// when negative; the code instead of the symbol when the symbol is empty ("RWF 1,500").
std::string format_money(std::int64_t minor, const currency_format& currency);

/// True when the current ImGui font has a glyph for every character of UTF-8 `text`. Without an
/// ImGui context (or fonts not built yet), true only for Latin-1, the range of ImGui's default font.
/// A currency symbol the font cannot draw (₹, ₦ without the shell's DejaVu merge) is better shown as
/// the ISO code.
bool font_draws(const std::string& text);

/// format_money with the view model's format for the amount's currency; the ISO code instead of a
/// symbol the current font cannot draw (font_draws).
std::string format_money(const money_amount& amount, const view_model& vm);

/// "1,234,567": an integer with comma thousands separators.
std::string format_thousands(std::int64_t value);

/// "2026-11-24 07:03" for `unix_ms` seen at `utc_offset_minutes` from UTC (seconds dropped).
std::string format_local_time(std::int64_t unix_ms, int utc_offset_minutes);

/// "UTC+03:00", "UTC-05:30", "UTC" for an offset in minutes.
std::string format_utc_offset(int utc_offset_minutes);

/// "45 s", "12 min", "3 h 05 min", "2 d 4 h" for a non-negative span; negative spans as positive.
std::string format_duration(std::int64_t span_ms);

/// Parses "YYYY-MM-DD HH:MM" (or "YYYY-MM-DDTHH:MM", optional ":SS") read in the operator's zone
/// into Unix ms. Returns false (and leaves `unix_ms`) when the text is not such a time.
bool parse_local_time(const std::string& text, int utc_offset_minutes, std::int64_t& unix_ms);

}  // namespace swaptwin::viewer
