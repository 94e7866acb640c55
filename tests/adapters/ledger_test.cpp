// The ledger in SQLite: idempotent appends, atomic billing commits and swaps, and the
// append-only guarantee.

#include <gtest/gtest.h>

#include "fixtures.hpp"

using namespace swaptwin::adapters;
using namespace swaptwin::adapters::testing;

namespace {

class LedgerTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    s = std::make_unique<store>(path());
    ASSERT_DONE(s->set_country(cn_policy()));
    ASSERT_DONE(s->add_plan(month_plan()));
    ASSERT_DONE(s->add_plan(kwh_plan()));
    ASSERT_DONE(s->set_deposit("60V", money{50000, "CNY"}));
    ASSERT_DONE(s->add_rider(cn_rider("R1", at("2026-11-01T08:00:00Z"))));
    ASSERT_DONE(s->add_station(station_4("ST-1", "Nanshan")));
    for (const char* sn : {"P-1", "P-3", "P-OLD"}) {
      battery b;
      b.sn = sn;
      b.model_id = "60V";
      b.soc = 0.5;
      ASSERT_DONE(s->add_battery(b));
    }
  }
  std::unique_ptr<store> s;
};

TEST_F(LedgerTest, AppendPostingsSkipsRepeatedKeys) {
  const auto t = at("2026-11-20T10:00:00Z");
  std::vector<posting> batch{make_posting("k1", "R1", posting_kind::wallet_topup, 1000, t),
                             make_posting("k2", "R1", posting_kind::wallet_topup, 2000, t),
                             make_posting("k1", "R1", posting_kind::wallet_topup, 9999, t)};
  EXPECT_EQ(s->append_postings(batch), 2u);
  EXPECT_EQ(count_rows(s->db(), "ledger"), 2);
  // The same keys again append nothing, even with other amounts.
  batch[1].amount.minor = 7777;
  EXPECT_EQ(s->append_postings(batch), 0u);
  EXPECT_EQ(count_rows(s->db(), "ledger"), 2);
  // A mix of old and new keys appends only the new.
  EXPECT_EQ(s->append_postings({make_posting("k2", "R1", posting_kind::wallet_topup, 1, t),
                                make_posting("k3", "R1", posting_kind::tax, 130, t)}),
            1u);
  auto all = s->postings();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].key, "k1");
  EXPECT_EQ(all[0].amount.minor, 1000);  // first write wins
  EXPECT_EQ(all[1].key, "k2");
  EXPECT_EQ(all[1].amount.minor, 2000);
  EXPECT_EQ(all[2].key, "k3");
  EXPECT_EQ(all[2].kind, posting_kind::tax);
  EXPECT_EQ(s->append_postings({}), 0u);
}

TEST_F(LedgerTest, PostingFieldsRoundTripAndFilterByRider) {
  posting p = make_posting("sale-1", "R1", posting_kind::plan_purchase, 29900, at("2026-11-20T10:00:00Z"), "CNY",
                           plan_kind::period);
  p.at += std::chrono::milliseconds{123};
  p.plan_id = "month-60";
  p.station_sn = "ST-1";
  p.memo = "purchase";
  ASSERT_EQ(s->append_postings({p, make_posting("other", "R2", posting_kind::wallet_topup, 5, p.at)}), 2u);
  auto mine = s->postings("R1");
  ASSERT_EQ(mine.size(), 1u);
  const auto& q = mine[0];
  EXPECT_EQ(q.key, "sale-1");
  EXPECT_EQ(to_ms(q.at), to_ms(at("2026-11-20T10:00:00Z")) + 123);
  EXPECT_EQ(q.rider_id, "R1");
  EXPECT_EQ(q.kind, posting_kind::plan_purchase);
  EXPECT_EQ(q.amount, (money{29900, "CNY"}));
  ASSERT_TRUE(q.plan);
  EXPECT_EQ(*q.plan, plan_kind::period);
  EXPECT_EQ(q.plan_id, "month-60");
  EXPECT_EQ(q.station_sn, "ST-1");
  EXPECT_EQ(q.memo, "purchase");
  EXPECT_EQ(s->postings("R2").size(), 1u);
  EXPECT_EQ(s->postings().size(), 2u);
  EXPECT_TRUE(s->postings("nobody").empty());
}

