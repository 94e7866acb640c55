#include "viewer/format.hpp"

#include <cstdio>

#include <imgui.h>
#include <imgui_internal.h>  // ImTextCharFromUtf8

namespace swaptwin::viewer {
namespace {

constexpr std::int64_t ms_per_minute = 60'000;
constexpr std::int64_t ms_per_day = 86'400'000;

/// Floor division (rounds towards minus infinity), for instants before 1970.
std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

/// Digits of `value` with a comma every three digits.
std::string group_thousands(std::uint64_t value) {
  std::string digits = std::to_string(value);
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

/// Magnitude of a signed value as unsigned (exact for INT64_MIN too).
std::uint64_t magnitude(std::int64_t v) {
  return v < 0 ? ~static_cast<std::uint64_t>(v) + 1 : static_cast<std::uint64_t>(v);
}

/// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
void civil_from_days(std::int64_t z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = floor_div(z, 146097);
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0));
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = floor_div(y, 400);
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

}  // namespace

std::string format_money(std::int64_t minor, const currency_format& currency) {
  std::uint64_t units = magnitude(minor);
  std::uint64_t scale = 1;
  for (int i = 0; i < currency.decimals; ++i) scale *= 10;
  std::string text = minor < 0 ? "-" : "";
  text += currency.symbol.empty() ? currency.code : currency.symbol;
  text += ' ';
  text += group_thousands(units / scale);
  if (currency.decimals > 0) {
    std::string fraction = std::to_string(units % scale);
    text += '.';
    text += std::string(static_cast<std::size_t>(currency.decimals) - fraction.size(), '0');
    text += fraction;
  }
  return text;
}

std::string format_money(const money_amount& amount, const view_model& vm) {
  auto f = find_currency_format(vm, amount.currency);
  if (!f.symbol.empty() && !font_draws(f.symbol)) f.symbol.clear();  // "INR 1,234.00" rather than a box
  return format_money(amount.minor, f);
}

std::string format_thousands(std::int64_t value) {
  return (value < 0 ? "-" : "") + group_thousands(magnitude(value));
}

std::string format_local_time(std::int64_t unix_ms, int utc_offset_minutes) {
  const std::int64_t local_ms = unix_ms + utc_offset_minutes * ms_per_minute;
  const std::int64_t days = floor_div(local_ms, ms_per_day);
  const std::int64_t minute_of_day = (local_ms - days * ms_per_day) / ms_per_minute;
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  civil_from_days(days, y, m, d);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d", y, m, d,
                static_cast<int>(minute_of_day / 60), static_cast<int>(minute_of_day % 60));
  return buf;
}

std::string format_utc_offset(int utc_offset_minutes) {
  if (utc_offset_minutes == 0) return "UTC";
  const int a = utc_offset_minutes < 0 ? -utc_offset_minutes : utc_offset_minutes;
  char buf[16];
  std::snprintf(buf, sizeof buf, "UTC%c%02d:%02d", utc_offset_minutes < 0 ? '-' : '+', a / 60, a % 60);
  return buf;
}

std::string format_duration(std::int64_t span_ms) {
  const std::uint64_t s = magnitude(span_ms) / 1000;
  char buf[48];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%llu s", static_cast<unsigned long long>(s));
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%llu min", static_cast<unsigned long long>(s / 60));
  } else if (s < 86400) {
    std::snprintf(buf, sizeof buf, "%llu h %02llu min", static_cast<unsigned long long>(s / 3600),
                  static_cast<unsigned long long>(s % 3600 / 60));
  } else {
    std::snprintf(buf, sizeof buf, "%llu d %llu h", static_cast<unsigned long long>(s / 86400),
                  static_cast<unsigned long long>(s % 86400 / 3600));
  }
  return buf;
}

bool parse_local_time(const std::string& text, int utc_offset_minutes, std::int64_t& unix_ms) {
  int y = 0;
  unsigned mo = 0;
  unsigned d = 0;
  unsigned h = 0;
  unsigned mi = 0;
  unsigned s = 0;
  char sep = 0;
  int consumed = 0;
  const int n = std::sscanf(text.c_str(), "%4d-%2u-%2u%c%2u:%2u%n:%2u%n", &y, &mo, &d, &sep, &h, &mi,
                            &consumed, &s, &consumed);
  if (n < 6 || (sep != ' ' && sep != 'T') || static_cast<std::size_t>(consumed) != text.size()) return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return false;
  const std::int64_t days = days_from_civil(y, mo, d);
  unix_ms = days * ms_per_day + ((h * 60 + mi) * 60 + s) * std::int64_t{1000} -
            utc_offset_minutes * ms_per_minute;
  return true;
}

bool font_draws(const std::string& text) {
  const ImFont* font = ImGui::GetCurrentContext() != nullptr ? ImGui::GetFont() : nullptr;
  const bool have_glyphs = font != nullptr && font->ContainerAtlas != nullptr && font->ContainerAtlas->IsBuilt();
  const char* p = text.c_str();
  const char* end = p + text.size();
  while (p < end) {
    unsigned int c = 0;
    const int n = ImTextCharFromUtf8(&c, p, end);
    if (n <= 0) return false;
    p += n;
    if (have_glyphs ? font->FindGlyphNoFallback(static_cast<ImWchar>(c)) == nullptr : c > 0xFF) return false;
  }
  return true;
}

}  // namespace swaptwin::viewer
