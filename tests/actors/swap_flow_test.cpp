// The swap flow of DESIGN.md through the actors (rider request -> station -> billing -> packs ->
// billing settles), under virtual time: every refusal reason the twin can give reaches the rider
// with its code and changes nothing, and a swap under each plan kind is billed exactly as the twin
// rules say (twin::settle_swap computed here on the same account, not a hard-coded price).

#include <functional>

#include "actors/billing.hpp"
#include "actors/journal.hpp"
#include "actors/station.hpp"
#include "sim_fixture.hpp"
#include "station_packs.hpp"
#include "twin/billing.hpp"

namespace swaptwin::actors::testing {
namespace {

twin::plan make_plan(twin::plan_kind kind) {
  twin::plan p;
  p.id = std::string{twin::to_string(kind)};
  p.name = p.id;
  p.kind = kind;
  p.currency = "CNY";
  switch (kind) {
    case twin::plan_kind::period: p.price_minor = 29900; p.period = twin::period_unit::month; break;
    case twin::plan_kind::distance: p.price_minor = 5000; p.bundle_km = 100; p.unit_price_minor = 40; break;
    case twin::plan_kind::cycles: p.unit_price_minor = 300; break;
    case twin::plan_kind::energy: p.unit_price_minor = 150; break;
  }
  return p;
}

// One station, one rider account, and the policy; each case changes what it needs first.
struct world {
  twin::country_policy policy{"CN", "CNY", {}, 16, twin::payment_terms::prepaid, 0, 1300};
  twin::plan plan = make_plan(twin::plan_kind::cycles);
  twin::rider rider;
  station_setup station;
  std::string request_model = "60V";
  std::string rider_id = "R1";
};

world base(std::int64_t now_ms) {
  world w;
  auto& r = w.rider;
  r.id = "R1";
  r.country = "CN";
  r.kyc = twin::kyc_status::verified;
  r.birth_date = twin::utc_day(twin::from_ms(now_ms)) - 365 * 30;
  r.deposits["60V"] = twin::money{30000, "CNY"};
  r.holding_sn = "R1-P0";
  r.holding_model = "60V";
  r.balance_minor = 100000;
  r.wh_per_km = 25;
  auto bought = twin::buy_plan(r, w.plan, w.policy, twin::from_ms(now_ms - 3600'000), "pre");
  if (bought) r = bought->after;
  r.balance_minor = 100000;
  auto& st = w.station;
  st.station = twin::make_station("ST-1", "Flow", {22.5, 114.0}, 4, 5000, twin::from_ms(now_ms));
  st.station.link.online = true;
  for (int i = 1; i <= 2; ++i) put_pack(st, i, "60V", 1.0);
  st.capacity_wh["60V"] = 1500;
  return w;
}

class SwapFlow : public sim_test {
 protected:
  // Runs one swap of `w`'s rider (0.9 -> 0.3 of the pack) and returns the answer.
  swap_result swap(const world& w) {
    j = sys->spawn(journal, caf::actor{});
    bill = sys->spawn(billing, billing_setup{{w.rider}, {w.policy}, {w.plan}, false, {}}, j);
    st = sys->spawn(station, w.station, bill, j);
    sched->run();
    caf::scoped_actor self{*sys};
    self->send(st, swap_atom::value,
               swap_request{w.rider_id, w.request_model, w.rider.holding_sn, 0.3, 0.9, "k1", 1.0, 0.0, {}});
    sched->run();
    swap_result out;
    self->receive([&](swap_result& r) { out = r; }, caf::after(std::chrono::seconds(0)) >> [] {});
    return out;
  }
  ~SwapFlow() override {
    for (auto& h : {st, bill, j})
      if (h) caf::anon_send_exit(h, caf::exit_reason::user_shutdown);
  }
  caf::actor j, bill, st;
};

struct refusal_case {
  const char* code;
  std::function<void(world&, std::int64_t now_ms)> change;
};

class EveryRefusal : public SwapFlow, public ::testing::WithParamInterface<refusal_case> {};

TEST_P(EveryRefusal, ReachesTheRiderWithItsCodeAndChangesNothing) {
  auto w = base(now());
  GetParam().change(w, now());
  const auto r = swap(w);
  EXPECT_EQ(r.reason, GetParam().code) << r.detail;
  EXPECT_FALSE(r.detail.empty());
  EXPECT_TRUE(r.issued_sn.empty());
  EXPECT_EQ(r.station_sn, "ST-1");
  // Nothing moved, nobody was charged, and the journal says why.
  const auto& s = state_of<station_state>(st);
  for (const auto& sl : s.st.slots)
    if (sl.index <= 2) {
      EXPECT_EQ(sl.battery_sn, "P" + std::to_string(sl.index));
    }
  const auto& b = state_of<billing_state>(bill);
  EXPECT_TRUE(b.ledger.postings().empty());
  if (auto acc = b.riders.find(w.rider.id); acc != b.riders.end()) {
    EXPECT_EQ(acc->second.balance_minor, w.rider.balance_minor);
  }
  int refused = 0;
  for (const auto& e : state_of<journal_state>(j).events)
    refused += e.kind == "refused" && e.code == GetParam().code;
  EXPECT_EQ(refused, 1);
}

using twin::kyc_status;
INSTANTIATE_TEST_SUITE_P(
    Codes, EveryRefusal,
    ::testing::Values(
        refusal_case{"rider.unknown", [](world& w, std::int64_t) { w.rider_id = "R404"; }},
        refusal_case{"country.unknown", [](world& w, std::int64_t) { w.rider.country = "XX"; }},
        refusal_case{"kyc.unverified", [](world& w, std::int64_t) { w.rider.kyc = kyc_status::unverified; }},
        refusal_case{"kyc.pending", [](world& w, std::int64_t) { w.rider.kyc = kyc_status::pending; }},
        refusal_case{"kyc.rejected", [](world& w, std::int64_t) { w.rider.kyc = kyc_status::rejected; }},
        refusal_case{"kyc.incomplete", [](world& w, std::int64_t) { w.policy.kyc_documents = {"national_id"}; }},
        refusal_case{"rider.other_model",
                     [](world& w, std::int64_t) {  // asks for a 48 V pack the station has, holding a 60 V one
                       w.request_model = "48V";
                       w.station.station.slots[1].model_id = "48V";
                       w.station.packs[1].model_id = "48V";
                       w.station.capacity_wh["48V"] = 1200;
                     }},
        refusal_case{"deposit.missing", [](world& w, std::int64_t) { w.rider.deposits.clear(); }},
        refusal_case{"plan.none", [](world& w, std::int64_t) { w.rider.plan.reset(); }},
        refusal_case{"plan.expired",
                     [](world& w, std::int64_t now) {
                       w.plan = make_plan(twin::plan_kind::period);
                       w.rider.plan.reset();
                       auto bought = twin::buy_plan(w.rider, w.plan, w.policy, twin::from_ms(now - 40LL * 86400'000), "old");
                       if (bought) w.rider = bought->after;
                     }},
        refusal_case{"plan.exhausted",
                     [](world& w, std::int64_t) {
                       w.rider.plan->kind = twin::plan_kind::cycles;
                       w.rider.plan->metered = false;
                       w.rider.plan->swaps_left = 0;
                       w.plan.bundle_swaps = 10;
                       w.plan.price_minor = 2500;
                     }},
        refusal_case{"payment.overdue",
                     [](world& w, std::int64_t now) {
                       w.policy.terms = twin::payment_terms::postpaid;
                       w.policy.grace_days = 3;
                       w.rider.balance_minor = -500;
                       w.rider.owed_since = twin::from_ms(now - 4LL * 86400'000);
                     }},
        refusal_case{"payment.insufficient_funds", [](world& w, std::int64_t) { w.rider.balance_minor = 100; }},
        refusal_case{"station.offline", [](world& w, std::int64_t) { w.station.station.link.online = false; }},
        refusal_case{"station.disabled", [](world& w, std::int64_t) { w.station.station.desired.enabled = false; }},
        refusal_case{"slot.unavailable",
                     [](world& w, std::int64_t) {
                       for (int i = 3; i <= 4; ++i)  // the last two slots hold ready packs too: none is free
                         w.station.station.slots[static_cast<size_t>(i - 1)] =
                             twin::slot{i, twin::slot_state::ready, false, "Q" + std::to_string(i), "60V", 1.0, 0};
                     }},
        refusal_case{"stock.empty",
                     [](world& w, std::int64_t) {
                       for (auto& sl : w.station.station.slots)
                         if (!sl.battery_sn.empty()) sl.model_id = "48V";
                       w.station.capacity_wh["48V"] = 1200;
                     }}),
    [](const ::testing::TestParamInfo<refusal_case>& info) {
      std::string name;
      for (const char* c = info.param.code; *c; ++c) name += std::isalnum(static_cast<unsigned char>(*c)) ? *c : '_';
      return name;
    });

class EveryPlanKind : public SwapFlow, public ::testing::WithParamInterface<twin::plan_kind> {};

TEST_P(EveryPlanKind, IsBilledAsTheTwinRulesSay) {
  auto w = base(now());
  w.plan = make_plan(GetParam());
  w.rider.plan.reset();
  auto bought = twin::buy_plan(w.rider, w.plan, w.policy, twin::from_ms(now() - 3600'000), "pre");
  ASSERT_TRUE(bought.ok());
  w.rider = bought->after;
  w.rider.balance_minor = 100000;
  const auto r = swap(w);
  ASSERT_EQ(r.reason, "ok") << r.detail;
  // The same account, the same usage (0.9 -> 0.3 of 1500 Wh = 900 Wh), priced by the twin.
  const twin::swap_usage usage{"ST-1", "60V", "R1-P0", 900, r.issued_sn};
  const auto expected = twin::settle_swap(w.rider, w.plan, w.policy, usage, twin::from_ms(now()), "k1");
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(r.net_minor, expected->net.minor);
  EXPECT_EQ(r.tax_minor, expected->tax.minor);
  EXPECT_EQ(r.currency, "CNY");
  const auto& b = state_of<billing_state>(bill);
  const auto& after = b.riders.at("R1");
  EXPECT_EQ(after.balance_minor, expected->change.after.balance_minor);
  EXPECT_EQ(after.holding_sn, r.issued_sn);
  EXPECT_EQ(after.plan->swaps_used, expected->change.after.plan->swaps_used);
  EXPECT_EQ(after.plan->km_left_m, expected->change.after.plan->km_left_m);
  EXPECT_EQ(b.ledger.postings().size(), expected->change.postings.size());
  // A period plan's swap costs nothing more; a km bundle pays with 36 km of its 100 (900 Wh at
  // 25 Wh/km); per swap and per kWh cost money.
  switch (GetParam()) {
    case twin::plan_kind::period: EXPECT_EQ(r.net_minor, 0); break;
    case twin::plan_kind::distance:
      EXPECT_EQ(r.net_minor, 0);
      EXPECT_EQ(after.plan->km_left_m, 64'000);
      break;
    default: EXPECT_GT(r.net_minor, 0);
  }
}

INSTANTIATE_TEST_SUITE_P(Kinds, EveryPlanKind,
                         ::testing::Values(twin::plan_kind::period, twin::plan_kind::distance, twin::plan_kind::cycles,
                                           twin::plan_kind::energy),
                         [](const ::testing::TestParamInfo<twin::plan_kind>& info) {
                           return std::string{twin::to_string(info.param)};
                         });

}  // namespace
}  // namespace swaptwin::actors::testing
