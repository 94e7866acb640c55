// The back office set up entirely through `swaptwin admin`, verified in the database.
#include "back_office.hpp"

namespace swaptwin::apptest {
namespace {

using namespace twin;

TEST_F(back_office_test, CatalogueSetUpThroughCommandsIsInTheDatabase) {
  build_catalogue_through_commands();
  auto db = store();

  auto countries = db.countries();
  ASSERT_EQ(countries.size(), 2u);
  auto cn = db.country("CN");
  ASSERT_TRUE(cn);
  EXPECT_EQ(cn->currency, "CNY");
  EXPECT_EQ(cn->kyc_documents, (std::vector<std::string>{"national_id", "selfie"}));
  EXPECT_EQ(cn->min_age_years, 16);
  EXPECT_EQ(cn->terms, payment_terms::prepaid);
  EXPECT_EQ(cn->tax_rate_bp, 1300);
  auto ke = db.country("KE");
  ASSERT_TRUE(ke);
  EXPECT_EQ(ke->currency, "KES");
  EXPECT_EQ(ke->min_age_years, 18);
  EXPECT_EQ(ke->terms, payment_terms::postpaid);
  EXPECT_EQ(ke->grace_days, 7);
  EXPECT_EQ(ke->tax_rate_bp, 1600);

  EXPECT_EQ(db.deposit("60V", "CNY"), (money{30000, "CNY"}));
  EXPECT_EQ(db.deposit("48V", "KES"), (money{400000, "KES"}));
  EXPECT_FALSE(db.deposit("72V", "CNY"));
  EXPECT_EQ(db.deposits().size(), 2u);

  ASSERT_EQ(db.stations().size(), 3u);
  auto s = db.station("SZ-0001");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->name(), "Futian Central");
  EXPECT_DOUBLE_EQ(s->location.lat, 22.543);
  EXPECT_DOUBLE_EQ(s->location.lon, 114.058);
  EXPECT_EQ(s->slots.size(), 8u);
  EXPECT_EQ(s->desired.power_cap_w, 4000);
  EXPECT_EQ(s->agent_id, "AG-SZ");
  EXPECT_FALSE(s->link.online) << "stations are offline until a cabinet connects";
  EXPECT_EQ(s->created_at, now_ms());
  EXPECT_EQ(db.station("SZ-0002")->slots.size(), 12u) << "default slot count";
  EXPECT_EQ(db.station("SZ-0002")->agent_id, "");

  auto ag = db.agent("AG-SZ");
  ASSERT_TRUE(ag);
  EXPECT_EQ(ag->name, "Li Wei");
  EXPECT_EQ(ag->region, "Shenzhen");
  EXPECT_EQ(ag->phone, "+86 138 0000 0001");

