#pragma once
/// The battery actor: one pack's twin across its whole life. Cabinets read the pack's BMS when they
/// take it back and when they hand it out, and its slot reports what it charged; the battery actor
/// keeps where the pack is, its SoC, SoH, cycles and energy totals, and decides (twin::retire_due)
/// when it is worn out: then it tells the station holding it to take it out of service.

#include <cstdint>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/protocol.hpp"
#include "twin/battery.hpp"

namespace swaptwin::actors {

/// A pack and the operator's retirement rule.
struct battery_setup {
  twin::battery pack;
  double retire_below_soh = 0;  ///< 0: never retired
};

/// The pack's record.
struct battery_state {
  twin::battery pack;
  double retire_below_soh = 0;
  bool retired = false;
  std::int64_t docks = 0, releases = 0;  ///< times a cabinet took it back / handed it out
  std::int64_t last_report_ms = 0;
  static inline const char* name = "battery";
};

/// Handles `pack_atom, pack_report`; on a "docked" reading under the retirement SoH it sends
/// `retire_atom, sn` to the station that sent the reading (once).
caf::behavior battery(caf::stateful_actor<battery_state>* self, battery_setup setup);

/// Applies a reading to the pack's record (exposed for tests): place, SoC, SoH, cycles, energy.
void apply_report(battery_state& st, const pack_report& r);

}  // namespace swaptwin::actors
