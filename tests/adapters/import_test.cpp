// store::import_rows: a whole back office in one transaction (the run of `swaptwin sim --out`).
// Everything reads back as the single add_* methods would have written it; a refusal anywhere
// leaves the database as it was; the dashboard works on the result.

#include <gtest/gtest.h>

#include "fixtures.hpp"

using namespace swaptwin::adapters;
using namespace swaptwin::adapters::testing;

namespace {

using Import = StoreTest;

// Row counts of every table the import writes.
std::string db_snapshot_counts(store& s) {
  std::string out;
  for (const char* t : {"settings", "battery_models", "countries", "deposits", "plans", "agents", "stations", "slots",
                        "batteries", "riders", "rider_deposits", "subscriptions", "ledger", "swaps", "work_orders"})
    out += std::string{t} + "=" + std::to_string(count_rows(s.db(), t)) + " ";
  return out;
}

swap_record a_swap(const std::string& key, const std::string& rider, const std::string& sn, unix_ms when) {
  swap_record s;
  s.key = key;
  s.at = when;
  s.rider_id = rider;
  s.station_sn = sn;
  s.model_id = "60V";
  s.slot_in = 2;
  s.returned_sn = "R-P0";
  s.slot_out = 1;
  s.issued_sn = "P-1";
  s.energy_wh = 1000;
  s.km_m = 40000;
  s.net = money{600, "CNY"};
  s.tax = money{78, "CNY"};
  s.plan = plan_kind::cycles;
  return s;
}

// A small back office: CN, a 60V deposit, two plans, an agent, two stations (one offline) with
// their packs, two riders (one on a plan), postings, three swaps and an open work order.
back_office_rows small_back_office() {
  back_office_rows rows;
  rows.settings = {{"timezone", "Asia/Shanghai"}};
  rows.models = {{"60V", 60, 1600, "LFP"}, {"36V", 36, 900, "NMC"}};
  rows.countries = {cn_policy()};
  rows.deposits = {{"60V", money{30000, "CNY"}}};
  rows.plans = {month_plan(), swaps_plan()};
  rows.agents = {swaptwin::twin::agent{"AG-1", "Li Wei", "futian", "", {22.54, 114.05}, agent_state::available}};
  auto st1 = station_4("ST-1", "Futian 01");
  st1.agent_id = "AG-1";
  rows.stations = {st1, station_4("ST-2", "Futian 02", false)};
  for (const auto& sn : {"P-1", "P-3"}) {
    battery b;
    b.sn = sn;
    b.model_id = "60V";
    b.soc = 0.9;
    b.place = pack_place::slot;
    b.place_ref = std::string{"ST-1:"} + (sn[2] == '1' ? "1" : "3");
    rows.batteries.push_back(b);
  }
  auto r1 = cn_rider("R-1", at("2026-11-23T00:00:00Z"));
  r1.deposits["60V"] = money{30000, "CNY"};
  r1.plan = subscription{"swaps-10", plan_kind::cycles, at("2026-11-22T23:00:00Z"), std::nullopt, 3, 0, 0, 7};
  r1.balance_minor = 12000;
  r1.holding_sn = "P-9";
  r1.holding_model = "60V";
  rows.riders = {r1, cn_rider("R-2", at("2026-11-23T00:00:00Z"))};
  rows.postings = {make_posting("open:deposit:R-1:60V", "R-1", posting_kind::deposit_in, 30000, at("2026-11-23T00:00:00Z")),
                   make_posting("R-1:1", "R-1", posting_kind::usage_charge, 600, at("2026-11-23T02:00:00Z"), "CNY",
                                plan_kind::cycles),
                   make_posting("R-1:1:tax", "R-1", posting_kind::tax, 78, at("2026-11-23T02:00:00Z"), "CNY",
                                plan_kind::cycles)};
  rows.swaps = {a_swap("sim:1", "R-1", "ST-1", at("2026-11-23T02:00:00Z")),
                a_swap("sim:2", "R-1", "ST-1", at("2026-11-23T05:00:00Z")),
                a_swap("sim:3", "R-2", "ST-1", at("2026-11-22T05:00:00Z"))};  // the day before
  rows.work_orders = {open_work_order(1, "ST-2", alert_kind::station_offline, 0, at("2026-11-23T03:00:00Z"))};
  return rows;
}

TEST_F(Import, WritesEveryTableInOneGoAndReadsBack) {
  store s{path()};
  ASSERT_DONE(s.import_rows(small_back_office()));
  EXPECT_EQ(s.setting("timezone"), "Asia/Shanghai");
  auto m60 = s.model("60V");
  ASSERT_TRUE(m60);
  EXPECT_EQ(m60->capacity_wh, 1600);  // the run's catalogue replaces the default
  EXPECT_EQ(m60->chemistry, "LFP");
  EXPECT_TRUE(s.model("36V"));
  EXPECT_EQ(s.deposit("60V", "CNY")->minor, 30000);
  EXPECT_EQ(s.countries().size(), 1u);
  EXPECT_EQ(s.plans().size(), 2u);
  EXPECT_EQ(s.agents().size(), 1u);
  ASSERT_EQ(s.stations().size(), 2u);
  EXPECT_EQ(s.station("ST-1")->agent_id, "AG-1");
  EXPECT_EQ(s.station("ST-1")->slots.size(), 4u);
  EXPECT_FALSE(s.station("ST-2")->link.online);
  EXPECT_EQ(s.battery("P-3")->place_ref, "ST-1:3");
  auto r1 = s.rider("R-1");
  ASSERT_TRUE(r1);
  EXPECT_EQ(r1->balance_minor, 12000);
  EXPECT_EQ(r1->deposits.at("60V").minor, 30000);
  ASSERT_TRUE(r1->plan);
  EXPECT_EQ(r1->plan->swaps_left, 7);
  EXPECT_EQ(r1->holding_sn, "P-9");
  EXPECT_EQ(s.postings().size(), 3u);
  ASSERT_EQ(s.swaps().size(), 3u);
  auto sw = s.swap_by_key("sim:1");
  ASSERT_TRUE(sw);
  EXPECT_EQ(sw->slot_in, 2);
  EXPECT_EQ(sw->returned_sn, "R-P0");
  EXPECT_EQ(sw->km_m, 40000);
  EXPECT_EQ(sw->tax.minor, 78);
  EXPECT_EQ(sw->plan, plan_kind::cycles);
  EXPECT_EQ(s.work_orders(true).size(), 1u);
  // Swaps go in as recorded: the stations and riders are not changed by them.
  EXPECT_EQ(s.station("ST-1")->slots[1].state, slot_state::empty);

  auto d = s.dashboard_at(at("2026-11-23T08:00:00Z"), "UTC");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->swaps_today, 2);
  EXPECT_EQ(d->riders_active_today, 1);
  EXPECT_EQ(d->riders_total, 2);
  EXPECT_EQ(d->revenue_today.at("CNY"), 600);
  EXPECT_EQ(d->deposits_held.at("CNY"), 30000);
  EXPECT_EQ(d->stations_online, 1);
  EXPECT_EQ(d->stations_offline, 1);
  EXPECT_EQ(d->work_orders_open, 1);
}

