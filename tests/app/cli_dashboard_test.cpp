// `swaptwin admin dashboard`: today's numbers, exactly, for a back office built through the CLI.
#include <map>

#include "back_office.hpp"
#include "twin/work_order.hpp"

namespace swaptwin::apptest {
namespace {

using namespace twin;

const std::string day_before = "2026-11-22T20:00:00Z";  // 2026-11-23 04:00 in Shanghai (UTC+8)

class dashboard_test : public back_office_test {
 protected:
  // R0 joins and buys a month the evening before (UTC); today R1 (pay per swap) and K1 (a KES bundle)
  // join; R0 and R1 swap once each at SZ-0001, the one online station; SZ-0002 has an open work order.
  void SetUp() override {
    back_office_test::SetUp();
    build_catalogue();
    cn_rider("R0", "cn-month", "", day_before);
    cn_rider("R1", "cn-swap", "50.00 CNY");
    ok({"rider", "add", "K1", "--name", "Achieng", "--country", "KE", "--birth-date", "1995-02-03"});
    ok({"rider", "buy-plan", "K1", "ke-20"});
    bring_online("SZ-0001", "60V", {1.0, 1.0, 1.0});
    ok({"swap", "R0", "SZ-0001", "60V"});
    ok({"swap", "R1", "SZ-0001", "60V"});
    store().add_work_order(open_work_order(0, "SZ-0002", alert_kind::station_offline, 0, now_ms()));
  }

