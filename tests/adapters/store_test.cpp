// Round trips through the store: stations and slots, countries, deposits, plans and agents;
// refusals leave what was there intact.

#include <gtest/gtest.h>

#include "fixtures.hpp"

using namespace swaptwin::adapters;
using namespace swaptwin::adapters::testing;

namespace {

using StationStore = StoreTest;

TEST_F(StationStore, AddAndReadBackEveryField) {
  store s{path()};
  auto st = station_4("ST-1", "Nanshan");
  st.firmware = "2.4.1";
  st.link.boot_id = "boot-42";
  st.reported.power_cap_w = 5000;
  st.reported.enabled = false;
  ASSERT_DONE(s.add_station(st));
  auto back = s.station("ST-1");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->sn, "ST-1");
  EXPECT_EQ(back->name(), "Nanshan");
  EXPECT_DOUBLE_EQ(back->location.lat, 22.53);
  EXPECT_DOUBLE_EQ(back->location.lon, 113.93);
  EXPECT_EQ(back->firmware, "2.4.1");
  EXPECT_TRUE(back->link.online);
  ASSERT_TRUE(back->link.last_seen);
  EXPECT_EQ(*back->link.last_seen, at("2026-11-15T09:59:00Z"));
  EXPECT_EQ(back->link.boot_id, "boot-42");
  EXPECT_EQ(back->desired.power_cap_w, 6000);
  EXPECT_TRUE(back->desired.enabled);
  EXPECT_EQ(back->reported.name, "Nanshan");
  EXPECT_EQ(back->reported.power_cap_w, 5000);
  EXPECT_FALSE(back->reported.enabled);
  EXPECT_EQ(back->created_at, at("2026-01-01"));
  EXPECT_EQ(back->agent_id, "");
  ASSERT_EQ(back->slots.size(), 4u);
  for (std::size_t i = 0; i < back->slots.size(); ++i) {
    const auto& a = st.slots[i];
    const auto& b = back->slots[i];
    EXPECT_EQ(b.index, a.index);
    EXPECT_EQ(b.state, a.state);
    EXPECT_EQ(b.door_open, a.door_open);
    EXPECT_EQ(b.battery_sn, a.battery_sn);
    EXPECT_EQ(b.model_id, a.model_id);
    EXPECT_DOUBLE_EQ(b.soc, a.soc);
    EXPECT_EQ(b.charge_power_w, a.charge_power_w);
  }
  EXPECT_EQ(ready_count(*back, "60V"), 1);
  EXPECT_EQ(free_count(*back), 1);
  EXPECT_FALSE(s.station("ST-2"));
}

TEST_F(StationStore, OfflineStationHasNoLastSeen) {
  store s{path()};
  ASSERT_DONE(s.add_station(station_4("ST-OFF", "Futian", false)));
  auto back = s.station("ST-OFF");
  ASSERT_TRUE(back);
  EXPECT_FALSE(back->link.online);
  EXPECT_FALSE(back->link.last_seen);
}

TEST_F(StationStore, DuplicateSnIsRefusedAndTheFirstStays) {
  store s{path()};
  ASSERT_DONE(s.add_station(station_4("ST-1", "Nanshan")));
  auto again = station_4("ST-1", "Impostor");
  again.slots.resize(2);
  auto r = s.add_station(again);
  EXPECT_EQ(r.code(), errc::station_duplicate);
  auto back = s.station("ST-1");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->name(), "Nanshan");
  EXPECT_EQ(back->slots.size(), 4u);
  EXPECT_EQ(s.stations().size(), 1u);
  EXPECT_FALSE(s.db().in_transaction());
}

TEST_F(StationStore, InvalidStationsAreRefusedWithoutWriting) {
  store s{path()};
  auto bad_sn = station_4("ST 1", "Space");
  EXPECT_EQ(s.add_station(bad_sn).code(), errc::invalid_argument);
  auto no_name = station_4("ST-2", "");
  EXPECT_EQ(s.add_station(no_name).code(), errc::name_empty);
  auto no_slots = station_4("ST-3", "Empty");
  no_slots.slots.clear();
  EXPECT_EQ(s.add_station(no_slots).code(), errc::invalid_argument);
  auto bad_where = station_4("ST-4", "Nowhere");
  bad_where.location.lat = 91;
  EXPECT_EQ(s.add_station(bad_where).code(), errc::invalid_argument);
  auto no_power = station_4("ST-5", "Dark");
  no_power.desired.power_cap_w = 0;
  EXPECT_EQ(s.add_station(no_power).code(), errc::invalid_argument);
  auto ghost_agent = station_4("ST-6", "Ghost");
  ghost_agent.agent_id = "AG-404";
  EXPECT_EQ(s.add_station(ghost_agent).code(), errc::agent_unknown);
  EXPECT_TRUE(s.stations().empty());
  EXPECT_EQ(count_rows(s.db(), "slots"), 0);
}

