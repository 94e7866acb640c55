#pragma once
/// A riding rider: the pack drains as they ride their daily km; below their threshold they look
/// in the app for the nearest station showing a ready pack, ride there, swap, and ride on. A
/// refusal sends them to the next station; after their patience they give up for a while.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/protocol.hpp"

namespace swaptwin::actors {

/// A station riders may ride to (an entry of the table all riders of a run share).
struct station_ref {
  std::string sn;
  caf::actor handle;
};

/// What every rider of a population has in common: one copy that all of them point at, so a
/// rider actor holds only what is its own (a metro run has 150,000 of them).
struct rider_population {
  std::string model_id;
  int capacity_wh = 1500;
  int wh_per_km = 25;
  double threshold_soc = 0.2;
  double patience_s = 1800;
  double speed_mps = 4.2;                 ///< riding to a station (15 km/h)
  int ride_start_h = 0, ride_end_h = 24;  ///< local hours they ride (and drain their pack)
  std::int64_t utc_offset_ms = 0;         ///< local time = UTC + offset
  std::shared_ptr<const std::vector<station_ref>> stations;  ///< what nearby_station::station indexes
  caf::actor registry, journal;
};

/// A station near the rider: its index in the population's station table and how far it is.
struct nearby_station {
  std::uint32_t station = 0;
  double distance_m = 0;
};

/// Who the rider is and what they hold; how they ride is their population's.
struct rider_setup {
  std::shared_ptr<const rider_population> population;  ///< required
  std::string id;
  double km_per_day = 60;
  std::vector<nearby_station> nearby;     ///< nearest first, at most 32
  std::string holding_sn;
  double soc = 1.0;                       ///< of the pack they hold now
  double taken_soc = 1.0;                 ///< of that pack when they took it
  double holding_soh = 1.0;               ///< of that pack, as the last cabinet read it
  double holding_cycles = 0;
  caf::actor holding_pack;                ///< its battery actor (null until a station has seen it)
};

/// The rider's state.
struct rider_state {
  rider_setup setup;
  std::int64_t search_started_ms = 0;
  std::uint64_t search = 0;               ///< number of the current search (stale wake-ups are ignored)
  bool waiting = false;                   ///< waiting at the registry for stock to appear
  int give_ups_in_a_row = 0;              ///< backs off retries: 1 h, 2 h, 4 h ... up to a day
  std::uint32_t tried = 0;                ///< bit i: nearby station i refused in this search
  std::int64_t swaps = 0, give_ups = 0, sequence = 0;
  static inline const char* name = "rider";
};

/// Starts riding; the first search is when the pack falls to the threshold.
caf::behavior rider(caf::stateful_actor<rider_state>* self, rider_setup setup);

}  // namespace swaptwin::actors