// A key reused for a different operation (another amount) is a conflict, not a silent repeat.
TEST_F(LedgerTest, KeyReusedForAnotherAmountIsAConflictAndWritesNothing) {
  auto r = *s->rider("R1");
  auto first = top_up(r, cn_policy(), money{5000, "CNY"}, at("2026-11-20T10:00:00Z"), "k-top");
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(s->commit(*first), commit_outcome::applied);
  auto other = top_up(first->after, cn_policy(), money{7000, "CNY"}, at("2026-11-20T10:01:00Z"), "k-top");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(s->commit(*other), commit_outcome::conflict);
  EXPECT_EQ(s->rider("R1")->balance_minor, 5000);
  EXPECT_EQ(count_rows(s->db(), "ledger"), 1);
}

TEST_F(LedgerTest, CommitOfTheSameChangeTwiceAppliesOnce) {
  auto r = *s->rider("R1");
  auto change = buy_plan(r, month_plan(), cn_policy(), at("2026-11-20T10:00:00Z"), "buy-1");
  ASSERT_TRUE(change.ok()) << change.err().what();
  auto topup = top_up(change->after, cn_policy(), money{10000, "CNY"}, at("2026-11-20T10:05:00Z"), "top-1");
  ASSERT_TRUE(topup.ok());

  EXPECT_EQ(s->commit(*change), commit_outcome::applied);
  EXPECT_EQ(s->commit(*topup), commit_outcome::applied);
  EXPECT_EQ(s->commit(*change), commit_outcome::duplicate);  // a resent purchase
  EXPECT_EQ(s->commit(*topup), commit_outcome::duplicate);

  auto back = s->rider("R1");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->balance_minor, 10000);
  ASSERT_TRUE(back->plan);
  EXPECT_EQ(back->plan->plan_id, "month-60");
  EXPECT_EQ(back->plan->swap_cap, 60);
  ASSERT_TRUE(back->plan->expires_at);
  EXPECT_EQ(*back->plan->expires_at, at("2026-12-20T10:00:00Z"));
  auto ps = s->postings("R1");
  ASSERT_EQ(ps.size(), 3u);
  EXPECT_EQ(ps[0].key, "buy-1");
  EXPECT_EQ(ps[0].amount.minor, 29900);
  EXPECT_EQ(ps[1].key, "buy-1:tax");
  EXPECT_EQ(ps[1].amount.minor, 3887);  // 13 % of 299.00
  EXPECT_EQ(ps[2].key, "top-1");
}

TEST_F(LedgerTest, StaleCommitDoesNotOverwriteTheRider) {
  auto r = *s->rider("R1");
  auto first = top_up(r, cn_policy(), money{5000, "CNY"}, at("2026-11-20T10:00:00Z"), "top-1");
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(s->commit(*first), commit_outcome::applied);
  auto second = top_up(first->after, cn_policy(), money{3000, "CNY"}, at("2026-11-20T11:00:00Z"), "top-2");
  ASSERT_EQ(s->commit(*second), commit_outcome::applied);
  // The first change again carries a balance of 50.00: refused, balance stays 80.00.
  EXPECT_EQ(s->commit(*first), commit_outcome::duplicate);
  EXPECT_EQ(s->rider("R1")->balance_minor, 8000);
}

TEST_F(LedgerTest, DepositPaidAndRefundedThroughCommit) {
  auto r = *s->rider("R1");
  auto price = s->deposit("60V", "CNY");
  ASSERT_TRUE(price);
  auto paid = pay_deposit(r, cn_policy(), "60V", *price, at("2026-11-20T10:00:00Z"), "dep-1");
  ASSERT_TRUE(paid.ok());
  ASSERT_EQ(s->commit(*paid), commit_outcome::applied);
  auto back = *s->rider("R1");
  ASSERT_EQ(back.deposits.size(), 1u);
  EXPECT_EQ(back.deposits.at("60V"), (money{50000, "CNY"}));
  auto refunded = refund_deposit(back, "60V", at("2026-11-21T10:00:00Z"), "ref-1");
  ASSERT_TRUE(refunded.ok());
  ASSERT_EQ(s->commit(*refunded), commit_outcome::applied);
  EXPECT_TRUE(s->rider("R1")->deposits.empty());
  EXPECT_EQ(count_rows(s->db(), "rider_deposits"), 0);
  EXPECT_EQ(s->db().scalar("SELECT sum(amount_minor) FROM ledger"), 0);
}

