#pragma once
/// The `store` actor: the only owner of the back office's SQLite connection, implementing
/// actors::store_api (actors/protocol.hpp). It buffers ledger entries and writes them in one
/// transaction per batch (group commit), so a busy network pays one commit per batch, not per row.
///
/// A batch is committed when the buffer reaches `batch_size`, when a flush request arrives, or
/// `flush_interval` of the actor clock after the first entry went into an empty buffer (a
/// delayed_send: exact under the `testing` scheduler's virtual time, real time live). A persist
/// request is answered only once its entries are committed. A failed commit (disk full, database
/// locked) answers the waiting requests with an error and keeps every entry buffered: the next
/// commit retries them, after a back-off that doubles up to 64 x `flush_interval`.
///
/// A flush commits both buffers.
///
/// Cabinet events (BatterySwap) are batched the same way on a much shorter timer
/// (`swap_flush_interval`): each is applied in its own savepoint, the batch is one COMMIT, and
/// every event is answered after that commit, so a cabinet hears back only about durable effects.
/// Station links (online, last seen), slot states and alerts ride on the same batches: a
/// connection storm (or a mass disconnect) of 10,000 cabinets costs a few commits, not 10,000.
/// A failed commit answers each of them with an error (the cabinet resends; nothing was kept).
///
/// It writes from its handlers (blocking I/O): live, spawn it `caf::detached` so it holds no
/// worker thread of the scheduler; under `testing` spawn it plainly.

#include <chrono>
#include <functional>
#include <cstdint>
#include <utility>
#include <variant>
#include <memory>
#include <string>
#include <vector>

#include <caf/stateful_actor.hpp>
#include <caf/timespan.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/protocol.hpp"
#include "adapters/store.hpp"
#include "adapters/store_commit.hpp"
#include "twin/ledger.hpp"

namespace swaptwin::adapters {

/// How the store actor opens its database and batches.
struct store_actor_config {
  std::string path;                  ///< SQLite file (created with the schema when missing)
  store_options options;             ///< how to open it
  std::size_t batch_size = 512;      ///< commit as soon as this many entries are buffered
  caf::timespan flush_interval = std::chrono::milliseconds{200};  ///< longest an entry waits in the buffer
  std::size_t swap_batch_size = 256;  ///< cabinet events: commit as soon as this many wait
  /// Longest a cabinet event waits for its batch's commit. Short: the cabinet is waiting for the
  /// answer, and events arriving meanwhile share the commit (group commit).
  caf::timespan swap_flush_interval = std::chrono::milliseconds{2};
  /// Called on the store actor's thread after each successful commit with what it changed (the
  /// operator feed marks those stations dirty). Keep it short and non-blocking; empty: nobody listens.
  std::function<void(const store_commit&)> on_committed = {};
};

/// A cabinet event waiting for its batch's commit.
struct swap_waiter {
  actors::cabinet_swap event;
  caf::typed_response_promise<actors::cabinet_answer> promise;
};

/// One write of the cabinet batch: applied in the order it arrived (a slot's StatusNotification
/// and the swap that emptied it land as the cabinet sent them).
using cabinet_write = std::variant<swap_waiter, actors::link_record, actors::slot_status, actors::alert>;

/// A persist request waiting for its entries, buffer[begin, end), to be committed.
struct store_waiter {
  std::size_t begin = 0, end = 0;
  caf::typed_response_promise<std::int64_t> promise;
};

/// The store actor's state (readable by tests under the testing scheduler).
struct store_actor_state {
  store_actor_config cfg;
  std::unique_ptr<store> db;             ///< null until opened (opening is retried at each commit)
  std::vector<twin::posting> buffer;     ///< received, not yet committed, in arrival order
  std::vector<store_waiter> waiters;     ///< requests whose entries are in `buffer`
  std::uint64_t timer_generation = 0;    ///< a flushdue with another generation is stale
  bool timer_armed = false;              ///< a flushdue for the current generation is pending
  int failures = 0;                      ///< commits failed in a row (for the back-off)
  std::int64_t appended = 0;             ///< entries written since start (duplicates not counted)
  std::int64_t duplicates = 0;           ///< entries whose key was in the ledger already
  std::int64_t commits = 0;              ///< batches committed
  std::string last_error;                ///< what the last failed commit said, empty after a success
  std::vector<cabinet_write> cabinet_batch;  ///< writes waiting for the next cabinet commit, in arrival order
  std::size_t batch_swaps = 0;           ///< cabinet events among them (swap_batch_size counts these)
  std::uint64_t swap_generation = 0;     ///< a swapevt timer with another generation is stale
  bool swap_timer_armed = false;
  std::int64_t swap_events = 0;          ///< cabinet events applied (duplicates not counted)
  std::int64_t swap_duplicates = 0;      ///< resent cabinet events recognised
  std::int64_t swap_commits = 0;         ///< their batches committed
  static inline const char* name = "store";
};

/// The store actor. Spawn with its configuration: `sys.spawn(store_actor, cfg)`.
actors::store_api::behavior_type store_actor(actors::store_api::stateful_pointer<store_actor_state> self,
                                             store_actor_config cfg);

}  // namespace swaptwin::adapters
