// Billing: deposits and refund netting, wallet top-up, plan purchase, renewal and replacement.
// Swap settlement is in settle_test.cpp.

#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "twin/billing.hpp"

using namespace swaptwin::twin;
using namespace swaptwin::twin::testing;

namespace {

// A verified CN rider with no deposit, no pack, no plan and an empty wallet.
rider bare_rider() {
  rider r = valid_rider();
  r.deposits.clear();
  r.holding_sn.clear();
  r.holding_model.clear();
  r.plan.reset();
  return r;
}

// ---- deposits ------------------------------------------------------------------------------

TEST(PayDeposit, HoldsDepositAndPostsIt) {
  const rider r = bare_rider();
  auto c = pay_deposit(r, cn_policy(), "60V", money{50000, "CNY"}, now(), "dep-1");
  ASSERT_TRUE(c.ok()) << c.err().what();
  ASSERT_EQ(c->after.deposits.count("60V"), 1u);
  EXPECT_EQ(c->after.deposits.at("60V"), (money{50000, "CNY"}));
  EXPECT_EQ(c->after.balance_minor, 0);  // a deposit is held, not put in the wallet
  ASSERT_EQ(c->postings.size(), 1u);
  const posting& p = c->postings[0];
  EXPECT_EQ(p.key, "dep-1");
  EXPECT_EQ(p.kind, posting_kind::deposit_in);
  EXPECT_EQ(p.amount, (money{50000, "CNY"}));
  EXPECT_EQ(p.rider_id, "R1");
  EXPECT_EQ(p.memo, "60V");
  EXPECT_EQ(p.at, now());
}

TEST(PayDeposit, DoubleDepositRefused) {
  const rider r = valid_rider();  // already holds a 60V deposit
  auto c = pay_deposit(r, cn_policy(), "60V", money{50000, "CNY"}, now(), "dep-2");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.code(), errc::deposit_paid);
  EXPECT_EQ(code_string(c.code()), "deposit.already_paid");
  // Another model is a separate deposit.
  EXPECT_TRUE(pay_deposit(r, cn_policy(), "72V", money{60000, "CNY"}, now(), "dep-3").ok());
}

TEST(PayDeposit, WrongCurrencyOrNoAmountRefused) {
  const rider r = bare_rider();
  EXPECT_EQ(pay_deposit(r, cn_policy(), "60V", money{50000, "USD"}, now(), "k").code(), errc::currency_mismatch);
  EXPECT_EQ(pay_deposit(r, cn_policy(), "60V", money{0, "CNY"}, now(), "k").code(), errc::deposit_not_set);
  EXPECT_EQ(pay_deposit(r, cn_policy(), "60V", money{-1, "CNY"}, now(), "k").code(), errc::deposit_not_set);
}

TEST(RefundDeposit, NoDuesRefundsInFull) {
  rider r = valid_rider();
  r.holding_sn.clear();
  r.holding_model.clear();
  r.balance_minor = 700;
  auto c = refund_deposit(r, "60V", now(), "ref-1");
  ASSERT_TRUE(c.ok()) << c.err().what();
  EXPECT_EQ(c->after.deposits.count("60V"), 0u);
  EXPECT_EQ(c->after.balance_minor, 700);
  ASSERT_EQ(c->postings.size(), 1u);
  EXPECT_EQ(c->postings[0].key, "ref-1");
  EXPECT_EQ(c->postings[0].kind, posting_kind::deposit_refund);
  EXPECT_EQ(c->postings[0].amount, (money{-50000, "CNY"}));
  EXPECT_EQ(c->postings[0].memo, "60V");
}

