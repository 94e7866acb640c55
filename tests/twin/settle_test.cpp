// Swap settlement under each plan kind: km from energy, charges, tax postings, wallet and holding.

#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "twin/billing.hpp"

using namespace swaptwin::twin;
using namespace swaptwin::twin::testing;

namespace {

// A swap at ST-1: P-OLD back with `wh` drawn, P-NEW out (60V).
swap_usage usage(std::int64_t wh) {
  swap_usage u;
  u.station_sn = "ST-1";
  u.model_id = "60V";
  u.returned_sn = "P-OLD";
  u.energy_drawn_wh = wh;
  u.issued_sn = "P-NEW";
  return u;
}

// valid_rider() (25 Wh/km) switched to plan `p` with `balance` in the wallet.
rider rider_on(const plan& p, std::int64_t balance = 0) {
  rider r = valid_rider();
  r.plan = subscribed(p, at("2026-11-01"));
  r.balance_minor = balance;
  return r;
}

swap_settlement settle_ok(const rider& r, const plan& p, const swap_usage& u, const std::string& key = "swap-1",
                          const country_policy& policy = cn_policy()) {
  auto s = settle_swap(r, p, policy, u, now(), key);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.err().what());
  return s.ok() ? s.value() : swap_settlement{};
}

TEST(SettleSwap, KmFromEnergyAndVehicleConsumption) {
  // km_m = energy_wh * 1000 / wh_per_km, rounded half up.
  rider r = rider_on(month_unlimited());
  EXPECT_EQ(settle_ok(r, month_unlimited(), usage(1000)).km_m, 40000);  // 1000 Wh / 25 Wh/km = 40 km
  r.wh_per_km = 3;
  EXPECT_EQ(settle_ok(r, month_unlimited(), usage(1)).km_m, 333);  // 333.33 m
  EXPECT_EQ(settle_ok(r, month_unlimited(), usage(2)).km_m, 667);  // 666.67 m
  r.wh_per_km = 2000;
  EXPECT_EQ(settle_ok(r, month_unlimited(), usage(1)).km_m, 1);  // 0.5 m -> 1
  r.wh_per_km = 25;
  EXPECT_EQ(settle_ok(r, month_unlimited(), usage(0)).km_m, 0);
}

TEST(SettleSwap, FirstPickUpHasNoDistance) {
  rider r = rider_on(month_unlimited());
  r.holding_sn.clear();
  r.holding_model.clear();
  swap_usage u = usage(0);
  u.returned_sn.clear();
  auto s = settle_ok(r, month_unlimited(), u);
  EXPECT_EQ(s.km_m, 0);
  EXPECT_EQ(s.change.after.holding_sn, "P-NEW");
  EXPECT_EQ(s.change.after.holding_model, "60V");
  EXPECT_EQ(s.change.after.plan->swaps_used, 1);
}

TEST(SettleSwap, PeriodIsFreeAndCountsSwaps) {
  rider r = rider_on(month_30(), 700);
  r.plan->swaps_used = 4;
  auto s = settle_ok(r, month_30(), usage(1000));
  EXPECT_EQ(s.net, (money{0, "CNY"}));
  EXPECT_EQ(s.tax, (money{0, "CNY"}));
  EXPECT_TRUE(s.change.postings.empty());
  EXPECT_EQ(s.change.after.plan->swaps_used, 5);
  EXPECT_EQ(s.change.after.balance_minor, 700);
  EXPECT_EQ(s.change.after.holding_sn, "P-NEW");
  EXPECT_EQ(s.change.after.holding_model, "60V");
}

TEST(SettleSwap, DistanceBundleTakesKm) {
  rider r = rider_on(km_bundle());
  ASSERT_EQ(r.plan->km_left_m, 300000);
  auto s = settle_ok(r, km_bundle(), usage(1000));  // 40 km
  EXPECT_EQ(s.change.after.plan->km_left_m, 260000);
  EXPECT_EQ(s.net.minor, 0);
  EXPECT_TRUE(s.change.postings.empty());
  EXPECT_EQ(s.change.after.balance_minor, 0);
}

TEST(SettleSwap, DistanceBundleWithoutOverageRunsNegativeForFree) {
  rider r = rider_on(km_bundle());
  r.plan->km_left_m = 10000;                         // 10 km left
  auto s = settle_ok(r, km_bundle(), usage(1000));  // 40 km ridden
  EXPECT_EQ(s.change.after.plan->km_left_m, -30000);
  EXPECT_EQ(s.net.minor, 0);
  EXPECT_EQ(status_at(*s.change.after.plan, now()), plan_status::exhausted);
}

