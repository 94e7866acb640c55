#pragma once
/// The registry: station SNs to handles, and the live stock board riders see in their app
/// (ready packs per model, online or not), fed by the stations.

#include <map>
#include <string>
#include <unordered_map>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/protocol.hpp"

namespace swaptwin::actors {

/// One station on the board.
struct board_entry {
  caf::actor handle;
  bool online = true;
  std::map<std::string, int> ready;  ///< by model
};

/// The registry's state.
struct registry_state {
  std::unordered_map<std::string, board_entry> stations;
  static inline const char* name = "registry";
};

/// Handles `stock_atom, stock_update` (board updates) and `find_atom, find_request` (answers the
/// index of the first candidate online with a ready pack of the model, or -1, and counts that
/// pack as taken on the board until the station's next update). Station handles are
/// added with `put_atom, sn, handle`.
/// `expected_stations` sizes the board.
caf::behavior registry(caf::stateful_actor<registry_state>* self, std::size_t expected_stations);

}  // namespace swaptwin::actors
