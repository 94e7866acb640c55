#pragma once
/// Money as an integer count of minor units with an ISO 4217 currency. Never a float.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "twin/errors.hpp"

namespace swaptwin::twin {

/// What swaptwin knows of a currency: its code, digits after the decimal point, and symbol.
struct currency_info {
  std::string_view code;    ///< ISO 4217 alphabetic code, e.g. "CNY"
  int minor_digits = 2;     ///< 2 for CNY (fen), 0 for RWF
  std::string_view symbol;  ///< "¥"; empty when the code itself is the usual symbol
};

/// The currency with ISO code `code` (upper case), if swaptwin knows it.
std::optional<currency_info> find_currency(std::string_view code) noexcept;

/// An amount of money: `minor` units (cents, fen) of `currency`.
struct money {
  std::int64_t minor = 0;  ///< signed count of minor units
  std::string currency;    ///< ISO 4217 code

  friend bool operator==(const money& a, const money& b) {
    return a.minor == b.minor && a.currency == b.currency;
  }
  friend bool operator!=(const money& a, const money& b) { return !(a == b); }
};

/// Zero in `currency`.
inline money zero(std::string currency) { return money{0, std::move(currency)}; }

/// Parses "300.00 CNY", "300 CNY" or "0.5 USD" (major units, then the code). At most the currency's
/// minor digits after the point; no sign unless `allow_negative`.
result<money> parse_money(std::string_view text, bool allow_negative = false);

/// Formats as "300.00 CNY" (the inverse of parse_money).
std::string format_money(const money& m);

/// Formats for people: "¥300.00", "KSh 1,250.00", "RF 1,500".
std::string format_money_human(const money& m);

/// `amount` * `rate_bp` / 10000, rounded half away from zero (tax, discounts).
std::int64_t apply_rate_bp(std::int64_t amount, int rate_bp) noexcept;

/// `unit_price` per unit times `quantity_milli` thousandths of a unit, rounded half away from zero.
/// Used for price per km with metres and price per kWh with Wh.
std::int64_t price_milli(std::int64_t unit_price, std::int64_t quantity_milli) noexcept;

}  // namespace swaptwin::twin
