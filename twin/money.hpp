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

/// The currency with ISO code `code` (upper case), if it is an active ISO 4217 currency with minor
/// units (twin/currencies.cpp: 170 codes, three-decimal BHD and KWD and four-decimal CLF included).
std::optional<currency_info> find_currency(std::string_view code) noexcept;
/// How many currencies find_currency knows.
std::size_t currency_count() noexcept;

/// The range money is kept in: every amount and every balance (wallet, deposit, price, posting) is
/// within [-money_limit_minor, money_limit_minor] minor units. 10^15 is 10 trillion major units of a
/// two-decimal currency (1 trillion of a three-decimal one) and leaves sums of a million such values
/// far inside int64, so SQL sums and reports never overflow. Anything that would leave it is refused
/// with money.out_of_range, never wrapped.
inline constexpr std::int64_t money_limit_minor = 1'000'000'000'000'000;

/// True when |minor| <= money_limit_minor.
constexpr bool in_money_range(std::int64_t minor) noexcept {
  return minor >= -money_limit_minor && minor <= money_limit_minor;
}

/// `a + b` when both and the sum are within the money range; nullopt otherwise (never wraps).
std::optional<std::int64_t> checked_add(std::int64_t a, std::int64_t b) noexcept;

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
/// minor digits after the point; no sign unless `allow_negative`; beyond the money range (see
/// money_limit_minor) money.out_of_range.
result<money> parse_money(std::string_view text, bool allow_negative = false);

/// Formats as "300.00 CNY" (the inverse of parse_money).
std::string format_money(const money& m);

/// Formats for people: "¥300.00", "KSh 1,250.00", "RF 1,500".
std::string format_money_human(const money& m);

/// `amount` * `rate_bp` / 10000, rounded half away from zero (tax, discounts). Computed without
/// overflow; a result beyond int64 saturates, so callers that check in_money_range refuse it.
std::int64_t apply_rate_bp(std::int64_t amount, int rate_bp) noexcept;

/// `unit_price` per unit times `quantity_milli` thousandths of a unit, rounded half away from zero.
/// Used for price per km with metres and price per kWh with Wh. Computed without overflow; a result
/// beyond int64 saturates (see apply_rate_bp).
std::int64_t price_milli(std::int64_t unit_price, std::int64_t quantity_milli) noexcept;

}  // namespace swaptwin::twin