TEST_F(StationStore, RenameKeepsSnAndSurvivesReopen) {
  {
    store s{path()};
    ASSERT_DONE(s.add_station(station_4("ST-1", "Nanshan")));
    ASSERT_DONE(s.rename_station("ST-1", "  Nanshan Hub  "));
    auto back = s.station("ST-1");
    ASSERT_TRUE(back);
    EXPECT_EQ(back->sn, "ST-1");
    EXPECT_EQ(back->name(), "Nanshan Hub");      // trimmed
    EXPECT_EQ(back->reported.name, "Nanshan");  // the cabinet has not applied it yet
    ASSERT_EQ(pending_changes(*back).size(), 1u);
    EXPECT_EQ(pending_changes(*back)[0], (setting_change{"name", "Nanshan Hub"}));
  }
  store s{path()};
  auto back = s.station("ST-1");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->name(), "Nanshan Hub");
  EXPECT_EQ(back->slots.size(), 4u);
  auto all = s.stations();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].sn, "ST-1");
  EXPECT_EQ(all[0].name(), "Nanshan Hub");
}

TEST_F(StationStore, RenameRefusalsKeepTheOldName) {
  store s{path()};
  ASSERT_DONE(s.add_station(station_4("ST-1", "Nanshan")));
  EXPECT_EQ(s.rename_station("ST-1", "").code(), errc::name_empty);
  EXPECT_EQ(s.rename_station("ST-1", "   ").code(), errc::name_empty);
  EXPECT_EQ(s.rename_station("ST-1", std::string(65, 'x')).code(), errc::invalid_argument);
  EXPECT_EQ(s.rename_station("ST-9", "Elsewhere").code(), errc::station_unknown);
  EXPECT_EQ(s.station("ST-1")->name(), "Nanshan");
  EXPECT_FALSE(s.station("ST-9"));
}

TEST_F(StationStore, SaveStationRoundTripsSlotsSettingsAndDisabledSlots) {
  {
    store s{path()};
    ASSERT_DONE(s.add_station(station_4("ST-1", "Nanshan")));
    auto st = *s.station("ST-1");
    st.desired.power_cap_w = 4500;
    st.desired.enabled = false;
    st.desired.disabled_slots = {2, 4};
    st.reported.disabled_slots = {4};
    st.reported.power_cap_w = 5500;
    st.firmware = "2.5.0";
    st.link = connectivity{false, at("2026-11-16T01:02:03Z"), "boot-43"};
    st.slots[1] = slot{2, slot_state::fault, true, "P-2", "48V", 0.33, 0};
    st.slots[3].state = slot_state::disabled;
    ASSERT_DONE(s.save_station(st));
    auto ghost = st;
    ghost.sn = "ST-404";
    EXPECT_EQ(s.save_station(ghost).code(), errc::station_unknown);
    EXPECT_FALSE(s.station("ST-404"));
  }
  store s{path()};
  auto back = s.station("ST-1");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->desired.power_cap_w, 4500);
  EXPECT_FALSE(back->desired.enabled);
  EXPECT_EQ(back->desired.disabled_slots, (std::vector<int>{2, 4}));
  EXPECT_EQ(back->reported.disabled_slots, (std::vector<int>{4}));
  EXPECT_EQ(back->reported.power_cap_w, 5500);
  EXPECT_TRUE(back->reported.enabled);
  EXPECT_EQ(back->firmware, "2.5.0");
  EXPECT_FALSE(back->link.online);
  EXPECT_EQ(back->link.last_seen, at("2026-11-16T01:02:03Z"));
  EXPECT_EQ(back->link.boot_id, "boot-43");
  EXPECT_EQ(back->slots[1].state, slot_state::fault);
  EXPECT_TRUE(back->slots[1].door_open);
  EXPECT_EQ(back->slots[1].battery_sn, "P-2");
  EXPECT_EQ(back->slots[1].model_id, "48V");
  EXPECT_DOUBLE_EQ(back->slots[1].soc, 0.33);
  EXPECT_EQ(back->slots[3].state, slot_state::disabled);
  EXPECT_TRUE(slot_disabled(*back, 2));
  EXPECT_FALSE(slot_disabled(*back, 1));
  auto changes = pending_changes(*back);
  EXPECT_FALSE(changes.empty());
}

