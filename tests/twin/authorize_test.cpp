// Swap authorisation: every refusal code, one test each, from one fully valid world.

#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "twin/authorize.hpp"

using namespace swaptwin::twin;
using namespace swaptwin::twin::testing;

namespace {

const std::chrono::milliseconds one_ms{1};

// A fully valid swap (see fixtures.hpp): each test changes exactly one thing.
struct world {
  rider r = valid_rider();
  country_policy policy = cn_policy();
  plan p = month_unlimited();
  station s = valid_station();
  std::string model = "60V";
  unix_ms when = now();
  bool no_policy = false;
  bool no_plan = false;

  decision decide() const {
    return authorize_swap(r, no_policy ? nullptr : &policy, no_plan ? nullptr : &p, s, model, when);
  }
  // Switches the rider to plan `q`, subscribed at the start of November.
  void use_plan(const plan& q) {
    p = q;
    r.plan = subscribed(q, at("2026-11-01"));
  }
};

void expect_refused(const decision& d, errc code, std::string_view code_text) {
  EXPECT_FALSE(d.allowed());
  EXPECT_EQ(d.reason, code);
  EXPECT_EQ(code_string(d.reason), code_text);
  EXPECT_FALSE(d.detail.empty());
}

TEST(Authorize, ValidWorldIsAllowed) {
  world w;
  auto d = w.decide();
  EXPECT_TRUE(d.allowed());
  EXPECT_EQ(d.reason, errc::ok);
  EXPECT_EQ(d.detail, "");
}

TEST(Authorize, FirstPickUpIsAllowed) {
  world w;
  w.r.holding_sn.clear();
  w.r.holding_model.clear();
  EXPECT_TRUE(w.decide().allowed());
}

TEST(Authorize, CountryUnknown) {
  world w;
  w.no_policy = true;
  expect_refused(w.decide(), errc::country_unknown, "country.unknown");
}

TEST(Authorize, KycUnverified) {
  world w;
  w.r.kyc = kyc_status::unverified;
  expect_refused(w.decide(), errc::kyc_unverified, "kyc.unverified");
}

TEST(Authorize, KycPending) {
  world w;
  w.r.kyc = kyc_status::pending;
  expect_refused(w.decide(), errc::kyc_pending, "kyc.pending");
}

TEST(Authorize, KycRejected) {
  world w;
  w.r.kyc = kyc_status::rejected;
  expect_refused(w.decide(), errc::kyc_rejected, "kyc.rejected");
}

TEST(Authorize, KycIncompleteAfterPolicyAddsDocument) {
  world w;
  w.policy.kyc_documents.push_back("proof_of_address");
  expect_refused(w.decide(), errc::kyc_incomplete, "kyc.incomplete");
}

TEST(Authorize, RiderHoldsOtherModel) {
  world w;
  w.r.holding_sn = "P-72-OLD";
  w.r.holding_model = "72V";
  w.r.deposits["72V"] = money{60000, "CNY"};
  expect_refused(w.decide(), errc::rider_other_model, "rider.other_model");
}

TEST(Authorize, DepositMissing) {
  world w;
  w.r.deposits.clear();
  expect_refused(w.decide(), errc::deposit_missing, "deposit.missing");
}

TEST(Authorize, DepositForAnotherModelDoesNotCount) {
  world w;
  w.r.deposits.clear();
  w.r.deposits["72V"] = money{60000, "CNY"};
  expect_refused(w.decide(), errc::deposit_missing, "deposit.missing");
}

TEST(Authorize, PlanNone) {
  world w;
  w.r.plan.reset();
  expect_refused(w.decide(), errc::plan_none, "plan.none");
}

TEST(Authorize, PlanNoneWhenPlanNotFound) {
  world w;
  w.no_plan = true;  // subscription refers to a plan the caller could not find
  expect_refused(w.decide(), errc::plan_none, "plan.none");
}

TEST(Authorize, PlanExpiredAtExpiresAt) {
  world w;
  ASSERT_EQ(*w.r.plan->expires_at, at("2026-12-01"));
  w.when = at("2026-12-01");
  expect_refused(w.decide(), errc::plan_expired, "plan.expired");
}

TEST(Authorize, PlanStillActiveOneMsBeforeExpiry) {
  world w;
  w.when = at("2026-12-01") - one_ms;
  EXPECT_TRUE(w.decide().allowed());
}

TEST(Authorize, PlanExhaustedPeriodCap) {
  world w;
  w.use_plan(month_30());
  w.r.plan->swaps_used = 30;
  expect_refused(w.decide(), errc::plan_exhausted, "plan.exhausted");
  w.r.plan->swaps_used = 29;
  EXPECT_TRUE(w.decide().allowed());
}

TEST(Authorize, PlanExhaustedSwapBundle) {
  world w;
  w.use_plan(swap_bundle());
  w.r.plan->swaps_left = 0;
  expect_refused(w.decide(), errc::plan_exhausted, "plan.exhausted");
  w.r.plan->swaps_left = 1;
  EXPECT_TRUE(w.decide().allowed());
}

TEST(Authorize, PlanExhaustedKmBundleWithoutOverage) {
  world w;
  w.use_plan(km_bundle());
  w.r.plan->km_left_m = 0;
  expect_refused(w.decide(), errc::plan_exhausted, "plan.exhausted");
}

TEST(Authorize, KmBundleWithOverageNotExhausted) {
  world w;
  w.use_plan(km_bundle_overage());
  w.r.plan->km_left_m = 0;
  w.r.balance_minor = 1000;
  EXPECT_TRUE(w.decide().allowed());
}

// A prepaid rider whose km bundle is used up rides on overage, which is charged per km like a
// pay-per-km plan. With a wallet already in debt the swap must be refused like pay-per-km is,
// or a prepaid rider can run up unlimited dues (prepaid terms have no overdue check).
TEST(Authorize, PrepaidOverageWithDebtIsInsufficientFunds) {
  world w;
  w.use_plan(km_bundle_overage());
  w.r.plan->km_left_m = 0;
  w.r.balance_minor = -50000;
  w.r.owed_since = at("2026-10-01");
  expect_refused(w.decide(), errc::payment_insufficient, "payment.insufficient_funds");
}

TEST(Authorize, PostpaidOverduePastGrace) {
  // KE: postpaid, 3 grace days. Owed since 2026-11-12T10:00Z; now is exactly 3 days later.
  world w;
  w.policy = ke_policy();
  w.r.country = "KE";
  w.r.kyc_documents = {"national_id"};
  w.r.balance_minor = -2500;
  w.r.owed_since = at("2026-11-12T10:00:00Z");
  expect_refused(w.decide(), errc::payment_overdue, "payment.overdue");
}

TEST(Authorize, PostpaidWithinGraceIsAllowed) {
  world w;
  w.policy = ke_policy();
  w.r.country = "KE";
  w.r.kyc_documents = {"national_id"};
  w.r.balance_minor = -2500;
  // One millisecond short of 3 days.
  w.r.owed_since = at("2026-11-12T10:00:00Z") + one_ms;
  EXPECT_TRUE(w.decide().allowed());
}

TEST(Authorize, PostpaidNoGraceDaysIsOverdueAtOnce) {
  world w;
  w.policy = ke_policy();
  w.policy.grace_days = 0;
  w.r.kyc_documents = {"national_id"};
  w.r.balance_minor = -1;
  w.r.owed_since = w.when;
  expect_refused(w.decide(), errc::payment_overdue, "payment.overdue");
}

TEST(Authorize, PostpaidMeteredNeedsNoWallet) {
  world w;
  w.policy = ke_policy();
  w.r.kyc_documents = {"national_id"};
  plan q = per_km();
  q.currency = "KES";
  w.use_plan(q);
  w.r.balance_minor = 0;
  EXPECT_TRUE(w.decide().allowed());
}

TEST(Authorize, PrepaidMeteredInsufficientFunds) {
  // Pay per km: the cost is known only on return, so the wallet must be positive.
  world w;
  w.use_plan(per_km());
  w.r.balance_minor = 0;
  expect_refused(w.decide(), errc::payment_insufficient, "payment.insufficient_funds");
  w.r.balance_minor = 1;
  EXPECT_TRUE(w.decide().allowed());
}

TEST(Authorize, PrepaidEnergyInsufficientFunds) {
  world w;
  w.use_plan(per_kwh());
  w.r.balance_minor = -10;
  expect_refused(w.decide(), errc::payment_insufficient, "payment.insufficient_funds");
}

TEST(Authorize, PrepaidPerSwapNeedsPricePlusTax) {
  // 5.00 CNY per swap + 13 % tax (0.65) = 565 fen.
  world w;
  w.use_plan(per_swap());
  w.r.balance_minor = 564;
  expect_refused(w.decide(), errc::payment_insufficient, "payment.insufficient_funds");
  w.r.balance_minor = 565;
  EXPECT_TRUE(w.decide().allowed());
}

TEST(Authorize, PrepaidPeriodPlanNeedsNoWalletMoney) {
  world w;
  w.r.balance_minor = 0;
  EXPECT_TRUE(w.decide().allowed());
}

// Prepaid means no debt: dues left over from an earlier plan block swaps even under a period plan.
TEST(Authorize, PrepaidDebtRefusedEvenOnPeriodPlan) {
  world w;
  w.r.balance_minor = -300;
  expect_refused(w.decide(), errc::payment_insufficient, "payment.insufficient_funds");
}

TEST(Authorize, StationOffline) {
  world w;
  w.s.link.online = false;
  expect_refused(w.decide(), errc::station_offline, "station.offline");
}

TEST(Authorize, StationDisabledByOperator) {
  world w;
  w.s.desired.enabled = false;
  expect_refused(w.decide(), errc::station_disabled, "station.disabled");
}

TEST(Authorize, StationReportedDisabled) {
  world w;
  w.s.reported.enabled = false;
  expect_refused(w.decide(), errc::station_disabled, "station.disabled");
}

TEST(Authorize, SlotUnavailableNoEmptySlot) {
  world w;
  w.s.slots[1].state = slot_state::charging;  // slot 2 was the only empty one
  expect_refused(w.decide(), errc::slot_unavailable, "slot.unavailable");
}

TEST(Authorize, SlotUnavailableEmptySlotDisabledOrDoorOpen) {
  world w;
  w.s.desired.disabled_slots = {2};
  expect_refused(w.decide(), errc::slot_unavailable, "slot.unavailable");
  world v;
  v.s.slots[1].door_open = true;
  expect_refused(v.decide(), errc::slot_unavailable, "slot.unavailable");
}

TEST(Authorize, NoFreeSlotNeededOnFirstPickUp) {
  world w;
  w.s.slots[1].state = slot_state::charging;
  w.r.holding_sn.clear();
  w.r.holding_model.clear();
  EXPECT_TRUE(w.decide().allowed());
}

TEST(Authorize, StockEmpty) {
  world w;
  w.s.slots[0].state = slot_state::charging;  // the only ready 60V pack
  expect_refused(w.decide(), errc::stock_empty, "stock.empty");
}

TEST(Authorize, StockEmptyWhenReadyPackIsInDisabledSlot) {
  world w;
  w.s.desired.disabled_slots = {1};
  expect_refused(w.decide(), errc::stock_empty, "stock.empty");
}

TEST(Authorize, StockOfAnotherModelDoesNotCount) {
  world w;
  w.s.slots[0].model_id = "48V";
  expect_refused(w.decide(), errc::stock_empty, "stock.empty");
}

TEST(Authorize, FirstFailingCheckWins) {
  // Rider side is checked before the station: KYC pending and station offline -> kyc.pending.
  world w;
  w.r.kyc = kyc_status::pending;
  w.s.link.online = false;
  EXPECT_EQ(w.decide().reason, errc::kyc_pending);
  // Offline beats stock.empty.
  world v;
  v.s.link.online = false;
  v.s.slots[0].state = slot_state::empty;
  EXPECT_EQ(v.decide().reason, errc::station_offline);
  // Other model is checked before the deposit.
  world u;
  u.r.holding_model = "72V";
  u.r.deposits.clear();
  EXPECT_EQ(u.decide().reason, errc::rider_other_model);
  // Country before everything.
  world t;
  t.no_policy = true;
  t.r.kyc = kyc_status::rejected;
  EXPECT_EQ(t.decide().reason, errc::country_unknown);
}

}  // namespace
