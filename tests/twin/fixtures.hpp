#pragma once
// Shared builders for the twin tests: instants from text, and one fully valid world (a Chinese
// rider on a monthly plan at an online station) that each test mutates in one place.

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "twin/authorize.hpp"
#include "twin/billing.hpp"
#include "twin/country.hpp"
#include "twin/plan.hpp"
#include "twin/rider.hpp"
#include "twin/station.hpp"
#include "twin/time.hpp"

namespace swaptwin::twin::testing {

/// An instant from "2026-11-23T08:30:00Z" or "2026-11-23"; a typo fails the calling test.
inline unix_ms at(std::string_view text) {
  auto t = parse_instant(text);
  if (!t) {
    ADD_FAILURE() << "bad instant in test: " << text;
    return from_ms(0);
  }
  return *t;
}

/// A calendar day from "1990-05-17".
inline civil_day day(std::string_view text) {
  auto d = parse_date(text);
  if (!d) {
    ADD_FAILURE() << "bad date in test: " << text;
    return 0;
  }
  return *d;
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
  p.min_age_years = 18;
  p.terms = payment_terms::postpaid;
  p.grace_days = 3;
  p.tax_rate_bp = 1600;
  return p;
}

/// 299.00 CNY per month, unlimited swaps.
inline plan month_unlimited() {
  plan p;
  p.id = "month-unlimited";
  p.name = "Monthly unlimited";
  p.kind = plan_kind::period;
  p.currency = "CNY";
  p.price_minor = 29900;
  p.period = period_unit::month;
  return p;
}

/// 199.00 CNY per month, 30 swaps.
inline plan month_30() {
  plan p = month_unlimited();
  p.id = "month-30";
  p.name = "Monthly 30 swaps";
  p.price_minor = 19900;
  p.swap_cap = 30;
  return p;
}

/// 100.00 CNY for 300 km, no overage.
inline plan km_bundle() {
  plan p;
  p.id = "km-300";
  p.name = "300 km";
  p.kind = plan_kind::distance;
  p.currency = "CNY";
  p.price_minor = 10000;
  p.bundle_km = 300;
  return p;
}

/// 50.00 CNY for 100 km, then 0.50 CNY per km.
inline plan km_bundle_overage() {
  plan p = km_bundle();
  p.id = "km-100-ovg";
  p.name = "100 km + overage";
  p.price_minor = 5000;
  p.bundle_km = 100;
  p.unit_price_minor = 50;
  return p;
}

/// 0.30 CNY per km.
inline plan per_km() {
  plan p;
  p.id = "per-km";
  p.name = "Pay per km";
  p.kind = plan_kind::distance;
  p.currency = "CNY";
  p.unit_price_minor = 30;
  return p;
}

/// 45.00 CNY for 10 swaps.
inline plan swap_bundle() {
  plan p;
  p.id = "swaps-10";
  p.name = "10 swaps";
  p.kind = plan_kind::cycles;
  p.currency = "CNY";
  p.price_minor = 4500;
  p.bundle_swaps = 10;
  return p;
}

/// 5.00 CNY per swap.
inline plan per_swap() {
  plan p;
  p.id = "per-swap";
  p.name = "Pay per swap";
  p.kind = plan_kind::cycles;
  p.currency = "CNY";
  p.unit_price_minor = 500;
  return p;
}

/// 1.50 CNY per kWh.
inline plan per_kwh() {
  plan p;
  p.id = "per-kwh";
  p.name = "Pay per kWh";
  p.kind = plan_kind::energy;
  p.currency = "CNY";
  p.unit_price_minor = 150;
  return p;
}

/// The subscription buying `p` at `start` would give (bundles full, period ending a period later).
inline subscription subscribed(const plan& p, unix_ms start) {
  subscription s;
  s.plan_id = p.id;
  s.kind = p.kind;
  s.started_at = start;
  s.metered = metered(p);
  s.overage = p.kind == plan_kind::distance && p.bundle_km > 0 && p.unit_price_minor > 0;
  if (p.kind == plan_kind::period) {
    s.expires_at = period_end(p.period, start);
    s.swap_cap = p.swap_cap;
  }
  s.km_left_m = std::int64_t{p.bundle_km} * 1000;
  s.swaps_left = p.bundle_swaps;
  return s;
}

/// The instant the valid world is looked at.
inline unix_ms now() { return at("2026-11-15T10:00:00Z"); }

/// A verified adult CN rider, 500.00 CNY deposit for 60V, holding 60V pack P-OLD, on
/// month-unlimited bought 2026-11-01 (expires 2026-12-01), wallet 0.
inline rider valid_rider() {
  rider r;
  r.id = "R1";
  r.name = "Li Wei";
  r.country = "CN";
  r.phone = "+8613800000000";
  r.birth_date = day("1990-05-17");
  r.kyc = kyc_status::verified;
  r.kyc_documents = {"national_id", "selfie"};
  r.wh_per_km = 25;
  r.deposits["60V"] = money{50000, "CNY"};
  r.holding_sn = "P-OLD";
  r.holding_model = "60V";
  r.plan = subscribed(month_unlimited(), at("2026-11-01T00:00:00Z"));
  r.created_at = at("2026-10-01");
  return r;
}

/// Online station ST-1 with 4 slots: 1 ready 60V (P-NEW), 2 empty, 3 charging 60V, 4 ready 72V.
inline station valid_station() {
  station s = make_station("ST-1", "Nanshan", geo_point{22.53, 113.93}, 4, 6000, at("2026-01-01"));
  s.link.online = true;
  s.link.last_seen = at("2026-11-15T09:59:00Z");
  s.slots[0] = slot{1, slot_state::ready, false, "P-NEW", "60V", 1.0, 0};
  s.slots[2] = slot{3, slot_state::charging, false, "P-CHG", "60V", 0.4, 800};
  s.slots[3] = slot{4, slot_state::ready, false, "P-72", "72V", 1.0, 0};
  return s;
}

}  // namespace swaptwin::twin::testing
