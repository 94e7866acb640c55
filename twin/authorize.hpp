#pragma once
/// The swap authorisation rule: may this rider take a pack of this model at this station now?

#include <string>
#include <string_view>

#include "twin/country.hpp"
#include "twin/errors.hpp"
#include "twin/plan.hpp"
#include "twin/rider.hpp"
#include "twin/station.hpp"

namespace swaptwin::twin {

/// The answer: allowed, or the first reason that refuses it.
struct decision {
  errc reason = errc::ok;
  std::string detail;  ///< for people: which value failed
  /// True when the swap may go ahead.
  bool allowed() const noexcept { return reason == errc::ok; }
};

/// The rider's side of the decision (country, KYC, pack model, deposit, plan, payment), as the
/// billing service sees it without the station.
decision authorize_rider(const rider& r, const country_policy* policy, const plan* p, std::string_view model_id,
                         unix_ms now);

/// The station's side (online, in service, a free slot when `returning` a pack, a ready pack of
/// the model), as the station sees it without the rider's account.
decision authorize_station(const station& s, bool returning, std::string_view model_id);

/// Decides whether `r` may swap for a pack of `model_id` at `s` at `now`.
/// `policy` is the rider's country policy and `p` the plan their subscription refers to; either
/// may be null when unknown. Checks, in order: country policy, KYC under that policy, the pack the
/// rider holds is of the same model, deposit for the model, plan active and not exhausted,
/// payment (prepaid wallet for metered plans, postpaid dues within grace days), station online
/// and in service, a working empty slot for the returned pack, a ready pack of the model.
decision authorize_swap(const rider& r, const country_policy* policy, const plan* p, const station& s,
                        std::string_view model_id, unix_ms now);

}  // namespace swaptwin::twin