TEST_F(StationStore, AgentsAndAssignment) {
  store s{path()};
  agent a{"AG-1", "Zhang San", "Shenzhen", "+8613900000000", {22.5, 114.0}, agent_state::busy};
  ASSERT_DONE(s.add_agent(a));
  EXPECT_EQ(s.add_agent(a).code(), errc::agent_duplicate);
  EXPECT_EQ(s.add_agent(agent{"", "No id", "", "", {}, agent_state::available}).code(), errc::invalid_argument);
  EXPECT_EQ(s.add_agent(agent{"AG-2", "Far", "", "", {0, 181}, agent_state::available}).code(),
            errc::invalid_argument);
  ASSERT_DONE(s.add_agent(agent{"AG-0", "Li Si", "Futian", "+86", {22.0, 113.0}, agent_state::off_shift}));
  auto back = s.agent("AG-1");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->name, "Zhang San");
  EXPECT_EQ(back->region, "Shenzhen");
  EXPECT_EQ(back->phone, "+8613900000000");
  EXPECT_DOUBLE_EQ(back->base.lat, 22.5);
  EXPECT_DOUBLE_EQ(back->base.lon, 114.0);
  EXPECT_EQ(back->state, agent_state::busy);
  auto all = s.agents();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, "AG-0");
  EXPECT_EQ(all[1].id, "AG-1");
  EXPECT_FALSE(s.agent("AG-9"));

  ASSERT_DONE(s.add_station(station_4("ST-1", "Nanshan")));
  ASSERT_DONE(s.assign_agent("ST-1", "AG-1"));
  EXPECT_EQ(s.station("ST-1")->agent_id, "AG-1");
  EXPECT_EQ(s.assign_agent("ST-1", "AG-9").code(), errc::agent_unknown);
  EXPECT_EQ(s.assign_agent("ST-9", "AG-0").code(), errc::station_unknown);
  EXPECT_EQ(s.station("ST-1")->agent_id, "AG-1");
  auto with_agent = station_4("ST-2", "Futian");
  with_agent.agent_id = "AG-0";
  ASSERT_DONE(s.add_station(with_agent));
  EXPECT_EQ(s.station("ST-2")->agent_id, "AG-0");
}

using PolicyStore = StoreTest;

TEST_F(PolicyStore, CountryPolicyRoundTripsAndReplaces) {
  store s{path()};
  ASSERT_DONE(s.set_country(cn_policy()));
  ASSERT_DONE(s.set_country(ke_policy()));
  auto cn = s.country("CN");
  ASSERT_TRUE(cn);
  EXPECT_EQ(cn->currency, "CNY");
  EXPECT_EQ(cn->kyc_documents, (std::vector<std::string>{"national_id", "selfie"}));
  EXPECT_EQ(cn->min_age_years, 18);
  EXPECT_EQ(cn->terms, payment_terms::prepaid);
  EXPECT_EQ(cn->grace_days, 0);
  EXPECT_EQ(cn->tax_rate_bp, 1300);
  auto ke = s.country("KE");
  ASSERT_TRUE(ke);
  EXPECT_EQ(ke->terms, payment_terms::postpaid);
  EXPECT_EQ(ke->grace_days, 3);
  EXPECT_EQ(ke->min_age_years, 16);
  EXPECT_EQ(ke->tax_rate_bp, 1600);

  auto cn2 = cn_policy();
  cn2.kyc_documents = {};
  cn2.terms = payment_terms::postpaid;
  cn2.grace_days = 7;
  cn2.tax_rate_bp = 600;
  ASSERT_DONE(s.set_country(cn2));
  cn = s.country("CN");
  EXPECT_TRUE(cn->kyc_documents.empty());
  EXPECT_EQ(cn->terms, payment_terms::postpaid);
  EXPECT_EQ(cn->grace_days, 7);
  EXPECT_EQ(cn->tax_rate_bp, 600);

  auto all = s.countries();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].country, "CN");
  EXPECT_EQ(all[1].country, "KE");
  EXPECT_FALSE(s.country("RW"));
}

TEST_F(PolicyStore, InvalidCountryPolicyIsRefused) {
  store s{path()};
  ASSERT_DONE(s.set_country(cn_policy()));
  auto comma = cn_policy();
  comma.kyc_documents = {"id,card"};
  EXPECT_EQ(s.set_country(comma).code(), errc::invalid_argument);
  auto lower = cn_policy();
  lower.country = "cn";
  EXPECT_EQ(s.set_country(lower).code(), errc::invalid_argument);
  auto money_less = cn_policy();
  money_less.currency = "XXX";
  EXPECT_EQ(s.set_country(money_less).code(), errc::invalid_argument);
  auto cn = s.country("CN");
  EXPECT_EQ(cn->kyc_documents, (std::vector<std::string>{"national_id", "selfie"}));
  EXPECT_EQ(s.countries().size(), 1u);
}

