#pragma once
/// The operator API (issue 5, first slice): JSON over HTTP/1.1 on its own port, bearer tokens with
/// roles (tokens.hpp), every action audited. Reads and actions go to the api_server's own store
/// connection on the same database file (SQLite WAL: the serve's store actor is another connection).
///
/// Requests are read within api_server_options::limits (api_request.hpp: 413, 414, 431, 400) by the
/// same reader the socket-free handle_raw_api_request uses.
///
/// Threads: one I/O thread between start() and stop(); requests are handled on it, synchronously
/// (small SQLite reads and writes), and so are the operator feed's WebSocket subscribers (GET
/// /api/v1/feed, feed_session.hpp; the hub's reads run on the hub's own thread). Beast and Asio stay in
/// the .cpp files.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "adapters/api_request.hpp"
#include "adapters/store.hpp"
#include "twin/time.hpp"

namespace swaptwin::adapters {

class feed_hub;

/// Settings and limits of an api_server.
struct api_server_options {
  std::string db_path;                              ///< the back-office database (must exist)
  store_options db;                                 ///< how to open it (busy_timeout matters: the store actor writes too)
  std::string address = "127.0.0.1";                ///< where to listen (elsewhere is an explicit choice)
  std::uint16_t port = 0;                           ///< 0 = an ephemeral port (read it back with port())
  api_limits limits;                                ///< body, header, target and JSON depth limits (api_request.hpp)
  std::chrono::milliseconds request_timeout{10000}; ///< a request's bytes (header and body) must all arrive within this of its first
  std::chrono::milliseconds idle_timeout{30000};    ///< a keep-alive connection idle this long is closed
  /// Where log lines go (500s with their error id, audit rows that could not be written); unset: stderr.
  api_log_fn log;
  /// The time actions and the dashboard use; unset = the system clock.
  std::function<twin::unix_ms()> now;
  /// The operator feed (GET /api/v1/feed, WebSocket) serves this hub's board and batches; null: no
  /// feed (404). Not owned: it must outlive the server.
  feed_hub* feed = nullptr;
  /// A feed subscriber's outbound queue (messages waiting behind the one being written), in bytes.
  /// A delta that would pass it drops the queue; a fresh snapshot follows once the socket drains.
  /// With nothing being written a batch goes out at once, whatever its size.
  std::size_t feed_queue_bytes = 4 * 1024 * 1024;
  int feed_resyncs_max = 3;                          ///< resyncs allowed within feed_resync_window; one more closes (1008)
  std::chrono::milliseconds feed_resync_window{60000};  ///< see feed_resyncs_max
  int feed_send_buffer_bytes = 0;                    ///< SO_SNDBUF of feed sockets; 0: the system's (tests make it small)
  /// How often the feed checks, when the database changed (PRAGMA data_version), whether a
  /// subscriber's token was revoked (by `swaptwin admin token revoke` or any other connection); a
  /// revoked token's subscriptions are closed with 1008 "token revoked".
  std::chrono::milliseconds feed_token_check{250};
};

/// Counters of the operator feed's subscribers (api_server::feed_stats).
struct api_feed_stats {
  std::uint64_t subscribed = 0;       ///< subscriptions opened since start
  std::uint64_t subscribers = 0;      ///< open now
  std::uint64_t messages = 0;         ///< FeedMessages written to sockets
  std::uint64_t bytes = 0;            ///< their bytes
  std::uint64_t snapshots = 0;        ///< snapshots queued (first messages and resyncs)
  std::uint64_t resyncs = 0;          ///< slow-subscriber overflows answered with a fresh snapshot
  std::uint64_t closed_slow = 0;      ///< subscribers closed for falling behind too often
  std::uint64_t closed_revoked = 0;   ///< subscribers closed because their token was revoked
  std::uint64_t station_deltas = 0;   ///< station deltas written to sockets
  std::size_t peak_queued_bytes = 0;  ///< the largest outbound queue of any subscriber (the cap bounds it)
};

/// The HTTP server. Not copyable; start() once, stop() (or the destructor) once.
class api_server {
 public:
  /// A server with these options; nothing is opened until start().
  explicit api_server(api_server_options options);
  /// Stops if running.
  ~api_server();
  api_server(const api_server&) = delete;
  api_server& operator=(const api_server&) = delete;

  /// Opens the store, binds, listens and starts the I/O thread. False (with the reason in *error
  /// when given) when the database or the address is unusable.
  bool start(std::string* error = nullptr);
  /// Closes the listener and every connection (a request being handled finishes first) and joins
  /// the thread. Idempotent.
  void stop();
  /// The bound port (the ephemeral one when options.port was 0); 0 before start().
  std::uint16_t port() const noexcept;
  /// The feed's counters (zero without a feed). Thread-safe.
  api_feed_stats feed_stats() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace swaptwin::adapters
