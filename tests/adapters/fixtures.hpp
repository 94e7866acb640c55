#pragma once
// Shared builders for the adapters tests: a unique temporary directory per test (ctest runs tests
// in parallel), instants from text, and a small valid back office (CN policy, plans, a rider, a
// station) that each test stores and changes in one place.

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/migrations.hpp"
#include "adapters/sqlite.hpp"
#include "adapters/store.hpp"
#include "twin/billing.hpp"
#include "twin/ledger.hpp"
#include "twin/station.hpp"
#include "twin/swap.hpp"
#include "twin/time.hpp"

namespace swaptwin::adapters::testing {

namespace fs = std::filesystem;
using namespace swaptwin::twin;

/// An instant from "2026-11-23T08:30:00Z" or "2026-11-23"; a typo fails the calling test.
inline unix_ms at(std::string_view text) {
  auto t = parse_instant(text);
  if (!t) {
    ADD_FAILURE() << "bad instant in test: " << text;
    return from_ms(0);
  }
  return *t;
}

/// A test with its own empty directory, removed afterwards.
class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string{"swaptwin-adapters-"} + info->test_suite_name() + "-" + info->name();
    for (auto& c : name)
      if (c == '/') c = '_';
    dir_ = fs::temp_directory_path() / name;
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  /// Path of a file in this test's directory.
  std::string path(const std::string& file = "backoffice.db") const { return (dir_ / file).string(); }

  fs::path dir_;
};

/// Rows in `table`.
inline std::int64_t count_rows(sql::database& db, const std::string& table) {
  return db.scalar("SELECT count(*) FROM " + table);
}

/// The single text a query returns ("" when no row).
inline std::string text_of(sql::database& db, const std::string& q) {
  auto st = db.prepare(q);
  return st->step() ? st->text(0) : std::string{};
}

/// China: CNY, national id + selfie, 18+, prepaid, 13 % tax.
inline country_policy cn_policy() {
  country_policy p;
  p.country = "CN";
  p.currency = "CNY";
  p.kyc_documents = {"national_id", "selfie"};
  p.min_age_years = 18;
  p.terms = payment_terms::prepaid;
  p.grace_days = 0;
  p.tax_rate_bp = 1300;
  return p;
}

/// Kenya: KES, postpaid with 3 grace days, 16 % tax.
inline country_policy ke_policy() {
  country_policy p;
  p.country = "KE";
  p.currency = "KES";
  p.kyc_documents = {"national_id"};
  p.min_age_years = 16;
  p.terms = payment_terms::postpaid;
  p.grace_days = 3;
  p.tax_rate_bp = 1600;
  return p;
}

/// 299.00 CNY per month, 60 swaps.
inline plan month_plan() {
  plan p;
  p.id = "month-60";
  p.name = "Monthly 60 swaps";
  p.kind = plan_kind::period;
  p.currency = "CNY";
  p.price_minor = 29900;
  p.period = period_unit::month;
  p.swap_cap = 60;
  return p;
}

/// 50.00 CNY for 100 km, then 0.50 CNY per km.
inline plan km_plan() {
  plan p;
  p.id = "km-100";
  p.name = "100 km + overage";
  p.kind = plan_kind::distance;
  p.currency = "CNY";
  p.price_minor = 5000;
  p.bundle_km = 100;
  p.unit_price_minor = 50;
  return p;
}

/// 45.00 CNY for 10 swaps.
inline plan swaps_plan() {
  plan p;
  p.id = "swaps-10";
  p.name = "10 swaps";
  p.kind = plan_kind::cycles;
  p.currency = "CNY";
  p.price_minor = 4500;
  p.bundle_swaps = 10;
  return p;
}

/// 1.50 CNY per kWh.
inline plan kwh_plan() {
  plan p;
  p.id = "per-kwh";
  p.name = "Pay per kWh";
  p.kind = plan_kind::energy;
  p.currency = "CNY";
  p.unit_price_minor = 150;
  return p;
}

/// A verified CN rider created at `created`, no deposit, no plan.
inline rider cn_rider(const std::string& id, unix_ms created) {
  rider r;
  r.id = id;
  r.name = "Rider " + id;
  r.country = "CN";
  r.phone = "+8613800000000";
  r.birth_date = parse_date("1990-05-17");
  r.kyc = kyc_status::verified;
  r.kyc_documents = {"national_id", "selfie"};
  r.wh_per_km = 25;
  r.created_at = created;
  return r;
}

/// Station `sn` with 4 slots: 1 ready 60V (P-1), 2 empty, 3 charging 60V (P-3), 4 ready 72V (P-4).
inline station station_4(const std::string& sn, const std::string& name, bool online = true) {
  station s = make_station(sn, name, geo_point{22.53, 113.93}, 4, 6000, at("2026-01-01"));
  s.link.online = online;
  if (online) s.link.last_seen = at("2026-11-15T09:59:00Z");
  s.slots[0] = slot{1, slot_state::ready, false, "P-1", "60V", 1.0, 0};
  s.slots[2] = slot{3, slot_state::charging, false, "P-3", "60V", 0.4, 800};
  s.slots[3] = slot{4, slot_state::ready, false, "P-4", "72V", 0.95, 0};
  return s;
}

/// A posting of `kind` for `rider`.
inline posting make_posting(const std::string& key, const std::string& rider, posting_kind kind, std::int64_t minor,
                            unix_ms when, const std::string& currency = "CNY",
                            std::optional<plan_kind> pk = std::nullopt) {
  posting p;
  p.key = key;
  p.at = when;
  p.rider_id = rider;
  p.kind = kind;
  p.amount = money{minor, currency};
  p.plan = pk;
  return p;
}

/// Asserts a status holds no error, showing it otherwise.
#define ASSERT_DONE(expr)                                            \
  do {                                                               \
    auto swaptwin_st_ = (expr);                                      \
    ASSERT_TRUE(swaptwin_st_.ok()) << swaptwin_st_.err().what();     \
  } while (0)

}  // namespace swaptwin::adapters::testing