TEST(RefundDeposit, NetsDuesSmallerThanDeposit) {
  // Owes 120.00 CNY; deposit 500.00: 120.00 kept for dues, 380.00 goes back to the rider.
  rider r = valid_rider();
  r.holding_sn.clear();
  r.holding_model.clear();
  r.balance_minor = -12000;
  r.owed_since = at("2026-11-10");
  auto c = refund_deposit(r, "60V", now(), "ref-2");
  ASSERT_TRUE(c.ok()) << c.err().what();
  EXPECT_EQ(c->after.balance_minor, 0);
  EXPECT_FALSE(c->after.owed_since.has_value());
  ASSERT_EQ(c->postings.size(), 2u);
  EXPECT_EQ(c->postings[0].kind, posting_kind::deposit_refund);
  EXPECT_EQ(c->postings[0].amount, (money{-50000, "CNY"}));
  EXPECT_EQ(c->postings[1].kind, posting_kind::dues_payment);
  EXPECT_EQ(c->postings[1].key, "ref-2:dues");
  EXPECT_EQ(c->postings[1].amount, (money{12000, "CNY"}));
  // Net cash to the rider: -50000 + 12000 = -38000 (380.00 CNY out).
  EXPECT_EQ(c->postings[0].amount.minor + c->postings[1].amount.minor, -38000);
}

TEST(RefundDeposit, DuesLargerThanDepositStayOwed) {
  // Owes 800.00; the whole 500.00 deposit is kept, 300.00 still owed since the original date.
  rider r = valid_rider();
  r.holding_sn.clear();
  r.holding_model.clear();
  r.balance_minor = -80000;
  r.owed_since = at("2026-11-10");
  auto c = refund_deposit(r, "60V", now(), "ref-3");
  ASSERT_TRUE(c.ok()) << c.err().what();
  EXPECT_EQ(c->after.balance_minor, -30000);
  ASSERT_TRUE(c->after.owed_since.has_value());
  EXPECT_EQ(*c->after.owed_since, at("2026-11-10"));
  ASSERT_EQ(c->postings.size(), 2u);
  EXPECT_EQ(c->postings[0].amount, (money{-50000, "CNY"}));
  EXPECT_EQ(c->postings[1].amount, (money{50000, "CNY"}));
  EXPECT_EQ(c->after.deposits.count("60V"), 0u);
}

TEST(RefundDeposit, RefusedWhilePackOfThatModelIsOut) {
  const rider r = valid_rider();  // holds 60V pack P-OLD
  auto c = refund_deposit(r, "60V", now(), "ref-4");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.code(), errc::deposit_pack_out);
  EXPECT_EQ(code_string(c.code()), "deposit.pack_out");
}

TEST(RefundDeposit, PackOfAnotherModelDoesNotBlock) {
  rider r = valid_rider();
  r.deposits["72V"] = money{60000, "CNY"};
  auto c = refund_deposit(r, "72V", now(), "ref-5");
  ASSERT_TRUE(c.ok()) << c.err().what();
  EXPECT_EQ(c->after.deposits.count("72V"), 0u);
  EXPECT_EQ(c->after.deposits.count("60V"), 1u);
}

TEST(RefundDeposit, NoDepositRefused) {
  const rider r = bare_rider();
  EXPECT_EQ(refund_deposit(r, "60V", now(), "ref-6").code(), errc::deposit_missing);
}

// ---- top-up --------------------------------------------------------------------------------

TEST(TopUp, AddsToWallet) {
  const rider r = bare_rider();
  auto c = top_up(r, cn_policy(), money{10000, "CNY"}, now(), "top-1");
  ASSERT_TRUE(c.ok()) << c.err().what();
  EXPECT_EQ(c->after.balance_minor, 10000);
  ASSERT_EQ(c->postings.size(), 1u);
  EXPECT_EQ(c->postings[0].kind, posting_kind::wallet_topup);
  EXPECT_EQ(c->postings[0].key, "top-1");
  EXPECT_EQ(c->postings[0].amount, (money{10000, "CNY"}));
}