  static std::map<std::string, std::int64_t> mix(const json& d) {
    std::map<std::string, std::int64_t> out;
    for (const auto& row : d["plan_mix"]) {
      for (const auto& k : {"plan_id", "name", "kind", "active"}) EXPECT_TRUE(row.contains(k)) << k;
      out[row["plan_id"].get<std::string>()] = row["active"].get<std::int64_t>();
    }
    return out;
  }
};

const std::map<std::string, std::int64_t> expected_mix{
    {"cn-month", 1}, {"cn-km", 0}, {"cn-swap", 1}, {"ke-kwh", 0}, {"ke-20", 1}};

TEST_F(dashboard_test, JsonHasExactNumbersForUtcToday) {
  auto d = ok_json({"dashboard"});
  ASSERT_TRUE(d.is_object()) << d.dump(2);
  for (const auto& k : {"timezone", "day", "day_start", "day_end", "revenue_today", "revenue_by_plan_kind",
                        "plans_sold_today", "deposits_held", "riders_active_today", "riders_new_today", "riders_total",
                        "plan_mix", "swaps_today", "stations_online", "stations_offline", "work_orders_open"})
    EXPECT_TRUE(d.contains(k)) << k;
  EXPECT_EQ(d["timezone"], "UTC");
  EXPECT_EQ(d["day"], "2026-11-23");
  EXPECT_EQ(d["day_start"], "2026-11-23T00:00:00Z");
  EXPECT_EQ(d["day_end"], "2026-11-24T00:00:00Z");
  EXPECT_EQ(d["revenue_today"], json::parse(R"({"CNY": 600, "KES": 180000})")) << "net of tax, minor units";
  EXPECT_EQ(d["revenue_by_plan_kind"], json::parse(R"({"CNY": {"cycles": 600}, "KES": {"cycles": 180000}})"));
  EXPECT_EQ(d["plans_sold_today"], json::parse(R"({"cycles": 1})"));
  EXPECT_EQ(d["deposits_held"], json::parse(R"({"CNY": 60000})"));
  EXPECT_EQ(d["riders_active_today"], 2);
  EXPECT_EQ(d["riders_new_today"], 2);
  EXPECT_EQ(d["riders_total"], 3);
  EXPECT_EQ(mix(d), expected_mix);
  EXPECT_EQ(d["swaps_today"], 2);
  EXPECT_EQ(d["stations_online"], 1);
  EXPECT_EQ(d["stations_offline"], 2);
  EXPECT_EQ(d["work_orders_open"], 1);
}

TEST_F(dashboard_test, TzChangesWhichDayCounts) {
  // In Shanghai the evening before (UTC) is this morning: R0 and its month count as today.
  auto sh = ok_json({"dashboard", "--tz", "Asia/Shanghai"});
  EXPECT_EQ(sh["timezone"], "Asia/Shanghai");
  EXPECT_EQ(sh["day"], "2026-11-23");
  EXPECT_EQ(sh["day_start"], "2026-11-22T16:00:00Z");
  EXPECT_EQ(sh["day_end"], "2026-11-23T16:00:00Z");
  EXPECT_EQ(sh["revenue_today"], json::parse(R"({"CNY": 30500, "KES": 180000})"));
  EXPECT_EQ(sh["plans_sold_today"], json::parse(R"({"cycles": 1, "period": 1})"));
  EXPECT_EQ(sh["riders_new_today"], 3);
  EXPECT_EQ(sh["riders_active_today"], 2);
  EXPECT_EQ(sh["swaps_today"], 2);

  // Early on the 24th (UTC) nothing happened "today" in UTC, but in Los Angeles it is still the 23rd.
  const std::string next_morning = "2026-11-24T05:00:00Z";
  auto utc = ok_json({"dashboard"}, next_morning);
  EXPECT_EQ(utc["day"], "2026-11-24");
  EXPECT_EQ(utc["revenue_today"], json::object());
  EXPECT_EQ(utc["swaps_today"], 0);
  EXPECT_EQ(utc["riders_new_today"], 0);
  EXPECT_EQ(utc["riders_active_today"], 0);
  EXPECT_EQ(utc["riders_total"], 3);
  EXPECT_EQ(utc["deposits_held"], json::parse(R"({"CNY": 60000})")) << "held deposits do not depend on the day";
  auto la = ok_json({"dashboard", "--tz", "America/Los_Angeles"}, next_morning);
  EXPECT_EQ(la["day"], "2026-11-23");
  EXPECT_EQ(la["day_start"], "2026-11-23T08:00:00Z");
  EXPECT_EQ(la["revenue_today"], json::parse(R"({"CNY": 600, "KES": 180000})"));
  EXPECT_EQ(la["swaps_today"], 2);
  EXPECT_EQ(la["riders_new_today"], 2);
}

TEST_F(dashboard_test, ConfiguredTimezoneIsTheDefault) {
  EXPECT_EQ(ok({"config", "timezone"}), "UTC\n");
  EXPECT_EQ(ok({"config", "timezone", "Asia/Shanghai"}), "time zone set to Asia/Shanghai\n");
  EXPECT_EQ(ok({"config", "timezone"}), "Asia/Shanghai\n");
  auto d = ok_json({"dashboard"});
  EXPECT_EQ(d["timezone"], "Asia/Shanghai");
  EXPECT_EQ(d["revenue_today"]["CNY"], 30500);
  EXPECT_EQ(ok_json({"dashboard", "--tz", "UTC"})["revenue_today"]["CNY"], 600) << "--tz overrides the setting";

  const auto before = snapshot();
  EXPECT_ONE_LINE_ERROR(admin({"config", "timezone", "Mars/Olympus_Mons"}), "input.invalid");
  EXPECT_ONE_LINE_ERROR(admin({"dashboard", "--tz", "Mars/Olympus_Mons"}), "input.invalid");
  EXPECT_ONE_LINE_ERROR(admin({"dashboard", "--tz", "Mars/Olympus_Mons", "--json"}), "input.invalid");
  EXPECT_EQ(changes_since(before), "");
}

TEST_F(dashboard_test, TextDashboardForPeople) {
  auto text = ok({"dashboard"});
  EXPECT_EQ(text.rfind("Dashboard for 2026-11-23 (UTC)\n", 0), 0u) << text;
  for (const char* line : {"Revenue today      ¥6.00, KSh 1,800.00\n", "Swaps today        2\n",
                           "Riders today       2 active, 2 new (3 in all)\n", "Plans sold today   1 cycles\n",
                           "Deposits held      ¥600.00\n", "Stations           1 online, 2 offline\n",
                           "Open work orders   1\n"})
    EXPECT_NE(text.find(line), std::string::npos) << line << " not in:\n" << text;
}

TEST_F(dashboard_test, RefundedDepositIsNoLongerHeldAndRevenueIsUntouched) {
  ok({"rider", "add", "R2", "--name", "Short Stay", "--country", "CN"});
  ok({"rider", "kyc", "R2", "submit", "--doc", "national_id,selfie", "--birth-date", "1990-01-01"});
  ok({"rider", "kyc", "R2", "approve"});
  ok({"rider", "pay-deposit", "R2", "60V"});
  EXPECT_EQ(ok_json({"dashboard"})["deposits_held"]["CNY"], 90000);
  ok({"rider", "refund-deposit", "R2", "60V"});
  auto d = ok_json({"dashboard"});
  EXPECT_EQ(d["deposits_held"]["CNY"], 60000);
  EXPECT_EQ(d["revenue_today"]["CNY"], 600);
  EXPECT_EQ(d["riders_new_today"], 3);
}

}  // namespace
}  // namespace swaptwin::apptest
