// The operator's dashboard: exact numbers for a known day, and "today" in the operator's zone.

#include <gtest/gtest.h>

#include <chrono>

#include "fixtures.hpp"

using namespace swaptwin::adapters;
using namespace swaptwin::adapters::testing;

namespace {

using std::chrono::milliseconds;
using kinds = std::map<std::string, std::int64_t>;

class DashboardTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    s = std::make_unique<store>(path());
    ASSERT_DONE(s->set_country(cn_policy()));
    ASSERT_DONE(s->set_country(ke_policy()));
    auto weekly = month_plan();
    weekly.id = "week-unl";
    weekly.name = "Weekly unlimited";
    weekly.period = period_unit::week;
    weekly.swap_cap = 0;
    for (const auto& p : {month_plan(), weekly, km_plan(), swaps_plan(), kwh_plan()}) ASSERT_DONE(s->add_plan(p));
    ASSERT_DONE(s->add_station(station_4("ST-1", "Nanshan", true)));
    ASSERT_DONE(s->add_station(station_4("ST-2", "Futian", true)));
    ASSERT_DONE(s->add_station(station_4("ST-3", "Luohu", false)));
  }

  void add_rider(const std::string& id, unix_ms created, std::optional<subscription> sub,
                 const std::string& country = "CN") {
    auto r = cn_rider(id, created);
    r.country = country;
    r.plan = std::move(sub);
    ASSERT_DONE(s->add_rider(r));
  }

  /// Records a swap by `rider` at ST-1 that changes nothing else.
  void swap(const std::string& key, const std::string& rider, unix_ms when) {
    swap_record rec;
    rec.key = key;
    rec.at = when;
    rec.rider_id = rider;
    rec.station_sn = "ST-1";
    rec.model_id = "60V";
    rec.slot_out = 1;
    rec.issued_sn = "P-1";
    rec.net = money{0, "CNY"};
    rec.tax = money{0, "CNY"};
    ASSERT_TRUE(s->record_swap(rec, rider_change{*s->rider(rider), {}}, *s->station("ST-1"), {}));
  }

  void post(const std::string& key, const std::string& rider, posting_kind k, std::int64_t minor, unix_ms when,
            const std::string& cur = "CNY", std::optional<plan_kind> pk = std::nullopt) {
    ASSERT_EQ(s->append_postings({make_posting(key, rider, k, minor, when, cur, pk)}), 1u);
  }

  std::unique_ptr<store> s;
};

subscription sub_of(const std::string& plan_id, plan_kind k) {
  subscription x;
  x.plan_id = plan_id;
  x.kind = k;
  x.started_at = at("2026-11-01");
  return x;
}

TEST_F(DashboardTest, EmptyDay) {
  auto d = s->dashboard_at(at("2026-11-20T15:00:00Z"), "UTC");
  ASSERT_TRUE(d.ok()) << d.err().what();
  EXPECT_EQ(d->timezone, "UTC");
  EXPECT_EQ(d->day, "2026-11-20");
  EXPECT_TRUE(d->revenue_today.empty());
  EXPECT_TRUE(d->revenue_by_plan_kind.empty());
  EXPECT_TRUE(d->plans_sold_today.empty());
  EXPECT_TRUE(d->deposits_held.empty());
  EXPECT_EQ(d->riders_active_today, 0);
  EXPECT_EQ(d->riders_new_today, 0);
  EXPECT_EQ(d->riders_total, 0);
  EXPECT_EQ(d->swaps_today, 0);
  EXPECT_EQ(d->stations_online, 2);
  EXPECT_EQ(d->stations_offline, 1);
  EXPECT_EQ(d->work_orders_open, 0);
  ASSERT_EQ(d->plan_mix.size(), 5u);
  for (const auto& row : d->plan_mix) EXPECT_EQ(row.active, 0) << row.plan_id;
}

