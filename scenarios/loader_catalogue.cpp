// Loader steps for the run itself, the catalogue (models, countries, plans, deposits) and the
// physics and service levels (charging, ageing, SLA).
#include <cmath>
#include <exception>

#include <date/tz.h>

#include "scenarios/loader_internal.hpp"

namespace swaptwin::scenarios::detail {
namespace {

// twin::validate(plan) speaks in CLI flags; a scenario file has fields.
std::string fields_not_flags(std::string s) {
  static constexpr std::pair<std::string_view, std::string_view> flags[] = {
      {"--per-km", "unit_price"}, {"--per-swap", "unit_price"}, {"--per-kwh", "unit_price"},
      {"--swap-cap", "swap_cap"}, {"--swaps", "bundle_swaps"},  {"--km", "bundle_km"},
      {"--price", "price"},       {"--period", "period"}};
  for (const auto& [flag, field] : flags)
    for (auto at = s.find(flag); at != std::string::npos; at = s.find(flag, at))
      s.replace(at, flag.size(), field);
  return s;
}

// Parses money text of `field`; records the error and returns nothing when it is not money.
std::optional<twin::money> read_money(const node& n, std::string_view field, const std::string& text) {
  auto m = twin::parse_money(text);
  if (m) return *m;
  n.fail(field, m.err().detail + " (expected money like \"299.00 CNY\")", m.code());
  return std::nullopt;
}

void read_models(context& c) {
  const auto& m = c.msg;
  if (m.models_size() == 0) {
    c.out.models = twin::default_models();
    for (const auto& bm : c.out.models) c.models.add(bm.id, c.root, "models", twin::errc::invalid_argument, "model id");
    return;
  }
  for (int i = 0; i < m.models_size(); ++i) {
    const auto& x = m.models(i);
    const node n = c.root.child("models", i);
    if (x.id().empty())
      n.fail("id", "missing (expected a model id like \"60V\")");
    else
      c.models.add(x.id(), n, "id", twin::errc::invalid_argument, "model id");
    if (check(n, "nominal_v", x.nominal_v(), x.nominal_v() > 0, "a voltage", "volts, more than 0", true))
      at_most(n, "nominal_v", x.nominal_v(), 1500, "V", "a traction pack is low voltage");
    if (check(n, "capacity_wh", x.capacity_wh(), x.capacity_wh() > 0, "a capacity", "Wh, more than 0", true))
      at_most(n, "capacity_wh", x.capacity_wh(), 200000, "Wh", "the capacity is in Wh: a swappable pack holds a few thousand");
    c.out.models.push_back(twin::battery_model{x.id(), x.nominal_v(), x.capacity_wh(), x.chemistry()});
  }
}

void read_countries(context& c) {
  for (int i = 0; i < c.msg.countries_size(); ++i) {
    const auto& x = c.msg.countries(i);
    const node n = c.root.child("countries", i);
    twin::country_policy p;
    p.country = x.code();
    p.currency = x.currency();
    p.kyc_documents.assign(x.kyc_documents().begin(), x.kyc_documents().end());
    if (x.has_min_age()) p.min_age_years = x.min_age();
    p.grace_days = x.grace_days();
    bool fine = true;
    if (!x.terms().empty() && !twin::from_string(x.terms(), p.terms)) {
      n.fail("terms", quoted(x.terms()) + " is not a payment term (expected \"prepaid\" or \"postpaid\")");
      fine = false;
    }
    const double bp = x.tax_percent() * 100;
    if (check(n, "tax_percent", x.tax_percent(), within(x.tax_percent(), 0, 100), "a tax rate", "percent, 0..100")) {
      p.tax_rate_bp = static_cast<int>(std::lround(bp));
      if (std::abs(bp - p.tax_rate_bp) > 1e-6) {
        n.fail("tax_percent", num(x.tax_percent()) + " has more than two decimals (expected a rate like 13 or 7.25)");
        fine = false;
      }
    } else {
      fine = false;
    }
    if (x.code().empty()) {
      n.fail("code", "missing (expected an ISO 3166 alpha-2 code like \"CN\")");
      fine = false;
    } else if (!c.countries.add(x.code(), n, "code", twin::errc::invalid_argument, "country code")) {
      fine = false;
    }
    if (x.currency().empty()) {
      n.fail("currency", "missing (expected an ISO 4217 code like \"CNY\")");
      fine = false;
    }
    if (fine) {
      const auto why = twin::validate(p);
      if (!why.empty()) n.fail_twin(why, {{"country", "code"}, {"tax", "tax_percent"}});
    }
    c.out.countries.push_back(std::move(p));
  }
}

void read_plan(context& c, int i) {
  const auto& x = c.msg.plans(i);
  const node n = c.root.child("plans", i);
  twin::plan p;
  p.id = x.id();
  p.name = x.name();
  p.swap_cap = x.swap_cap();
  p.bundle_km = x.bundle_km();
  p.bundle_swaps = x.bundle_swaps();
  p.retired = x.retired();
  bool fine = true;
  if (x.id().empty()) {
    n.fail("id", "missing (expected a plan id like \"month-unlimited\")");
    fine = false;
  } else if (!c.plans.add(x.id(), n, "id", twin::errc::plan_duplicate, "plan id")) {
    fine = false;
  }
  if (x.name().empty()) {
    n.fail("name", "missing (expected the name riders see)");
    fine = false;
  }
  if (x.kind().empty()) {
    n.fail("kind", "missing (expected \"period\", \"distance\", \"cycles\" or \"energy\")");
    fine = false;
  } else if (!twin::from_string(x.kind(), p.kind)) {
    n.fail("kind", quoted(x.kind()) + " is not a plan kind (expected \"period\", \"distance\", \"cycles\" or \"energy\")");
    fine = false;
  }
  if (!x.period().empty() && !twin::from_string(x.period(), p.period)) {
    n.fail("period", quoted(x.period()) + " is not a period (expected \"week\", \"month\" or \"year\")");
    fine = false;
  }
  fine &= check(n, "swap_cap", x.swap_cap(), x.swap_cap() >= 0, "a swap cap", "0 = unlimited, or more") &&
          at_most(n, "swap_cap", x.swap_cap(), 100000, "swaps", "0 means unlimited");
  fine &= check(n, "bundle_km", x.bundle_km(), x.bundle_km() >= 0, "a km bundle", "0 = pay per km, or more") &&
          at_most(n, "bundle_km", x.bundle_km(), 1000000, "km", "a bundle is a few thousand km");
  fine &= check(n, "bundle_swaps", x.bundle_swaps(), x.bundle_swaps() >= 0, "a swap bundle", "0 = pay per swap, or more") &&
          at_most(n, "bundle_swaps", x.bundle_swaps(), 100000, "swaps", "a bundle is a few hundred swaps");
  std::optional<twin::money> price, unit;
  if (!x.price().empty() && !(price = read_money(n, "price", x.price()))) fine = false;
  if (!x.unit_price().empty() && !(unit = read_money(n, "unit_price", x.unit_price()))) fine = false;
  if (price) {
    p.price_minor = price->minor;
    p.currency = price->currency;
  }
  if (unit) {
    p.unit_price_minor = unit->minor;
    if (price && unit->currency != price->currency) {
      n.fail("unit_price", "is in " + unit->currency + " but price is in " + price->currency +
                               " (expected one currency per plan)", twin::errc::currency_mismatch);
      fine = false;
    }
    p.currency = unit->currency;
  }
  if (x.price().empty() && x.unit_price().empty()) {
    n.fail_here("no price (expected price and/or unit_price, money like \"299.00 CNY\")");
    fine = false;
  }
  if (fine) {
    const auto why = twin::validate(p);
    if (!why.empty())
      n.fail_twin(fields_not_flags(why), {{"per_km", "unit_price"}, {"per_swap", "unit_price"}, {"per_kwh", "unit_price"}});
  }
  c.out.plans.push_back(std::move(p));
}

void read_deposits(context& c) {
  for (int i = 0; i < c.msg.deposits_size(); ++i) {
    const auto& x = c.msg.deposits(i);
    const node n = c.root.child("deposits", i);
    known_model(c, n, "model", x.model());
    deposit_spec d{x.model(), {}};
    if (x.amount().empty()) {
      n.fail("amount", "missing (expected money like \"300.00 CNY\")");
    } else if (auto m = read_money(n, "amount", x.amount())) {
      d.amount = *m;
      if (m->minor <= 0)
        n.fail("amount", quoted(x.amount()) + " is not a deposit (expected an amount more than 0)");
      else
        c.deposits.add(x.model() + " in " + m->currency, n, "amount", twin::errc::invalid_argument,
                       "deposit per model and currency");
    }
    c.out.deposits.push_back(std::move(d));
  }
}

}  // namespace

void read_run(context& c) {
  const auto& m = c.msg;
  const node& r = c.root;
  auto& o = c.out;
  o.name = m.name();
  if (m.name().empty()) r.fail("name", "missing (expected a scenario name)");
  if (m.start().empty()) {
    r.fail("start", "missing (expected a UTC instant like \"2026-11-23T00:00:00Z\")");
  } else if (auto t = twin::parse_instant(m.start())) {
    o.start = *t;
  } else {
    r.fail("start", quoted(m.start()) + " is not an instant (expected UTC like \"2026-11-23T00:00:00Z\")");
  }
  if (!m.time_zone().empty()) {
    o.time_zone = m.time_zone();
    try {
      (void)date::locate_zone(m.time_zone());
    } catch (const std::exception&) {
      r.fail("time_zone", quoted(m.time_zone()) + " is not an IANA time zone (expected e.g. \"Asia/Shanghai\")");
    }
  }
  const double days = m.duration_days();
  if (check(r, "duration_days", days, days > 0 && days <= limit::days, "a duration", "days, more than 0 and at most 3660",
            true))
    o.duration = std::chrono::milliseconds{std::llround(days * 86'400'000.0)};
  if (m.has_seed()) o.seed = m.seed();
  if (m.has_heartbeat_interval_s()) o.heartbeat_interval_s = m.heartbeat_interval_s();
  if (m.has_offline_after_beats()) o.offline_after_beats = m.offline_after_beats();
  if (check(r, "heartbeat_interval_s", o.heartbeat_interval_s, o.heartbeat_interval_s > 0, "an interval",
            "seconds, more than 0"))
    at_most(r, "heartbeat_interval_s", o.heartbeat_interval_s, 86400, "seconds", "a day");
  if (check(r, "offline_after_beats", o.offline_after_beats, o.offline_after_beats > 0, "a beat count", "1 or more"))
    at_most(r, "offline_after_beats", o.offline_after_beats, 100, "beats", "raise heartbeat_interval_s for a longer deadline");
}

void read_catalogue(context& c) {
  read_models(c);
  read_countries(c);
  for (int i = 0; i < c.msg.plans_size(); ++i) read_plan(c, i);
  read_deposits(c);
}

void read_physics(context& c) {
  const node r = c.root;
  {
    const auto& x = c.msg.charging();
    const node n = r.child("charging");
    auto& o = c.out.charging;
    if (x.model() == "exponential")
      o.model = charge_model::exponential;
    else if (!x.model().empty() && x.model() != "two_phase")
      n.fail("model", quoted(x.model()) + " is not a charge model (expected \"two_phase\" or \"exponential\")");
    if (x.has_ready_soc()) o.ready_soc = x.ready_soc();
    if (x.has_knee_soc()) o.knee_soc = x.knee_soc();
    if (x.has_taper_floor()) o.taper_floor = x.taper_floor();
    if (x.has_exp_mean_min()) o.exp_mean_min = x.exp_mean_min();
    check(n, "ready_soc", o.ready_soc, o.ready_soc > 0 && o.ready_soc <= 1, "a SoC", "more than 0, at most 1");
    check(n, "knee_soc", o.knee_soc, o.knee_soc > 0 && o.knee_soc <= 1, "a SoC", "more than 0, at most 1");
    check(n, "taper_floor", o.taper_floor, o.taper_floor > 0 && o.taper_floor <= 1, "a power fraction",
          "more than 0, at most 1");
    if (check(n, "exp_mean_min", o.exp_mean_min, o.exp_mean_min > 0, "a mean time", "minutes, more than 0"))
      at_most(n, "exp_mean_min", o.exp_mean_min, 10080, "minutes", "a week; the time is in minutes");
  }
  {
    const auto& x = c.msg.ageing();
    const node n = r.child("ageing");
    auto& o = c.out.ageing;
    if (x.has_soh_loss_per_cycle()) o.soh_loss_per_cycle = x.soh_loss_per_cycle();
    if (x.has_retire_below_soh()) o.retire_below_soh = x.retire_below_soh();
    check(n, "soh_loss_per_cycle", o.soh_loss_per_cycle, o.soh_loss_per_cycle >= 0 && o.soh_loss_per_cycle < 1,
          "a SoH loss", "0 or more, less than 1");
    check(n, "retire_below_soh", o.retire_below_soh, o.retire_below_soh >= 0 && o.retire_below_soh < 1, "a SoH",
          "0 or more, less than 1");
  }
  const auto& x = c.msg.sla();
  const node n = r.child("sla");
  auto& o = c.out.sla;
  const auto minutes = [&](std::string_view field, bool has, int value, std::chrono::minutes& out) {
    if (!has) return;
    if (check(n, field, value, value > 0, "a time limit", "minutes, more than 0") &&
        at_most(n, field, value, 525600, "minutes", "a year"))
      out = std::chrono::minutes{value};
  };
  minutes("station_offline_min", x.has_station_offline_min(), x.station_offline_min(), o.station_offline);
  minutes("slot_fault_min", x.has_slot_fault_min(), x.slot_fault_min(), o.slot_fault);
  minutes("over_temperature_min", x.has_over_temperature_min(), x.over_temperature_min(), o.over_temperature);
  minutes("door_open_min", x.has_door_open_min(), x.door_open_min(), o.door_open);
  minutes("low_stock_min", x.has_low_stock_min(), x.low_stock_min(), o.low_stock);
  minutes("pack_retired_min", x.has_pack_retired_min(), x.pack_retired_min(), o.pack_retired);
  minutes("escalate_every_min", x.has_escalate_every_min(), x.escalate_every_min(), o.escalate_every);
}

}  // namespace swaptwin::scenarios::detail
