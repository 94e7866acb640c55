#pragma once
/// The operator feed's hub (issue 5): the board of what operators see (stations with slots, open
/// work orders, agents, recent alerts, the dashboard), kept up to date from the database, which is
/// the record. No sockets, no CAF: the API's WebSocket sessions (feed_session.hpp) subscribe to it.
///
/// Where changes come from: the store actor's commit hook (store_commit: the stations a batch
/// touched) and the API's actions mark stations dirty; every `tick` the hub re-reads the dirty ones
/// from its own read connection, diffs them with its board and publishes only real changes as one
/// batch of FeedDeltas (several changes of a station within a tick coalesce into one delta). The
/// dashboard is re-read at most every `dashboard_interval`, and only after a commit. Every
/// `rescan_interval` the whole board is re-read, which catches changes made by another process
/// (`swaptwin admin`).
///
/// Threads: start() runs poll() on the hub's own thread; everything else is thread-safe. Listeners
/// are called on the hub's thread, in batch order, under the board's lock: keep them short (post).

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "adapters/store.hpp"
#include "adapters/store_commit.hpp"
#include "swaptwin/v1/feed.pb.h"
#include "twin/time.hpp"

namespace swaptwin::adapters {

/// Settings of a feed_hub.
struct feed_hub_options {
  std::string db_path;                                   ///< the back-office database (must exist)
  store_options db;                                      ///< how to open it (a reader: never creates)
  std::chrono::milliseconds tick{100};                   ///< dirty stations are re-read this often
  std::chrono::milliseconds dashboard_interval{1000};    ///< the dashboard is re-read at most this often
  std::chrono::milliseconds rescan_interval{5000};       ///< everything is re-read this often (other processes' changes)
  std::size_t alerts_kept = 200;                         ///< recent alerts in a snapshot
  std::function<twin::unix_ms()> now;                    ///< the clock; unset = the system clock
};

/// One published batch of changes: a FeedDeltas, encoded once for every subscriber.
struct feed_batch {
  std::uint64_t version = 0;       ///< 1, 2, ... in publication order (the board's version after it)
  std::string binary;              ///< the FeedDeltas, binary protobuf
  std::string json;                ///< the FeedDeltas, protobuf's JSON mapping
  std::size_t station_deltas = 0;  ///< FeedDelta.station entries in it
  std::size_t deltas = 0;          ///< FeedDelta entries in it
};

/// The board at one version, as the first message of a subscription (or a resync).
struct feed_snapshot {
  std::uint64_t version = 0;       ///< batches up to this one are in it; deliver only later ones after it
  std::shared_ptr<const v1::FeedSnapshot> message;
};

/// Counters of a feed_hub (for tests, logs and the benchmark).
struct feed_hub_stats {
  std::uint64_t commits = 0;          ///< store commits reported
  std::uint64_t stations_marked = 0;  ///< station marks (one per station per commit)
  std::uint64_t stations_read = 0;    ///< dirty stations re-read
  std::uint64_t station_deltas = 0;   ///< station deltas published (changes and removals)
  std::uint64_t deltas = 0;           ///< deltas published
  std::uint64_t batches = 0;          ///< batches published
  std::uint64_t dashboards = 0;       ///< dashboard re-reads
  std::uint64_t rescans = 0;          ///< full re-reads
  double rescan_ms_max = 0;           ///< longest full re-read
  std::uint64_t errors = 0;           ///< failed polls (database unreadable: retried at the next tick)
  std::size_t stations = 0;           ///< stations on the board
};

/// Prefixes a FeedDeltas encoded in `batch` with `seq`: one FeedMessage, binary or JSON.
std::string encode_feed_deltas(std::uint64_t seq, const feed_batch& batch, bool json);
/// One FeedMessage carrying `snapshot` with `seq`, binary or JSON.
std::string encode_feed_snapshot(std::uint64_t seq, const v1::FeedSnapshot& snapshot, bool json);

/// The hub. Not copyable.
class feed_hub {
 public:
  /// A hub reading `options.db_path`; nothing is opened until open().
  explicit feed_hub(feed_hub_options options);
  /// Stops the thread if running.
  ~feed_hub();
  feed_hub(const feed_hub&) = delete;
  feed_hub& operator=(const feed_hub&) = delete;

  /// Opens the read connection and reads the whole board (version 0). False, with the reason in
  /// *error when given, when the database cannot be read.
  bool open(std::string* error = nullptr);
  /// Runs poll() every `tick` on the hub's thread until stop(). Call after open().
  void start();
  /// Ends the thread (idempotent).
  void stop();

  /// The store actor's hook: marks the stations `c` touched dirty (and work orders or the
  /// dashboard when it says so). Thread-safe, cheap.
  void committed(const store_commit& c);
  /// Marks station `sn` dirty, with its work orders (an API action on it). Thread-safe.
  void touch_station(const std::string& sn);
  /// Asks for a full re-read at the next poll (an action whose effect is not one station's). Thread-safe.
  void request_rescan();

  /// One tick's work: re-reads what is dirty or due, diffs, and publishes a batch when something
  /// changed (returned; null when nothing did). Called by the hub's thread; tests without start()
  /// call it themselves. Not to be called from two threads at once.
  std::shared_ptr<const feed_batch> poll();

  /// The board now, with `reason` ("subscribed", "slow subscriber").
  feed_snapshot snapshot(const std::string& reason) const;

  /// Called with each batch, in order, on the hub's thread under the board's lock.
  using listener = std::function<void(const std::shared_ptr<const feed_batch>&)>;
  /// Adds a listener; returns its id for remove_listener.
  std::uint64_t add_listener(listener l);
  /// Removes a listener; when it returns, the listener is not running and will not be called.
  void remove_listener(std::uint64_t id);

  /// The counters now.
  feed_hub_stats stats() const;

 private:
  struct pending;
  struct board;
  twin::unix_ms now() const;
  void run();

  feed_hub_options options_;
  std::unique_ptr<store> db_;
  std::unique_ptr<pending> pending_;  // guarded by pending_m_
  std::unique_ptr<board> board_;      // guarded by board_m_
  mutable std::mutex pending_m_, board_m_;
  std::chrono::steady_clock::time_point next_rescan_, next_dashboard_;
  bool dashboard_owed_ = false;  // a commit happened since the last dashboard read
  struct runner;
  std::unique_ptr<runner> runner_;
};

}  // namespace swaptwin::adapters
