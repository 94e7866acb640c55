#pragma once
/// Walk-in riders arriving at one station as a Poisson process (the queueing-check population):
/// each hands back the depleted pack they hold for a ready one, or leaves when refused.

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/protocol.hpp"

namespace swaptwin::actors {

/// Who arrives, where, how often.
struct arrivals_setup {
  caf::actor station;
  std::vector<std::string> rider_ids;   ///< taken in turn; each must have an account in billing
  std::string model_id;
  double rate_per_hour = 1;
  double returned_soc = 0.1;            ///< SoC of the pack they hand back
  std::uint64_t seed = 1;
  std::int64_t count_from_ms = 0;       ///< arrivals before this instant are not counted (warm-up)
  caf::actor journal;                   ///< told "served" / "gave_up" (may be null)
};

/// Counts of what happened to the counted arrivals.
struct arrivals_state {
  arrivals_setup setup;
  std::mt19937_64 rng;
  std::size_t next_rider = 0;
  std::map<std::string, std::pair<std::string, double>> holding;  ///< rider -> (pack SN, SoC when taken)
  std::map<std::string, caf::actor> packs;                        ///< rider -> that pack's battery actor
  std::int64_t arrivals = 0, served = 0, refused = 0;
  std::map<std::string, std::int64_t> refusals;                  ///< by reason
  std::int64_t sequence = 0;
  static inline const char* name = "arrivals";
};

/// Starts the process: the first arrival after an exponential gap from now.
caf::behavior arrivals(caf::stateful_actor<arrivals_state>* self, arrivals_setup setup);

}  // namespace swaptwin::actors