TEST_F(DashboardTest, ExactNumbersForOneDay) {
  const auto now = at("2026-11-20T15:00:00Z");
  auto month = sub_of("month-60", plan_kind::period);
  month.expires_at = at("2026-12-20T01:00:00Z");
  month.swap_cap = 60;
  auto expired = sub_of("month-60", plan_kind::period);
  expired.expires_at = at("2026-11-20T12:00:00Z");  // ended this morning
  auto km = sub_of("km-100", plan_kind::distance);
  km.km_left_m = 5000;
  auto used_up = sub_of("swaps-10", plan_kind::cycles);
  used_up.swaps_left = 0;
  auto kwh = sub_of("per-kwh", plan_kind::energy);
  kwh.metered = true;

  add_rider("R1", at("2026-11-20T01:00:00Z"), month);                           // new today
  add_rider("R2", at("2026-11-19T23:59:59Z") + milliseconds{999}, expired);    // yesterday
  add_rider("R3", at("2026-11-20T14:00:00Z"), km);                              // new today
  add_rider("R4", at("2026-11-21T00:00:00Z"), used_up);                         // tomorrow
  add_rider("R5", at("2026-11-20T00:00:00Z"), kwh, "KE");                       // new, first instant

  const auto t = at("2026-11-20T10:00:00Z");
  post("p1", "R1", posting_kind::plan_purchase, 29900, at("2026-11-20T01:00:00Z"), "CNY", plan_kind::period);
  post("p1:tax", "R1", posting_kind::tax, 3887, at("2026-11-20T01:00:00Z"), "CNY", plan_kind::period);
  post("p2", "R3", posting_kind::plan_purchase, 5000, at("2026-11-20T14:00:00Z"), "CNY", plan_kind::distance);
  post("p3", "R5", posting_kind::usage_charge, 2000, t, "KES", plan_kind::energy);
  post("p4", "R3", posting_kind::usage_charge, 250, t, "CNY", plan_kind::distance);
  post("p4:tax", "R3", posting_kind::tax, 33, t, "CNY", plan_kind::distance);
  post("p5", "R1", posting_kind::wallet_topup, 10000, t);
  post("p6", "R1", posting_kind::deposit_in, 50000, t);
  post("p7", "R5", posting_kind::plan_purchase, 100000, t, "KES", plan_kind::cycles);
  post("p7:tax", "R5", posting_kind::tax, 16000, t, "KES", plan_kind::cycles);
  post("p8", "R5", posting_kind::deposit_in, 300000, t, "KES");
  post("p9", "R2", posting_kind::dues_payment, 700, t);
  // Outside today: the last millisecond of yesterday and the first of tomorrow.
  post("y1", "R2", posting_kind::plan_purchase, 29900, at("2026-11-19T23:59:59Z") + milliseconds{999}, "CNY",
       plan_kind::period);
  post("t1", "R3", posting_kind::usage_charge, 777, at("2026-11-21T00:00:00Z"), "CNY", plan_kind::distance);
  // An older deposit, paid and refunded.
  post("d1", "R2", posting_kind::deposit_in, 40000, at("2026-11-01"));
  post("d1r", "R2", posting_kind::deposit_refund, -40000, at("2026-11-10"));

  swap("s1", "R1", at("2026-11-20T10:00:00Z"));
  swap("s2", "R1", at("2026-11-20T11:00:00Z"));
  swap("s3", "R3", at("2026-11-20T12:00:00Z"));
  swap("s4", "R2", at("2026-11-19T23:00:00Z"));
  swap("s5", "R4", at("2026-11-21T00:00:00Z"));

  auto w_open = open_work_order(0, "ST-3", alert_kind::station_offline, 0, t);
  auto w_assigned = open_work_order(0, "ST-1", alert_kind::slot_fault, 2, t);
  auto w_done = open_work_order(0, "ST-2", alert_kind::door_open, 1, t);
  s->add_work_order(w_open);
  w_assigned.id = s->add_work_order(w_assigned);
  w_done.id = s->add_work_order(w_done);
  ASSERT_DONE(advance(w_assigned, wo_state::assigned, t, "AG-1"));
  s->save_work_order(w_assigned);
  ASSERT_DONE(advance(w_done, wo_state::resolved, t));
  s->save_work_order(w_done);

  auto d = s->dashboard_at(now, "UTC");
  ASSERT_TRUE(d.ok()) << d.err().what();
  EXPECT_EQ(d->day, "2026-11-20");
  EXPECT_EQ(d->day_start, at("2026-11-20T00:00:00Z"));
  EXPECT_EQ(d->day_end, at("2026-11-21T00:00:00Z"));
  EXPECT_EQ(d->revenue_today, (kinds{{"CNY", 29900 + 5000 + 250}, {"KES", 2000 + 100000}}));
  ASSERT_EQ(d->revenue_by_plan_kind.size(), 2u);
  EXPECT_EQ(d->revenue_by_plan_kind.at("CNY"), (kinds{{"distance", 5250}, {"period", 29900}}));
  EXPECT_EQ(d->revenue_by_plan_kind.at("KES"), (kinds{{"cycles", 100000}, {"energy", 2000}}));
  EXPECT_EQ(d->plans_sold_today, (kinds{{"cycles", 1}, {"distance", 1}, {"period", 1}}));
  EXPECT_EQ(d->deposits_held, (kinds{{"CNY", 50000}, {"KES", 300000}}));
  EXPECT_EQ(d->riders_new_today, 3);
  EXPECT_EQ(d->riders_total, 5);
  EXPECT_EQ(d->riders_active_today, 2);
  EXPECT_EQ(d->swaps_today, 3);
  EXPECT_EQ(d->stations_online, 2);
  EXPECT_EQ(d->stations_offline, 1);
  EXPECT_EQ(d->work_orders_open, 2);

  // Every plan, in the store's plan order, with its active subscriptions at `now`.
  ASSERT_EQ(d->plan_mix.size(), 5u);
  struct row { const char* id; const char* name; const char* kind; std::int64_t active; };
  const row want[] = {{"swaps-10", "10 swaps", "cycles", 0},  // R4 used up
                      {"km-100", "100 km + overage", "distance", 1},
                      {"per-kwh", "Pay per kWh", "energy", 1},
                      {"month-60", "Monthly 60 swaps", "period", 1},  // R2's expired
                      {"week-unl", "Weekly unlimited", "period", 0}};
  for (std::size_t i = 0; i < d->plan_mix.size(); ++i) {
    EXPECT_EQ(d->plan_mix[i].plan_id, want[i].id);
    EXPECT_EQ(d->plan_mix[i].name, want[i].name);
    EXPECT_EQ(d->plan_mix[i].kind, want[i].kind);
    EXPECT_EQ(d->plan_mix[i].active, want[i].active) << want[i].id;
  }

  // The same data seen the next day: only tomorrow's rows count, R2's plan stays expired.
  auto next = s->dashboard_at(at("2026-11-21T08:00:00Z"), "UTC");
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->revenue_today, (kinds{{"CNY", 777}}));
  EXPECT_TRUE(next->plans_sold_today.empty());
  EXPECT_EQ(next->riders_new_today, 1);
  EXPECT_EQ(next->swaps_today, 1);
  EXPECT_EQ(next->riders_active_today, 1);
  // A period plan expires exactly at expires_at.
  auto at_expiry = s->dashboard_at(at("2026-12-20T01:00:00Z"), "UTC");
  ASSERT_TRUE(at_expiry.ok());
  EXPECT_EQ(at_expiry->plan_mix[3].active, 0);
  auto before_expiry = s->dashboard_at(at("2026-12-20T00:59:59Z"), "UTC");
  EXPECT_EQ(before_expiry->plan_mix[3].active, 1);
}

