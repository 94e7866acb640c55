#pragma once
/// Back-office operations that combine the store with the twin rules: load, decide, apply.
/// Shared by the `admin` commands and the demo. (The actor twin takes this role in the simulator.)

#include <string>

#include "adapters/store.hpp"
#include "twin/authorize.hpp"

namespace swaptwin::app {

/// Decides whether `rider_id` may swap for a `model_id` pack at station `sn` now.
/// Unknown rider, station or model are errors; a refusal is a decision.
twin::result<twin::decision> authorize(adapters::store& db, const std::string& rider_id, const std::string& sn,
                                       const std::string& model_id, twin::unix_ms now);

/// What a swap did.
struct swap_outcome {
  twin::decision decision;        ///< refused: nothing was recorded
  bool recorded = false;          ///< false when refused or already recorded under this key
  adapters::swap_record record;   ///< the swap as recorded
};

/// The whole swap of DESIGN.md at one cabinet: authorise, take the returned pack (at
/// `returned_soc`) into an empty slot, release the fullest ready pack of the model, settle under
/// the rider's plan, and record it all atomically under `key`.
twin::result<swap_outcome> perform_swap(adapters::store& db, const std::string& rider_id, const std::string& sn,
                                        const std::string& model_id, double returned_soc, twin::unix_ms now,
                                        const std::string& key);

/// A pack handed back without taking another (before a deposit refund): the station must be online
/// and in service with a working empty slot; distance and energy drawn are billed under the
/// rider's plan (see twin::settle_return); recorded atomically under `key` as a swap with no pack out.
twin::result<swap_outcome> perform_return(adapters::store& db, const std::string& rider_id, const std::string& sn,
                                          double returned_soc, twin::unix_ms now, const std::string& key);

}  // namespace swaptwin::app
