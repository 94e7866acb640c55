#pragma once
/// The slot actor: one slot's charger. The station (the site's power controller) orders it to
/// charge a pack under a share of the site cap; the slot follows the two-phase curve of twin/
/// charging, schedules the single event of its pack turning ready, tells the station and the
/// pack's battery actor, and re-plans that event whenever its share changes. It never ticks.

#include <cstdint>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/protocol.hpp"
#include "twin/charging.hpp"

namespace swaptwin::actors {

/// Which slot of which station.
struct slot_setup {
  int index = 0;          ///< 1-based
  std::string station_sn;
  caf::actor station;     ///< told when a pack is ready
};

/// The slot's state: the order it charges and where the pack was at its last change.
struct slot_state {
  slot_setup setup;
  bool charging = false;
  charge_order order;               ///< the current order (its alloc_w is the share in force)
  twin::charge_params params;
  double soc_at = 0;                ///< SoC at `at_ms`
  std::int64_t at_ms = 0;
  double energy_wh = 0;             ///< charged into the pack under this order so far
  std::uint64_t generation = 0;     ///< of the pending ready event; older ones are ignored
  std::int64_t ready_at_ms = -1;    ///< when the pending event is due, -1 when none
  std::int64_t orders = 0, readies = 0;
  static inline const char* name = "slot";
};

/// Handles `charge_atom, charge_order`, `power_atom, order, alloc_w`, `stop_atom, order` from its
/// station, and its own `ready_atom, generation` timer.
caf::behavior slot(caf::stateful_actor<slot_state>* self, slot_setup setup);

}  // namespace swaptwin::actors