TEST(TopUp, PaysDuesFirst) {
  rider r = bare_rider();
  r.balance_minor = -3000;
  r.owed_since = at("2026-11-10");
  auto full = top_up(r, cn_policy(), money{10000, "CNY"}, now(), "top-2");
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->after.balance_minor, 7000);  // -30.00 + 100.00
  EXPECT_FALSE(full->after.owed_since.has_value());
  auto part = top_up(r, cn_policy(), money{1000, "CNY"}, now(), "top-3");
  ASSERT_TRUE(part.ok());
  EXPECT_EQ(part->after.balance_minor, -2000);
  ASSERT_TRUE(part->after.owed_since.has_value());
  EXPECT_EQ(*part->after.owed_since, at("2026-11-10"));  // still owed since then
}

TEST(TopUp, RefusesNonPositiveAndWrongCurrency) {
  const rider r = bare_rider();
  EXPECT_EQ(top_up(r, cn_policy(), money{0, "CNY"}, now(), "k").code(), errc::invalid_argument);
  EXPECT_EQ(top_up(r, cn_policy(), money{-100, "CNY"}, now(), "k").code(), errc::invalid_argument);
  EXPECT_EQ(top_up(r, cn_policy(), money{100, "KES"}, now(), "k").code(), errc::currency_mismatch);
}

// ---- plans ---------------------------------------------------------------------------------

TEST(BuyPlan, NewPeriodPlanPostsPriceAndTax) {
  // Bought 2026-01-31T09:00Z: a month clamps to 2026-02-28T09:00Z. 299.00 + 13 % = 38.87 tax.
  const rider r = bare_rider();
  auto c = buy_plan(r, month_unlimited(), cn_policy(), at("2026-01-31T09:00:00Z"), "buy-1");
  ASSERT_TRUE(c.ok()) << c.err().what();
  ASSERT_TRUE(c->after.plan.has_value());
  const subscription& s = *c->after.plan;
  EXPECT_EQ(s.plan_id, "month-unlimited");
  EXPECT_EQ(s.kind, plan_kind::period);
  EXPECT_EQ(s.started_at, at("2026-01-31T09:00:00Z"));
  ASSERT_TRUE(s.expires_at.has_value());
  EXPECT_EQ(*s.expires_at, at("2026-02-28T09:00:00Z"));
  EXPECT_EQ(s.swap_cap, 0);
  EXPECT_EQ(s.swaps_used, 0);
  EXPECT_FALSE(s.metered);
  EXPECT_EQ(c->after.balance_minor, 0);  // paid at purchase, not from the wallet
  ASSERT_EQ(c->postings.size(), 2u);
  EXPECT_EQ(c->postings[0].kind, posting_kind::plan_purchase);
  EXPECT_EQ(c->postings[0].key, "buy-1");
  EXPECT_EQ(c->postings[0].amount, (money{29900, "CNY"}));
  EXPECT_EQ(c->postings[0].plan_id, "month-unlimited");
  ASSERT_TRUE(c->postings[0].plan.has_value());
  EXPECT_EQ(*c->postings[0].plan, plan_kind::period);
  EXPECT_EQ(c->postings[0].memo, "purchase");
  EXPECT_EQ(c->postings[1].kind, posting_kind::tax);
  EXPECT_EQ(c->postings[1].key, "buy-1:tax");
  EXPECT_EQ(c->postings[1].amount, (money{3887, "CNY"}));
}

TEST(BuyPlan, WeekAndYearPeriods) {
  plan week = month_unlimited();
  week.id = "week";
  week.period = period_unit::week;
  auto w = buy_plan(bare_rider(), week, cn_policy(), at("2026-03-01T08:00:00Z"), "k");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(*w->after.plan->expires_at, at("2026-03-08T08:00:00Z"));
  plan year = month_unlimited();
  year.id = "year";
  year.period = period_unit::year;
  auto y = buy_plan(bare_rider(), year, cn_policy(), at("2028-02-29T12:00:00Z"), "k");
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(*y->after.plan->expires_at, at("2029-02-28T12:00:00Z"));
}

