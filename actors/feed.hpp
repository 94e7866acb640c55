#pragma once
/// The feed: what subscribers (the viewer, the operator API) see of the twin. A new subscriber
/// first gets a snapshot of every station (ready packs, online), then every event as it happens,
/// in order. The journal hands it each event.

#include <map>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/protocol.hpp"

namespace swaptwin::actors {

/// The feed's state: the station board it keeps for snapshots, and who listens.
struct feed_state {
  std::map<std::string, station_sample> stations;  ///< by SN
  std::vector<caf::actor> subscribers;
  static inline const char* name = "feed";
};

/// Handles `subscribe_atom, actor` (sends it `snapshot_atom, std::vector<station_sample>`, then
/// `event_atom, sim_event` for each later event), `unsubscribe_atom, actor`, `event_atom, sim_event`
/// (from the journal) and `stock_atom, station_sample` (a station's state to seed the board).
/// `board` is every station's state at the start.
caf::behavior feed(caf::stateful_actor<feed_state>* self, std::vector<station_sample> board);

/// The board after `e`: ready packs and online state of the station it concerns.
void apply_to_board(std::map<std::string, station_sample>& board, const sim_event& e);

}  // namespace swaptwin::actors