TEST_F(DashboardTest, TodayInShanghai) {
  const auto now = at("2026-11-23T17:00:00Z");  // 2026-11-24 01:00 in Shanghai
  post("before", "R1", posting_kind::plan_purchase, 1, at("2026-11-23T15:59:59Z") + milliseconds{999}, "CNY",
       plan_kind::period);
  post("first", "R1", posting_kind::plan_purchase, 10, at("2026-11-23T16:00:00Z"), "CNY", plan_kind::period);
  post("last", "R1", posting_kind::usage_charge, 100, at("2026-11-24T15:59:59Z") + milliseconds{999}, "CNY",
       plan_kind::energy);
  post("after", "R1", posting_kind::usage_charge, 1000, at("2026-11-24T16:00:00Z"), "CNY", plan_kind::energy);
  add_rider("R-early", at("2026-11-23T15:59:59Z") + milliseconds{999}, std::nullopt);
  add_rider("R-local", at("2026-11-23T16:00:00Z"), std::nullopt);
  swap("s-utc-day", "R-early", at("2026-11-23T12:00:00Z"));
  swap("s-local-day", "R-local", at("2026-11-23T20:00:00Z"));

  auto d = s->dashboard_at(now, "Asia/Shanghai");
  ASSERT_TRUE(d.ok()) << d.err().what();
  EXPECT_EQ(d->timezone, "Asia/Shanghai");
  EXPECT_EQ(d->day, "2026-11-24");
  EXPECT_EQ(d->day_start, at("2026-11-23T16:00:00Z"));
  EXPECT_EQ(d->day_end, at("2026-11-24T16:00:00Z"));
  EXPECT_EQ(d->revenue_today, (kinds{{"CNY", 110}}));
  EXPECT_EQ(d->revenue_by_plan_kind.at("CNY"), (kinds{{"energy", 100}, {"period", 10}}));
  EXPECT_EQ(d->plans_sold_today, (kinds{{"period", 1}}));
  EXPECT_EQ(d->riders_new_today, 1);
  EXPECT_EQ(d->swaps_today, 1);
  EXPECT_EQ(d->riders_active_today, 1);

  // The same instant in UTC is still the 23rd.
  auto u = s->dashboard_at(now, "UTC");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->day, "2026-11-23");
  EXPECT_EQ(u->day_start, at("2026-11-23T00:00:00Z"));
  EXPECT_EQ(u->day_end, at("2026-11-24T00:00:00Z"));
  EXPECT_EQ(u->revenue_today, (kinds{{"CNY", 11}}));
  EXPECT_EQ(u->riders_new_today, 2);
  EXPECT_EQ(u->swaps_today, 2);
  EXPECT_EQ(u->riders_active_today, 2);
}

