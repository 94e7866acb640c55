#include "twin/authorize.hpp"

namespace swaptwin::twin {

namespace {
decision refuse(errc e, std::string detail) { return decision{e, std::move(detail)}; }

// Smallest wallet balance that lets a prepaid rider start a metered swap.
std::int64_t prepaid_minimum(const plan& p, const country_policy& policy) {
  if (p.kind == plan_kind::cycles) return p.unit_price_minor + apply_rate_bp(p.unit_price_minor, policy.tax_rate_bp);
  return 1;  // per km / per kWh: the cost is known only on return; require a positive balance
}
}  // namespace

decision authorize_rider(const rider& r, const country_policy* policy, const plan* p, std::string_view model_id,
                         unix_ms now) {
  const std::string model{model_id};
  if (!policy) return refuse(errc::country_unknown, "no policy for rider country \"" + r.country + "\"");
  if (auto k = kyc_gate(r, *policy, utc_day(now)); k != errc::ok)
    return refuse(k, "rider " + r.id + " is not verified under the " + policy->country + " policy");
  if (!r.holding_sn.empty() && r.holding_model != model)
    return refuse(errc::rider_other_model, "rider " + r.id + " holds " + r.holding_model + " pack " + r.holding_sn +
                                               ", asked for " + model);
  if (!r.deposits.count(model)) return refuse(errc::deposit_missing, "rider " + r.id + " has no " + model + " deposit");
  if (!r.plan || !p) return refuse(errc::plan_none, "rider " + r.id + " has no plan");
  switch (status_at(*r.plan, now)) {
    case plan_status::expired:
      return refuse(errc::plan_expired, "plan " + r.plan->plan_id + " expired at " + format_instant(*r.plan->expires_at));
    case plan_status::exhausted:
      return refuse(errc::plan_exhausted, "plan " + r.plan->plan_id + " is used up");
    case plan_status::active:
      break;
  }
  if (policy->terms == payment_terms::postpaid) {
    if (r.balance_minor < 0 && r.owed_since &&
        now >= *r.owed_since + std::chrono::hours{24} * policy->grace_days)
      return refuse(errc::payment_overdue, "rider " + r.id + " owes " +
                                               format_money(money{-r.balance_minor, policy->currency}) + " since " +
                                               format_instant(*r.owed_since));
  } else {
    // Prepaid: no debt, and enough in the wallet for swaps priced by usage (a km bundle with an
    // overage price is priced by usage once its km are used up).
    const auto& sub = *r.plan;
    bool usage_priced = sub.metered || (sub.overage && sub.km_left_m <= 0);
    std::int64_t minimum = usage_priced ? prepaid_minimum(*p, *policy) : 0;
    if (r.balance_minor < minimum)
      return refuse(errc::payment_insufficient,
                    "wallet holds " + format_money(money{r.balance_minor, policy->currency}));
  }
  return decision{};
}

decision authorize_station(const station& s, bool returning, std::string_view model_id) {
  const std::string model{model_id};
  if (!s.link.online) return refuse(errc::station_offline, "station " + s.sn + " is offline");
  if (!s.desired.enabled || !s.reported.enabled)
    return refuse(errc::station_disabled, "station " + s.sn + " is out of service");
  if (returning && free_count(s) == 0)
    return refuse(errc::slot_unavailable, "station " + s.sn + " has no empty working slot");
  if (ready_count(s, model) == 0) return refuse(errc::stock_empty, "station " + s.sn + " has no ready " + model + " pack");
  return decision{};
}

decision authorize_swap(const rider& r, const country_policy* policy, const plan* p, const station& s,
                        std::string_view model_id, unix_ms now) {
  if (auto d = authorize_rider(r, policy, p, model_id, now); !d.allowed()) return d;
  return authorize_station(s, !r.holding_sn.empty(), model_id);
}

}  // namespace swaptwin::twin