  ASSERT_EQ(db.plans().size(), 5u);
  auto month = db.plan("cn-month");
  ASSERT_TRUE(month);
  EXPECT_EQ(month->kind, plan_kind::period);
  EXPECT_EQ(month->period, period_unit::month);
  EXPECT_EQ(month->price_minor, 29900);
  EXPECT_EQ(month->currency, "CNY");
  EXPECT_EQ(month->name, "Unlimited month");
  auto km = db.plan("cn-km");
  ASSERT_TRUE(km);
  EXPECT_EQ(km->kind, plan_kind::distance);
  EXPECT_EQ(km->bundle_km, 300);
  EXPECT_EQ(km->price_minor, 9000);
  EXPECT_EQ(km->unit_price_minor, 40);
  auto per_swap = db.plan("cn-swap");
  ASSERT_TRUE(per_swap);
  EXPECT_EQ(per_swap->kind, plan_kind::cycles);
  EXPECT_EQ(per_swap->unit_price_minor, 600);
  EXPECT_EQ(per_swap->price_minor, 0);
  auto kwh = db.plan("ke-kwh");
  ASSERT_TRUE(kwh);
  EXPECT_EQ(kwh->kind, plan_kind::energy);
  EXPECT_EQ(kwh->currency, "KES");
  EXPECT_EQ(kwh->unit_price_minor, 4500);
  auto bundle = db.plan("ke-20");
  ASSERT_TRUE(bundle);
  EXPECT_EQ(bundle->bundle_swaps, 20);
  EXPECT_EQ(bundle->price_minor, 180000);
}

TEST_F(back_office_test, CommandsPrintWhatTheyDid) {
  build_catalogue();
  EXPECT_EQ(ok({"station", "add", "SZ-0009", "--no-password", "--name", "  Padded  ", "--lat", "1", "--lon", "2", "--slots", "4"}),
            "station SZ-0009 added: \"Padded\", 4 slots, no password: its cabinet is admitted without credentials "
            "(--no-password)\n");
  EXPECT_EQ(store().station("SZ-0009")->name(), "Padded") << "names are trimmed";
  EXPECT_EQ(ok({"model", "set-deposit", "72V", "400 CNY"}), "deposit for 72V set to 400.00 CNY\n");
  EXPECT_EQ(ok({"plan", "add", "cn-week", "--name", "Week, 30 swaps", "--kind", "period", "--period", "week",
                "--swap-cap", "30", "--price", "69.00 CNY"}),
            "plan cn-week added: 69.00 CNY per week, 30 swaps\n");
  EXPECT_EQ(ok({"rider", "add", "R1", "--name", "Wang Fang", "--country", "CN"}), "rider R1 added (KYC unverified)\n");
  EXPECT_EQ(ok({"plan", "retire", "cn-week"}), "plan cn-week retired\n");
  EXPECT_TRUE(store().plan("cn-week")->retired);
  auto r = admin({"rider", "buy-plan", "R1", "cn-week"});
  EXPECT_ONE_LINE_ERROR(r, "plan.retired");
}

TEST_F(back_office_test, RiderKycDepositPlanWalletAndRefund) {
  build_catalogue();
  ok({"rider", "add", "R1", "--name", "Wang Fang", "--country", "CN", "--phone", "+86 139 1000 1001", "--birth-date",
      "1990-05-17", "--wh-per-km", "25"});
  {
    auto r = store().rider("R1");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->name, "Wang Fang");
    EXPECT_EQ(r->phone, "+86 139 1000 1001");
    EXPECT_EQ(r->birth_date, parse_date("1990-05-17"));
    EXPECT_EQ(r->wh_per_km, 25);
    EXPECT_EQ(r->kyc, kyc_status::unverified);
    EXPECT_EQ(r->created_at, now_ms());
  }
  EXPECT_EQ(ok({"rider", "kyc", "R1", "submit", "--doc", "national_id,selfie"}), "rider R1 KYC pending\n");
  {
    auto r = store().rider("R1");
    EXPECT_EQ(r->kyc, kyc_status::pending);
    EXPECT_EQ(r->kyc_documents, (std::vector<std::string>{"national_id", "selfie"}));
  }
  EXPECT_EQ(ok({"rider", "kyc", "R1", "approve"}), "rider R1 KYC verified\n");
  EXPECT_EQ(store().rider("R1")->kyc, kyc_status::verified);

