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

/// A rider waiting for a ready pack of `model_id` at any of some stations.
struct waiter {
  caf::actor rider;
  std::string model_id;
  std::uint64_t search = 0;  ///< the rider's search it belongs to
  bool active = true;        ///< false once notified (it is listed at each of its stations)
  std::uint32_t generation = 0;  ///< bumped when the entry is reused, so old listings are skipped
};

/// The registry's state.
struct registry_state {
  std::unordered_map<std::string, board_entry> stations;
  std::vector<waiter> waiters;  ///< by waiter id; notified entries are reused
  std::vector<std::size_t> free_waiters;
  std::unordered_map<std::string, std::vector<std::pair<std::size_t, std::uint32_t>>> waiting_at;  ///< SN -> (id, generation)
  static inline const char* name = "registry";
};

/// Handles `stock_atom, stock_update` (board updates) and `find_atom, find_request` (answers the
/// index of the first candidate online with a ready pack of the model, or -1, and counts that
/// pack as taken on the board until the station's next update). Station handles are
/// added with `put_atom, sn, handle`.
/// `wait_atom, find_request, rider, search` registers a rider to be sent `retry_atom, search` once
/// when any of the candidates shows a ready pack of the model (instead of polling).
/// `expected_stations` sizes the board.
caf::behavior registry(caf::stateful_actor<registry_state>* self, std::size_t expected_stations);

}  // namespace swaptwin::actors
