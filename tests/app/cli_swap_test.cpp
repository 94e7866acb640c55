// `swaptwin admin authorize` and `swaptwin admin swap`.
#include "back_office.hpp"

namespace swaptwin::apptest {
namespace {

using namespace twin;

class swap_test : public back_office_test {
 protected:
  void SetUp() override {
    back_office_test::SetUp();
    build_catalogue();
  }
  /// authorize RIDER SZ-0001 60V must refuse with `reason`, in text and JSON, changing nothing.
  void expect_refused(const std::string& rider, const std::string& reason, const std::string& sn = "SZ-0001") {
    const auto before = snapshot();
    auto text = admin({"authorize", rider, sn, "60V"});
    EXPECT_EQ(text.code, 3) << describe(text);
    EXPECT_EQ(text.out.rfind("refused: " + reason + " - ", 0), 0u) << text.out;
    EXPECT_EQ(text.err, "");
    auto js = admin({"authorize", rider, sn, "60V", "--json"});
    EXPECT_EQ(js.code, 3) << describe(js);
    auto j = json::parse(js.out, nullptr, false);
    ASSERT_TRUE(j.is_object()) << js.out;
    EXPECT_EQ(j["allowed"], false);
    EXPECT_EQ(j["reason"], reason);
    EXPECT_TRUE(j["message"].is_string() && !j["message"].get<std::string>().empty()) << j.dump();
    EXPECT_EQ(j["rider"], rider);
    EXPECT_EQ(j["station"], sn);
    EXPECT_EQ(j["model"], "60V");
    EXPECT_EQ(changes_since(before), "") << "authorize must not change the database";
  }
};

TEST_F(swap_test, AuthorizeWalksThroughEachRefusalToAllowed) {
  ok({"rider", "add", "R1", "--name", "Wang Fang", "--country", "CN", "--birth-date", "1990-05-17"});
  expect_refused("R1", "kyc.unverified");
  ok({"rider", "kyc", "R1", "submit", "--doc", "national_id,selfie"});
  expect_refused("R1", "kyc.pending");
  ok({"rider", "kyc", "R1", "approve"});
  expect_refused("R1", "deposit.missing");
  ok({"rider", "pay-deposit", "R1", "60V"});
  expect_refused("R1", "plan.none");
  ok({"rider", "buy-plan", "R1", "cn-swap"});
  expect_refused("R1", "payment.insufficient_funds");
  ok({"rider", "top-up", "R1", "6.78 CNY"});  // exactly one swap with tax
  expect_refused("R1", "station.offline");
  bring_online("SZ-0001", "48V", {1.0});
  expect_refused("R1", "stock.empty");
  bring_online("SZ-0002", "60V", {1.0});
  auto allowed = admin({"authorize", "R1", "SZ-0002", "60V"});
  EXPECT_EQ(allowed.code, 0) << describe(allowed);
  EXPECT_EQ(allowed.out, "allowed: rider R1 may swap a 60V pack at SZ-0002\n");
  auto j = ok_json({"authorize", "R1", "SZ-0002", "60V"});
  EXPECT_EQ(j["allowed"], true);
  EXPECT_EQ(j["reason"], "ok");
  EXPECT_EQ(j["rider"], "R1");
  EXPECT_EQ(j["station"], "SZ-0002");
  EXPECT_EQ(j["model"], "60V");
}

TEST_F(swap_test, AuthorizeUnknownRiderStationOrModelIsAnError) {
  cn_rider("R1", "cn-month", "");
  EXPECT_ONE_LINE_ERROR(admin({"authorize", "NOPE", "SZ-0001", "60V"}), "rider.unknown");
  EXPECT_ONE_LINE_ERROR(admin({"authorize", "R1", "NOPE", "60V"}), "station.unknown");
  EXPECT_ONE_LINE_ERROR(admin({"authorize", "R1", "SZ-0001", "99V"}), "model.unknown");
  EXPECT_ONE_LINE_ERROR(admin({"authorize", "R1", "SZ-0001", "99V", "--json"}), "model.unknown");
}

TEST_F(swap_test, MeteredSwapIsRecordedChargedAndIdempotent) {
  cn_rider("R1", "cn-swap", "50.00 CNY");
  bring_online("SZ-0001", "60V", {0.97, 1.0, 0.98});
  auto j = ok_json({"swap", "R1", "SZ-0001", "60V", "--key", "k1"});
  EXPECT_EQ(j["allowed"], true);
  EXPECT_EQ(j["reason"], "ok");
  ASSERT_TRUE(j["swap"].is_object()) << j.dump(2);
  const auto& sj = j["swap"];
  EXPECT_EQ(sj["key"], "k1");
  EXPECT_EQ(sj["recorded"], true);
  EXPECT_EQ(sj["slot_in"], 0) << "first pick-up: nothing returned";
  EXPECT_EQ(sj["slot_out"], 2) << "the fullest ready pack goes out";
  EXPECT_EQ(sj["issued_sn"], "SZ-0001-P2");
  EXPECT_EQ(sj["net_minor"], 600);
  EXPECT_EQ(sj["tax_minor"], 78);
  EXPECT_EQ(sj["currency"], "CNY");

  {
    auto db = store();
    auto swaps = db.swaps();
    ASSERT_EQ(swaps.size(), 1u);
    EXPECT_EQ(swaps[0].key, "k1");
    EXPECT_EQ(swaps[0].rider_id, "R1");
    EXPECT_EQ(swaps[0].station_sn, "SZ-0001");
    EXPECT_EQ(swaps[0].issued_sn, "SZ-0001-P2");
    EXPECT_EQ(swaps[0].at, now_ms());
    EXPECT_EQ(swaps[0].net, (money{600, "CNY"}));
    EXPECT_EQ(swaps[0].tax, (money{78, "CNY"}));
    EXPECT_EQ(swaps[0].plan, plan_kind::cycles);
    auto r = db.rider("R1");
    EXPECT_EQ(r->holding_sn, "SZ-0001-P2");
    EXPECT_EQ(r->holding_model, "60V");
    EXPECT_EQ(r->balance_minor, 5000 - 678);
    EXPECT_EQ(r->plan->swaps_used, 1);
    auto ps = db.postings("R1");
    ASSERT_GE(ps.size(), 2u);
    const auto& charge = ps[ps.size() - 2];
    const auto& tax = ps.back();
    EXPECT_EQ(charge.kind, posting_kind::usage_charge);
    EXPECT_EQ(charge.amount, (money{600, "CNY"}));
    EXPECT_EQ(charge.station_sn, "SZ-0001");
    EXPECT_EQ(charge.plan_id, "cn-swap");
    EXPECT_EQ(charge.key, "k1");
    EXPECT_EQ(tax.kind, posting_kind::tax);
    EXPECT_EQ(tax.amount, (money{78, "CNY"}));
    auto pack = db.battery("SZ-0001-P2");
    EXPECT_EQ(pack->place, pack_place::rider);
    EXPECT_EQ(pack->place_ref, "R1");
    auto s = db.station("SZ-0001");
    EXPECT_EQ(s->slots[1].state, slot_state::empty);
    EXPECT_EQ(s->slots[1].battery_sn, "");
  }

  // The same swap again under the same key records nothing.
  const auto before = snapshot();
  auto again = admin({"swap", "R1", "SZ-0001", "60V", "--key", "k1"});
  EXPECT_EQ(again.code, 0) << describe(again);
  EXPECT_EQ(again.out, "already recorded (idempotency key k1): nothing changed\n");
  EXPECT_EQ(changes_since(before), "");
  auto again_json = ok_json({"swap", "R1", "SZ-0001", "60V", "--key", "k1"});
  EXPECT_EQ(again_json["swap"]["recorded"], false);
  EXPECT_EQ(changes_since(before), "");

  // The next swap hands the pack back (at 20 %): 1248 Wh drawn, 62.4 km at 20 Wh/km.
  auto next = admin({"swap", "R1", "SZ-0001", "60V", "--key", "k2", "--returned-soc", "0.2"},
                    "2026-11-23T11:00:00Z");
  EXPECT_EQ(next.code, 0) << describe(next);
  EXPECT_EQ(next.out,
            "swap done: pack SZ-0001-P3 out of slot 3, SZ-0001-P2 into slot 2 (1248 Wh, 62.4 km), charged 6.00 CNY + "
            "tax 0.78 CNY\n");
  auto db = store();
  auto swaps = db.swaps("R1");
  ASSERT_EQ(swaps.size(), 2u);
  EXPECT_EQ(swaps[1].returned_sn, "SZ-0001-P2");
  EXPECT_EQ(swaps[1].slot_in, 2);
  EXPECT_EQ(swaps[1].energy_wh, 1248);
  EXPECT_EQ(swaps[1].km_m, 62400);
  EXPECT_EQ(db.rider("R1")->holding_sn, "SZ-0001-P3");
  EXPECT_EQ(db.rider("R1")->balance_minor, 5000 - 2 * 678);
  auto s = db.station("SZ-0001");
  EXPECT_EQ(s->slots[1].battery_sn, "SZ-0001-P2");
  EXPECT_EQ(s->slots[1].state, slot_state::charging);
  EXPECT_EQ(db.battery("SZ-0001-P2")->place, pack_place::slot);
}

TEST_F(swap_test, SwapUnderPeriodPlanChargesNothing) {
  cn_rider("R1", "cn-month", "");
  bring_online("SZ-0001", "60V", {1.0, 0.99});
  auto out = ok({"swap", "R1", "SZ-0001", "60V"});
  EXPECT_EQ(out, "swap done: pack SZ-0001-P1 out of slot 1, charged 0.00 CNY + tax 0.00 CNY\n");
  auto db = store();
  ASSERT_EQ(db.swaps().size(), 1u);
  EXPECT_EQ(db.swaps()[0].key, "swap:R1:SZ-0001:" + std::to_string(to_ms(now_ms()))) << "default key";
  for (const auto& p : db.postings("R1")) EXPECT_NE(p.kind, posting_kind::usage_charge);
  // The default key is derived from rider, station and --now: the same command again is a repeat.
  const auto before = snapshot();
  auto again = admin({"swap", "R1", "SZ-0001", "60V"});
  EXPECT_EQ(again.code, 0) << describe(again);
  EXPECT_NE(again.out.find("already recorded"), std::string::npos) << again.out;
  EXPECT_EQ(changes_since(before), "");
  // While the rider holds the pack, its deposit cannot be refunded.
  EXPECT_ONE_LINE_ERROR(admin({"rider", "refund-deposit", "R1", "60V"}), "deposit.pack_out");
  EXPECT_EQ(changes_since(before), "");
}

TEST_F(swap_test, RefusedSwapExitsThreeAndRecordsNothing) {
  cn_rider("R1", "cn-month", "");
  const auto before = snapshot();
  auto r = admin({"swap", "R1", "SZ-0001", "60V", "--json"});
  EXPECT_EQ(r.code, 3) << describe(r);
  auto j = json::parse(r.out, nullptr, false);
  EXPECT_EQ(j["allowed"], false);
  EXPECT_EQ(j["reason"], "station.offline");
  EXPECT_FALSE(j.contains("swap"));
  EXPECT_EQ(changes_since(before), "");
  auto bad_soc = admin({"swap", "R1", "SZ-0001", "60V", "--returned-soc", "1.5"});
  EXPECT_ONE_LINE_ERROR(bad_soc, "input.invalid");
  EXPECT_EQ(changes_since(before), "");
}

// A retried swap (same key) must be reported as already recorded, whatever the rider's state now.
// Here the first swap empties the prepaid wallet; the retry is re-authorised against the new balance.
TEST_F(swap_test, ReplayOfRecordedSwapIsNotRefusedAfterWalletRunsDry) {
  cn_rider("R1", "cn-swap", "6.78 CNY");
  bring_online("SZ-0001", "60V", {1.0, 1.0});
  ok({"swap", "R1", "SZ-0001", "60V", "--key", "k1"});
  EXPECT_EQ(store().rider("R1")->balance_minor, 0);
  const auto before = snapshot();
  auto again = admin({"swap", "R1", "SZ-0001", "60V", "--key", "k1"});
  EXPECT_EQ(changes_since(before), "");
  EXPECT_EQ(again.code, 0) << "a retry of a recorded swap is refused instead of acknowledged\n" << describe(again);
  EXPECT_NE(again.out.find("already recorded"), std::string::npos) << again.out;
}

// The same, when the station's last ready pack is the one the recorded swap handed out.
TEST_F(swap_test, ReplayOfRecordedSwapIsNotRefusedWhenStockRanOut) {
  cn_rider("R1", "cn-month", "");
  bring_online("SZ-0001", "60V", {1.0});
  ok({"swap", "R1", "SZ-0001", "60V", "--key", "k1"});
  const auto before = snapshot();
  auto again = admin({"swap", "R1", "SZ-0001", "60V", "--key", "k1", "--json"});
  EXPECT_EQ(changes_since(before), "");
  EXPECT_EQ(again.code, 0) << "a retry of a recorded swap is refused instead of acknowledged\n" << describe(again);
  auto j = json::parse(again.out, nullptr, false);
  EXPECT_EQ(j["allowed"], true) << again.out;
  EXPECT_EQ(j["swap"]["recorded"], false) << again.out;
}

TEST_F(swap_test, AuthorizeExpiredPlanAndOtherModel) {
  cn_rider("R1", "cn-month", "");
  ok({"model", "set-deposit", "48V", "200.00 CNY"});
  ok({"rider", "pay-deposit", "R1", "48V"});
  bring_online("SZ-0001", "60V", {1.0, 1.0});
  ok({"swap", "R1", "SZ-0001", "60V"});
  auto other = admin({"authorize", "R1", "SZ-0001", "48V", "--json"});
  EXPECT_EQ(other.code, 3) << describe(other);
  EXPECT_EQ(json::parse(other.out)["reason"], "rider.other_model");
  auto later = admin({"authorize", "R1", "SZ-0001", "60V"}, "2026-12-23T10:00:00Z");
  EXPECT_EQ(later.code, 3) << describe(later);
  EXPECT_EQ(later.out.rfind("refused: plan.expired - ", 0), 0u) << later.out;
}

// "--returned-soc nan" passes the [0, 1] check (NaN compares false) and is caught only later, as
// "energy drawn is negative": the message should name the SoC.
TEST_F(swap_test, ReturnedSocNotANumberIsRefusedAsSuch) {
  cn_rider("R1", "cn-swap", "50.00 CNY");
  bring_online("SZ-0001", "60V", {1.0, 1.0});
  ok({"swap", "R1", "SZ-0001", "60V", "--key", "k1"});
  const auto before = snapshot();
  auto r = admin({"swap", "R1", "SZ-0001", "60V", "--key", "k2", "--returned-soc", "nan"});
  EXPECT_ONE_LINE_ERROR(r, "input.invalid");
  EXPECT_NE(r.err.find("SoC"), std::string::npos) << r.err;
  EXPECT_EQ(changes_since(before), "");
}

// A replay's --json describes the swap that was recorded under the key, not the next swap the rider
// could make now (which it recomputes: another pack out, the held pack back in).
TEST_F(swap_test, ReplayJsonDescribesTheRecordedSwap) {
  cn_rider("R1", "cn-swap", "50.00 CNY");
  bring_online("SZ-0001", "60V", {1.0, 0.99, 0.98});
  auto first = ok_json({"swap", "R1", "SZ-0001", "60V", "--key", "k1"});
  auto again = ok_json({"swap", "R1", "SZ-0001", "60V", "--key", "k1"});
  EXPECT_EQ(again["swap"]["recorded"], false);
  for (const char* k : {"slot_in", "returned_sn", "slot_out", "issued_sn", "energy_wh", "net_minor", "tax_minor"})
    EXPECT_EQ(again["swap"][k], first["swap"][k]) << k << ": recorded " << first["swap"].dump() << "\nreplay says "
                                                  << again["swap"].dump();
}

}  // namespace
}  // namespace swaptwin::apptest
