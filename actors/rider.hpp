#pragma once
/// A riding rider: the pack drains as they ride their daily km; below their threshold they look
/// in the app for the nearest station showing a ready pack, ride there, swap, and ride on. A
/// refusal sends them to the next station; after their patience they give up for a while.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/protocol.hpp"

namespace swaptwin::actors {

/// A station near the rider's home and how far it is.
struct nearby_station {
  std::string sn;
  caf::actor handle;
  double distance_m = 0;
};

/// Who the rider is and how they ride.
struct rider_setup {
  std::string id;
  std::string model_id;
  int capacity_wh = 1500;
  double km_per_day = 60;
  int wh_per_km = 25;
  double threshold_soc = 0.2;
  double patience_s = 1800;
  double speed_mps = 4.2;                 ///< riding to a station (15 km/h)
  int ride_start_h = 0, ride_end_h = 24;  ///< local hours they ride (and drain their pack)
  std::int64_t utc_offset_ms = 0;         ///< local time = UTC + offset
  std::vector<nearby_station> nearby;     ///< nearest first
  caf::actor registry, journal;
  std::string holding_sn;
  double soc = 1.0;                       ///< of the pack they hold now
  double taken_soc = 1.0;                 ///< of that pack when they took it
  double holding_soh = 1.0;               ///< of that pack, as the last cabinet read it
  double holding_cycles = 0;
};

/// The rider's state.
struct rider_state {
  rider_setup setup;
  std::int64_t search_started_ms = 0;
  std::uint64_t search = 0;               ///< number of the current search (stale wake-ups are ignored)
  bool waiting = false;                   ///< waiting at the registry for stock to appear
  int give_ups_in_a_row = 0;              ///< backs off retries: 1 h, 2 h, 4 h ... up to a day
  std::vector<bool> tried;                ///< per nearby station, in this search
  std::int64_t swaps = 0, give_ups = 0, sequence = 0;
  static inline const char* name = "rider";
};

/// Starts riding; the first search is when the pack falls to the threshold.
caf::behavior rider(caf::stateful_actor<rider_state>* self, rider_setup setup);

}  // namespace swaptwin::actors