TEST(SettleSwap, DistanceOverageChargedPerKm) {
  // 30 km left, 40 km ridden: 10 km over at 0.50/km = 5.00 CNY; tax 13 % = 0.65.
  rider r = rider_on(km_bundle_overage(), 1000);
  r.plan->km_left_m = 30000;
  auto s = settle_ok(r, km_bundle_overage(), usage(1000), "swap-9");
  EXPECT_EQ(s.km_m, 40000);
  EXPECT_EQ(s.change.after.plan->km_left_m, 0);
  EXPECT_EQ(s.net, (money{500, "CNY"}));
  EXPECT_EQ(s.tax, (money{65, "CNY"}));
  EXPECT_EQ(s.change.after.balance_minor, 435);  // 1000 - 565
  EXPECT_FALSE(s.change.after.owed_since.has_value());
  ASSERT_EQ(s.change.postings.size(), 2u);
  const posting& charge = s.change.postings[0];
  EXPECT_EQ(charge.kind, posting_kind::usage_charge);
  EXPECT_EQ(charge.key, "swap-9");
  EXPECT_EQ(charge.amount, (money{500, "CNY"}));
  EXPECT_EQ(charge.station_sn, "ST-1");
  EXPECT_EQ(charge.plan_id, "km-100-ovg");
  ASSERT_TRUE(charge.plan.has_value());
  EXPECT_EQ(*charge.plan, plan_kind::distance);
  EXPECT_EQ(charge.memo, "40000 m, 1000 Wh");
  const posting& tax = s.change.postings[1];
  EXPECT_EQ(tax.kind, posting_kind::tax);
  EXPECT_EQ(tax.key, "swap-9:tax");
  EXPECT_EQ(tax.amount, (money{65, "CNY"}));
  EXPECT_EQ(tax.station_sn, "ST-1");
}

TEST(SettleSwap, PayPerKmAndDuesStartNow) {
  // 20 Wh/km, 1000 Wh -> 50 km at 0.30 = 15.00; tax 1.95; wallet 0 -> -16.95, owed from now.
  rider r = rider_on(per_km(), 0);
  r.wh_per_km = 20;
  auto s = settle_ok(r, per_km(), usage(1000));
  EXPECT_EQ(s.km_m, 50000);
  EXPECT_EQ(s.net.minor, 1500);
  EXPECT_EQ(s.tax.minor, 195);
  EXPECT_EQ(s.change.after.balance_minor, -1695);
  ASSERT_TRUE(s.change.after.owed_since.has_value());
  EXPECT_EQ(*s.change.after.owed_since, now());
}

TEST(SettleSwap, PayPerKmRoundsThePrice) {
  // 1001 Wh at 20 Wh/km = 50050 m; 0.33/km * 50.05 km = 16.5165 -> 16.52; tax 2.1476 -> 2.15.
  plan p = per_km();
  p.unit_price_minor = 33;
  rider r = rider_on(p, 10000);
  r.wh_per_km = 20;
  auto s = settle_ok(r, p, usage(1001));
  EXPECT_EQ(s.km_m, 50050);
  EXPECT_EQ(s.net.minor, 1652);
  EXPECT_EQ(s.tax.minor, 215);
  EXPECT_EQ(s.change.after.balance_minor, 10000 - 1652 - 215);
}

TEST(SettleSwap, AlreadyOwingKeepsOwedSince) {
  rider r = rider_on(per_km(), -100);
  r.owed_since = at("2026-11-10");
  auto s = settle_ok(r, per_km(), usage(1000));  // 40 km * 0.30 = 12.00 + 1.56 tax
  EXPECT_EQ(s.change.after.balance_minor, -100 - 1200 - 156);
  EXPECT_EQ(*s.change.after.owed_since, at("2026-11-10"));
}

TEST(SettleSwap, CyclesBundleTakesOneSwap) {
  rider r = rider_on(swap_bundle());
  auto s = settle_ok(r, swap_bundle(), usage(1000));
  EXPECT_EQ(s.change.after.plan->swaps_left, 9);
  EXPECT_EQ(s.change.after.plan->swaps_used, 1);
  EXPECT_TRUE(s.change.postings.empty());
  EXPECT_EQ(s.net.minor, 0);
}

