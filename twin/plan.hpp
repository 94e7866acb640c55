#pragma once
/// Plans ("packages" in the seed) and a rider's subscription to one.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "twin/money.hpp"
#include "twin/time.hpp"

namespace swaptwin::twin {

/// The four ways riders pay for swaps.
enum class plan_kind : std::uint8_t {
  period,    ///< week / month / year, unlimited or capped swaps
  distance,  ///< prepaid km bundle, or price per km
  cycles,    ///< bundle of swaps, or price per swap
  energy,    ///< price per kWh drawn
};
/// "period", "distance", "cycles", "energy".
std::string_view to_string(plan_kind k) noexcept;
/// Inverse of to_string.
bool from_string(std::string_view s, plan_kind& out) noexcept;

/// Length of a period plan.
enum class period_unit : std::uint8_t { week, month, year };
/// "week", "month", "year".
std::string_view to_string(period_unit u) noexcept;
/// Inverse of to_string.
bool from_string(std::string_view s, period_unit& out) noexcept;

/// A plan on sale. Prices are net of tax; the rider's country adds its tax on top.
struct plan {
  std::string id;                      ///< "month-unlimited"
  std::string name;                    ///< shown to riders
  plan_kind kind = plan_kind::period;
  std::string currency;                ///< ISO 4217; only riders paying in it can buy the plan
  std::int64_t price_minor = 0;        ///< price of the period or bundle; 0 when pay-as-you-go
  period_unit period = period_unit::month;  ///< period plans
  int swap_cap = 0;                    ///< period plans: swaps per period, 0 = unlimited
  int bundle_km = 0;                   ///< distance plans: km included, 0 = pay per km
  int bundle_swaps = 0;                ///< cycles plans: swaps included, 0 = pay per swap
  std::int64_t unit_price_minor = 0;   ///< per km / per swap / per kWh; for a km bundle the overage price (0 = none)
  bool retired = false;                ///< retired plans stay valid for holders but are no longer sold
};

/// True when swaps under `p` are priced by usage (per km, per swap, per kWh) rather than prepaid.
bool metered(const plan& p) noexcept;
/// Checks a plan's fields for its kind. Empty when fine, else a message naming the field.
std::string validate(const plan& p);
/// One line for people: "299.00 CNY per month, unlimited swaps".
std::string describe(const plan& p);

/// A rider's current plan and what is left of it.
struct subscription {
  std::string plan_id;
  plan_kind kind = plan_kind::period;
  unix_ms started_at{};
  std::optional<unix_ms> expires_at;   ///< period plans: first instant it is no longer valid
  int swaps_used = 0;                  ///< swaps taken under this subscription
  int swap_cap = 0;                    ///< period plans: 0 = unlimited
  std::int64_t km_left_m = 0;          ///< distance bundles, in metres
  int swaps_left = 0;                  ///< cycles bundles
  bool metered = false;                ///< copy of metered(plan) at purchase
  bool overage = false;                ///< distance bundle with an overage price
};

/// State of a subscription at an instant.
enum class plan_status : std::uint8_t { active, expired, exhausted };
/// "active", "expired", "exhausted".
std::string_view to_string(plan_status s) noexcept;

/// Status of `s` at `now`. A period plan expires exactly at `expires_at` (that instant is expired).
plan_status status_at(const subscription& s, unix_ms now) noexcept;

/// End of a period starting at `from`: +7 days, +1 calendar month (clamped) or +1 calendar year.
unix_ms period_end(period_unit u, unix_ms from);

}  // namespace swaptwin::twin
