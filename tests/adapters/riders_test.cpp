// Round trips through the store: riders (deposits, subscription), packs, work orders, settings.

#include <gtest/gtest.h>

#include "fixtures.hpp"

using namespace swaptwin::adapters;
using namespace swaptwin::adapters::testing;

namespace {

class RiderStore : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    s = std::make_unique<store>(path());
    ASSERT_DONE(s->set_country(cn_policy()));
    ASSERT_DONE(s->add_plan(month_plan()));
    ASSERT_DONE(s->add_plan(km_plan()));
  }
  std::unique_ptr<store> s;
};

TEST_F(RiderStore, RiderWithDepositsAndSubscriptionRoundTrips) {
  auto r = cn_rider("R1", at("2026-10-01T08:00:00Z"));
  r.kyc_note = "ok";
  r.balance_minor = -1234;
  r.owed_since = at("2026-11-02T03:04:05Z");
  r.deposits["60V"] = money{50000, "CNY"};
  r.deposits["72V"] = money{70000, "CNY"};
  r.holding_sn = "P-7";
  r.holding_model = "60V";
  subscription sub;
  sub.plan_id = "month-60";
  sub.kind = plan_kind::period;
  sub.started_at = at("2026-11-01T00:00:00Z");
  sub.expires_at = at("2026-12-01T00:00:00Z");
  sub.swaps_used = 7;
  sub.swap_cap = 60;
  sub.km_left_m = 123;
  sub.swaps_left = 4;
  sub.metered = true;
  sub.overage = true;
  r.plan = sub;
  ASSERT_DONE(s->add_rider(r));

  auto back = s->rider("R1");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->name, "Rider R1");
  EXPECT_EQ(back->country, "CN");
  EXPECT_EQ(back->phone, "+8613800000000");
  ASSERT_TRUE(back->birth_date);
  EXPECT_EQ(format_date(*back->birth_date), "1990-05-17");
  EXPECT_EQ(back->kyc, kyc_status::verified);
  EXPECT_EQ(back->kyc_documents, (std::vector<std::string>{"national_id", "selfie"}));
  EXPECT_EQ(back->kyc_note, "ok");
  EXPECT_EQ(back->wh_per_km, 25);
  EXPECT_EQ(back->balance_minor, -1234);
  EXPECT_EQ(back->owed_since, at("2026-11-02T03:04:05Z"));
  ASSERT_EQ(back->deposits.size(), 2u);
  EXPECT_EQ(back->deposits.at("60V"), (money{50000, "CNY"}));
  EXPECT_EQ(back->deposits.at("72V"), (money{70000, "CNY"}));
  EXPECT_EQ(back->holding_sn, "P-7");
  EXPECT_EQ(back->holding_model, "60V");
  EXPECT_EQ(back->created_at, at("2026-10-01T08:00:00Z"));
  ASSERT_TRUE(back->plan);
  const auto& b = *back->plan;
  EXPECT_EQ(b.plan_id, "month-60");
  EXPECT_EQ(b.kind, plan_kind::period);
  EXPECT_EQ(b.started_at, at("2026-11-01T00:00:00Z"));
  EXPECT_EQ(b.expires_at, at("2026-12-01T00:00:00Z"));
  EXPECT_EQ(b.swaps_used, 7);
  EXPECT_EQ(b.swap_cap, 60);
  EXPECT_EQ(b.km_left_m, 123);
  EXPECT_EQ(b.swaps_left, 4);
  EXPECT_TRUE(b.metered);
  EXPECT_TRUE(b.overage);
}

TEST_F(RiderStore, BundleWithoutExpiryAndRiderWithoutOptionals) {
  auto r = cn_rider("R2", at("2026-10-01"));
  r.birth_date.reset();
  r.kyc = kyc_status::unverified;
  r.kyc_documents.clear();
  subscription sub;
  sub.plan_id = "km-100";
  sub.kind = plan_kind::distance;
  sub.started_at = at("2026-11-05T06:00:00Z");
  sub.km_left_m = 100000;
  r.plan = sub;
  ASSERT_DONE(s->add_rider(r));
  auto back = s->rider("R2");
  ASSERT_TRUE(back);
  EXPECT_FALSE(back->birth_date);
  EXPECT_FALSE(back->owed_since);
  EXPECT_EQ(back->kyc, kyc_status::unverified);
  EXPECT_TRUE(back->kyc_documents.empty());
  EXPECT_TRUE(back->deposits.empty());
  ASSERT_TRUE(back->plan);
  EXPECT_EQ(back->plan->kind, plan_kind::distance);
  EXPECT_FALSE(back->plan->expires_at);
  EXPECT_EQ(back->plan->km_left_m, 100000);
  EXPECT_FALSE(back->plan->metered);
  EXPECT_FALSE(back->plan->overage);
}

