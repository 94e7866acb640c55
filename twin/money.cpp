#include "twin/money.hpp"

#include <array>
#include <cctype>
#include <cstdlib>

namespace swaptwin::twin {

namespace {
// The currencies of the markets swap networks run in today, and the majors. Extend as needed.
constexpr std::array<currency_info, 24> known_currencies{{
    {"BDT", 2, "৳"}, {"BRL", 2, "R$"}, {"CNY", 2, "¥"},  {"EUR", 2, "€"},  {"GBP", 2, "£"},
    {"GHS", 2, "GH₵"}, {"IDR", 2, "Rp"}, {"INR", 2, "₹"},  {"JPY", 0, "JP¥"}, {"KES", 2, "KSh"},
    {"KRW", 0, "₩"}, {"MXN", 2, "MX$"}, {"MYR", 2, "RM"}, {"NGN", 2, "₦"},  {"PHP", 2, "₱"},
    {"PKR", 2, "Rs"}, {"RWF", 0, "RF"}, {"THB", 2, "฿"},  {"TWD", 2, "NT$"}, {"TZS", 2, "TSh"},
    {"UGX", 0, "USh"}, {"USD", 2, "$"}, {"VND", 0, "₫"},  {"ZAR", 2, "R"},
}};

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

std::string group_thousands(std::int64_t v) {
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

std::optional<currency_info> find_currency(std::string_view code) noexcept {
  for (const auto& c : known_currencies)
    if (c.code == code) return c;
  return std::nullopt;
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
  if (whole.size() > 13)
    return error{errc::money_malformed, "\"" + shown + "\": amount is too large"};
  std::int64_t major = std::strtoll(std::string{whole}.c_str(), nullptr, 10);
  std::int64_t minor = 0;
  if (!frac.empty()) {
    minor = std::strtoll(std::string{frac}.c_str(), nullptr, 10) *
            pow10(cur->minor_digits - static_cast<int>(frac.size()));
  }
  std::int64_t total = major * pow10(cur->minor_digits) + minor;
  return money{negative ? -total : total, code};
}

std::string format_money(const money& m) {
  auto cur = find_currency(m.currency);
  int digits = cur ? cur->minor_digits : 2;
  std::int64_t scale = pow10(digits);
  std::int64_t abs = m.minor < 0 ? -m.minor : m.minor;
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
  std::int64_t scale = pow10(digits);
  std::int64_t abs = m.minor < 0 ? -m.minor : m.minor;
  std::string symbol = cur ? std::string{cur->symbol} : m.currency;
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

std::int64_t apply_rate_bp(std::int64_t amount, int rate_bp) noexcept {
  std::int64_t p = amount * rate_bp;
  std::int64_t q = p / 10000, r = p % 10000;
  if (r >= 5000) ++q;
  if (r <= -5000) --q;
  return q;
}

std::int64_t price_milli(std::int64_t unit_price, std::int64_t quantity_milli) noexcept {
  std::int64_t p = unit_price * quantity_milli;
  std::int64_t q = p / 1000, r = p % 1000;
  if (r >= 500) ++q;
  if (r <= -500) --q;
  return q;
}

}  // namespace swaptwin::twin