TEST_F(LedgerTest, RecordSwapWithTheSameKeyRecordsOnce) {
  auto r = *s->rider("R1");
  ASSERT_EQ(s->commit(*buy_plan(r, kwh_plan(), cn_policy(), at("2026-11-20T09:00:00Z"), "buy-kwh")),
            commit_outcome::applied);
  r = *s->rider("R1");
  r.holding_sn = "P-OLD";
  r.holding_model = "60V";
  ASSERT_EQ(s->commit(rider_change{r, {}}), commit_outcome::applied);

  auto st = *s->station("ST-1");
  auto packs = std::vector<battery>{*s->battery("P-OLD"), *s->battery("P-1")};
  swap_usage u{"ST-1", "60V", "P-OLD", 1000, "P-1"};
  auto settled = settle_swap(r, kwh_plan(), cn_policy(), u, at("2026-11-20T10:00:00Z"), "swap-1");
  ASSERT_TRUE(settled.ok()) << settled.err().what();
  EXPECT_EQ(settled->net.minor, 150);  // 1 kWh at 1.50
  EXPECT_EQ(settled->tax.minor, 20);   // 13 % of 1.50, rounded
  auto slots = choose_slots(st, "60V", true);
  ASSERT_TRUE(slots.ok());
  EXPECT_EQ(slots->slot_in, 2);
  EXPECT_EQ(slots->slot_out, 1);
  apply_swap(st, *slots, &packs[0], 0.2, 1560, packs[1], "R1");

  swap_record rec;
  rec.key = "swap-1";
  rec.at = at("2026-11-20T10:00:00Z");
  rec.rider_id = "R1";
  rec.station_sn = "ST-1";
  rec.model_id = "60V";
  rec.slot_in = slots->slot_in;
  rec.returned_sn = "P-OLD";
  rec.returned_soc = 0.2;
  rec.slot_out = slots->slot_out;
  rec.issued_sn = "P-1";
  rec.energy_wh = 1000;
  rec.km_m = settled->km_m;
  rec.net = settled->net;
  rec.tax = settled->tax;
  rec.plan = plan_kind::energy;

  EXPECT_TRUE(s->record_swap(rec, settled->change, st, packs));
  EXPECT_FALSE(s->record_swap(rec, settled->change, st, packs));

  EXPECT_EQ(count_rows(s->db(), "swaps"), 1);
  auto swaps = s->swaps("R1");
  ASSERT_EQ(swaps.size(), 1u);
  const auto& w = swaps[0];
  EXPECT_EQ(w.key, "swap-1");
  EXPECT_EQ(w.at, rec.at);
  EXPECT_EQ(w.station_sn, "ST-1");
  EXPECT_EQ(w.model_id, "60V");
  EXPECT_EQ(w.slot_in, 2);
  EXPECT_EQ(w.returned_sn, "P-OLD");
  EXPECT_DOUBLE_EQ(w.returned_soc, 0.2);
  EXPECT_EQ(w.slot_out, 1);
  EXPECT_EQ(w.issued_sn, "P-1");
  EXPECT_EQ(w.energy_wh, 1000);
  EXPECT_EQ(w.km_m, 40000);  // 1000 Wh at 25 Wh/km
  EXPECT_EQ(w.net, (money{150, "CNY"}));
  EXPECT_EQ(w.tax, (money{20, "CNY"}));
  EXPECT_EQ(w.plan, plan_kind::energy);
  EXPECT_TRUE(s->swaps("R2").empty());

  auto back = *s->rider("R1");
  EXPECT_EQ(back.balance_minor, -170);  // charged once
  EXPECT_EQ(back.holding_sn, "P-1");
  EXPECT_EQ(back.plan->swaps_used, 1);
  EXPECT_EQ(s->postings("R1").size(), 2u);  // buy-kwh has no price: charge + tax only

  auto st_back = *s->station("ST-1");
  EXPECT_EQ(st_back.slots[0].state, slot_state::empty);
  EXPECT_EQ(st_back.slots[0].battery_sn, "");
  EXPECT_EQ(st_back.slots[1].state, slot_state::charging);
  EXPECT_EQ(st_back.slots[1].battery_sn, "P-OLD");
  EXPECT_EQ(s->battery("P-1")->place, pack_place::rider);
  EXPECT_EQ(s->battery("P-1")->place_ref, "R1");
  EXPECT_EQ(s->battery("P-OLD")->place, pack_place::slot);
}