  EXPECT_EQ(ok({"rider", "pay-deposit", "R1", "60V"}), "rider R1 paid the 60V deposit of 300.00 CNY\n");
  EXPECT_EQ(ok({"rider", "buy-plan", "R1", "cn-month"}),
            "rider R1 bought cn-month (299.00 CNY per month, unlimited swaps), valid until 2026-12-23T10:00:00Z\n");
  ok({"rider", "top-up", "R1", "50.00 CNY", "--key", "topup-1"});
  {
    auto db = store();
    auto r = db.rider("R1");
    EXPECT_EQ(r->deposits.at("60V"), (money{30000, "CNY"}));
    ASSERT_TRUE(r->plan);
    EXPECT_EQ(r->plan->plan_id, "cn-month");
    EXPECT_EQ(r->plan->started_at, now_ms());
    EXPECT_EQ(r->plan->expires_at, parse_instant("2026-12-23T10:00:00Z"));
    EXPECT_EQ(r->balance_minor, 5000);
    auto ps = db.postings("R1");
    ASSERT_EQ(ps.size(), 4u);
    EXPECT_EQ(ps[0].kind, posting_kind::deposit_in);
    EXPECT_EQ(ps[0].amount, (money{30000, "CNY"}));
    EXPECT_EQ(ps[1].kind, posting_kind::plan_purchase);
    EXPECT_EQ(ps[1].amount, (money{29900, "CNY"}));
    EXPECT_EQ(ps[1].plan_id, "cn-month");
    EXPECT_EQ(ps[2].kind, posting_kind::tax);
    EXPECT_EQ(ps[2].amount, (money{3887, "CNY"})) << "13% of 299.00";
    EXPECT_EQ(ps[3].kind, posting_kind::wallet_topup);
    EXPECT_EQ(ps[3].amount, (money{5000, "CNY"}));
    EXPECT_EQ(ps[3].key, "topup-1");
    for (const auto& p : ps) EXPECT_EQ(p.at, now_ms());
  }

  // The same top-up again under the same key is recognised and changes nothing.
  const auto before = snapshot();
  auto again = admin({"rider", "top-up", "R1", "50.00 CNY", "--key", "topup-1"});
  EXPECT_EQ(again.code, 0) << describe(again);
  EXPECT_NE(again.out.find("already applied"), std::string::npos) << again.out;
  EXPECT_EQ(changes_since(before), "");

  EXPECT_EQ(ok({"rider", "refund-deposit", "R1", "60V"}), "refunded 300.00 CNY to rider R1\n");
  auto db = store();
  auto r = db.rider("R1");
  EXPECT_TRUE(r->deposits.empty());
  auto ps = db.postings("R1");
  ASSERT_EQ(ps.size(), 5u);
  EXPECT_EQ(ps[4].kind, posting_kind::deposit_refund);
  EXPECT_EQ(ps[4].amount, (money{-30000, "CNY"}));
}

TEST_F(back_office_test, KycRejectionAndRefusedApprovals) {
  build_catalogue();
  ok({"rider", "add", "R1", "--name", "Wang Fang", "--country", "CN"});
  ok({"rider", "kyc", "R1", "submit", "--doc", "national_id", "--birth-date", "1990-05-17"});
  EXPECT_EQ(store().rider("R1")->birth_date, parse_date("1990-05-17"));
  auto missing = admin({"rider", "kyc", "R1", "approve"});
  EXPECT_ONE_LINE_ERROR(missing, "kyc.documents_missing");
  EXPECT_EQ(store().rider("R1")->kyc, kyc_status::pending);
  EXPECT_EQ(ok({"rider", "kyc", "R1", "reject", "--reason", "selfie missing"}), "rider R1 KYC rejected\n");
  auto r = store().rider("R1");
  EXPECT_EQ(r->kyc, kyc_status::rejected);
  EXPECT_EQ(r->kyc_note, "selfie missing");

  // Kenya asks riders to be 18.
  ok({"rider", "add", "K1", "--name", "Young Rider", "--country", "KE"});
  ok({"rider", "kyc", "K1", "submit", "--doc", "national_id", "--birth-date", "2010-01-01"});
  EXPECT_ONE_LINE_ERROR(admin({"rider", "kyc", "K1", "approve"}), "kyc.underage");
  EXPECT_EQ(store().rider("K1")->kyc, kyc_status::pending);
  EXPECT_ONE_LINE_ERROR(admin({"rider", "kyc", "R1", "approve"}), "kyc.not_pending");
}

