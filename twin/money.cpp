#include "twin/money.hpp"

#include <array>
#include <cctype>
#include <cstdlib>
#include <limits>

namespace swaptwin::twin {

namespace {

std::int64_t pow10(int n) {
  std::int64_t p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// |v| without overflow for the most negative int64.
std::uint64_t magnitude(std::int64_t v) {
  return v < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
}

std::string group_thousands(std::uint64_t v) {
  std::string digits = std::to_string(v);
  std::string out;
  int n = static_cast<int>(digits.size());
  for (int i = 0; i < n; ++i) {
    out += digits[static_cast<size_t>(i)];
    if ((n - i - 1) % 3 == 0 && i != n - 1) out += ',';
  }
  return out;
}
}  // namespace

std::optional<std::int64_t> checked_add(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t sum = 0;
  if (!in_money_range(a) || !in_money_range(b) || __builtin_add_overflow(a, b, &sum) || !in_money_range(sum))
    return std::nullopt;
  return sum;
}

result<money> parse_money(std::string_view text, bool allow_negative) {
  const std::string shown{text};
  auto s = trim(text);
  auto space = s.find_last_of(" \t");
  if (space == std::string_view::npos)
    return error{errc::money_malformed, "\"" + shown + "\" is not an amount: write it like \"300.00 CNY\""};
  auto number = trim(s.substr(0, space));
  auto code = std::string{trim(s.substr(space + 1))};
  if (code.size() != 3 || !std::isupper(static_cast<unsigned char>(code[0])) ||
      !std::isupper(static_cast<unsigned char>(code[1])) || !std::isupper(static_cast<unsigned char>(code[2])))
    return error{errc::money_malformed, "\"" + shown + "\": currency must be a 3-letter ISO 4217 code like CNY"};
  auto cur = find_currency(code);
  if (!cur) return error{errc::currency_unknown, "unknown currency \"" + code + "\" in \"" + shown + "\""};
  bool negative = false;
  if (!number.empty() && (number.front() == '-' || number.front() == '+')) {
    negative = number.front() == '-';
    number.remove_prefix(1);
  }
  if (negative && !allow_negative)
    return error{errc::money_malformed, "\"" + shown + "\": amount must not be negative"};
  auto dot = number.find('.');
  auto whole = number.substr(0, dot);
  auto frac = dot == std::string_view::npos ? std::string_view{} : number.substr(dot + 1);
  auto all_digits = [](std::string_view d) {
    for (char c : d)
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    return true;
  };
  if (whole.empty() || !all_digits(whole) || !all_digits(frac) || (dot != std::string_view::npos && frac.empty()))
    return error{errc::money_malformed, "\"" + shown + "\" is not an amount: write it like \"300.00 " + code + "\""};
  if (static_cast<int>(frac.size()) > cur->minor_digits)
    return error{errc::money_malformed, "\"" + shown + "\": " + code + " has " +
                                            std::to_string(cur->minor_digits) + " decimal digit(s)"};
  const std::string limit_text = format_money(money{money_limit_minor, code});
  // Leading zeros say nothing; more digits than the limit has cannot be in range (and would overflow).
  while (whole.size() > 1 && whole.front() == '0') whole.remove_prefix(1);
  if (whole.size() > 19)
    return error{errc::money_out_of_range, "\"" + shown + "\": amounts are at most " + limit_text};
  std::int64_t major = std::strtoll(std::string{whole}.c_str(), nullptr, 10);
  std::int64_t minor = 0;
  if (!frac.empty()) {
    minor = std::strtoll(std::string{frac}.c_str(), nullptr, 10) *
            pow10(cur->minor_digits - static_cast<int>(frac.size()));
  }
  std::int64_t minor_units = 0;
  if (__builtin_mul_overflow(major, pow10(cur->minor_digits), &minor_units) ||
      __builtin_add_overflow(minor_units, minor, &minor_units) || minor_units > money_limit_minor)
    return error{errc::money_out_of_range, "\"" + shown + "\": amounts are at most " + limit_text};
  return money{negative ? -minor_units : minor_units, code};
}

std::string format_money(const money& m) {
  auto cur = find_currency(m.currency);
  int digits = cur ? cur->minor_digits : 2;
  const auto scale = static_cast<std::uint64_t>(pow10(digits));
  std::uint64_t abs = magnitude(m.minor);
  std::string out = m.minor < 0 ? "-" : "";
  out += std::to_string(abs / scale);
  if (digits > 0) {
    std::string frac = std::to_string(abs % scale);
    out += '.' + std::string(static_cast<size_t>(digits) - frac.size(), '0') + frac;
  }
  return out + " " + m.currency;
}

std::string format_money_human(const money& m) {
  auto cur = find_currency(m.currency);
  int digits = cur ? cur->minor_digits : 2;
  const auto scale = static_cast<std::uint64_t>(pow10(digits));
  std::uint64_t abs = magnitude(m.minor);
  std::string symbol = cur && !cur->symbol.empty() ? std::string{cur->symbol} : m.currency;
  // Multi-letter symbols read better with a space ("KSh 1,250.00"); one glyph does not ("¥300.00").
  bool letters = symbol.size() > 1 && std::isalpha(static_cast<unsigned char>(symbol.back()));
  std::string out = m.minor < 0 ? "-" : "";
  out += symbol + (letters ? " " : "") + group_thousands(abs / scale);
  if (digits > 0) {
    std::string frac = std::to_string(abs % scale);
    out += '.' + std::string(static_cast<size_t>(digits) - frac.size(), '0') + frac;
  }
  return out;
}

namespace {
// a * b / d rounded half away from zero; a product beyond int64 saturates (by its sign) rather
// than wrapping. Every such result is far outside the money range, which callers check.
std::int64_t mul_div_round(std::int64_t a, std::int64_t b, std::int64_t d) noexcept {
  std::int64_t p = 0;
  if (__builtin_mul_overflow(a, b, &p))
    return (a < 0) != (b < 0) ? std::numeric_limits<std::int64_t>::min() : std::numeric_limits<std::int64_t>::max();
  std::int64_t q = p / d, r = p % d;
  if (r >= d - r) ++q;  // 2r >= d without overflowing 2r
  if (-r >= d + r) --q;  // 2r <= -d
  return q;
}
}  // namespace

std::int64_t apply_rate_bp(std::int64_t amount, int rate_bp) noexcept { return mul_div_round(amount, rate_bp, 10000); }

std::int64_t price_milli(std::int64_t unit_price, std::int64_t quantity_milli) noexcept {
  return mul_div_round(unit_price, quantity_milli, 1000);
}

}  // namespace swaptwin::twin