TEST_F(DashboardTest, MidnightBoundariesInShanghai) {
  auto just_before = s->dashboard_at(at("2026-11-23T15:59:59Z") + milliseconds{999}, "Asia/Shanghai");
  ASSERT_TRUE(just_before.ok());
  EXPECT_EQ(just_before->day, "2026-11-23");
  EXPECT_EQ(just_before->day_start, at("2026-11-22T16:00:00Z"));
  auto midnight = s->dashboard_at(at("2026-11-23T16:00:00Z"), "Asia/Shanghai");
  ASSERT_TRUE(midnight.ok());
  EXPECT_EQ(midnight->day, "2026-11-24");
  EXPECT_EQ(midnight->day_start, at("2026-11-23T16:00:00Z"));
}

TEST_F(DashboardTest, DaylightSavingDaysInNewYork) {
  // 2026-03-08: clocks go from 02:00 EST to 03:00 EDT, a 23-hour day.
  post("spring-in", "R1", posting_kind::usage_charge, 5, at("2026-03-09T03:59:59Z"), "USD", plan_kind::cycles);
  post("spring-out", "R1", posting_kind::usage_charge, 50, at("2026-03-09T04:00:00Z"), "USD", plan_kind::cycles);
  auto spring = s->dashboard_at(at("2026-03-08T12:00:00Z"), "America/New_York");
  ASSERT_TRUE(spring.ok()) << spring.err().what();
  EXPECT_EQ(spring->day, "2026-03-08");
  EXPECT_EQ(spring->day_start, at("2026-03-08T05:00:00Z"));
  EXPECT_EQ(spring->day_end, at("2026-03-09T04:00:00Z"));
  EXPECT_EQ(spring->day_end - spring->day_start, std::chrono::hours{23});
  EXPECT_EQ(spring->revenue_today, (kinds{{"USD", 5}}));
  // 23:59:59 EDT is still the 8th.
  auto late = s->dashboard_at(at("2026-03-09T03:59:59Z"), "America/New_York");
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late->day, "2026-03-08");
  // 2026-11-01: clocks go back from 02:00 EDT to 01:00 EST, a 25-hour day.
  auto autumn = s->dashboard_at(at("2026-11-01T12:00:00Z"), "America/New_York");
  ASSERT_TRUE(autumn.ok());
  EXPECT_EQ(autumn->day, "2026-11-01");
  EXPECT_EQ(autumn->day_start, at("2026-11-01T04:00:00Z"));
  EXPECT_EQ(autumn->day_end, at("2026-11-02T05:00:00Z"));
  EXPECT_EQ(autumn->day_end - autumn->day_start, std::chrono::hours{25});
}

TEST_F(DashboardTest, LocalMidnightInAGapOrTwiceInHavana) {
  // Cuba springs forward at 00:00 (midnight does not exist): the day starts when the gap ends.
  auto spring = s->dashboard_at(at("2026-03-08T12:00:00Z"), "America/Havana");
  ASSERT_TRUE(spring.ok()) << spring.err().what();
  EXPECT_EQ(spring->day, "2026-03-08");
  EXPECT_EQ(spring->day_start, at("2026-03-08T05:00:00Z"));
  EXPECT_EQ(spring->day_end, at("2026-03-09T04:00:00Z"));
  // and falls back at 01:00 to 00:00 (midnight happens twice): the day starts at the first.
  auto autumn = s->dashboard_at(at("2026-11-01T12:00:00Z"), "America/Havana");
  ASSERT_TRUE(autumn.ok());
  EXPECT_EQ(autumn->day, "2026-11-01");
  EXPECT_EQ(autumn->day_start, at("2026-11-01T04:00:00Z"));
  EXPECT_EQ(autumn->day_end, at("2026-11-02T05:00:00Z"));
  // The previous day ends where this one starts.
  auto before = s->dashboard_at(at("2026-11-01T03:59:59Z"), "America/Havana");
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->day, "2026-10-31");
  EXPECT_EQ(before->day_end, autumn->day_start);
}

TEST_F(DashboardTest, UnknownTimeZoneIsRefused) {
  auto d = s->dashboard_at(at("2026-11-20T15:00:00Z"), "Mars/Olympus_Mons");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.code(), errc::invalid_argument);
  EXPECT_EQ(s->dashboard_at(at("2026-11-20T15:00:00Z"), "").code(), errc::invalid_argument);
  EXPECT_TRUE(known_timezone("UTC"));
  EXPECT_TRUE(known_timezone("Asia/Shanghai"));
  EXPECT_TRUE(known_timezone("America/New_York"));
  EXPECT_FALSE(known_timezone("Mars/Olympus_Mons"));
  EXPECT_FALSE(known_timezone(""));
}

}  // namespace