TEST_F(back_office_test, BundlesAndPayAsYouGoPlans) {
  build_catalogue();
  ok({"rider", "add", "K1", "--name", "Achieng", "--country", "KE"});
  EXPECT_EQ(ok({"rider", "buy-plan", "K1", "ke-kwh"}), "rider K1 is on plan ke-kwh (45.00 KES per kWh)\n");
  {
    auto db = store();
    auto r = db.rider("K1");
    ASSERT_TRUE(r->plan);
    EXPECT_TRUE(r->plan->metered);
    EXPECT_TRUE(db.postings("K1").empty()) << "enrolling in pay-as-you-go posts nothing";
  }
  auto active = admin({"rider", "buy-plan", "K1", "ke-20"});
  EXPECT_ONE_LINE_ERROR(active, "plan.active");
  ok({"rider", "buy-plan", "K1", "ke-20", "--replace"});
  ok({"rider", "buy-plan", "K1", "ke-20", "--key", "renew-1"}, "2026-11-23T11:00:00Z");
  auto db = store();
  auto r = db.rider("K1");
  EXPECT_EQ(r->plan->plan_id, "ke-20");
  EXPECT_EQ(r->plan->swaps_left, 40) << "buying the same bundle again adds its swaps";
  auto ps = db.postings("K1");
  ASSERT_EQ(ps.size(), 4u);
  EXPECT_EQ(ps[0].amount, (money{180000, "KES"}));
  EXPECT_EQ(ps[1].amount, (money{28800, "KES"})) << "16% tax";
  EXPECT_EQ(ps[2].key, "renew-1");
  EXPECT_EQ(ps[2].memo, "renewal");

  ok({"rider", "add", "R1", "--name", "Wang Fang", "--country", "CN"});
  ok({"rider", "buy-plan", "R1", "cn-km"});
  EXPECT_EQ(store().rider("R1")->plan->km_left_m, 300000);
}

// Wallets, deposits and the ledger are in the country's currency; switching a country with riders
// to another currency relabels their money (50.00 CNY became $50.00).
TEST_F(back_office_test, CountryCurrencyDoesNotChangeUnderRidersMoney) {
  build_catalogue();
  cn_rider("R1", "", "50.00 CNY");
  auto r = admin({"country", "set-policy", "CN", "--currency", "USD", "--docs", "national_id,selfie", "--tax", "13%"});
  auto rider = ok_json({"rider", "show", "R1"});
  EXPECT_EQ(rider["currency"], "CNY") << "the wallet holds 50.00 CNY, now shown in " << rider["currency"] << "\n"
                                       << describe(r);
  EXPECT_EQ(store().country("CN")->currency, "CNY") << "the change should be refused while riders hold CNY";
}

// An idempotency key names one operation: reusing it for a different amount is a mistake to report,
// not a repeat to acknowledge with exit 0.
TEST_F(back_office_test, KeyReusedForAnotherAmountIsNotAcknowledgedAsARepeat) {
  build_catalogue();
  cn_rider("R1", "", "");
  ok({"rider", "top-up", "R1", "50.00 CNY", "--key", "k1"});
  const auto before = snapshot();
  auto r = admin({"rider", "top-up", "R1", "70.00 CNY", "--key", "k1"});
  EXPECT_EQ(changes_since(before), "");
  EXPECT_NE(r.code, 0) << "a different top-up under a used key is reported as already applied\n" << describe(r);
  // The default key is "topup:<rider>:<now>": two different top-ups at the same --now collide the same way.
  auto a = admin({"rider", "top-up", "R1", "1.00 CNY"});
  auto b = admin({"rider", "top-up", "R1", "2.00 CNY"});
  EXPECT_EQ(a.code, 0) << describe(a);
  EXPECT_NE(b.code, 0) << "second top-up at the same --now silently dropped\n" << describe(b);
}

TEST_F(back_office_test, DistinctKeysAtTheSameNowAllCount) {
  build_catalogue();
  cn_rider("R1", "", "");
  ok({"rider", "top-up", "R1", "1.00 CNY", "--key", "a"});
  ok({"rider", "top-up", "R1", "2.00 CNY", "--key", "b"});
  EXPECT_EQ(store().rider("R1")->balance_minor, 300);
  EXPECT_EQ(store().postings("R1").size(), 3u);  // deposit and two top-ups
}

}  // namespace
}  // namespace swaptwin::apptest
