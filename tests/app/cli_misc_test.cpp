// --help everywhere, --json on every list/show, the demo, and the default database.
#include "back_office.hpp"

namespace swaptwin::apptest {
namespace {

using namespace twin;

class help_test : public cli_test, public ::testing::WithParamInterface<std::vector<std::string>> {};

TEST_P(help_test, HelpExitsZeroAndTouchesNoDatabase) {
  for (const char* flag : {"--help", "-h"}) {
    auto args = GetParam();
    args.push_back(flag);
    auto r = sw(args);
    EXPECT_EQ(r.code, 0) << describe(r);
    EXPECT_NE(r.out.find("Usage:"), std::string::npos) << r.out;
    EXPECT_EQ(r.err, "");
  }
  EXPECT_FALSE(fs::exists(dir_ / "swaptwin.db")) << "help must not create the default database";
}

INSTANTIATE_TEST_SUITE_P(
    Everywhere, help_test,
    ::testing::Values(std::vector<std::string>{}, std::vector<std::string>{"admin"},
                      std::vector<std::string>{"demo"}, std::vector<std::string>{"admin", "station"},
                      std::vector<std::string>{"admin", "station", "add"},
                      std::vector<std::string>{"admin", "station", "list"},
                      std::vector<std::string>{"admin", "station", "show"},
                      std::vector<std::string>{"admin", "station", "rename"}, std::vector<std::string>{"admin", "agent"},
                      std::vector<std::string>{"admin", "agent", "add"},
                      std::vector<std::string>{"admin", "agent", "list"},
                      std::vector<std::string>{"admin", "agent", "assign"}, std::vector<std::string>{"admin", "model"},
                      std::vector<std::string>{"admin", "model", "list"},
                      std::vector<std::string>{"admin", "model", "set-deposit"},
                      std::vector<std::string>{"admin", "plan"}, std::vector<std::string>{"admin", "plan", "add"},
                      std::vector<std::string>{"admin", "plan", "list"},
                      std::vector<std::string>{"admin", "plan", "retire"},
                      std::vector<std::string>{"admin", "country"},
                      std::vector<std::string>{"admin", "country", "set-policy"},
                      std::vector<std::string>{"admin", "country", "list"}, std::vector<std::string>{"admin", "rider"},
                      std::vector<std::string>{"admin", "rider", "add"},
                      std::vector<std::string>{"admin", "rider", "list"},
                      std::vector<std::string>{"admin", "rider", "show"},
                      std::vector<std::string>{"admin", "rider", "kyc"},
                      std::vector<std::string>{"admin", "rider", "pay-deposit"},
                      std::vector<std::string>{"admin", "rider", "refund-deposit"},
                      std::vector<std::string>{"admin", "rider", "top-up"},
                      std::vector<std::string>{"admin", "rider", "buy-plan"},
                      std::vector<std::string>{"admin", "authorize"}, std::vector<std::string>{"admin", "swap"},
                      std::vector<std::string>{"admin", "dashboard"}, std::vector<std::string>{"admin", "config"},
                      std::vector<std::string>{"admin", "config", "timezone"}),
    [](const ::testing::TestParamInfo<std::vector<std::string>>& info) {
      std::string name = "Top";
      for (const auto& a : info.param)
        for (char c : a) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      return name + "_" + std::to_string(info.index);
    });

TEST_F(cli_test, VersionFlag) {
  auto r = sw({"--version"});
  EXPECT_EQ(r.code, 0) << describe(r);
  EXPECT_EQ(r.out, "swaptwin 0.1.0\n");
}

TEST_F(back_office_test, EveryListAndShowPrintsJsonWithTheDocumentedKeys) {
  build_catalogue();
  cn_rider("R1", "cn-month", "20.00 CNY");

  auto models = ok_json({"model", "list"});
  ASSERT_TRUE(models.is_array());
  ASSERT_EQ(models.size(), 3u);
  for (const auto& m : models)
    for (const auto& k : {"id", "nominal_v", "capacity_wh", "chemistry", "deposits"}) EXPECT_TRUE(m.contains(k)) << k;
  EXPECT_EQ(models[1]["id"], "60V");
  EXPECT_EQ(models[1]["deposits"], json::parse(R"({"CNY": 30000})"));

  auto plans = ok_json({"plan", "list"});
  ASSERT_TRUE(plans.is_array());
  ASSERT_EQ(plans.size(), 5u);
  for (const auto& p : plans)
    for (const auto& k : {"id", "name", "kind", "currency", "price_minor", "period", "swap_cap", "bundle_km",
                          "bundle_swaps", "unit_price_minor", "retired", "description"})
      EXPECT_TRUE(p.contains(k)) << k;
  for (const auto& p : plans)
    if (p["id"] == "cn-km") {
      EXPECT_EQ(p["kind"], "distance");
      EXPECT_EQ(p["price_minor"], 9000);
      EXPECT_EQ(p["unit_price_minor"], 40);
      EXPECT_EQ(p["bundle_km"], 300);
      EXPECT_EQ(p["period"], nullptr);
      EXPECT_EQ(p["description"], "90.00 CNY for 300 km, then 0.40 CNY per km");
    }

  auto countries = ok_json({"country", "list"});
  ASSERT_TRUE(countries.is_array());
  ASSERT_EQ(countries.size(), 2u);
  for (const auto& c : countries)
    for (const auto& k : {"code", "currency", "kyc_documents", "min_age", "terms", "grace_days", "tax_rate_bp"})
      EXPECT_TRUE(c.contains(k)) << k;
  EXPECT_EQ(countries[1], json::parse(R"({"code": "KE", "currency": "KES", "kyc_documents": ["national_id"],
      "min_age": 18, "terms": "postpaid", "grace_days": 7, "tax_rate_bp": 1600})"));

  const std::vector<const char*> rider_keys{"id",        "name",          "country",      "phone",   "birth_date",
                                            "kyc",       "kyc_documents", "kyc_note",     "wh_per_km",
                                            "balance_minor", "currency",  "owed_since",   "deposits", "holding_sn",
                                            "holding_model", "plan",      "created_at"};
  auto riders = ok_json({"rider", "list"});
  ASSERT_TRUE(riders.is_array());
  ASSERT_EQ(riders.size(), 1u);
  for (const auto& k : rider_keys) EXPECT_TRUE(riders[0].contains(k)) << k;
  auto rider = ok_json({"rider", "show", "R1"});
  for (const auto& k : rider_keys) EXPECT_TRUE(rider.contains(k)) << k;
  EXPECT_EQ(rider["kyc"], "verified");
  EXPECT_EQ(rider["balance_minor"], 2000);
  EXPECT_EQ(rider["currency"], "CNY");
  EXPECT_EQ(rider["deposits"], json::parse(R"({"60V": {"minor": 30000, "currency": "CNY"}})"));
  EXPECT_EQ(rider["birth_date"], "1990-05-17");
  EXPECT_EQ(rider["created_at"], "2026-11-23T10:00:00Z");
  ASSERT_TRUE(rider["plan"].is_object());
  EXPECT_EQ(rider["plan"]["plan_id"], "cn-month");
  EXPECT_EQ(rider["plan"]["status"], "active");
  EXPECT_EQ(rider["plan"]["expires_at"], "2026-12-23T10:00:00Z");
  ASSERT_TRUE(rider["ledger"].is_array());
  ASSERT_EQ(rider["ledger"].size(), 4u);  // deposit, plan, tax, top-up
  for (const auto& p : rider["ledger"])
    for (const auto& k : {"key", "at", "kind", "amount_minor", "currency", "plan_id", "station_sn", "memo"})
      EXPECT_TRUE(p.contains(k)) << k;
  EXPECT_EQ(rider["ledger"][2]["kind"], "tax");
  EXPECT_EQ(rider["ledger"][2]["amount_minor"], 3887);
  // `show` as of a later --now reports the plan's state then.
  EXPECT_EQ(ok_json({"rider", "show", "R1"}, "2026-12-24T00:00:00Z")["plan"]["status"], "expired");

  auto agents = ok_json({"agent", "list"});
  ASSERT_TRUE(agents.is_array());
  ASSERT_EQ(agents.size(), 1u);
  EXPECT_EQ(agents[0]["stations"], json::parse(R"(["SZ-0001"])"));
  EXPECT_EQ(agents[0]["open_alerts"], json::array());

  EXPECT_TRUE(ok_json({"station", "list"}).is_array());
  EXPECT_TRUE(ok_json({"station", "show", "NBO-0001"}).is_object());
  EXPECT_TRUE(ok_json({"dashboard"}).is_object());
}

TEST_F(cli_test, EmptyDatabaseListsAreEmptyJsonArrays) {
  for (const char* what : {"station", "plan", "country", "rider", "agent"}) {
    auto j = ok_json({what, "list"});
    EXPECT_EQ(j, json::array()) << what;
    auto text = ok({what, "list"});
    EXPECT_NE(text.find("(none)"), std::string::npos) << what << ":\n" << text;
  }
  EXPECT_EQ(ok_json({"model", "list"}).size(), 3u) << "the three default models";
}

TEST_F(cli_test, DemoIsDeterministicAndItsDatabaseIsUsable) {
  const auto db = (dir_ / "demo.db").string();
  const std::vector<std::string> args{"demo", "--db", db, "--now", "2026-11-23T12:00:00Z", "--seed", "11"};
  auto first = sw(args);
  ASSERT_EQ(first.code, 0) << describe(first);
  EXPECT_EQ(first.err, "");
  EXPECT_NE(first.out.find("Dashboard for 2026-11-23 (UTC)"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("Revenue today"), std::string::npos);
  EXPECT_NE(first.out.find("Plan mix"), std::string::npos);
  const auto snap = db_snapshot(db);
  auto second = sw(args);
  ASSERT_EQ(second.code, 0) << describe(second);
  EXPECT_EQ(second.out, first.out) << "same --seed and --now, same output";
  EXPECT_EQ(snapshot_diff(snap, db_snapshot(db)), "") << "same --seed and --now, same database";

  auto other = sw({"demo", "--db", db, "--now", "2026-11-23T12:00:00Z", "--seed", "12"});
  ASSERT_EQ(other.code, 0) << describe(other);
  EXPECT_NE(other.out, first.out) << "another seed, another back office";

  auto as_json = sw({"demo", "--db", db, "--now", "2026-11-23T12:00:00Z", "--seed", "11", "--json"});
  ASSERT_EQ(as_json.code, 0) << describe(as_json);
  auto demo_dash = json::parse(as_json.out, nullptr, false);
  ASSERT_TRUE(demo_dash.is_object()) << as_json.out;
  auto admin_dash = sw({"admin", "--db", db, "--now", "2026-11-23T12:00:00Z", "dashboard", "--json"});
  ASSERT_EQ(admin_dash.code, 0) << describe(admin_dash);
  EXPECT_EQ(json::parse(admin_dash.out), demo_dash) << "the demo's database gives the demo's dashboard";
  EXPECT_GT(demo_dash["swaps_today"].get<int>(), 0);
  EXPECT_EQ(demo_dash["stations_online"].get<int>() + demo_dash["stations_offline"].get<int>(), 10);
  EXPECT_EQ(demo_dash["plan_mix"].size(), 7u);

  // The demo's back office works with the other commands too.
  auto list = sw({"admin", "--db", db, "--now", "2026-11-23T12:00:00Z", "station", "list", "--json"});
  ASSERT_EQ(list.code, 0) << describe(list);
  EXPECT_EQ(json::parse(list.out).size(), 10u);
  auto rename = sw({"admin", "--db", db, "--now", "2026-11-23T12:00:00Z", "station", "rename", "SZ-0001", "Demo Hub"});
  EXPECT_EQ(rename.code, 0) << describe(rename);
  EXPECT_EQ(adapters::store(db).station("SZ-0001")->name(), "Demo Hub");
}

TEST_F(cli_test, DefaultDatabaseIsCreatedInTheWorkingDirectory) {
  const auto work = dir_ / "work";
  fs::create_directories(work);
  auto r = sw({"admin", "--now", now_text, "station", "list"}, work);
  EXPECT_EQ(r.code, 0) << describe(r);
  EXPECT_TRUE(fs::exists(work / "swaptwin.db"));
  EXPECT_NE(r.out.find("(none)"), std::string::npos) << r.out;
  auto add = sw({"admin", "--now", now_text, "station", "add", "SZ-0001", "--no-password", "--name", "Here", "--lat", "1",
                 "--lon", "1"},
                work);
  EXPECT_EQ(add.code, 0) << describe(add);
  EXPECT_EQ(adapters::store((work / "swaptwin.db").string()).stations().size(), 1u);
  EXPECT_FALSE(fs::exists(dir_ / "swaptwin.db"));
}

TEST_F(cli_test, UnopenableDatabaseIsOneErrorLine) {
  fs::create_directories(dir_ / "a-directory");
  for (const auto& path : {(dir_ / "no" / "such" / "dir" / "x.db").string(), (dir_ / "a-directory").string()}) {
    auto r = sw({"admin", "--db", path, "--now", now_text, "station", "list"});
    EXPECT_ONE_LINE_ERROR(r, "store");
  }
  {
    std::ofstream junk(dir_ / "junk.db");
    junk << "this is not a database, just some text that is long enough to have a header page\n";
  }
  auto r = sw({"admin", "--db", (dir_ / "junk.db").string(), "--now", now_text, "station", "list"});
  EXPECT_ONE_LINE_ERROR(r, "store");
}

}  // namespace
}  // namespace swaptwin::apptest
