// Billing never wraps money: a top-up, refund, plan price, usage charge or tax that would take an
// amount or a wallet outside the money range (twin::money_limit_minor) is refused, changing nothing.
// And the wallet rule admin check uses (wallet_delta) agrees with what the billing rules do.

#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "twin/billing.hpp"

using namespace swaptwin::twin;
using namespace swaptwin::twin::testing;

namespace {

constexpr std::int64_t almost_full = money_limit_minor - 100;

TEST(MoneyRange, ATopUpThatWouldOverflowTheWalletIsRefused) {
  rider r = valid_rider();
  r.balance_minor = almost_full;
  auto ok = top_up(r, cn_policy(), money{100, "CNY"}, now(), "t-1");
  ASSERT_TRUE(ok.ok()) << ok.err().what();
  EXPECT_EQ(ok->after.balance_minor, money_limit_minor);
  auto c = top_up(ok->after, cn_policy(), money{1, "CNY"}, now(), "t-2");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.err().what(),
            "money.out_of_range: the wallet of rider R1 holds 10000000000000.00 CNY; moving it by 0.01 CNY would "
            "leave the range of -10000000000000.00 CNY to 10000000000000.00 CNY. Nothing changed");
}

TEST(MoneyRange, TheTestersNineThousandMaximalTopUpsStopAtTheLimit) {
  // 9,300 top-ups of the largest amount accepted once wrapped the wallet negative; now the first one
  // that would pass the limit is refused and the wallet stays at what was posted.
  rider r = valid_rider();
  r.balance_minor = 0;
  const money biggest{999'999'999'999'999, "CNY"};
  int applied = 0;
  for (int i = 0; i < 9300; ++i) {
    auto c = top_up(r, cn_policy(), biggest, now(), "t-" + std::to_string(i));
    if (!c.ok()) {
      EXPECT_EQ(c.code(), errc::money_out_of_range);
      break;
    }
    r = c->after;
    ++applied;
  }
  EXPECT_EQ(applied, 1);
  EXPECT_EQ(r.balance_minor, biggest.minor);
}

TEST(MoneyRange, AnAbsurdUsageChargeIsRefusedNotWrapped) {
  // A price per kWh at the limit times a normal swap's energy is beyond the range.
  plan p = per_kwh();
  p.unit_price_minor = money_limit_minor;
  rider r = valid_rider();
  r.plan = subscribed(p, at("2026-11-01"));
  swap_usage u{"SZ-0001", "60V", r.holding_sn, 900, "P-NEW"};
  auto s = settle_swap(r, p, cn_policy(), u, now(), "swap-1");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), errc::money_out_of_range);
}

TEST(MoneyRange, AChargeThatWouldTakeTheWalletBelowTheRangeIsRefused) {
  plan p = per_swap();
  rider r = valid_rider();
  r.plan = subscribed(p, at("2026-11-01"));
  r.balance_minor = -money_limit_minor;  // postpaid dues at the very bottom of the range
  swap_usage u{"SZ-0001", "60V", r.holding_sn, 900, "P-NEW"};
  auto s = settle_swap(r, p, cn_policy(), u, now(), "swap-1");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), errc::money_out_of_range);
}

TEST(MoneyRange, APlanPricedBeyondTheRangeCannotBeSold) {
  plan p = month_unlimited();
  p.price_minor = money_limit_minor + 1;
  auto c = buy_plan(valid_rider(), p, cn_policy(), now(), "buy-1");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.code(), errc::money_out_of_range);
}

TEST(WalletDelta, SumsOfPostingsEqualTheWalletTheRulesLeave) {
  // Deposit, top-up, a plan, a metered swap with tax, a refund netting dues: replay the postings
  // through wallet_delta and compare with the wallet the rules computed.
  rider r = valid_rider();
  r.deposits.clear();
  r.balance_minor = 0;
  r.plan.reset();
  r.holding_sn.clear();
  std::vector<posting> all;
  auto take = [&](const result<rider_change>& c) {
    ASSERT_TRUE(c.ok()) << c.err().what();
    r = c->after;
    all.insert(all.end(), c->postings.begin(), c->postings.end());
  };
  take(pay_deposit(r, cn_policy(), "60V", money{50000, "CNY"}, now(), "dep"));
  take(top_up(r, cn_policy(), money{1000, "CNY"}, now(), "top"));
  take(buy_plan(r, per_kwh(), cn_policy(), now(), "plan"));
  r.holding_sn = "P-OLD";
  r.holding_model = "60V";
  auto s = settle_swap(r, per_kwh(), cn_policy(), swap_usage{"SZ-0001", "60V", "P-OLD", 20000, "P-NEW"}, now(), "sw");
  ASSERT_TRUE(s.ok()) << s.err().what();
  EXPECT_LT(s->change.after.balance_minor, 0);  // 20 kWh cost more than the wallet held: dues
  take(s->change);
  r.holding_sn.clear();
  take(refund_deposit(r, "60V", now(), "ref"));
  std::map<std::string, posting_kind> kinds;
  for (const auto& p : all) kinds[p.key] = p.kind;
  std::int64_t sum = 0;
  for (const auto& p : all) {
    std::optional<posting_kind> taxed;
    if (auto base = taxed_key(p.key); !base.empty() && kinds.count(base)) taxed = kinds[base];
    sum += wallet_delta(p.kind, p.amount.minor, taxed);
  }
  EXPECT_EQ(sum, r.balance_minor);
  EXPECT_EQ(r.balance_minor, 0);  // the refund netted the dues
}

TEST(WalletDelta, TaxFollowsWhatItIsLeviedOn) {
  EXPECT_EQ(wallet_delta(posting_kind::tax, 13, posting_kind::usage_charge), -13);
  EXPECT_EQ(wallet_delta(posting_kind::tax, 13, posting_kind::plan_purchase), 0);
  EXPECT_EQ(wallet_delta(posting_kind::tax, 13, std::nullopt), 0);
  EXPECT_EQ(wallet_delta(posting_kind::deposit_in, 500, std::nullopt), 0);
  EXPECT_EQ(taxed_key("ocpp:SN:7:tax"), "ocpp:SN:7");
  EXPECT_EQ(taxed_key(":tax"), "");
  EXPECT_EQ(taxed_key("tax"), "");
}

}  // namespace
