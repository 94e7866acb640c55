#pragma once
/// The billing service actor: holds riders' accounts, authorises the rider's side of a swap and
/// settles swaps into the ledger, all through the twin/ rules (authorize_rider, settle_swap).

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/protocol.hpp"
#include "twin/country.hpp"
#include "twin/ledger.hpp"
#include "twin/plan.hpp"
#include "twin/rider.hpp"

namespace swaptwin::actors {

/// Accounts billing starts with.
struct billing_setup {
  std::vector<twin::rider> riders;
  std::vector<twin::country_policy> countries;
  std::vector<twin::plan> plans;
  bool auto_renew = false;  ///< riders buy their plan again when it has expired or is used up
  store_api store;          ///< where postings go to be durable; none (the default): they stay in memory only
};

/// Billing's state (readable by tests under the testing scheduler).
struct billing_state {
  std::unordered_map<std::string, twin::rider> riders;
  std::map<std::string, twin::country_policy> countries;
  std::map<std::string, twin::plan> plans;
  twin::ledger ledger;
  bool auto_renew = false;
  std::int64_t renewals = 0;
  caf::actor journal;
  store_api store;  ///< receives every posting appended to `ledger`, when set
  static inline const char* name = "billing";
};

/// Answers authorize_request with authorize_result and settle_request with settle_result; each
/// settled swap is journalled as a "charge" event per posting. With a store, every posting appended
/// to the ledger (plan renewals, swap settlements) is also sent to it, fire-and-forget.
caf::behavior billing(caf::stateful_actor<billing_state>* self, billing_setup setup, caf::actor journal);

}  // namespace swaptwin::actors