TEST(BuyPlan, RenewalWhileActiveExtendsFromEndAndAccumulatesCap) {
  rider r = bare_rider();
  r.plan = subscribed(month_30(), at("2026-03-01"));  // expires 2026-04-01, 30 swaps
  r.plan->swaps_used = 12;
  auto c = buy_plan(r, month_30(), cn_policy(), at("2026-03-20"), "buy-2");
  ASSERT_TRUE(c.ok()) << c.err().what();
  const subscription& s = *c->after.plan;
  EXPECT_EQ(*s.expires_at, at("2026-05-01"));  // 2026-04-01 + 1 month
  EXPECT_EQ(s.swap_cap, 60);
  EXPECT_EQ(s.swaps_used, 12);
  EXPECT_EQ(s.started_at, at("2026-03-01"));
  ASSERT_EQ(c->postings.size(), 2u);
  EXPECT_EQ(c->postings[0].memo, "renewal");
  EXPECT_EQ(c->postings[0].amount, (money{19900, "CNY"}));
  EXPECT_EQ(c->postings[1].amount, (money{2587, "CNY"}));  // 19900 * 13 % = 2587
}

TEST(BuyPlan, RenewalAfterExpiryStartsFromNowAndResetsCounters) {
  rider r = bare_rider();
  r.plan = subscribed(month_30(), at("2026-03-01"));  // expired 2026-04-01
  r.plan->swaps_used = 30;
  auto c = buy_plan(r, month_30(), cn_policy(), at("2026-04-05T10:00:00Z"), "buy-3");
  ASSERT_TRUE(c.ok()) << c.err().what();
  const subscription& s = *c->after.plan;
  EXPECT_EQ(s.started_at, at("2026-04-05T10:00:00Z"));
  EXPECT_EQ(*s.expires_at, at("2026-05-05T10:00:00Z"));
  EXPECT_EQ(s.swaps_used, 0);
  EXPECT_EQ(s.swap_cap, 30);
  EXPECT_EQ(status_at(s, at("2026-04-05T10:00:00Z")), plan_status::active);
}

TEST(BuyPlan, RenewalAtTheExpiryInstantCountsAsAfterExpiry) {
  rider r = bare_rider();
  r.plan = subscribed(month_30(), at("2026-03-01"));
  r.plan->swaps_used = 5;
  auto c = buy_plan(r, month_30(), cn_policy(), at("2026-04-01"), "k");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->after.plan->started_at, at("2026-04-01"));
  EXPECT_EQ(*c->after.plan->expires_at, at("2026-05-01"));
  EXPECT_EQ(c->after.plan->swaps_used, 0);
  EXPECT_EQ(c->after.plan->swap_cap, 30);
}

TEST(BuyPlan, BundleRenewalAddsToWhatIsLeft) {
  rider r = bare_rider();
  r.plan = subscribed(km_bundle(), at("2026-03-01"));
  r.plan->km_left_m = 120000;
  auto km = buy_plan(r, km_bundle(), cn_policy(), now(), "k1");
  ASSERT_TRUE(km.ok());
  EXPECT_EQ(km->after.plan->km_left_m, 420000);  // 120 km + 300 km
  r.plan->km_left_m = -4000;                      // overdrawn bundle: the debt is not carried
  km = buy_plan(r, km_bundle(), cn_policy(), now(), "k2");
  ASSERT_TRUE(km.ok());
  EXPECT_EQ(km->after.plan->km_left_m, 300000);

  r.plan = subscribed(swap_bundle(), at("2026-03-01"));
  r.plan->swaps_left = 3;
  auto sw = buy_plan(r, swap_bundle(), cn_policy(), now(), "k3");
  ASSERT_TRUE(sw.ok());
  EXPECT_EQ(sw->after.plan->swaps_left, 13);
  ASSERT_EQ(sw->postings.size(), 2u);
  EXPECT_EQ(sw->postings[1].amount, (money{585, "CNY"}));  // 4500 * 13 % = 585
}