TEST(SettleSwap, CyclesPerSwap) {
  // 5.00 per swap + 0.65 tax, whatever the distance.
  rider r = rider_on(per_swap(), 1000);
  auto s = settle_ok(r, per_swap(), usage(12345));
  EXPECT_EQ(s.net, (money{500, "CNY"}));
  EXPECT_EQ(s.tax, (money{65, "CNY"}));
  EXPECT_EQ(s.change.after.balance_minor, 435);
  ASSERT_EQ(s.change.postings.size(), 2u);
  EXPECT_EQ(*s.change.postings[0].plan, plan_kind::cycles);
}

TEST(SettleSwap, TaxRoundsHalfAwayFromZero) {
  // 0.50 per swap: tax 13 % = 6.5 fen -> 7.
  plan p = per_swap();
  p.unit_price_minor = 50;
  auto s = settle_ok(rider_on(p, 1000), p, usage(0));
  EXPECT_EQ(s.tax.minor, 7);
  EXPECT_EQ(s.change.after.balance_minor, 1000 - 57);
}

TEST(SettleSwap, EnergyPricedPerKwhWithWh) {
  // 1.50/kWh * 1.234 kWh = 1.851 -> 185 fen; tax 24.05 -> 24.
  rider r = rider_on(per_kwh(), 0);
  auto s = settle_ok(r, per_kwh(), usage(1234));
  EXPECT_EQ(s.net.minor, 185);
  EXPECT_EQ(s.tax.minor, 24);
  EXPECT_EQ(s.change.after.balance_minor, -209);
  EXPECT_EQ(s.change.postings[0].memo, "49360 m, 1234 Wh");  // 1234000 / 25 = 49360
  EXPECT_EQ(*s.change.postings[0].plan, plan_kind::energy);
}

TEST(SettleSwap, TaxPerCountry) {
  // The same usage under KE (16 %): 5.00 KES per swap -> 0.80 tax; no tax posting at 0 %.
  plan p = per_swap();
  p.currency = "KES";
  rider r = rider_on(p, 0);
  r.country = "KE";
  auto ke = settle_ok(r, p, usage(0), "swap-ke", ke_policy());
  EXPECT_EQ(ke.net, (money{500, "KES"}));
  EXPECT_EQ(ke.tax, (money{80, "KES"}));
  ASSERT_EQ(ke.change.postings.size(), 2u);
  EXPECT_EQ(ke.change.postings[1].key, "swap-ke:tax");
  EXPECT_EQ(ke.change.postings[1].amount, (money{80, "KES"}));

  country_policy untaxed = ke_policy();
  untaxed.tax_rate_bp = 0;
  auto zero_rate = settle_ok(r, p, usage(0), "swap-0", untaxed);
  EXPECT_EQ(zero_rate.tax.minor, 0);
  ASSERT_EQ(zero_rate.change.postings.size(), 1u);
  EXPECT_EQ(zero_rate.change.postings[0].kind, posting_kind::usage_charge);
  EXPECT_EQ(zero_rate.change.after.balance_minor, -500);
}

TEST(SettleSwap, ReturnWithoutNewPackClearsHolding) {
  swap_usage u = usage(500);
  u.issued_sn.clear();
  auto s = settle_ok(rider_on(month_unlimited()), month_unlimited(), u);
  EXPECT_EQ(s.change.after.holding_sn, "");
  EXPECT_EQ(s.change.after.holding_model, "");
}

TEST(SettleSwap, Refusals) {
  const rider r = rider_on(month_unlimited());
  // The rider's subscription is not for this plan.
  EXPECT_EQ(settle_swap(r, per_km(), cn_policy(), usage(1000), now(), "k").code(), errc::plan_none);
  rider none = r;
  none.plan.reset();
  EXPECT_EQ(settle_swap(none, month_unlimited(), cn_policy(), usage(1000), now(), "k").code(), errc::plan_none);
  // Plan currency differs from the country's.
  EXPECT_EQ(settle_swap(r, month_unlimited(), ke_policy(), usage(1000), now(), "k").code(), errc::currency_mismatch);
  EXPECT_EQ(settle_swap(r, month_unlimited(), cn_policy(), usage(-1), now(), "k").code(), errc::invalid_argument);
}

}  // namespace
