#pragma once
/// The journal actor: receives every event of the run in order and keeps it (the simulator reads
/// it at the end to derive KPIs; writing journal.bin comes with replay).

#include <vector>

#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/protocol.hpp"

namespace swaptwin::actors {

/// What the journal holds.
struct journal_state {
  std::vector<sim_event> events;
  caf::actor feed;  ///< gets every event too (may be null)
  static inline const char* name = "journal";
};

/// Appends each `event_atom, sim_event` it receives, and passes it on to `feed` (may be null; a
/// later `put_atom, feed` replaces it).
caf::behavior journal(caf::stateful_actor<journal_state>* self, caf::actor feed);

}  // namespace swaptwin::actors