TEST_F(Import, ARefusalAnywhereWritesNothing) {
  store s{path()};
  const auto empty = db_snapshot_counts(s);
  auto dup = small_back_office();
  dup.stations.push_back(station_4("ST-1", "Again"));
  auto r = s.import_rows(dup);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code(), errc::station_duplicate);

  auto stranger = small_back_office();
  stranger.riders.back().country = "XX";
  auto r2 = s.import_rows(stranger);
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.code(), errc::country_unknown);

  auto bad_plan = small_back_office();
  bad_plan.plans.back().currency = "";
  EXPECT_FALSE(s.import_rows(bad_plan).ok());

  EXPECT_EQ(db_snapshot_counts(s), empty);
  EXPECT_FALSE(s.setting("timezone"));
  EXPECT_EQ(s.model("60V")->capacity_wh, 1560);  // the default model is untouched
}

TEST_F(Import, ASwapOfAnUnknownRiderThrowsAndWritesNothing) {
  store s{path()};
  auto rows = small_back_office();
  rows.swaps.push_back(a_swap("sim:9", "R-404", "ST-1", at("2026-11-23T06:00:00Z")));
  EXPECT_THROW(s.import_rows(rows), sql::store_error);
  EXPECT_EQ(count_rows(s.db(), "riders"), 0);
  EXPECT_EQ(count_rows(s.db(), "swaps"), 0);
  // The store is still usable afterwards.
  ASSERT_DONE(s.import_rows(small_back_office()));
  EXPECT_EQ(count_rows(s.db(), "swaps"), 3);
}

TEST_F(Import, RepeatedPostingAndSwapKeysAreSkipped) {
  store s{path()};
  auto rows = small_back_office();
  rows.postings.push_back(rows.postings.front());
  rows.swaps.push_back(rows.swaps.front());
  ASSERT_DONE(s.import_rows(rows));
  EXPECT_EQ(s.postings().size(), 3u);
  EXPECT_EQ(s.swaps().size(), 3u);
}

}  // namespace
