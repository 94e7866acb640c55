// The ledger: idempotent append, order, revenue; and billing postings flowing into it.

#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "twin/billing.hpp"
#include "twin/ledger.hpp"

using namespace swaptwin::twin;
using namespace swaptwin::twin::testing;

namespace {

posting make(std::string key, posting_kind kind, std::int64_t minor, std::string currency = "CNY") {
  posting p;
  p.key = std::move(key);
  p.at = now();
  p.rider_id = "R1";
  p.kind = kind;
  p.amount = money{minor, std::move(currency)};
  return p;
}

TEST(PostingKind, NamesAndRevenue) {
  const posting_kind kinds[] = {posting_kind::deposit_in,    posting_kind::deposit_refund, posting_kind::dues_payment,
                                posting_kind::wallet_topup,  posting_kind::plan_purchase,  posting_kind::usage_charge,
                                posting_kind::tax};
  for (auto k : kinds) {
    posting_kind back = posting_kind::tax;
    ASSERT_TRUE(from_string(to_string(k), back));
    EXPECT_EQ(back, k);
    EXPECT_EQ(is_revenue(k), k == posting_kind::plan_purchase || k == posting_kind::usage_charge) << to_string(k);
  }
  EXPECT_EQ(to_string(posting_kind::deposit_refund), "deposit_refund");
  posting_kind k = posting_kind::tax;
  EXPECT_FALSE(from_string("refund", k));
  EXPECT_EQ(k, posting_kind::tax);
}

TEST(Ledger, StartsEmpty) {
  const ledger l;
  EXPECT_TRUE(l.postings().empty());
  EXPECT_FALSE(l.contains("x"));
  EXPECT_TRUE(l.revenue_by_currency().empty());
}

TEST(Ledger, SameKeyTwiceIsAppendedOnce) {
  ledger l;
  EXPECT_TRUE(l.append(make("swap-1", posting_kind::usage_charge, 500)));
  EXPECT_TRUE(l.contains("swap-1"));
  // Resent event: same key, even with a different amount, is ignored.
  EXPECT_FALSE(l.append(make("swap-1", posting_kind::usage_charge, 999)));
  ASSERT_EQ(l.postings().size(), 1u);
  EXPECT_EQ(l.postings()[0].amount.minor, 500);
  EXPECT_EQ(l.revenue_by_currency().at("CNY"), 500);
}

TEST(Ledger, KeepsAppendOrder) {
  ledger l;
  ASSERT_TRUE(l.append(make("b", posting_kind::wallet_topup, 1)));
  ASSERT_TRUE(l.append(make("a", posting_kind::wallet_topup, 2)));
  ASSERT_TRUE(l.append(make("c", posting_kind::wallet_topup, 3)));
  ASSERT_EQ(l.postings().size(), 3u);
  EXPECT_EQ(l.postings()[0].key, "b");
  EXPECT_EQ(l.postings()[1].key, "a");
  EXPECT_EQ(l.postings()[2].key, "c");
}

TEST(Ledger, ReleaseMovesThePostingsOutInOrderAndEmptiesIt) {
  ledger l;
  ASSERT_TRUE(l.append(make("a", posting_kind::usage_charge, 100)));
  ASSERT_TRUE(l.append(make("b", posting_kind::usage_charge, 200)));
  auto out = l.release();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].key, "a");
  EXPECT_EQ(out[1].key, "b");
  EXPECT_TRUE(l.postings().empty());
  EXPECT_FALSE(l.contains("a"));
  EXPECT_TRUE(l.append(make("a", posting_kind::usage_charge, 100)));
}