TEST(BuyPlan, AnotherPlanWhileActiveNeedsReplace) {
  const rider r = valid_rider();  // month-unlimited active until 2026-12-01
  auto c = buy_plan(r, km_bundle(), cn_policy(), now(), "buy-4");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.code(), errc::plan_active);
  EXPECT_EQ(code_string(c.code()), "plan.active");
  auto replaced = buy_plan(r, km_bundle(), cn_policy(), now(), "buy-4", true);
  ASSERT_TRUE(replaced.ok()) << replaced.err().what();
  EXPECT_EQ(replaced->after.plan->plan_id, "km-300");
  EXPECT_EQ(replaced->after.plan->kind, plan_kind::distance);
  EXPECT_EQ(replaced->after.plan->km_left_m, 300000);
  EXPECT_FALSE(replaced->after.plan->expires_at.has_value());
  EXPECT_EQ(replaced->postings[0].memo, "purchase");
}

TEST(BuyPlan, MeteredPlanCountsAsActive) {
  rider r = bare_rider();
  r.plan = subscribed(per_km(), at("2026-01-01"));
  EXPECT_EQ(buy_plan(r, month_unlimited(), cn_policy(), now(), "k").code(), errc::plan_active);
}

TEST(BuyPlan, AnotherPlanAfterExpiryOrExhaustionNeedsNoReplace) {
  rider r = valid_rider();
  auto after_expiry = buy_plan(r, km_bundle(), cn_policy(), at("2026-12-01"), "k1");
  ASSERT_TRUE(after_expiry.ok());
  EXPECT_EQ(after_expiry->after.plan->plan_id, "km-300");
  r.plan = subscribed(swap_bundle(), at("2026-11-01"));
  r.plan->swaps_left = 0;
  auto after_used_up = buy_plan(r, month_unlimited(), cn_policy(), now(), "k2");
  ASSERT_TRUE(after_used_up.ok());
  EXPECT_EQ(after_used_up->after.plan->plan_id, "month-unlimited");
}

TEST(BuyPlan, RetiredPlanRefused) {
  plan old = month_unlimited();
  old.retired = true;
  auto c = buy_plan(bare_rider(), old, cn_policy(), now(), "k");
  EXPECT_EQ(c.code(), errc::plan_retired);
  EXPECT_EQ(code_string(c.code()), "plan.retired");
}

TEST(BuyPlan, CurrencyMismatchRefused) {
  auto c = buy_plan(bare_rider(), month_unlimited(), ke_policy(), now(), "k");
  EXPECT_EQ(c.code(), errc::currency_mismatch);
  EXPECT_EQ(code_string(c.code()), "money.currency_mismatch");
}

TEST(BuyPlan, PayAsYouGoPostsNothingAndNoTaxWithoutRate) {
  auto metered_plan = buy_plan(bare_rider(), per_kwh(), cn_policy(), now(), "k");
  ASSERT_TRUE(metered_plan.ok());
  EXPECT_TRUE(metered_plan->postings.empty());
  EXPECT_TRUE(metered_plan->after.plan->metered);
  country_policy no_tax = cn_policy();
  no_tax.tax_rate_bp = 0;
  auto untaxed = buy_plan(bare_rider(), month_unlimited(), no_tax, now(), "k");
  ASSERT_TRUE(untaxed.ok());
  ASSERT_EQ(untaxed->postings.size(), 1u);
  EXPECT_EQ(untaxed->postings[0].kind, posting_kind::plan_purchase);
}

TEST(BuyPlan, OverageFlagFromPlan) {
  auto c = buy_plan(bare_rider(), km_bundle_overage(), cn_policy(), now(), "k");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->after.plan->overage);
  EXPECT_FALSE(c->after.plan->metered);
  EXPECT_EQ(c->after.plan->km_left_m, 100000);
}

}  // namespace