TEST_F(PolicyStore, DepositsSetReplacePerCurrency) {
  store s{path()};
  ASSERT_DONE(s.set_deposit("60V", money{50000, "CNY"}));
  ASSERT_DONE(s.set_deposit("60V", money{300000, "KES"}));
  ASSERT_DONE(s.set_deposit("48V", money{40000, "CNY"}));
  ASSERT_DONE(s.set_deposit("60V", money{55000, "CNY"}));  // replaces
  EXPECT_EQ(s.deposit("60V", "CNY"), (money{55000, "CNY"}));
  EXPECT_EQ(s.deposit("60V", "KES"), (money{300000, "KES"}));
  EXPECT_EQ(s.deposit("48V", "CNY"), (money{40000, "CNY"}));
  EXPECT_FALSE(s.deposit("48V", "KES"));
  EXPECT_FALSE(s.deposit("72V", "CNY"));

  EXPECT_EQ(s.set_deposit("99V", money{1, "CNY"}).code(), errc::model_unknown);
  EXPECT_EQ(s.set_deposit("72V", money{1, "XXX"}).code(), errc::currency_unknown);
  EXPECT_EQ(s.set_deposit("72V", money{0, "CNY"}).code(), errc::invalid_argument);
  EXPECT_EQ(s.set_deposit("60V", money{-5, "CNY"}).code(), errc::invalid_argument);
  EXPECT_EQ(s.deposit("60V", "CNY"), (money{55000, "CNY"}));

  auto all = s.deposits();
  ASSERT_EQ(all.size(), 3u);  // by voltage, then currency
  EXPECT_EQ(all[0].model_id, "48V");
  EXPECT_EQ(all[0].amount, (money{40000, "CNY"}));
  EXPECT_EQ(all[1].model_id, "60V");
  EXPECT_EQ(all[1].amount, (money{55000, "CNY"}));
  EXPECT_EQ(all[2].model_id, "60V");
  EXPECT_EQ(all[2].amount, (money{300000, "KES"}));
}

TEST_F(PolicyStore, PlansOfEveryKindRoundTripAndRetire) {
  store s{path()};
  auto weekly = month_plan();
  weekly.id = "week-unl";
  weekly.name = "Weekly unlimited";
  weekly.period = period_unit::week;
  weekly.swap_cap = 0;
  weekly.price_minor = 8900;
  const std::vector<plan> all_plans{month_plan(), weekly, km_plan(), swaps_plan(), kwh_plan()};
  for (const auto& p : all_plans) ASSERT_DONE(s.add_plan(p));
  EXPECT_EQ(s.add_plan(month_plan()).code(), errc::plan_duplicate);
  auto bad = kwh_plan();
  bad.id = "bad";
  bad.price_minor = 100;
  EXPECT_EQ(s.add_plan(bad).code(), errc::invalid_argument);
  EXPECT_FALSE(s.plan("bad"));

  for (const auto& p : all_plans) {
    auto back = s.plan(p.id);
    ASSERT_TRUE(back) << p.id;
    EXPECT_EQ(back->name, p.name);
    EXPECT_EQ(back->kind, p.kind);
    EXPECT_EQ(back->currency, p.currency);
    EXPECT_EQ(back->price_minor, p.price_minor);
    EXPECT_EQ(back->period, p.period);
    EXPECT_EQ(back->swap_cap, p.swap_cap);
    EXPECT_EQ(back->bundle_km, p.bundle_km);
    EXPECT_EQ(back->bundle_swaps, p.bundle_swaps);
    EXPECT_EQ(back->unit_price_minor, p.unit_price_minor);
    EXPECT_FALSE(back->retired);
  }
  // Listed by kind name, then id.
  auto listed = s.plans();
  ASSERT_EQ(listed.size(), 5u);
  EXPECT_EQ(listed[0].id, "swaps-10");  // cycles
  EXPECT_EQ(listed[1].id, "km-100");    // distance
  EXPECT_EQ(listed[2].id, "per-kwh");   // energy
  EXPECT_EQ(listed[3].id, "month-60");  // period
  EXPECT_EQ(listed[4].id, "week-unl");

  ASSERT_DONE(s.retire_plan("km-100"));
  EXPECT_TRUE(s.plan("km-100")->retired);
  EXPECT_FALSE(s.plan("month-60")->retired);
  EXPECT_EQ(s.retire_plan("nope").code(), errc::plan_unknown);
}

}  // namespace
