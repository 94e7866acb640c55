#pragma once
/// The registry: station SNs to handles, and the live stock board riders see in their app
/// (ready packs per model, online or not), fed by the stations.

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/protocol.hpp"

namespace swaptwin::actors {

/// Riders waiting at a station for one model, oldest first: (waiter id, its generation when
/// listed). A listing whose waiter was woken elsewhere stays until a scan passes it.
using waiting_list = std::deque<std::pair<std::uint32_t, std::uint32_t>>;

/// One station on the board. Models are the registry's small integers (registry_state::models).
struct board_entry {
  caf::actor handle;
  bool online = true;
  std::vector<std::pair<std::uint16_t, int>> ready;             ///< (model, ready packs), few entries
  std::vector<std::pair<std::uint16_t, waiting_list>> waiting;  ///< (model, its waiters), few entries
};

/// A rider waiting for a ready pack of a model at any of some stations.
struct waiter {
  caf::actor rider;
  std::uint16_t model = 0;
  std::uint64_t search = 0;  ///< the rider's search it belongs to
  bool active = true;        ///< false once notified (it is listed at each of its stations)
  std::uint32_t generation = 0;  ///< bumped when the entry is reused, so old listings are skipped
};

/// The registry's state. SNs and model ids are interned once, to small integers, so a stock
/// update or a find costs one hash of each SN and no string-keyed tree walks.
struct registry_state {
  std::unordered_map<std::string, std::uint32_t> index;  ///< SN -> position in `stations`
  std::vector<board_entry> stations;
  std::vector<std::string> models;                       ///< model id by number (a handful)
  std::vector<waiter> waiters;  ///< by waiter id; notified entries are reused
  std::vector<std::uint32_t> free_waiters;
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
