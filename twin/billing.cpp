#include "twin/billing.hpp"

namespace swaptwin::twin {

namespace {
posting make_posting(const rider& r, const std::string& key, posting_kind kind, money amount, unix_ms now) {
  posting p;
  p.key = key;
  p.at = now;
  p.rider_id = r.id;
  p.kind = kind;
  p.amount = std::move(amount);
  return p;
}

// Moves the wallet by `delta`, keeping owed_since in step with the sign of the balance. Refuses
// (changing nothing) a move that would take the balance out of the money range.
status move_balance(rider& r, std::int64_t delta, const std::string& currency, unix_ms now) {
  auto after = checked_add(r.balance_minor, delta);
  if (!after)
    return error{errc::money_out_of_range,
                 "the wallet of rider " + r.id + " holds " + format_money(money{r.balance_minor, currency}) +
                     "; moving it by " + format_money(money{delta, currency}) + " would leave the range of " +
                     format_money(money{-money_limit_minor, currency}) + " to " +
                     format_money(money{money_limit_minor, currency}) + ". Nothing changed"};
  bool was_owing = r.balance_minor < 0;
  r.balance_minor = *after;
  if (r.balance_minor >= 0) r.owed_since.reset();
  else if (!was_owing) r.owed_since = now;
  return done{};
}

// Refuses an amount (a price, a charge) outside the money range, naming `what`.
status in_range(std::int64_t minor, const std::string& currency, const std::string& what) {
  if (in_money_range(minor)) return done{};
  return error{errc::money_out_of_range, what + " of " + std::to_string(minor) + " minor units of " + currency +
                                             " is beyond " + format_money(money{money_limit_minor, currency})};
}
}  // namespace

result<rider_change> pay_deposit(const rider& r, const country_policy& policy, const std::string& model_id,
                                 const money& price, unix_ms now, const std::string& key) {
  if (price.currency != policy.currency)
    return error{errc::currency_mismatch, "deposit is in " + price.currency + " but riders in " + policy.country +
                                              " pay in " + policy.currency};
  if (price.minor <= 0) return error{errc::deposit_not_set, "no deposit amount set for " + model_id};
  if (auto s = in_range(price.minor, price.currency, "the " + model_id + " deposit"); !s) return s.err();
  if (r.deposits.count(model_id))
    return error{errc::deposit_paid, "rider " + r.id + " already holds a " + model_id + " deposit"};
  rider_change c{r, {}};
  c.after.deposits[model_id] = price;
  auto p = make_posting(r, key, posting_kind::deposit_in, price, now);
  p.memo = model_id;
  c.postings.push_back(std::move(p));
  return c;
}

result<rider_change> refund_deposit(const rider& r, const std::string& model_id, unix_ms now, const std::string& key) {
  auto it = r.deposits.find(model_id);
  if (it == r.deposits.end())
    return error{errc::deposit_missing, "rider " + r.id + " holds no " + model_id + " deposit"};
  if (!r.holding_sn.empty() && r.holding_model == model_id)
    return error{errc::deposit_pack_out, "rider " + r.id + " still holds pack " + r.holding_sn};
  const money deposit = it->second;
  std::int64_t dues = r.balance_minor < 0 ? -r.balance_minor : 0;
  std::int64_t netted = std::min(dues, deposit.minor);
  rider_change c{r, {}};
  c.after.deposits.erase(model_id);
  if (auto s = move_balance(c.after, netted, deposit.currency, now); !s) return s.err();
  auto refund = make_posting(r, key, posting_kind::deposit_refund, money{-deposit.minor, deposit.currency}, now);
  refund.memo = model_id;
  c.postings.push_back(std::move(refund));
  if (netted > 0) {
    auto kept = make_posting(r, key + ":dues", posting_kind::dues_payment, money{netted, deposit.currency}, now);
    kept.memo = "netted from " + model_id + " deposit";
    c.postings.push_back(std::move(kept));
  }
  return c;
}

result<rider_change> top_up(const rider& r, const country_policy& policy, const money& amount, unix_ms now,
                            const std::string& key) {
  if (amount.currency != policy.currency)
    return error{errc::currency_mismatch, "riders in " + policy.country + " pay in " + policy.currency};
  if (amount.minor <= 0) return error{errc::invalid_argument, "a top-up must be positive"};
  rider_change c{r, {}};
  if (auto s = move_balance(c.after, amount.minor, amount.currency, now); !s) return s.err();
  c.postings.push_back(make_posting(r, key, posting_kind::wallet_topup, amount, now));
  return c;
}

result<rider_change> buy_plan(const rider& r, const plan& p, const country_policy& policy, unix_ms now,
                              const std::string& key, bool replace) {
  if (p.retired) return error{errc::plan_retired, "plan " + p.id + " is retired"};
  if (p.currency != policy.currency)
    return error{errc::currency_mismatch,
                 "plan " + p.id + " is sold in " + p.currency + "; riders in " + policy.country + " pay in " + policy.currency};
  if (auto s = in_range(p.price_minor, p.currency, "the price of plan " + p.id); !s) return s.err();
  if (auto s = in_range(apply_rate_bp(p.price_minor, policy.tax_rate_bp), p.currency, "the tax on plan " + p.id); !s)
    return s.err();
  rider_change c{r, {}};
  auto& after = c.after;
  bool renewing = r.plan && r.plan->plan_id == p.id;
  bool active = r.plan && status_at(*r.plan, now) == plan_status::active;
  if (r.plan && !renewing && active && !replace)
    return error{errc::plan_active, "rider " + r.id + " still has active plan " + r.plan->plan_id +
                                        " (buy it again to renew, or replace it)"};
  if (!renewing) {
    subscription s;
    s.plan_id = p.id;
    s.kind = p.kind;
    s.started_at = now;
    s.metered = metered(p);
    s.overage = p.kind == plan_kind::distance && p.bundle_km > 0 && p.unit_price_minor > 0;
    after.plan = s;
  }
  auto& s = *after.plan;
  switch (p.kind) {
    case plan_kind::period: {
      bool still_running = renewing && s.expires_at && now < *s.expires_at;
      unix_ms from = still_running ? *s.expires_at : now;
      if (renewing && !still_running) {  // renewing after expiry starts a fresh period
        s.started_at = now;
        s.swaps_used = 0;
        s.swap_cap = 0;
      }
      s.expires_at = period_end(p.period, from);
      s.swap_cap += p.swap_cap;
      if (p.swap_cap == 0) s.swap_cap = 0;
      break;
    }
    case plan_kind::distance:
      if (!metered(p)) s.km_left_m = std::max<std::int64_t>(s.km_left_m, 0) + std::int64_t{p.bundle_km} * 1000;
      break;
    case plan_kind::cycles:
      if (!metered(p)) s.swaps_left = std::max(s.swaps_left, 0) + p.bundle_swaps;
      break;
    case plan_kind::energy:
      break;
  }
  if (p.price_minor > 0) {
    auto sale = make_posting(r, key, posting_kind::plan_purchase, money{p.price_minor, p.currency}, now);
    sale.plan = p.kind;
    sale.plan_id = p.id;
    sale.memo = renewing ? "renewal" : "purchase";
    c.postings.push_back(sale);
    std::int64_t tax = apply_rate_bp(p.price_minor, policy.tax_rate_bp);
    if (tax != 0) {
      auto t = make_posting(r, key + ":tax", posting_kind::tax, money{tax, p.currency}, now);
      t.plan = p.kind;
      t.plan_id = p.id;
      c.postings.push_back(std::move(t));
    }
  }
  return c;
}

namespace {
// Price of the energy and distance drawn from a returned pack under `p`; takes km off a bundle.
std::int64_t usage_price(const plan& p, subscription& s, std::int64_t km_m, std::int64_t energy_wh) {
  switch (p.kind) {
    case plan_kind::distance:
      if (s.metered) return price_milli(p.unit_price_minor, km_m);
      s.km_left_m -= km_m;
      if (s.km_left_m < 0 && s.overage) {
        auto over = -s.km_left_m;
        s.km_left_m = 0;
        return price_milli(p.unit_price_minor, over);
      }
      return 0;
    case plan_kind::energy:
      return price_milli(p.unit_price_minor, energy_wh);
    case plan_kind::period:
    case plan_kind::cycles:
      return 0;
  }
  return 0;
}

// Posts a usage charge and its tax, and takes both off the wallet. Refuses a charge, a tax or a
// balance outside the money range (a price per km or kWh times an absurd distance or energy).
status charge(swap_settlement& out, const plan& p, const country_policy& policy, const swap_usage& usage,
              std::int64_t net, unix_ms now, const std::string& key) {
  if (auto s = in_range(net, p.currency, "a usage charge"); !s) return s;
  std::int64_t tax = apply_rate_bp(net, policy.tax_rate_bp);
  auto total = checked_add(net, tax);
  if (!total)
    return error{errc::money_out_of_range, "a usage charge of " + format_money(money{net, p.currency}) +
                                               " with its tax is beyond " +
                                               format_money(money{money_limit_minor, p.currency})};
  out.net.minor = net;
  out.tax.minor = tax;
  if (net == 0) return done{};
  auto& c = out.change;
  auto line = make_posting(c.after, key, posting_kind::usage_charge, out.net, now);
  line.plan = p.kind;
  line.plan_id = p.id;
  line.station_sn = usage.station_sn;
  line.memo = std::to_string(out.km_m) + " m, " + std::to_string(usage.energy_drawn_wh) + " Wh";
  c.postings.push_back(std::move(line));
  if (tax != 0) {
    auto t = make_posting(c.after, key + ":tax", posting_kind::tax, out.tax, now);
    t.plan = p.kind;
    t.plan_id = p.id;
    t.station_sn = usage.station_sn;
    c.postings.push_back(std::move(t));
  }
  return move_balance(c.after, -*total, p.currency, now);
}

std::int64_t km_from_energy(const rider& r, const swap_usage& usage) {
  if (usage.returned_sn.empty() || r.wh_per_km <= 0) return 0;
  return (usage.energy_drawn_wh * 1000 + r.wh_per_km / 2) / r.wh_per_km;
}
}  // namespace

result<swap_settlement> settle_swap(const rider& r, const plan& p, const country_policy& policy,
                                    const swap_usage& usage, unix_ms now, const std::string& key) {
  if (!r.plan || r.plan->plan_id != p.id)
    return error{errc::plan_none, "rider " + r.id + " does not hold plan " + p.id};
  if (p.currency != policy.currency)
    return error{errc::currency_mismatch, "plan " + p.id + " is in " + p.currency};
  if (usage.energy_drawn_wh < 0) return error{errc::invalid_argument, "energy drawn is negative"};
  swap_settlement out{{r, {}}, km_from_energy(r, usage), zero(p.currency), zero(p.currency)};
  auto& s = *out.change.after.plan;
  std::int64_t net = usage_price(p, s, out.km_m, usage.energy_drawn_wh);
  if (p.kind == plan_kind::cycles) {
    if (s.metered) net += p.unit_price_minor;
    else --s.swaps_left;
  }
  ++s.swaps_used;
  if (auto st = charge(out, p, policy, usage, net, now, key); !st) return st.err();
  out.change.after.holding_sn = usage.issued_sn;
  out.change.after.holding_model = usage.issued_sn.empty() ? std::string{} : usage.model_id;
  return out;
}

result<swap_settlement> settle_return(const rider& r, const plan* p, const country_policy& policy,
                                      const swap_usage& usage, unix_ms now, const std::string& key) {
  if (r.holding_sn.empty() || usage.returned_sn != r.holding_sn)
    return error{errc::invalid_argument, "rider " + r.id + " does not hold pack " + usage.returned_sn};
  if (usage.energy_drawn_wh < 0) return error{errc::invalid_argument, "energy drawn is negative"};
  const std::string currency = p ? p->currency : policy.currency;
  swap_settlement out{{r, {}}, km_from_energy(r, usage), zero(currency), zero(currency)};
  if (p && r.plan && r.plan->plan_id == p->id) {
    auto& s = *out.change.after.plan;
    if (auto st = charge(out, *p, policy, usage, usage_price(*p, s, out.km_m, usage.energy_drawn_wh), now, key); !st)
      return st.err();
  }
  out.change.after.holding_sn.clear();
  out.change.after.holding_model.clear();
  return out;
}

}  // namespace swaptwin::twin
