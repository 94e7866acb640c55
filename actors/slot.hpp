#pragma once
/// The slot actor: one slot of a cabinet, as the back end knows it. Its station (the site's power
/// controller, which plans the single charging event of the site) tells it when a pack goes in,
/// starts and stops charging and is taken out; the slot keeps its state and its meters (energy
/// charged, charge sessions, time charging, time holding a pack, exact to the millisecond) and
/// tells the pack's battery actor what it charged into it.

#include <cstdint>
#include <string>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/protocol.hpp"
#include "twin/station.hpp"

namespace swaptwin::actors {

/// Which slot of which station, and what it holds at the start.
struct slot_setup {
  int index = 0;                  ///< 1-based
  std::string station_sn;
  twin::slot_state state = twin::slot_state::empty;
  std::string pack_sn;
  caf::actor pack;                ///< battery actor of the pack it holds (may be null)
};

/// The slot's record.
struct slot_state {
  int index = 0;
  std::string station_sn;
  twin::slot_state state = twin::slot_state::empty;
  std::string pack_sn;
  caf::actor pack;
  std::uint64_t order = 0;        ///< the charge order in force (0: none)
  std::int64_t since_ms = 0;      ///< when the state last changed
  std::int64_t energy_wh = 0;     ///< charged into packs, all sessions
  std::int64_t sessions = 0;      ///< charge orders completed (ready)
  std::int64_t charging_ms = 0;   ///< time spent charging, up to `since_ms`
  std::int64_t occupied_ms = 0;   ///< time holding a pack, up to `since_ms`
  static inline const char* name = "slot";
};

/// Time charging up to `now_ms` (the meter plus the current session).
std::int64_t charging_ms_at(const slot_state& st, std::int64_t now_ms);

/// Handles, from its station: `charge_atom, charge_order`, `ready_atom, slot_ready`,
/// `stop_atom, slot_ready`, `release_atom`, and `fault_atom, bool` (out of order, or back).
caf::behavior slot(caf::stateful_actor<slot_state>* self, slot_setup setup);

}  // namespace swaptwin::actors
