// app::model_from_store on a small back office built directly in the store: counts, categories,
// money in minor units, the operator's UTC offset, alerts from open work orders.
#include <gtest/gtest.h>

#include <algorithm>

#include "../adapters/fixtures.hpp"
#include "app/viewer_model_from_db.hpp"

namespace swaptwin::app {
namespace {

using namespace swaptwin::adapters::testing;
namespace vw = viewer;

class ViewerModelTest : public StoreTest {
 protected:
  /// CN policy, two plans, a 60V deposit, three stations (online stocked-low, offline, faulted),
  /// packs P-1, P-3, P-4, two riders (one with deposit and plan), an open offline work order.
  void build(adapters::store& db) {
    ASSERT_DONE(db.set_country(cn_policy()));
    ASSERT_DONE(db.add_plan(month_plan()));
    ASSERT_DONE(db.add_plan(kwh_plan()));
    ASSERT_DONE(db.set_deposit("60V", money{30000, "CNY"}));
    ASSERT_DONE(db.add_station(station_4("SZ-1", "Futian")));
    ASSERT_DONE(db.add_station(station_4("SZ-2", "Nanshan", false)));
    auto faulty = station_4("SZ-3", "Bao'an");
    faulty.slots[1].state = slot_state::fault;
    ASSERT_DONE(db.add_station(faulty));
    for (auto [sn, t] : {std::pair{"P-1", 31.5}, {"P-3", 40.0}, {"P-4", 28.0}}) {
      battery b;
      b.sn = sn;
      b.model_id = sn == std::string{"P-4"} ? "72V" : "60V";
      b.soh = 0.93;
      b.cycles = 120;
      b.temperature_c = t;
      b.place = pack_place::slot;
      b.place_ref = std::string{"SZ-1:"} + (sn + 2);
      ASSERT_DONE(db.add_battery(b));
    }
    auto r1 = cn_rider("R-1", at("2026-11-01"));
    r1.deposits["60V"] = money{30000, "CNY"};
    r1.plan = subscription{};
    r1.plan->plan_id = "month-60";
    ASSERT_DONE(db.add_rider(r1));
    auto r2 = cn_rider("R-2", at("2026-11-01"));
    r2.kyc = kyc_status::pending;
    ASSERT_DONE(db.add_rider(r2));
    db.add_work_order(open_work_order(0, "SZ-2", alert_kind::station_offline, 0, at("2026-11-15T07:00:00Z")));
  }
};

TEST_F(ViewerModelTest, CountsCategoriesMoneyAndTime) {
  adapters::store db{path()};
  ASSERT_NO_FATAL_FAILURE(build(db));
  const auto now = at("2026-11-15T10:00:00Z");
  auto vm = model_from_store(db, now, "Africa/Nairobi");

  EXPECT_EQ(vm.now_ms, now.time_since_epoch().count());
  EXPECT_EQ(vm.utc_offset_minutes, 180);
  EXPECT_EQ(vm.time_zone_name, "Africa/Nairobi");
  ASSERT_EQ(vm.stations.size(), 3u);
  EXPECT_EQ(vm.batteries.size(), 3u);
  EXPECT_EQ(vm.riders.size(), 2u);
  EXPECT_EQ(vm.plans.size(), 2u);
  EXPECT_EQ(vm.deposits.size(), 1u);
  EXPECT_EQ(vm.work_orders.size(), 1u);
  EXPECT_EQ(vm.alerts.size(), 1u);

  auto* online = vw::find_station(vm, "SZ-1");
  auto* offline = vw::find_station(vm, "SZ-2");
  auto* faulty = vw::find_station(vm, "SZ-3");
  ASSERT_TRUE(online && offline && faulty);
  EXPECT_EQ(online->name, "Futian");
  EXPECT_TRUE(online->online);
  EXPECT_EQ(online->ready_packs, 2);  // slots 1 and 4
  EXPECT_EQ(online->category, vw::station_category::online_low_stock);  // 2 <= viewer::low_stock_threshold
  EXPECT_EQ(online->last_seen_ms, at("2026-11-15T09:59:00Z").time_since_epoch().count());
  EXPECT_FALSE(offline->online);
  EXPECT_EQ(offline->category, vw::station_category::offline);
  EXPECT_EQ(offline->last_seen_ms, 0);
  EXPECT_EQ(faulty->category, vw::station_category::fault);

  ASSERT_EQ(online->slots.size(), 4u);
  EXPECT_EQ(online->slots[0].state, vw::slot_state::ready);
  EXPECT_EQ(online->slots[0].pack_sn, "P-1");
  EXPECT_EQ(online->slots[0].soc_percent, 100);
  EXPECT_DOUBLE_EQ(online->slots[0].temperature_c, 31.5);
  EXPECT_EQ(online->slots[1].state, vw::slot_state::empty);
  EXPECT_EQ(online->slots[2].state, vw::slot_state::charging);
  EXPECT_EQ(online->slots[2].soc_percent, 40);

  auto p1 = std::find_if(vm.batteries.begin(), vm.batteries.end(), [](auto& b) { return b.sn == "P-1"; });
  ASSERT_NE(p1, vm.batteries.end());
  EXPECT_EQ(p1->where, "station SZ-1 slot 1");
  EXPECT_EQ(p1->soh_percent, 93);
  EXPECT_EQ(p1->cycles, 120);

  // Money stays in minor units with its currency; the format says how to show it.
  EXPECT_EQ(vm.deposits[0].battery_model, "60V");
  EXPECT_EQ(vm.deposits[0].amount.minor, 30000);
  EXPECT_EQ(vm.deposits[0].amount.currency, "CNY");
  auto month = std::find_if(vm.plans.begin(), vm.plans.end(), [](auto& p) { return p.id == "month-60"; });
  ASSERT_NE(month, vm.plans.end());
  EXPECT_EQ(month->price.minor, 29900);
  EXPECT_EQ(month->kind, "month");
  auto kwh = std::find_if(vm.plans.begin(), vm.plans.end(), [](auto& p) { return p.id == "per-kwh"; });
  ASSERT_NE(kwh, vm.plans.end());
  EXPECT_EQ(kwh->price.minor, 150);
  EXPECT_EQ(kwh->kind, "per kWh");
  auto cny = vw::find_currency_format(vm, "CNY");
  EXPECT_EQ(cny.decimals, 2);
  EXPECT_EQ(cny.symbol, "\xC2\xA5");  // ¥

  auto& r1 = vm.riders[0].id == "R-1" ? vm.riders[0] : vm.riders[1];
  auto& r2 = vm.riders[0].id == "R-1" ? vm.riders[1] : vm.riders[0];
  EXPECT_EQ(r1.kyc, vw::kyc_state::verified);
  EXPECT_EQ(r1.plan, "Monthly 60 swaps");
  EXPECT_EQ(r1.deposit.minor, 30000);
  EXPECT_EQ(r2.kyc, vw::kyc_state::pending);
  EXPECT_TRUE(r2.plan.empty());
  EXPECT_EQ(r2.deposit.minor, 0);

  EXPECT_EQ(vm.work_orders[0].station_sn, "SZ-2");
  EXPECT_EQ(vm.work_orders[0].kind, "station offline");
  EXPECT_EQ(vm.work_orders[0].state, "open");
  EXPECT_EQ(vm.alerts[0].text, "Station offline, work order WO-1 open");
  EXPECT_EQ(vm.alerts[0].severity, vw::alert_severity::critical);
  EXPECT_EQ(vm.alerts[0].station_sn, "SZ-2");

  EXPECT_EQ(vm.dashboard.stations_online, 2);
  EXPECT_EQ(vm.dashboard.stations_offline, 1);
  EXPECT_EQ(vm.dashboard.open_work_orders, 1);
}

TEST(StationCategory, AFaultedSlotTheOperatorDisabledIsNotAFault) {
  auto s = station_4("SZ-3", "Bao'an");  // online; slots 1 and 4 ready
  s.slots[1].state = slot_state::fault;
  EXPECT_EQ(app::station_category_of(s, 2), vw::station_category::fault);
  s.desired.disabled_slots = {s.slots[1].index};  // out of service: shown disabled, as the live feed sends it
  EXPECT_EQ(app::station_category_of(s, 2), vw::station_category::online_low_stock);
  EXPECT_EQ(app::slot_view_state(s, s.slots[1]), vw::slot_state::disabled);
}

TEST_F(ViewerModelTest, OffsetFollowsDaylightSaving) {
  EXPECT_EQ(utc_offset_minutes("Europe/Berlin", at("2026-01-15T12:00:00Z")), 60);
  EXPECT_EQ(utc_offset_minutes("Europe/Berlin", at("2026-07-15T12:00:00Z")), 120);
  EXPECT_EQ(utc_offset_minutes("UTC", at("2026-07-15T12:00:00Z")), 0);
  EXPECT_THROW(utc_offset_minutes("Mars/Olympus", at("2026-07-15T12:00:00Z")), std::invalid_argument);
}

TEST_F(ViewerModelTest, UnknownZoneIsRefused) {
  adapters::store db{path()};
  EXPECT_THROW(model_from_store(db, at("2026-11-15T10:00:00Z"), "Nowhere/Land"), std::invalid_argument);
}

}  // namespace
}  // namespace swaptwin::app