TEST(Ledger, RevenueCountsOnlyPlanPurchasesAndUsageCharges) {
  ledger l;
  ASSERT_TRUE(l.append(make("dep", posting_kind::deposit_in, 50000)));
  ASSERT_TRUE(l.append(make("top", posting_kind::wallet_topup, 10000)));
  ASSERT_TRUE(l.append(make("buy", posting_kind::plan_purchase, 29900)));
  ASSERT_TRUE(l.append(make("buy:tax", posting_kind::tax, 3887)));
  ASSERT_TRUE(l.append(make("swap", posting_kind::usage_charge, 500)));
  ASSERT_TRUE(l.append(make("swap:tax", posting_kind::tax, 65)));
  ASSERT_TRUE(l.append(make("ref", posting_kind::deposit_refund, -50000)));
  ASSERT_TRUE(l.append(make("ref:dues", posting_kind::dues_payment, 12000)));
  ASSERT_TRUE(l.append(make("ke-buy", posting_kind::plan_purchase, 150000, "KES")));
  ASSERT_TRUE(l.append(make("ke-swap", posting_kind::usage_charge, 2500, "KES")));
  ASSERT_TRUE(l.append(make("ke-swap:tax", posting_kind::tax, 400, "KES")));
  const auto revenue = l.revenue_by_currency();
  // CNY: 29900 + 500 = 30400; KES: 150000 + 2500 = 152500. Tax, deposits, top-ups excluded.
  const std::map<std::string, std::int64_t> expected{{"CNY", 30400}, {"KES", 152500}};
  EXPECT_EQ(revenue, expected);
}

TEST(Ledger, ResentSettlementCannotChargeTwice) {
  // A pay-per-swap settlement produces "swap-77" and "swap-77:tax"; replaying the same cabinet
  // event yields the same keys, which the ledger refuses.
  rider r = valid_rider();
  r.plan = subscribed(per_swap(), at("2026-11-01"));
  r.balance_minor = 5000;
  swap_usage u;
  u.station_sn = "ST-1";
  u.model_id = "60V";
  u.returned_sn = "P-OLD";
  u.energy_drawn_wh = 800;
  u.issued_sn = "P-NEW";
  auto first = settle_swap(r, per_swap(), cn_policy(), u, now(), "swap-77");
  auto again = settle_swap(r, per_swap(), cn_policy(), u, now(), "swap-77");
  ASSERT_TRUE(first.ok() && again.ok());
  ledger l;
  for (auto& p : first->change.postings) EXPECT_TRUE(l.append(p));
  for (auto& p : again->change.postings) EXPECT_FALSE(l.append(p));
  ASSERT_EQ(l.postings().size(), 2u);
  EXPECT_TRUE(l.contains("swap-77"));
  EXPECT_TRUE(l.contains("swap-77:tax"));
  EXPECT_EQ(l.revenue_by_currency().at("CNY"), 500);
}

TEST(Ledger, PurchaseAndRefundKeysDoNotCollide) {
  // A plan purchase and a deposit refund under distinct caller keys all land, with their
  // derived ":tax" and ":dues" keys.
  rider r = valid_rider();
  r.holding_sn.clear();
  r.holding_model.clear();
  r.balance_minor = -1000;
  r.owed_since = at("2026-11-14");
  r.plan.reset();
  auto buy = buy_plan(r, month_unlimited(), cn_policy(), now(), "evt-1");
  auto refund = refund_deposit(r, "60V", now(), "evt-2");
  ASSERT_TRUE(buy.ok() && refund.ok());
  ledger l;
  for (auto& p : buy->postings) EXPECT_TRUE(l.append(p));
  for (auto& p : refund->postings) EXPECT_TRUE(l.append(p));
  ASSERT_EQ(l.postings().size(), 4u);
  EXPECT_EQ(l.postings()[0].key, "evt-1");
  EXPECT_EQ(l.postings()[1].key, "evt-1:tax");
  EXPECT_EQ(l.postings()[2].key, "evt-2");
  EXPECT_EQ(l.postings()[3].key, "evt-2:dues");
  EXPECT_EQ(l.revenue_by_currency().at("CNY"), 29900);
}

}  // namespace