// save_rider writes identity and KYC only: a KYC decision made from a rider read before someone
// else's top-up, deposit or plan purchase must not write the old money back (a lost update).
TEST_F(RiderStore, SaveRiderWritesKycAndLeavesMoneyDepositsAndPlanAlone) {
  auto r = cn_rider("R1", at("2026-10-01"));
  r.deposits["60V"] = money{50000, "CNY"};
  r.plan = subscription{"month-60", plan_kind::period, at("2026-11-01"), at("2026-12-01"), 0, 60, 0, 0, false, false};
  ASSERT_DONE(s->add_rider(r));
  r.kyc = kyc_status::rejected;
  r.kyc_note = "blurry selfie";
  r.deposits.clear();
  r.deposits["48V"] = money{40000, "CNY"};
  r.plan.reset();
  r.balance_minor = 123;
  s->save_rider(r);
  auto back = s->rider("R1");
  EXPECT_EQ(back->kyc, kyc_status::rejected);
  EXPECT_EQ(back->kyc_note, "blurry selfie");
  ASSERT_EQ(back->deposits.size(), 1u);
  EXPECT_EQ(back->deposits.at("60V"), (money{50000, "CNY"}));
  ASSERT_TRUE(back->plan);
  EXPECT_EQ(back->plan->plan_id, "month-60");
  EXPECT_EQ(back->balance_minor, 0);
  // A whole rider (deposits, plan) is written through commit, from a rider read in the transaction.
  ASSERT_EQ(s->commit(rider_change{r, {}}), commit_outcome::applied);
  back = s->rider("R1");
  ASSERT_EQ(back->deposits.size(), 1u);
  EXPECT_EQ(back->deposits.at("48V"), (money{40000, "CNY"}));
  EXPECT_FALSE(back->plan);
  EXPECT_EQ(count_rows(s->db(), "subscriptions"), 0);
}

TEST_F(RiderStore, RefusalsWriteNothing) {
  auto r = cn_rider("R1", at("2026-10-01"));
  ASSERT_DONE(s->add_rider(r));
  auto dup = cn_rider("R1", at("2026-11-01"));
  dup.name = "Someone else";
  EXPECT_EQ(s->add_rider(dup).code(), errc::rider_duplicate);
  EXPECT_EQ(s->rider("R1")->name, "Rider R1");

  auto foreign = cn_rider("R-RW", at("2026-10-01"));
  foreign.country = "RW";
  foreign.deposits["60V"] = money{1, "RWF"};
  foreign.plan = subscription{"month-60", plan_kind::period, at("2026-11-01"), {}, 0, 0, 0, 0, false, false};
  EXPECT_EQ(s->add_rider(foreign).code(), errc::country_unknown);
  EXPECT_FALSE(s->rider("R-RW"));
  EXPECT_EQ(count_rows(s->db(), "riders"), 1);
  EXPECT_EQ(count_rows(s->db(), "rider_deposits"), 0);
  EXPECT_EQ(count_rows(s->db(), "subscriptions"), 0);

  EXPECT_EQ(s->add_rider(cn_rider("", at("2026-10-01"))).code(), errc::invalid_argument);
  EXPECT_EQ(s->add_rider(cn_rider(std::string(65, 'r'), at("2026-10-01"))).code(), errc::invalid_argument);
  auto no_vehicle = cn_rider("R3", at("2026-10-01"));
  no_vehicle.wh_per_km = 0;
  EXPECT_EQ(s->add_rider(no_vehicle).code(), errc::invalid_argument);

  // A subscription to a plan that does not exist breaks a foreign key: nothing of it stays.
  auto bad_plan = cn_rider("R4", at("2026-10-01"));
  bad_plan.plan = subscription{"no-plan", plan_kind::period, at("2026-11-01"), {}, 0, 0, 0, 0, false, false};
  EXPECT_THROW(s->add_rider(bad_plan), sql::store_error);
  EXPECT_FALSE(s->db().in_transaction());
  EXPECT_FALSE(s->rider("R4"));

  auto all = s->riders();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].id, "R1");
}

