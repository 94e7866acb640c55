#include "viewer/format.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace swaptwin::viewer {
namespace {

const currency_format kes{"KES", "KSh", 2};
const currency_format rwf{"RWF", "", 0};
const currency_format bhd{"BHD", "BD", 3};

TEST(FormatMoney, SymbolDecimalsAndThousands) {
  EXPECT_EQ(format_money(123456, kes), "KSh 1,234.56");
  EXPECT_EQ(format_money(0, kes), "KSh 0.00");
  EXPECT_EQ(format_money(5, kes), "KSh 0.05");
  EXPECT_EQ(format_money(100, kes), "KSh 1.00");
  EXPECT_EQ(format_money(123456789012, kes), "KSh 1,234,567,890.12");
  EXPECT_EQ(format_money(1234, bhd), "BD 1.234");
}

TEST(FormatMoney, Negative) {
  EXPECT_EQ(format_money(-123456, kes), "-KSh 1,234.56");
  EXPECT_EQ(format_money(-5, kes), "-KSh 0.05");
  EXPECT_EQ(format_money(std::numeric_limits<std::int64_t>::min(), kes),
            "-KSh 92,233,720,368,547,758.08");
}

TEST(FormatMoney, ZeroDecimalsAndCodeWithoutSymbol) {
  EXPECT_EQ(format_money(1500, rwf), "RWF 1,500");
  EXPECT_EQ(format_money(999, rwf), "RWF 999");
  EXPECT_EQ(format_money(-1000000, rwf), "-RWF 1,000,000");
}

TEST(FormatMoney, UsesTheViewModelsCurrencyOrCodeWithTwoDecimals) {
  view_model vm;
  vm.currencies = {kes};
  EXPECT_EQ(format_money(money_amount{"KES", 250000}, vm), "KSh 2,500.00");
  EXPECT_EQ(format_money(money_amount{"USD", 1999}, vm), "USD 19.99");
}

TEST(FormatThousands, Groups) {
  EXPECT_EQ(format_thousands(0), "0");
  EXPECT_EQ(format_thousands(999), "999");
  EXPECT_EQ(format_thousands(1000), "1,000");
  EXPECT_EQ(format_thousands(-1234567), "-1,234,567");
}

// 2026-11-24 04:03:00 UTC.
constexpr std::int64_t instant = 1795492980000;

TEST(FormatTime, OperatorsFixedOffset) {
  EXPECT_EQ(format_local_time(instant, 0), "2026-11-24 04:03");
  EXPECT_EQ(format_local_time(instant, 180), "2026-11-24 07:03");       // Nairobi, UTC+3
  EXPECT_EQ(format_local_time(instant, -300), "2026-11-23 23:03");      // previous day, UTC-5
  EXPECT_EQ(format_local_time(instant, 330), "2026-11-24 09:33");       // India, UTC+5:30
  EXPECT_EQ(format_local_time(0, 0), "1970-01-01 00:00");
  EXPECT_EQ(format_local_time(-60000, 0), "1969-12-31 23:59");          // before the epoch
  EXPECT_EQ(format_local_time(951782400000, 0), "2000-02-29 00:00");    // leap day
}

TEST(FormatTime, OffsetLabel) {
  EXPECT_EQ(format_utc_offset(0), "UTC");
  EXPECT_EQ(format_utc_offset(180), "UTC+03:00");
  EXPECT_EQ(format_utc_offset(-330), "UTC-05:30");
}

TEST(FormatTime, ParseLocalTimeIsTheInverse) {
  std::int64_t ms = 0;
  ASSERT_TRUE(parse_local_time("2026-11-24 07:03", 180, ms));
  EXPECT_EQ(ms, instant);
  ASSERT_TRUE(parse_local_time("2026-11-23T23:03:00", -300, ms));
  EXPECT_EQ(ms, instant);
  ms = 42;
  EXPECT_FALSE(parse_local_time("tomorrow", 0, ms));
  EXPECT_FALSE(parse_local_time("2026-13-01 00:00", 0, ms));
  EXPECT_FALSE(parse_local_time("2026-11-24 07:03 junk", 0, ms));
  EXPECT_FALSE(parse_local_time("", 0, ms));
  EXPECT_EQ(ms, 42);
}

TEST(FormatDuration, Units) {
  EXPECT_EQ(format_duration(45'000), "45 s");
  EXPECT_EQ(format_duration(12 * 60'000 + 59'000), "12 min");
  EXPECT_EQ(format_duration(3 * 3'600'000 + 5 * 60'000), "3 h 05 min");
  EXPECT_EQ(format_duration(-(2 * 86'400'000LL + 4 * 3'600'000)), "2 d 4 h");
}

}  // namespace
}  // namespace swaptwin::viewer
