// Money: parsing, formatting, rounding of rates and unit prices.

#include <gtest/gtest.h>

#include <cstdint>

#include "twin/money.hpp"

using namespace swaptwin::twin;

namespace {

// Parses `text` and returns the amount; fails the test when it does not parse.
money parsed(std::string_view text, bool allow_negative = false) {
  auto r = parse_money(text, allow_negative);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.err().what());
  return r.ok() ? r.value() : money{};
}

errc parse_error(std::string_view text, bool allow_negative = false) {
  return parse_money(text, allow_negative).code();
}

TEST(FindCurrency, KnowsDigitsAndSymbols) {
  auto cny = find_currency("CNY");
  ASSERT_TRUE(cny.has_value());
  EXPECT_EQ(cny->minor_digits, 2);
  EXPECT_EQ(cny->symbol, "¥");
  auto rwf = find_currency("RWF");
  ASSERT_TRUE(rwf.has_value());
  EXPECT_EQ(rwf->minor_digits, 0);
  EXPECT_FALSE(find_currency("XYZ").has_value());
  EXPECT_FALSE(find_currency("cny").has_value());  // codes are upper case only
}

TEST(ParseMoney, TwoDecimals) {
  // 300.00 CNY = 300 * 100 fen = 30000.
  EXPECT_EQ(parsed("300.00 CNY"), (money{30000, "CNY"}));
}

TEST(ParseMoney, WholeAmountWithoutPoint) {
  EXPECT_EQ(parsed("300 CNY"), (money{30000, "CNY"}));
}

TEST(ParseMoney, FewerDecimalsThanTheCurrencyAreScaled) {
  // 0.5 USD = 50 cents, 0.05 USD = 5 cents, 12.3 KES = 1230.
  EXPECT_EQ(parsed("0.5 USD"), (money{50, "USD"}));
  EXPECT_EQ(parsed("0.05 USD"), (money{5, "USD"}));
  EXPECT_EQ(parsed("12.3 KES"), (money{1230, "KES"}));
}

TEST(ParseMoney, ZeroDigitCurrency) {
  // RWF has no minor unit: 1500 RWF is 1500.
  EXPECT_EQ(parsed("1500 RWF"), (money{1500, "RWF"}));
  EXPECT_EQ(parse_error("1.5 RWF"), errc::money_malformed);
  EXPECT_EQ(parse_error("1500.0 RWF"), errc::money_malformed);
}

TEST(ParseMoney, TooManyDecimalsIsMalformed) {
  auto r = parse_money("1.234 USD");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), errc::money_malformed);
  EXPECT_EQ(code_string(r.code()), "money.malformed");
}

TEST(ParseMoney, UnknownCurrency) {
  auto r = parse_money("300.00 XYZ");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), errc::currency_unknown);
  EXPECT_EQ(code_string(r.code()), "money.unknown_currency");
}

TEST(ParseMoney, LowercaseCodeIsMalformed) {
  EXPECT_EQ(parse_error("300.00 cny"), errc::money_malformed);
  EXPECT_EQ(parse_error("300.00 Cny"), errc::money_malformed);
}

TEST(ParseMoney, Garbage) {
  EXPECT_EQ(parse_error(""), errc::money_malformed);
  EXPECT_EQ(parse_error("CNY"), errc::money_malformed);
  EXPECT_EQ(parse_error("300.00CNY"), errc::money_malformed);   // no separating blank
  EXPECT_EQ(parse_error("abc CNY"), errc::money_malformed);
  EXPECT_EQ(parse_error(" CNY"), errc::money_malformed);
  EXPECT_EQ(parse_error("300. CNY"), errc::money_malformed);     // point without decimals
  EXPECT_EQ(parse_error(".50 CNY"), errc::money_malformed);      // no whole part
  EXPECT_EQ(parse_error("1,000.00 CNY"), errc::money_malformed);  // no grouping in input
  EXPECT_EQ(parse_error("1.2.3 CNY"), errc::money_malformed);
  EXPECT_EQ(parse_error("1e3 CNY"), errc::money_malformed);
  EXPECT_EQ(parse_error("300 CNYY"), errc::money_malformed);
  EXPECT_EQ(parse_error("300 CN"), errc::money_malformed);
}

TEST(ParseMoney, SurroundingBlanksAreIgnored) {
  EXPECT_EQ(parsed("  42.10   EUR \t"), (money{4210, "EUR"}));
}

TEST(ParseMoney, NegativeRefusedUnlessAllowed) {
  EXPECT_EQ(parse_error("-5.00 CNY"), errc::money_malformed);
  // allowed: -5.00 CNY = -500 fen; -0.5 USD = -50.
  EXPECT_EQ(parsed("-5.00 CNY", true), (money{-500, "CNY"}));
  EXPECT_EQ(parsed("-0.5 USD", true), (money{-50, "USD"}));
}

