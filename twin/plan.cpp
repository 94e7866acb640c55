#include "twin/plan.hpp"

namespace swaptwin::twin {

std::string_view to_string(plan_kind k) noexcept {
  switch (k) {
    case plan_kind::period: return "period";
    case plan_kind::distance: return "distance";
    case plan_kind::cycles: return "cycles";
    case plan_kind::energy: return "energy";
  }
  return "period";
}

bool from_string(std::string_view s, plan_kind& out) noexcept {
  for (auto k : {plan_kind::period, plan_kind::distance, plan_kind::cycles, plan_kind::energy})
    if (to_string(k) == s) {
      out = k;
      return true;
    }
  return false;
}

std::string_view to_string(period_unit u) noexcept {
  switch (u) {
    case period_unit::week: return "week";
    case period_unit::month: return "month";
    case period_unit::year: return "year";
  }
  return "month";
}

bool from_string(std::string_view s, period_unit& out) noexcept {
  for (auto u : {period_unit::week, period_unit::month, period_unit::year})
    if (to_string(u) == s) {
      out = u;
      return true;
    }
  return false;
}

std::string_view to_string(plan_status s) noexcept {
  switch (s) {
    case plan_status::active: return "active";
    case plan_status::expired: return "expired";
    case plan_status::exhausted: return "exhausted";
  }
  return "active";
}

bool metered(const plan& p) noexcept {
  switch (p.kind) {
    case plan_kind::period: return false;
    case plan_kind::distance: return p.bundle_km == 0;
    case plan_kind::cycles: return p.bundle_swaps == 0;
    case plan_kind::energy: return true;
  }
  return false;
}

std::string validate(const plan& p) {
  if (p.id.empty()) return "id: must not be empty";
  if (p.name.empty()) return "name: must not be empty";
  if (!find_currency(p.currency)) return "currency: unknown ISO 4217 code \"" + p.currency + "\"";
  if (p.price_minor < 0 || p.unit_price_minor < 0) return "price: must not be negative";
  if (p.swap_cap < 0 || p.bundle_km < 0 || p.bundle_swaps < 0) return "bundle: must not be negative";
  switch (p.kind) {
    case plan_kind::period:
      if (p.price_minor <= 0) return "price: a period plan needs a price";
      if (p.bundle_km || p.bundle_swaps || p.unit_price_minor) return "period plans take --period, --price and --swap-cap only";
      break;
    case plan_kind::distance:
      if (p.swap_cap || p.bundle_swaps) return "distance plans take --km with --price, and/or --per-km";
      if (p.bundle_km > 0 && p.price_minor <= 0) return "price: a km bundle needs a price";
      if (p.bundle_km == 0 && (p.unit_price_minor <= 0 || p.price_minor != 0))
        return "per_km: a pay-per-km plan needs --per-km and no --price";
      break;
    case plan_kind::cycles:
      if (p.swap_cap || p.bundle_km) return "cycles plans take --swaps with --price, or --per-swap";
      if (p.bundle_swaps > 0 && (p.price_minor <= 0 || p.unit_price_minor != 0))
        return "price: a swap bundle needs --price and no --per-swap";
      if (p.bundle_swaps == 0 && (p.unit_price_minor <= 0 || p.price_minor != 0))
        return "per_swap: a pay-per-swap plan needs --per-swap and no --price";
      break;
    case plan_kind::energy:
      if (p.swap_cap || p.bundle_km || p.bundle_swaps || p.price_minor)
        return "energy plans take --per-kwh only";
      if (p.unit_price_minor <= 0) return "per_kwh: an energy plan needs a price per kWh";
      break;
  }
  return {};
}

std::string describe(const plan& p) {
  auto m = [&](std::int64_t minor) { return format_money(money{minor, p.currency}); };
  switch (p.kind) {
    case plan_kind::period:
      return m(p.price_minor) + " per " + std::string{to_string(p.period)} + ", " +
             (p.swap_cap ? std::to_string(p.swap_cap) + " swaps" : std::string{"unlimited swaps"});
    case plan_kind::distance:
      if (p.bundle_km == 0) return m(p.unit_price_minor) + " per km";
      return m(p.price_minor) + " for " + std::to_string(p.bundle_km) + " km" +
             (p.unit_price_minor ? ", then " + m(p.unit_price_minor) + " per km" : std::string{});
    case plan_kind::cycles:
      if (p.bundle_swaps == 0) return m(p.unit_price_minor) + " per swap";
      return m(p.price_minor) + " for " + std::to_string(p.bundle_swaps) + " swaps";
    case plan_kind::energy:
      return m(p.unit_price_minor) + " per kWh";
  }
  return {};
}

plan_status status_at(const subscription& s, unix_ms now) noexcept {
  switch (s.kind) {
    case plan_kind::period:
      if (s.expires_at && now >= *s.expires_at) return plan_status::expired;
      if (s.swap_cap > 0 && s.swaps_used >= s.swap_cap) return plan_status::exhausted;
      return plan_status::active;
    case plan_kind::distance:
      if (!s.metered && !s.overage && s.km_left_m <= 0) return plan_status::exhausted;
      return plan_status::active;
    case plan_kind::cycles:
      if (!s.metered && s.swaps_left <= 0) return plan_status::exhausted;
      return plan_status::active;
    case plan_kind::energy:
      return plan_status::active;
  }
  return plan_status::active;
}

unix_ms period_end(period_unit u, unix_ms from) {
  switch (u) {
    case period_unit::week: return from + std::chrono::hours{24 * 7};
    case period_unit::month: return add_months(from, 1);
    case period_unit::year: return add_months(from, 12);
  }
  return from;
}

}  // namespace swaptwin::twin
