#pragma once
/// Billing rules: deposits, wallet, plan purchase and renewal, and swap settlement.
///
/// Every rule takes the rider as it is and returns the rider as it becomes plus the ledger
/// postings that record it ("decide, then apply"). Nothing is changed on a refusal. Posting keys
/// derive from the caller's idempotency key, so applying the same event twice is detectable.

#include <string>
#include <vector>

#include "twin/country.hpp"
#include "twin/errors.hpp"
#include "twin/ledger.hpp"
#include "twin/plan.hpp"
#include "twin/rider.hpp"

namespace swaptwin::twin {

/// A rider after an operation, and the postings it produced.
struct rider_change {
  rider after;
  std::vector<posting> postings;
};

/// The rider pays the operator's deposit `price` for packs of `model_id`.
result<rider_change> pay_deposit(const rider& r, const country_policy& policy, const std::string& model_id,
                                 const money& price, unix_ms now, const std::string& key);

/// Refunds the deposit held for `model_id`, netting unpaid dues: the rider gets the deposit minus
/// what they owe, and their dues are settled by the part kept.
result<rider_change> refund_deposit(const rider& r, const std::string& model_id, unix_ms now, const std::string& key);

/// Adds `amount` to the rider's wallet (paying dues first, since dues are a negative balance).
result<rider_change> top_up(const rider& r, const country_policy& policy, const money& amount, unix_ms now,
                            const std::string& key);

/// Sells plan `p` to the rider. Buying the plan they already hold renews it: a period extends from
/// the current end if still active (else from now) and its swap cap grows by the plan's cap; a bundle
/// adds its km or swaps. Buying another plan while one is active needs `replace`.
/// Prices are net; the country's tax is added and posted separately. Plans are paid at purchase.
result<rider_change> buy_plan(const rider& r, const plan& p, const country_policy& policy, unix_ms now,
                              const std::string& key, bool replace = false);

/// What happened physically in one swap.
struct swap_usage {
  std::string station_sn;
  std::string model_id;            ///< model of the pack handed out
  std::string returned_sn;         ///< empty on a first pick-up
  std::int64_t energy_drawn_wh = 0;  ///< energy drawn from the returned pack (see energy_drawn_wh)
  std::string issued_sn;           ///< pack handed out
};

/// The price of one swap and the rider after it.
struct swap_settlement {
  rider_change change;
  std::int64_t km_m = 0;     ///< distance ridden on the returned pack: energy / vehicle Wh per km
  money net;                 ///< usage charge, net of tax (zero under prepaid plans)
  money tax;                 ///< tax on it
};

/// Settles a swap under the rider's plan `p` (the plan their subscription refers to):
/// - period: free, counts against the swap cap;
/// - distance: km (from energy and the vehicle's Wh/km) come off the bundle, overage or
///   pay-per-km at the plan's price per km;
/// - cycles: one swap off the bundle, or the price per swap;
/// - energy: kWh drawn times the price per kWh.
/// Usage charges plus tax come off the wallet; a negative balance is owed from `now` on.
/// The rider then holds the issued pack.
result<swap_settlement> settle_swap(const rider& r, const plan& p, const country_policy& policy,
                                    const swap_usage& usage, unix_ms now, const std::string& key);

/// Settles a pack handed back without taking another (the rider leaves the service, e.g. to get
/// their deposit back): the distance and energy drawn are priced as in settle_swap, but no
/// per-swap price is charged and no swap is counted; plan expiry does not matter. `p` is the
/// rider's plan, or null when they have none. The rider then holds nothing.
result<swap_settlement> settle_return(const rider& r, const plan* p, const country_policy& policy,
                                      const swap_usage& usage, unix_ms now, const std::string& key);

}  // namespace swaptwin::twin
