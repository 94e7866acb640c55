// Instants, calendar days, month arithmetic and ages.

#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "twin/time.hpp"

using namespace swaptwin::twin;
using swaptwin::twin::testing::at;
using swaptwin::twin::testing::day;

namespace {

TEST(ParseInstant, EpochAndKnownInstant) {
  ASSERT_TRUE(parse_instant("1970-01-01").has_value());
  EXPECT_EQ(to_ms(*parse_instant("1970-01-01")), 0);
  // 2026-11-23T08:30:00Z = 1795422600 s since the epoch (checked with Python's datetime).
  ASSERT_TRUE(parse_instant("2026-11-23T08:30:00Z").has_value());
  EXPECT_EQ(to_ms(*parse_instant("2026-11-23T08:30:00Z")), 1795422600000);
}

TEST(ParseInstant, ThreeForms) {
  const auto full = parse_instant("2026-11-23T08:30:00Z");
  const auto minutes = parse_instant("2026-11-23T08:30Z");
  const auto midnight = parse_instant("2026-11-23");
  ASSERT_TRUE(full && minutes && midnight);
  EXPECT_EQ(*full, *minutes);
  // 08:30 = 8.5 h = 30 600 000 ms after midnight.
  EXPECT_EQ(to_ms(*full) - to_ms(*midnight), 30600000);
  EXPECT_EQ(to_ms(*parse_instant("2026-11-23T08:30:15Z")) - to_ms(*full), 15000);
}

TEST(ParseInstant, RejectsMalformed) {
  for (const char* bad : {"", "2026-11-2", "2026/11/23", "2026-13-01", "2026-02-29", "2026-11-23T08:30",
                          "2026-11-23 08:30Z", "2026-11-23T24:00Z", "2026-11-23T08:60Z", "2026-11-23T8:30Z",
                          "2026-11-23T08:30:00+01:00", "2026-11-23T08:30:00.123Z", "2026-11-23Z",
                          "2026-11-23T08:30:61Z", "x026-11-23"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(parse_instant(bad).has_value());
  }
}

TEST(ParseInstant, LeapDayOfLeapYear) {
  ASSERT_TRUE(parse_instant("2028-02-29").has_value());
  EXPECT_EQ(format_instant(*parse_instant("2028-02-29")), "2028-02-29T00:00:00Z");
}

TEST(FormatInstant, WholeSecondsUtc) {
  EXPECT_EQ(format_instant(from_ms(0)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_instant(from_ms(1999)), "1970-01-01T00:00:01Z");  // truncated, not rounded
  EXPECT_EQ(format_instant(from_ms(-1)), "1969-12-31T23:59:59Z");    // floored before the epoch
  EXPECT_EQ(format_instant(from_ms(1795422600000)), "2026-11-23T08:30:00Z");
}

TEST(FormatInstant, RoundTrip) {
  for (const char* s : {"2026-11-23T08:30:00Z", "2000-02-29T23:59:59Z", "1999-12-31T00:00:01Z"}) {
    SCOPED_TRACE(s);
    ASSERT_TRUE(parse_instant(s).has_value());
    EXPECT_EQ(format_instant(*parse_instant(s)), s);
  }
}

TEST(Dates, ParseFormatAndUtcDay) {
  // 1970-01-01 .. 1990-05-17 is 7441 days.
  ASSERT_TRUE(parse_date("1990-05-17").has_value());
  EXPECT_EQ(*parse_date("1990-05-17"), 7441);
  EXPECT_EQ(*parse_date("1970-01-01"), 0);
  EXPECT_EQ(format_date(7441), "1990-05-17");
  EXPECT_EQ(format_date(-1), "1969-12-31");
  EXPECT_FALSE(parse_date("1990-05-17T00:00Z").has_value());
  EXPECT_FALSE(parse_date("1990-02-30").has_value());
  EXPECT_FALSE(parse_date("17/05/1990").has_value());
  // The last millisecond of a day is still that day; the next one is the next day.
  EXPECT_EQ(utc_day(at("2026-11-23T23:59:59Z") + std::chrono::milliseconds{999}), day("2026-11-23"));
  EXPECT_EQ(utc_day(at("2026-11-24")), day("2026-11-24"));
  EXPECT_EQ(utc_day(from_ms(-1)), -1);
}

TEST(AddMonths, ClampsToMonthEnd) {
  EXPECT_EQ(add_months(at("2026-01-31T09:00:00Z"), 1), at("2026-02-28T09:00:00Z"));  // 2026 not leap
  EXPECT_EQ(add_months(at("2028-01-31T09:00:00Z"), 1), at("2028-02-29T09:00:00Z"));  // 2028 leap
  EXPECT_EQ(add_months(at("2026-03-31"), 1), at("2026-04-30"));
  EXPECT_EQ(add_months(at("2026-03-31"), -1), at("2026-02-28"));
}

TEST(AddMonths, CrossesYearsAndKeepsTimeOfDay) {
  EXPECT_EQ(add_months(at("2026-12-15T23:45:10Z"), 1), at("2027-01-15T23:45:10Z"));
  EXPECT_EQ(add_months(at("2026-01-15"), -1), at("2025-12-15"));
  EXPECT_EQ(add_months(at("2026-05-10"), 24), at("2028-05-10"));
  EXPECT_EQ(add_months(at("2026-05-10"), 0), at("2026-05-10"));
  // Milliseconds survive too.
  EXPECT_EQ(add_months(at("2026-01-31T09:00:00Z") + std::chrono::milliseconds{7}, 1),
            at("2026-02-28T09:00:00Z") + std::chrono::milliseconds{7});
}

TEST(AgeYears, BirthdayBoundary) {
  // Born 2008-06-15: 17 the day before the 18th birthday, 18 on it.
  EXPECT_EQ(age_years(day("2008-06-15"), day("2026-06-14")), 17);
  EXPECT_EQ(age_years(day("2008-06-15"), day("2026-06-15")), 18);
  EXPECT_EQ(age_years(day("2008-06-15"), day("2026-12-31")), 18);
  EXPECT_EQ(age_years(day("2008-06-15"), day("2008-06-15")), 0);
}

TEST(AgeYears, LeapDayBirthday) {
  // Born 2000-02-29: in a non-leap year the birthday counts from 1 March.
  EXPECT_EQ(age_years(day("2000-02-29"), day("2018-02-28")), 17);
  EXPECT_EQ(age_years(day("2000-02-29"), day("2018-03-01")), 18);
  EXPECT_EQ(age_years(day("2000-02-29"), day("2020-02-29")), 20);
}

}  // namespace

namespace {
using namespace swaptwin::twin;

TEST(AfterActiveTime, CountsOnlyTheDailyWindowInLocalTime) {
  auto t = [](const char* s) { return parse_instant(s).value(); };
  const std::int64_t utc8 = 8 * 3600000;
  // Local 2026-11-23 20:00 (12:00Z); 3 h of riding in a 06:00-22:00 window: 2 h today, 1 h tomorrow
  // from 06:00 local, so 07:00 local = 2026-11-23T23:00:00Z.
  EXPECT_EQ(after_active_time(t("2026-11-23T12:00:00Z"), 3 * 3600, 6, 22, utc8), t("2026-11-23T23:00:00Z"));
  // Inside the window with room to spare.
  EXPECT_EQ(after_active_time(t("2026-11-23T02:00:00Z"), 1800, 6, 22, utc8), t("2026-11-23T02:30:00Z"));
  // At night (local 23:00) nothing counts until 06:00.
  EXPECT_EQ(after_active_time(t("2026-11-23T15:00:00Z"), 60, 6, 22, utc8), t("2026-11-23T22:01:00Z"));
  // 40 h of riding with 16 h a day: two full days and 8 h on the third.
  EXPECT_EQ(after_active_time(t("2026-11-22T22:00:00Z"), 40 * 3600, 6, 22, utc8), t("2026-11-25T06:00:00Z"));
  // The whole day counts with 0..24.
  EXPECT_EQ(after_active_time(t("2026-11-23T15:00:00Z"), 60, 0, 24, utc8), t("2026-11-23T15:01:00Z"));
}
}  // namespace
