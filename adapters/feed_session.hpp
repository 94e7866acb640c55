#pragma once
/// Internal to the operator API (api_server.cpp): the feed WebSocket at GET /api/v1/feed. Admission
/// (bearer token in the Authorization header or ?access_token=, ?format=json), one session per
/// subscriber with a bounded outbound queue and resynchronisation, and the fan-out of the hub's
/// batches on the API's I/O thread. Includes Beast: not for use outside adapters/.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "adapters/api_server.hpp"
#include "adapters/feed_hub.hpp"

namespace swaptwin::adapters::feed_detail {

// is_feed_target (does a request target name the feed?) is declared in api_http.hpp: the request
// reader needs it without the feed's WebSocket and protobuf types.

/// Tells the hub what a successful API action changed: the station of /api/v1/stations/{sn}/...,
/// the work orders (and agents) of /api/v1/work-orders/..., else everything (a full re-read at its
/// next tick).
void note_action(feed_hub& hub, std::string_view target);

class feed_session;

/// What admission found out about a subscriber.
struct admission {
  bool json = false;     ///< ?format=json: text frames of protobuf's JSON mapping
  std::string token_id;  ///< the public id of its token: revoking it closes the subscription
};

/// The feed's side of an api_server: its subscribers and the hub's listener. Lives on the I/O thread.
class feed_server {
 public:
  /// Serves `hub`'s batches on `ioc` (the API's) within `options`' feed limits; checks its
  /// subscribers' tokens through `db` (the API's connection, used on the I/O thread only).
  feed_server(boost::asio::io_context& ioc, feed_hub& hub, store& db, const api_server_options& options);
  /// Removes the listener (stop() does it too).
  ~feed_server();
  feed_server(const feed_server&) = delete;
  feed_server& operator=(const feed_server&) = delete;

  /// Starts listening to the hub, and checking tokens every options.feed_token_check (before the
  /// io_context runs, or on its thread).
  void start();
  /// Stops listening to the hub (call before the io_context stops running).
  void stop();

  /// Admission of a request to the feed: nullopt when it may subscribe (`out` filled), else the
  /// HTTP answer (401 without or with a bad token, 400 for a bad format or a malformed query, 405
  /// for another method, 426 when it is not a WebSocket upgrade).
  std::optional<api_response> admit(store& db, const boost::beast::http::request<boost::beast::http::string_body>& req,
                                    admission& out);
  /// Completes the upgrade of an admitted request and runs the subscription.
  void accept(boost::beast::tcp_stream stream, boost::beast::http::request<boost::beast::http::string_body> req,
              admission a);

  /// The counters now (thread-safe).
  api_feed_stats stats() const;

 private:
  friend class feed_session;
  void check_tokens_every();  // re-arms itself on the I/O thread until the io_context stops
  void check_tokens();

  boost::asio::io_context& ioc_;
  feed_hub& hub_;
  store& db_;
  api_server_options options_;
  std::uint64_t listener_ = 0;
  bool checking_ = false;
  std::set<feed_session*> sessions_;  // open subscriptions (I/O thread only)
  // The database's data_version at the last token check; a new subscriber forces the next check.
  std::int64_t data_version_ = -1;
  bool recheck_ = false;
  struct counters {
    std::atomic<std::uint64_t> subscribed{0}, subscribers{0}, messages{0}, bytes{0}, snapshots{0}, resyncs{0},
        closed_slow{0}, closed_revoked{0}, station_deltas{0};
    std::atomic<std::size_t> peak_queued_bytes{0};
  };
  std::shared_ptr<counters> counters_ = std::make_shared<counters>();
};

}  // namespace swaptwin::adapters::feed_detail
