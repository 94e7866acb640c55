// The back office's invariants (adapters/store_check.hpp): a back office written through the
// rules is clean, and each invariant is found broken when a test plants one violation of it with
// raw SQL (as a bug, a crash or a hand edit would leave it).

#include <fstream>

#include <gtest/gtest.h>

#include "adapters/sqlite.hpp"
#include "adapters/store_check.hpp"
#include "fixtures.hpp"
#include "twin/billing.hpp"

using namespace swaptwin::adapters;
using namespace swaptwin::adapters::testing;

namespace {

class StoreCheck : public StoreTest {
 protected:
  // A small back office made only through the billing rules and the store: R1 paid a 60V deposit,
  // topped up, bought the per-kWh plan and swapped P-OLD for P-1 at ST-1; R2 has nothing.
  void SetUp() override {
    StoreTest::SetUp();
    s = std::make_unique<store>(path());
    const auto t0 = at("2026-11-20T08:00:00Z");
    ASSERT_DONE(s->set_country(cn_policy()));
    ASSERT_DONE(s->add_plan(kwh_plan()));
    ASSERT_DONE(s->set_deposit("60V", money{50000, "CNY"}));
    ASSERT_DONE(s->add_rider(cn_rider("R1", t0)));
    ASSERT_DONE(s->add_rider(cn_rider("R2", t0)));
    auto st = station_4("ST-1", "Nanshan");
    ASSERT_DONE(s->add_station(st));
    for (const auto& sl : st.slots) {
      if (sl.battery_sn.empty()) continue;
      ASSERT_DONE(s->add_battery(in_slot(sl.battery_sn, sl.model_id, "ST-1:" + std::to_string(sl.index))));
    }
    battery old = in_slot("P-OLD", "60V", "R1");
    old.place = pack_place::rider;
    ASSERT_DONE(s->add_battery(old));
    apply("R1", [&](const rider& r) { return pay_deposit(r, cn_policy(), "60V", money{50000, "CNY"}, t0, "dep-R1"); });
    apply("R1", [&](const rider& r) { return top_up(r, cn_policy(), money{10000, "CNY"}, t0, "top-R1"); });
    apply("R1", [&](const rider& r) { return buy_plan(r, kwh_plan(), cn_policy(), t0, "buy-R1"); });
    apply("R1", [&](const rider& r) {
      rider_change c{r, {}};
      c.after.holding_sn = "P-OLD";
      c.after.holding_model = "60V";
      return result<rider_change>{c};
    });
    // The swap, as admin swap records it: P-OLD into slot 2, P-1 out of slot 1, 1 kWh billed.
    const auto t1 = at("2026-11-20T09:00:00Z");
    auto r = *s->rider("R1");
    auto settled = settle_swap(r, kwh_plan(), cn_policy(), swap_usage{"ST-1", "60V", "P-OLD", 1000, "P-1"}, t1, "swap-1");
    ASSERT_TRUE(settled.ok()) << settled.err().what();
    swap_record rec;
    rec.key = "swap-1";
    rec.at = t1;
    rec.rider_id = "R1";
    rec.station_sn = "ST-1";
    rec.model_id = "60V";
    rec.slot_in = 2;
    rec.returned_sn = "P-OLD";
    rec.slot_out = 1;
    rec.issued_sn = "P-1";
    rec.energy_wh = 1000;
    rec.net = settled->net;
    rec.tax = settled->tax;
    rec.plan = plan_kind::energy;
    auto after = st;
    after.slots[0].battery_sn.clear();
    after.slots[0].state = slot_state::empty;
    after.slots[1].battery_sn = "P-OLD";
    after.slots[1].model_id = "60V";
    after.slots[1].state = slot_state::charging;
    auto issued = *s->battery("P-1");
    issued.place = pack_place::rider;
    issued.place_ref = "R1";
    auto returned = *s->battery("P-OLD");
    returned.place = pack_place::slot;
    returned.place_ref = "ST-1:2";
    ASSERT_TRUE(s->record_swap(rec, settled->change, after, {issued, returned}));
  }

  static battery in_slot(const std::string& sn, const std::string& model, const std::string& ref) {
    battery b;
    b.sn = sn;
    b.model_id = model;
    b.soc = 0.5;
    b.place = pack_place::slot;
    b.place_ref = ref;
    return b;
  }

  void apply(const std::string& id, const std::function<result<rider_change>(const rider&)>& rule) {
    auto c = s->change_rider(id, rule);
    ASSERT_TRUE(c.ok()) << c.err().what();
    ASSERT_EQ(c->outcome, commit_outcome::applied);
  }

  // The violations of `invariant` (all of them when empty).
  std::vector<violation> found(const std::string& invariant = {}) {
    std::vector<violation> out;
    for (auto& v : check_invariants(*s).violations)
      if (invariant.empty() || v.invariant == invariant) out.push_back(v);
    return out;
  }