TEST_F(RiderStore, RidersAreListedByIdWithTheirDetails) {
  auto b = cn_rider("R-B", at("2026-10-02"));
  b.deposits["72V"] = money{70000, "CNY"};
  auto a = cn_rider("R-A", at("2026-10-01"));
  a.plan = subscription{"km-100", plan_kind::distance, at("2026-11-01"), {}, 2, 0, 5000, 0, false, true};
  ASSERT_DONE(s->add_rider(b));
  ASSERT_DONE(s->add_rider(a));
  auto all = s->riders();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, "R-A");
  ASSERT_TRUE(all[0].plan);
  EXPECT_EQ(all[0].plan->km_left_m, 5000);
  EXPECT_TRUE(all[0].deposits.empty());
  EXPECT_EQ(all[1].id, "R-B");
  EXPECT_FALSE(all[1].plan);
  EXPECT_EQ(all[1].deposits.at("72V").minor, 70000);
}

TEST_F(RiderStore, APageOfRidersHasTheSameDetailsAsTheWholeList) {
  for (int i = 0; i < 6; ++i) {
    auto r = cn_rider("R-" + std::to_string(i), at("2026-10-01"));
    if (i % 2 == 0) r.deposits["72V"] = money{70000 + i, "CNY"};
    if (i % 3 == 0) r.deposits["60V"] = money{50000 + i, "CNY"};
    if (i != 2) r.plan = subscription{"km-100", plan_kind::distance, at("2026-11-01"), {}, i, 0, 1000 * i, 0, false, true};
    ASSERT_DONE(s->add_rider(r));
  }
  const auto all = s->riders();
  const auto page = s->riders(1, 3);
  ASSERT_EQ(page.size(), 3u);
  for (std::size_t k = 0; k < page.size(); ++k) {
    const auto& want = all[k + 1];
    EXPECT_EQ(page[k].id, want.id);
    EXPECT_EQ(page[k].deposits, want.deposits) << want.id;
    ASSERT_EQ(page[k].plan.has_value(), want.plan.has_value()) << want.id;
    if (want.plan) {
      EXPECT_EQ(page[k].plan->km_left_m, want.plan->km_left_m) << want.id;
    }
  }
  EXPECT_FALSE(page[1].plan);                       // R-2 has none
  EXPECT_EQ(page[2].deposits.at("60V").minor, 50003);
  EXPECT_TRUE(s->riders(6, 10).empty());
  EXPECT_EQ(s->riders(4, 10).size(), 2u);
}

TEST_F(RiderStore, BatteriesRoundTrip) {
  battery b;
  b.sn = "P-1";
  b.model_id = "72V";
  b.soc = 0.75;
  b.soh = 0.92;
  b.cycles = 123.5;
  b.temperature_c = 31.25;
  b.place = pack_place::slot;
  b.place_ref = "ST-1:3";
  b.energy_in_wh = 250000;
  b.energy_out_wh = 240000;
  ASSERT_DONE(s->add_battery(b));
  EXPECT_EQ(s->add_battery(b).code(), errc::invalid_argument);  // already exists
  auto bad_model = b;
  bad_model.sn = "P-2";
  bad_model.model_id = "99V";
  EXPECT_EQ(s->add_battery(bad_model).code(), errc::model_unknown);
  auto bad_sn = b;
  bad_sn.sn = "P 3";
  EXPECT_EQ(s->add_battery(bad_sn).code(), errc::invalid_argument);

  auto back = s->battery("P-1");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->model_id, "72V");
  EXPECT_DOUBLE_EQ(back->soc, 0.75);
  EXPECT_DOUBLE_EQ(back->soh, 0.92);
  EXPECT_DOUBLE_EQ(back->cycles, 123.5);
  EXPECT_DOUBLE_EQ(back->temperature_c, 31.25);
  EXPECT_EQ(back->place, pack_place::slot);
  EXPECT_EQ(back->place_ref, "ST-1:3");
  EXPECT_EQ(back->energy_in_wh, 250000);
  EXPECT_EQ(back->energy_out_wh, 240000);

  b.place = pack_place::rider;
  b.place_ref = "R1";
  b.soc = 0.1;
  s->save_battery(b);
  auto w = b;
  w.sn = "P-0";
  w.model_id = "48V";
  s->save_battery(w);  // save inserts a new pack too
  auto all = s->batteries();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].sn, "P-0");
  EXPECT_EQ(all[1].sn, "P-1");
  EXPECT_EQ(all[1].place, pack_place::rider);
  EXPECT_EQ(all[1].place_ref, "R1");
  EXPECT_DOUBLE_EQ(all[1].soc, 0.1);
  EXPECT_FALSE(s->battery("P-404"));
}

