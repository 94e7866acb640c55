// Plans: names, metering, validation, description, subscription status and period ends.

#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "twin/country.hpp"
#include "twin/plan.hpp"

using namespace swaptwin::twin;
using namespace swaptwin::twin::testing;

namespace {

const std::chrono::milliseconds one_ms{1};

TEST(PlanNames, KindAndPeriodRoundTrip) {
  for (auto k : {plan_kind::period, plan_kind::distance, plan_kind::cycles, plan_kind::energy}) {
    plan_kind back = plan_kind::period;
    ASSERT_TRUE(from_string(to_string(k), back));
    EXPECT_EQ(back, k);
  }
  EXPECT_EQ(to_string(plan_kind::distance), "distance");
  plan_kind k = plan_kind::energy;
  EXPECT_FALSE(from_string("km", k));
  EXPECT_EQ(k, plan_kind::energy);  // untouched on failure

  for (auto u : {period_unit::week, period_unit::month, period_unit::year}) {
    period_unit back = period_unit::month;
    ASSERT_TRUE(from_string(to_string(u), back));
    EXPECT_EQ(back, u);
  }
  period_unit u = period_unit::week;
  EXPECT_FALSE(from_string("day", u));
  EXPECT_EQ(to_string(plan_status::exhausted), "exhausted");
}

TEST(PlanMetered, ByKindAndBundle) {
  EXPECT_FALSE(metered(month_unlimited()));
  EXPECT_FALSE(metered(km_bundle()));
  EXPECT_FALSE(metered(km_bundle_overage()));  // overage is priced, but the bundle is prepaid
  EXPECT_TRUE(metered(per_km()));
  EXPECT_FALSE(metered(swap_bundle()));
  EXPECT_TRUE(metered(per_swap()));
  EXPECT_TRUE(metered(per_kwh()));
}

TEST(PlanValidate, FixturePlansAreValid) {
  for (const plan& p : {month_unlimited(), month_30(), km_bundle(), km_bundle_overage(), per_km(), swap_bundle(),
                        per_swap(), per_kwh()}) {
    SCOPED_TRACE(p.id);
    EXPECT_EQ(validate(p), "");
  }
}

TEST(PlanValidate, RefusesInconsistentFields) {
  auto field = [](plan p) { return validate(p).substr(0, validate(p).find(':')); };
  plan p = month_unlimited();
  p.id = "";
  EXPECT_EQ(field(p), "id");
  p = month_unlimited();
  p.currency = "XYZ";
  EXPECT_EQ(field(p), "currency");
  p = month_unlimited();
  p.price_minor = 0;
  EXPECT_EQ(field(p), "price");
  p = month_unlimited();
  p.swap_cap = -1;
  EXPECT_EQ(field(p), "bundle");
  p = month_unlimited();
  p.unit_price_minor = 10;  // a period plan has no unit price
  EXPECT_NE(validate(p), "");
  p = km_bundle();
  p.price_minor = 0;
  EXPECT_EQ(field(p), "price");
  p = per_km();
  p.price_minor = 100;  // pay-per-km with a price
  EXPECT_EQ(field(p), "per_km");
  p = swap_bundle();
  p.unit_price_minor = 100;  // swap bundle with a per-swap price
  EXPECT_EQ(field(p), "price");
  p = per_swap();
  p.unit_price_minor = 0;
  EXPECT_EQ(field(p), "per_swap");
  p = per_kwh();
  p.unit_price_minor = 0;
  EXPECT_EQ(field(p), "per_kwh");
  p = per_kwh();
  p.price_minor = 100;
  EXPECT_NE(validate(p), "");
}

TEST(PlanDescribe, OneLinePerKind) {
  EXPECT_EQ(describe(month_unlimited()), "299.00 CNY per month, unlimited swaps");
  EXPECT_EQ(describe(month_30()), "199.00 CNY per month, 30 swaps");
  EXPECT_EQ(describe(km_bundle()), "100.00 CNY for 300 km");
  EXPECT_EQ(describe(km_bundle_overage()), "50.00 CNY for 100 km, then 0.50 CNY per km");
  EXPECT_EQ(describe(per_km()), "0.30 CNY per km");
  EXPECT_EQ(describe(swap_bundle()), "45.00 CNY for 10 swaps");
  EXPECT_EQ(describe(per_swap()), "5.00 CNY per swap");
  EXPECT_EQ(describe(per_kwh()), "1.50 CNY per kWh");
}

TEST(PeriodEnd, WeekMonthYear) {
  EXPECT_EQ(period_end(period_unit::week, at("2026-03-01T08:00:00Z")), at("2026-03-08T08:00:00Z"));
  // A week spanning the end of February in a leap year is still exactly 7 * 24 h.
  EXPECT_EQ(period_end(period_unit::week, at("2028-02-25")), at("2028-03-03"));
  EXPECT_EQ(period_end(period_unit::month, at("2026-01-31T09:00:00Z")), at("2026-02-28T09:00:00Z"));
  EXPECT_EQ(period_end(period_unit::month, at("2028-01-31T09:00:00Z")), at("2028-02-29T09:00:00Z"));
  EXPECT_EQ(period_end(period_unit::month, at("2026-11-01")), at("2026-12-01"));
  EXPECT_EQ(period_end(period_unit::year, at("2026-05-10T12:00:00Z")), at("2027-05-10T12:00:00Z"));
  EXPECT_EQ(period_end(period_unit::year, at("2028-02-29")), at("2029-02-28"));
}

TEST(StatusAt, PeriodExpiresExactlyAtExpiresAt) {
  const subscription s = subscribed(month_unlimited(), at("2026-11-01"));
  ASSERT_TRUE(s.expires_at.has_value());
  EXPECT_EQ(*s.expires_at, at("2026-12-01"));
  EXPECT_EQ(status_at(s, at("2026-11-01")), plan_status::active);
  EXPECT_EQ(status_at(s, *s.expires_at - one_ms), plan_status::active);
  EXPECT_EQ(status_at(s, *s.expires_at), plan_status::expired);
  EXPECT_EQ(status_at(s, *s.expires_at + one_ms), plan_status::expired);
}

TEST(StatusAt, PeriodCap) {
  subscription s = subscribed(month_30(), at("2026-11-01"));
  s.swaps_used = 29;
  EXPECT_EQ(status_at(s, now()), plan_status::active);
  s.swaps_used = 30;
  EXPECT_EQ(status_at(s, now()), plan_status::exhausted);
  // Expiry wins over exhaustion.
  EXPECT_EQ(status_at(s, at("2026-12-01")), plan_status::expired);
  // Unlimited: any number of swaps.
  subscription u = subscribed(month_unlimited(), at("2026-11-01"));
  u.swaps_used = 10000;
  EXPECT_EQ(status_at(u, now()), plan_status::active);
}

TEST(StatusAt, Bundles) {
  subscription km = subscribed(km_bundle(), at("2026-11-01"));
  EXPECT_EQ(km.km_left_m, 300000);
  km.km_left_m = 1;
  EXPECT_EQ(status_at(km, now()), plan_status::active);
  km.km_left_m = 0;
  EXPECT_EQ(status_at(km, now()), plan_status::exhausted);
  km.km_left_m = -500;
  EXPECT_EQ(status_at(km, now()), plan_status::exhausted);

  subscription ovg = subscribed(km_bundle_overage(), at("2026-11-01"));
  ovg.km_left_m = 0;
  EXPECT_EQ(status_at(ovg, now()), plan_status::active);  // overage keeps it going

  subscription sw = subscribed(swap_bundle(), at("2026-11-01"));
  sw.swaps_left = 1;
  EXPECT_EQ(status_at(sw, now()), plan_status::active);
  sw.swaps_left = 0;
  EXPECT_EQ(status_at(sw, now()), plan_status::exhausted);

  // Metered plans never run out and never expire.
  EXPECT_EQ(status_at(subscribed(per_km(), at("2020-01-01")), now()), plan_status::active);
  EXPECT_EQ(status_at(subscribed(per_swap(), at("2020-01-01")), now()), plan_status::active);
  EXPECT_EQ(status_at(subscribed(per_kwh(), at("2020-01-01")), now()), plan_status::active);
}

TEST(CountryPolicy, TermsNamesAndValidation) {
  payment_terms t = payment_terms::prepaid;
  ASSERT_TRUE(from_string("postpaid", t));
  EXPECT_EQ(t, payment_terms::postpaid);
  EXPECT_FALSE(from_string("credit", t));
  EXPECT_EQ(to_string(payment_terms::prepaid), "prepaid");

  EXPECT_EQ(validate(cn_policy()), "");
  EXPECT_EQ(validate(ke_policy()), "");
  auto field = [](const country_policy& p) { return validate(p).substr(0, validate(p).find(':')); };
  country_policy p = cn_policy();
  p.country = "cn";
  EXPECT_EQ(field(p), "country");
  p = cn_policy();
  p.currency = "XXX";
  EXPECT_EQ(field(p), "currency");
  p = cn_policy();
  p.grace_days = 3;  // prepaid has no grace
  EXPECT_EQ(field(p), "grace_days");
  p = ke_policy();
  p.grace_days = 366;
  EXPECT_EQ(field(p), "grace_days");
  p = cn_policy();
  p.tax_rate_bp = 10001;
  EXPECT_EQ(field(p), "tax");
  p = cn_policy();
  p.min_age_years = -1;
  EXPECT_EQ(field(p), "min_age");
  p = cn_policy();
  p.kyc_documents.push_back("");
  EXPECT_EQ(field(p), "kyc_documents");
}

}  // namespace