TEST_F(LedgerTest, FailedSwapRecordChangesNothing) {
  auto r = *s->rider("R1");
  swap_record rec;
  rec.key = "swap-bad";
  rec.at = at("2026-11-20T10:00:00Z");
  rec.rider_id = "R1";
  rec.station_sn = "ST-1";
  rec.model_id = "60V";
  rec.slot_out = 1;
  rec.issued_sn = "P-1";
  rec.net = money{0, "CNY"};
  rec.tax = money{0, "CNY"};
  rider_change c{r, {make_posting("swap-bad", "R1", posting_kind::usage_charge, 500, rec.at)}};
  c.after.balance_minor = -500;
  // A deposit for a model the catalogue lacks breaks a foreign key half way through.
  c.after.deposits["99V"] = money{1, "CNY"};
  EXPECT_THROW(s->record_swap(rec, c, *s->station("ST-1"), {}), sql::store_error);
  EXPECT_FALSE(s->db().in_transaction());
  EXPECT_EQ(count_rows(s->db(), "swaps"), 0);
  EXPECT_EQ(count_rows(s->db(), "ledger"), 0);
  EXPECT_EQ(s->rider("R1")->balance_minor, 0);
  // And the same key can be recorded once the problem is fixed.
  c.after.deposits.clear();
  EXPECT_TRUE(s->record_swap(rec, c, *s->station("ST-1"), {}));
  EXPECT_EQ(s->rider("R1")->balance_minor, -500);
}

TEST_F(LedgerTest, TwoConnectionsShareOneIdempotentLedger) {
  store other{path()};
  const auto t = at("2026-11-20T10:00:00Z");
  EXPECT_EQ(s->append_postings({make_posting("k1", "R1", posting_kind::wallet_topup, 1000, t)}), 1u);
  EXPECT_EQ(other.append_postings({make_posting("k1", "R1", posting_kind::wallet_topup, 1000, t),
                                   make_posting("k2", "R1", posting_kind::wallet_topup, 500, t)}),
            1u);
  EXPECT_EQ(s->postings("R1").size(), 2u);
  auto r = *other.rider("R1");
  auto change = top_up(r, cn_policy(), money{700, "CNY"}, t, "k3");
  ASSERT_TRUE(change.ok());
  EXPECT_EQ(other.commit(*change), commit_outcome::applied);
  EXPECT_EQ(s->commit(*change), commit_outcome::duplicate);
  EXPECT_EQ(s->rider("R1")->balance_minor, 700);
  EXPECT_EQ(count_rows(s->db(), "ledger"), 3);
}

TEST_F(LedgerTest, LedgerIsAppendOnly) {
  ASSERT_EQ(s->append_postings({make_posting("k1", "R1", posting_kind::wallet_topup, 1000,
                                             at("2026-11-20T10:00:00Z"))}),
            1u);
  auto& db = s->db();
  EXPECT_THROW(db.exec("UPDATE ledger SET amount_minor = 1"), sql::store_error);
  EXPECT_THROW(db.exec("UPDATE ledger SET memo = 'edited' WHERE idempotency_key = 'k1'"), sql::store_error);
  EXPECT_THROW(db.exec("DELETE FROM ledger"), sql::store_error);
  EXPECT_THROW(db.exec("DELETE FROM ledger WHERE idempotency_key = 'k1'"), sql::store_error);
  // An upsert on an existing key is ignored (migration 4's trigger) rather than reaching the UPDATE.
  db.exec("INSERT INTO ledger (idempotency_key, at_ms, rider_id, kind, amount_minor, currency) "
          "VALUES ('k1', 0, 'R1', 'tax', 5, 'CNY') "
          "ON CONFLICT (idempotency_key) DO UPDATE SET amount_minor = 5");
  auto ps = s->postings();
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_EQ(ps[0].amount.minor, 1000);
  EXPECT_EQ(ps[0].memo, "");
}

// INSERT OR REPLACE resolves a key conflict by deleting the old row, and SQLite fires no DELETE
// trigger for that unless recursive_triggers is on: the posting would be silently rewritten.
TEST_F(LedgerTest, LedgerRefusesReplaceOfAPosting) {
  ASSERT_EQ(s->append_postings({make_posting("k1", "R1", posting_kind::wallet_topup, 1000,
                                             at("2026-11-20T10:00:00Z"))}),
            1u);
  try {
    s->db().exec("INSERT OR REPLACE INTO ledger (idempotency_key, at_ms, rider_id, kind, amount_minor, currency) "
                 "VALUES ('k1', 0, 'R1', 'wallet_topup', 1, 'CNY')");
  } catch (const sql::store_error&) {
  }
  auto ps = s->postings();
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_EQ(ps[0].amount.minor, 1000) << "a posting was rewritten through INSERT OR REPLACE";
}

}  // namespace