  static std::string show(const std::vector<violation>& vs) {
    std::string out;
    for (const auto& v : vs) out += v.invariant + " | " + v.subject + " | " + v.detail + "\n";
    return out;
  }

  std::unique_ptr<store> s;
};

TEST_F(StoreCheck, ABackOfficeWrittenThroughTheRulesIsClean) {
  auto report = check_invariants(*s);
  EXPECT_TRUE(report.violations.empty()) << show(report.violations);
  for (const auto& id : check_invariant_ids()) EXPECT_GT(report.checked[id], 0) << id << " looked at nothing";
  EXPECT_EQ(s->rider("R1")->holding_sn, "P-1");
}

TEST_F(StoreCheck, AWalletThatDoesNotEqualItsPostingsIsFound) {
  s->db().exec("UPDATE riders SET balance_minor = balance_minor + 4200 WHERE id = 'R1'");
  auto v = found();
  ASSERT_EQ(v.size(), 1u) << show(v);
  EXPECT_EQ(v[0].invariant, "wallet.sum");
  EXPECT_EQ(v[0].subject, "rider R1");
  const auto balance = s->rider("R1")->balance_minor;
  EXPECT_EQ(v[0].detail, "the wallet holds " + format_money(money{balance, "CNY"}) + " but the postings add up to " +
                             format_money(money{balance - 4200, "CNY"}) + " (42.00 CNY unaccounted)");
  EXPECT_NE(v[0].fix.find("admin rider show R1"), std::string::npos);
}

TEST_F(StoreCheck, AReusedLedgerKeyIsFound) {
  // Only a schema edited by hand lets a key in twice: rebuild the ledger without its unique key.
  auto& db = s->db();
  db.exec(
      "ALTER TABLE ledger RENAME TO ledger_old;"
      "CREATE TABLE ledger (id INTEGER PRIMARY KEY, idempotency_key TEXT NOT NULL, at_ms INTEGER NOT NULL, "
      "rider_id TEXT NOT NULL, kind TEXT NOT NULL, amount_minor INTEGER NOT NULL, currency TEXT NOT NULL, "
      "plan_kind TEXT, plan_id TEXT NOT NULL DEFAULT '', station_sn TEXT NOT NULL DEFAULT '', memo TEXT NOT NULL "
      "DEFAULT '') STRICT;"
      "INSERT INTO ledger SELECT * FROM ledger_old; DROP TABLE ledger_old;"
      "INSERT INTO ledger (idempotency_key, at_ms, rider_id, kind, amount_minor, currency) "
      "SELECT idempotency_key, at_ms, rider_id, kind, amount_minor, currency FROM ledger WHERE idempotency_key = 'dep-R1'");
  auto v = found();
  ASSERT_EQ(v.size(), 1u) << show(v);
  EXPECT_EQ(v[0].invariant, "ledger.key_unique");
  EXPECT_EQ(v[0].subject, "ledger key dep-R1");
  EXPECT_EQ(v[0].detail, "2 postings share this key");
}

TEST_F(StoreCheck, AnAmountBeyondTheMoneyRangeIsFound) {
  s->db().exec("UPDATE plans SET price_minor = 9000000000000000000 WHERE id = 'per-kwh'");
  auto v = found();
  ASSERT_EQ(v.size(), 1u) << show(v);
  EXPECT_EQ(v[0].invariant, "money.range");
  EXPECT_EQ(v[0].subject, "plan per-kwh");
  EXPECT_EQ(v[0].detail, "the price is 9000000000000000000 minor units of CNY, beyond ±10000000000000.00 CNY");
}

TEST_F(StoreCheck, PostingsWhoseSumLeavesTheRangeAreReportedNotOverflowed) {
  // Ten postings of nine quintillion: their SQL sum() would fail with "integer overflow".
  for (int i = 0; i < 10; ++i)
    s->db().exec("INSERT INTO ledger (idempotency_key, at_ms, rider_id, kind, amount_minor, currency) VALUES ('big-" +
                 std::to_string(i) + "', 0, 'R2', 'wallet_topup', 9000000000000000000, 'CNY')");
  auto v = found("money.range");
  ASSERT_EQ(v.size(), 11u) << show(v);  // each posting, and R2's sum of them
  EXPECT_EQ(v.back().subject, "rider R2");
  EXPECT_EQ(v.back().detail, "the postings sum to 90000000000000000000 minor units of CNY, beyond the money range");
  auto w = found("wallet.sum");
  ASSERT_EQ(w.size(), 1u) << show(w);
  EXPECT_EQ(w[0].subject, "rider R2");
}

TEST_F(StoreCheck, APackRecordedElsewhereThanTheSlotHoldingItIsFound) {
  s->db().exec("UPDATE batteries SET place = 'warehouse', place_ref = '' WHERE sn = 'P-3'");
  auto v = found();
  ASSERT_EQ(v.size(), 1u) << show(v);
  EXPECT_EQ(v[0].invariant, "pack.one_place");
  EXPECT_EQ(v[0].subject, "pack P-3");
  EXPECT_EQ(v[0].detail, "slot ST-1:3 holds it, but it is recorded at warehouse");
}

TEST_F(StoreCheck, APackHeldByTwoRidersIsFound) {
  s->db().exec("INSERT INTO rider_deposits VALUES ('R2', '60V', 50000, 'CNY')");  // R2 may hold one: only the place is wrong
  s->db().exec("UPDATE riders SET holding_sn = 'P-1', holding_model = '60V' WHERE id = 'R2'");
  auto v = found("pack.one_place");
  ASSERT_FALSE(v.empty());
  EXPECT_EQ(v[0].subject, "pack P-1");
  EXPECT_EQ(v[0].detail, "held by 2 riders: R1, R2");
}

TEST_F(StoreCheck, ASlotClaimedByTwoPacksIsFound) {
  s->db().exec("UPDATE batteries SET place_ref = 'ST-1:4' WHERE sn = 'P-3'");
  auto v = found("slot.one_pack");
  ASSERT_EQ(v.size(), 1u) << show(found());
  EXPECT_EQ(v[0].subject, "slot ST-1:4");
  EXPECT_EQ(v[0].detail, "claimed by 2 packs: P-3, P-4");
}

TEST_F(StoreCheck, ARiderHoldingMorePacksThanDepositsIsFoundUnlessAnAnomalyIsOpen) {
  s->db().exec("DELETE FROM rider_deposits WHERE rider_id = 'R1'");
  auto v = found();
  ASSERT_EQ(v.size(), 1u) << show(v);
  EXPECT_EQ(v[0].invariant, "rider.packs_vs_deposits");
  EXPECT_EQ(v[0].subject, "rider R1");
  EXPECT_EQ(v[0].detail, "holds 1 pack(s) on 0 deposit(s), and no custody anomaly about them is open");

  anomaly a;
  a.kind = "second_pack";
  a.station_sn = "ST-1";
  a.rider_id = "R1";
  a.pack_sn = "P-1";
  a.detail = "the cabinet issued P-1 to a rider with no deposit";
  a.opened_at = at("2026-11-20T09:00:00Z");
  const auto id = s->open_anomaly(a);
  EXPECT_TRUE(found().empty()) << show(found());
  ASSERT_EQ(s->anomalies(true).size(), 1u);

  ASSERT_DONE(s->close_anomaly(id, at("2026-11-21T09:00:00Z"), "rider paid at the counter, deposit not recorded"));
  EXPECT_EQ(found("rider.packs_vs_deposits").size(), 1u);
  EXPECT_EQ(s->close_anomaly(id, at("2026-11-21T09:00:00Z"), "again").code(), errc::invalid_argument);
}

TEST_F(StoreCheck, ASwapChargedOtherwiseThanPricedIsFound) {
  s->db().exec("UPDATE swaps SET net_minor = net_minor + 1 WHERE idempotency_key = 'swap-1'");
  auto v = found();
  ASSERT_EQ(v.size(), 1u) << show(v);
  EXPECT_EQ(v[0].invariant, "swap.billed_once");
  EXPECT_EQ(v[0].subject, "swap swap-1");
  EXPECT_EQ(v[0].detail, "priced 1.51 CNY + tax 0.20 CNY but the ledger charged 1.50 CNY + tax 0.20 CNY");
}

TEST_F(StoreCheck, AUsageChargeWithNoSwapIsFound) {
  // A second charge for the same swap under another key: billed twice.
  s->db().exec(
      "INSERT INTO ledger (idempotency_key, at_ms, rider_id, kind, amount_minor, currency) "
      "VALUES ('swap-1-again', 0, 'R1', 'usage_charge', 150, 'CNY');"
      "UPDATE riders SET balance_minor = balance_minor - 150 WHERE id = 'R1'");
  auto v = found();
  ASSERT_EQ(v.size(), 1u) << show(v);
  EXPECT_EQ(v[0].invariant, "swap.billed_once");
  EXPECT_EQ(v[0].subject, "ledger key swap-1-again");
  EXPECT_EQ(v[0].detail, "a usage charge of 1.50 CNY to rider R1 with no recorded swap");
}

TEST_F(StoreCheck, ACorruptFileIsFound) {
  // Overwrite the middle of an index's root page: quick_check sees a malformed b-tree.
  const auto page = s->db().scalar("SELECT rootpage FROM sqlite_schema WHERE name = 'ledger_rider'");
  const auto page_size = s->db().scalar("PRAGMA page_size");
  s.reset();
  {
    std::fstream f(path(), std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(f.good());
    f.seekp((page - 1) * page_size);
    const std::string junk(static_cast<std::size_t>(page_size / 2), '\x5a');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  s = std::make_unique<store>(path());
  auto v = found("db.integrity");
  EXPECT_FALSE(v.empty()) << show(found());
}

}  // namespace
