#pragma once
/// The journal actor: receives every event of the run in order. It either keeps them (tests read
/// them) or hands each to a sink the simulator chose (journal.bin, KPIs, a digest) and keeps none,
/// so a long run's memory does not grow with its events.

#include <cstdint>
#include <functional>
#include <vector>

#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/protocol.hpp"

namespace swaptwin::actors {

/// Called with each event, in the order the journal receives them.
using event_sink = std::function<void(const sim_event&)>;

/// How a streaming journal is set up.
struct journal_setup {
  caf::actor feed;   ///< gets every event too (may be null)
  event_sink sink;   ///< gets every event (may be empty)
  bool keep = false; ///< also keep them in journal_state::events
};

/// What the journal holds.
struct journal_state {
  std::vector<sim_event> events;  ///< every event, when kept
  std::int64_t count = 0;         ///< events received
  bool keep = true;
  event_sink sink;
  caf::actor feed;  ///< gets every event too (may be null)
  static inline const char* name = "journal";
};

/// Appends each `event_atom, sim_event` it receives, and passes it on to `feed` (may be null; a
/// later `put_atom, feed` replaces it).
caf::behavior journal(caf::stateful_actor<journal_state>* self, caf::actor feed);

/// As `journal`, but hands each event to `setup.sink` and keeps it only if `setup.keep`.
caf::behavior streaming_journal(caf::stateful_actor<journal_state>* self, journal_setup setup);

}  // namespace swaptwin::actors