TEST(ParseMoney, BeyondTheMoneyRangeIsRefusedNeverWrapped) {
  // The range is ±10^15 minor units: 10 trillion of a two-decimal currency, exactly.
  EXPECT_EQ(parsed("9999999999999.99 USD"), (money{999999999999999, "USD"}));
  EXPECT_EQ(parsed("10000000000000 USD"), (money{money_limit_minor, "USD"}));
  EXPECT_EQ(parsed("-10000000000000 USD", true), (money{-money_limit_minor, "USD"}));
  auto r = parse_money("10000000000000.01 USD");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.err().what(), "money.out_of_range: \"10000000000000.01 USD\": amounts are at most 10000000000000.00 USD");
  // Digits that would overflow int64 are refused before any arithmetic; leading zeros are harmless.
  EXPECT_EQ(parse_error("99999999999999999999999999 USD"), errc::money_out_of_range);
  EXPECT_EQ(parsed("0000000000000000000000001.00 USD"), (money{100, "USD"}));
  // The limit is in minor units, so three-decimal currencies hold a trillion major units.
  EXPECT_EQ(parse_error("1000000000000.001 BHD"), errc::money_out_of_range);
  EXPECT_EQ(parsed("1000000000000.000 BHD"), (money{money_limit_minor, "BHD"}));
}

TEST(FindCurrency, TheWholeIso4217TableWithItsMinorUnits) {
  EXPECT_EQ(currency_count(), 170u);
  struct expect {
    const char* code;
    int digits;
  };
  // Three-decimal dinars and rials, zero-decimal yen and francs, four-decimal units of account.
  for (auto e : {expect{"BHD", 3}, expect{"KWD", 3}, expect{"OMR", 3}, expect{"JOD", 3}, expect{"TND", 3},
                 expect{"IQD", 3}, expect{"LYD", 3}, expect{"JPY", 0}, expect{"XOF", 0}, expect{"ISK", 0},
                 expect{"CLF", 4}, expect{"UYW", 4}, expect{"CHF", 2}, expect{"AED", 2}, expect{"ZWG", 2}}) {
    auto c = find_currency(e.code);
    ASSERT_TRUE(c.has_value()) << e.code;
    EXPECT_EQ(c->minor_digits, e.digits) << e.code;
  }
  // Codes with no minor unit (gold, SDR, "no currency", testing) are not money swaptwin keeps.
  for (const char* code : {"XAU", "XDR", "XXX", "XTS", "AAA", "ZZZ"}) EXPECT_FALSE(find_currency(code)) << code;
}

TEST(ParseMoney, ThreeDecimalCurrencies) {
  EXPECT_EQ(parsed("1.234 BHD"), (money{1234, "BHD"}));
  EXPECT_EQ(parsed("2.5 KWD"), (money{2500, "KWD"}));
  EXPECT_EQ(parse_error("1.2345 BHD"), errc::money_malformed);
  EXPECT_EQ(format_money(money{1234, "KWD"}), "1.234 KWD");
  EXPECT_EQ(format_money_human(money{1234567, "BHD"}), "BHD 1,234.567");  // no symbol: the code
  EXPECT_EQ(format_money(money{12345, "CLF"}), "1.2345 CLF");
}

TEST(CheckedAdd, StaysInTheMoneyRangeOrSaysNo) {
  EXPECT_EQ(checked_add(1, 2), 3);
  EXPECT_EQ(checked_add(money_limit_minor, 0), money_limit_minor);
  EXPECT_EQ(checked_add(money_limit_minor, 1), std::nullopt);
  EXPECT_EQ(checked_add(-money_limit_minor, -1), std::nullopt);
  EXPECT_EQ(checked_add(money_limit_minor, -money_limit_minor), 0);
  // Operands already out of range (a corrupt row) are refused even when the sum would fit.
  EXPECT_EQ(checked_add(INT64_MAX, INT64_MIN + 1), std::nullopt);
  EXPECT_EQ(checked_add(INT64_MAX, INT64_MAX), std::nullopt);
}

TEST(FormatMoney, TheMostNegativeValueDoesNotOverflow) {
  EXPECT_EQ(format_money(money{INT64_MIN, "USD"}), "-92233720368547758.08 USD");
}

TEST(FormatMoney, MinorDigitsOfTheCurrency) {
  EXPECT_EQ(format_money(money{30000, "CNY"}), "300.00 CNY");
  EXPECT_EQ(format_money(money{5, "USD"}), "0.05 USD");
  EXPECT_EQ(format_money(money{1500, "RWF"}), "1500 RWF");
  EXPECT_EQ(format_money(money{-1695, "CNY"}), "-16.95 CNY");
  EXPECT_EQ(format_money(money{0, "KES"}), "0.00 KES");
}

TEST(FormatMoney, RoundTripsThroughParse) {
  for (const money& m : {money{30000, "CNY"}, money{1, "USD"}, money{1500, "RWF"}, money{123456789, "KES"},
                         money{-250, "EUR"}, money{0, "JPY"}}) {
    SCOPED_TRACE(format_money(m));
    EXPECT_EQ(parsed(format_money(m), true), m);
  }
}