TEST_F(RiderStore, WorkOrdersAddSaveAndOpenOnly) {
  ASSERT_DONE(s->add_station(station_4("ST-1", "Nanshan")));
  ASSERT_DONE(s->add_agent(agent{"AG-1", "Zhang", "SZ", "+86", {22.5, 114.0}, agent_state::available}));
  auto w1 = open_work_order(0, "ST-1", alert_kind::slot_fault, 3, at("2026-11-20T10:00:00Z"));
  auto w2 = open_work_order(0, "ST-1", alert_kind::station_offline, 0, at("2026-11-20T11:00:00Z"));
  auto id1 = s->add_work_order(w1);
  auto id2 = s->add_work_order(w2);
  EXPECT_NE(id1, id2);
  w1.id = id1;
  w2.id = id2;

  auto all = s->work_orders(false);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, id1);
  EXPECT_EQ(all[0].station_sn, "ST-1");
  EXPECT_EQ(all[0].alert, alert_kind::slot_fault);
  EXPECT_EQ(all[0].slot, 3);
  EXPECT_EQ(all[0].state, wo_state::open);
  EXPECT_EQ(all[0].agent_id, "");
  EXPECT_EQ(all[0].opened_at, at("2026-11-20T10:00:00Z"));
  EXPECT_EQ(all[0].due_at, at("2026-11-20T18:00:00Z"));  // 480 min SLA
  EXPECT_EQ(all[0].updated_at, at("2026-11-20T10:00:00Z"));
  EXPECT_FALSE(all[0].on_site_at);
  EXPECT_FALSE(all[0].resolved_at);
  EXPECT_EQ(all[1].id, id2);
  EXPECT_EQ(all[1].due_at, at("2026-11-20T13:00:00Z"));

  ASSERT_DONE(advance(w1, wo_state::assigned, at("2026-11-20T10:10:00Z"), "AG-1"));
  ASSERT_DONE(advance(w1, wo_state::en_route, at("2026-11-20T10:20:00Z")));
  ASSERT_DONE(advance(w1, wo_state::on_site, at("2026-11-20T10:50:00Z")));
  ASSERT_DONE(advance(w1, wo_state::resolved, at("2026-11-20T11:30:00Z")));
  s->save_work_order(w1);
  ASSERT_DONE(advance(w2, wo_state::assigned, at("2026-11-20T11:05:00Z"), "AG-1"));
  s->save_work_order(w2);

  all = s->work_orders(false);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].state, wo_state::resolved);
  EXPECT_EQ(all[0].agent_id, "AG-1");
  EXPECT_EQ(all[0].updated_at, at("2026-11-20T11:30:00Z"));
  EXPECT_EQ(all[0].on_site_at, at("2026-11-20T10:50:00Z"));
  EXPECT_EQ(all[0].resolved_at, at("2026-11-20T11:30:00Z"));
  auto open = s->work_orders(true);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].id, id2);
  EXPECT_EQ(open[0].state, wo_state::assigned);
  EXPECT_EQ(open[0].agent_id, "AG-1");

  // A work order must name a known station.
  auto ghost = open_work_order(0, "ST-404", alert_kind::door_open, 1, at("2026-11-20T12:00:00Z"));
  EXPECT_THROW(s->add_work_order(ghost), sql::store_error);
  EXPECT_FALSE(s->db().in_transaction());
  EXPECT_EQ(s->work_orders(false).size(), 2u);
}

TEST_F(RiderStore, SettingsSetReplaceAndSurviveReopen) {
  EXPECT_FALSE(s->setting("timezone"));
  s->set_setting("timezone", "UTC");
  s->set_setting("timezone", "Asia/Shanghai");
  s->set_setting("empty", "");
  EXPECT_EQ(s->setting("timezone"), "Asia/Shanghai");
  EXPECT_EQ(s->setting("empty"), "");
  EXPECT_EQ(count_rows(s->db(), "settings"), 2);
  s.reset();
  store again{path()};
  EXPECT_EQ(again.setting("timezone"), "Asia/Shanghai");
  EXPECT_FALSE(again.setting("missing"));
}

}  // namespace