TEST(FormatMoneyHuman, SingleGlyphSymbolHasNoSpace) {
  EXPECT_EQ(format_money_human(money{30000, "CNY"}), "¥300.00");
  EXPECT_EQ(format_money_human(money{5, "USD"}), "$0.05");
  EXPECT_EQ(format_money_human(money{30000, "ZAR"}), "R300.00");
}

TEST(FormatMoneyHuman, LetterSymbolIsSpacedAndThousandsGrouped) {
  EXPECT_EQ(format_money_human(money{125000, "KES"}), "KSh 1,250.00");
  EXPECT_EQ(format_money_human(money{123456789, "KES"}), "KSh 1,234,567.89");
  // UGX has 0 minor digits: 1500 is 1,500 shillings, no decimals.
  EXPECT_EQ(format_money_human(money{1500, "UGX"}), "USh 1,500");
}

TEST(FormatMoneyHuman, GroupingBoundaries) {
  EXPECT_EQ(format_money_human(money{99999, "CNY"}), "¥999.99");
  EXPECT_EQ(format_money_human(money{100000, "CNY"}), "¥1,000.00");
  EXPECT_EQ(format_money_human(money{100000000, "CNY"}), "¥1,000,000.00");
}

TEST(FormatMoneyHuman, NegativeAndUnknownCurrency) {
  EXPECT_EQ(format_money_human(money{-125000, "KES"}), "-KSh 1,250.00");
  // Unknown code: the code itself with a space, 2 digits assumed.
  EXPECT_EQ(format_money_human(money{300, "XYZ"}), "XYZ 3.00");
}

TEST(ApplyRateBp, RoundsHalfAwayFromZero) {
  EXPECT_EQ(apply_rate_bp(29900, 1300), 3887);  // 29900 * 13 % = 3887.00
  EXPECT_EQ(apply_rate_bp(50, 1300), 7);        // 6.5 -> 7
  EXPECT_EQ(apply_rate_bp(-50, 1300), -7);      // -6.5 -> -7
  EXPECT_EQ(apply_rate_bp(185, 1300), 24);      // 24.05 -> 24
  EXPECT_EQ(apply_rate_bp(1695, 1300), 220);    // 220.35 -> 220
  EXPECT_EQ(apply_rate_bp(115, 1300), 15);      // 14.95 -> 15
  EXPECT_EQ(apply_rate_bp(-115, 1300), -15);    // -14.95 -> -15
  EXPECT_EQ(apply_rate_bp(1000, 0), 0);
  EXPECT_EQ(apply_rate_bp(1000, 10000), 1000);
}

TEST(PriceMilli, UnitPriceTimesThousandthsRounded) {
  EXPECT_EQ(price_milli(30, 50000), 1500);     // 0.30/km * 50 km
  EXPECT_EQ(price_milli(150, 1500), 225);      // 1.50/kWh * 1.5 kWh
  EXPECT_EQ(price_milli(150, 1234), 185);      // 185.1 -> 185
  EXPECT_EQ(price_milli(33, 50050), 1652);     // 1651.65 -> 1652
  EXPECT_EQ(price_milli(1, 500), 1);           // 0.5 -> 1
  EXPECT_EQ(price_milli(1, 499), 0);           // 0.499 -> 0
  EXPECT_EQ(price_milli(1, -500), -1);         // -0.5 -> -1
  EXPECT_EQ(price_milli(0, 123456), 0);
}

TEST(PriceMilli, AProductBeyondInt64SaturatesInsteadOfWrapping) {
  // 10^15 per km times 10^9 km: the product is ~10^27; wrapping would give a small or negative price.
  EXPECT_EQ(price_milli(money_limit_minor, 1'000'000'000'000), INT64_MAX);
  EXPECT_EQ(price_milli(-money_limit_minor, 1'000'000'000'000), INT64_MIN);
  EXPECT_FALSE(in_money_range(price_milli(money_limit_minor, 2000)));
  EXPECT_EQ(apply_rate_bp(INT64_MAX, 10000), INT64_MAX);
  EXPECT_EQ(apply_rate_bp(INT64_MIN / 2, 30000), INT64_MIN);
}

TEST(Errors, WhatUsesDetailOrDefaultMessage) {
  EXPECT_EQ((error{errc::station_unknown, "station SN-42 is not known"}.what()),
            "station.unknown: station SN-42 is not known");
  EXPECT_EQ((error{errc::name_empty, ""}.what()), "station.name_empty: a name must not be empty");
  EXPECT_EQ(code_string(errc::ok), "ok");
}

TEST(Errors, ResultHoldsValueOrError) {
  result<int> good = 7;
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 7);
  EXPECT_EQ(good.code(), errc::ok);
  result<int> bad{errc::plan_unknown, "no plan x"};
  EXPECT_FALSE(bad.ok());
  EXPECT_FALSE(static_cast<bool>(bad));
  EXPECT_EQ(bad.code(), errc::plan_unknown);
  EXPECT_EQ(bad.err().detail, "no plan x");
}

}  // namespace
