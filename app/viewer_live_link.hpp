#pragma once
/// Internal to the live source (viewer_source_live.cpp): the network side, which runs on the live
/// source's own thread and io_context. It follows the feed WebSocket (reconnecting with back-off),
/// fetches the reads the feed does not carry, sends actions, and hands everything to the UI's thread
/// through a live_mailbox: the only state the two threads share, behind one mutex.

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "app/viewer_api_client.hpp"
#include "app/viewer_source.hpp"
#include "swaptwin/v1/feed.pb.h"
#include "viewer/view_model.hpp"

namespace swaptwin::app {

/// The feed's path on the API's port (beside the API's /api/v1/... routes).
inline constexpr const char* feed_path = "/api/v1/feed";

/// One thing the feed did, in the order it happened.
struct live_feed_item {
  bool lost = false;                 ///< the subscription ended (the messages before it are its last)
  std::uint64_t subscription = 0;    ///< which connection it came from (counts up)
  v1::FeedMessage message;           ///< unless lost
  std::chrono::steady_clock::time_point at;  ///< when it arrived
};

/// What the network thread hands to the UI's thread. Lock `mutex` to read or write.
struct live_mailbox {
  std::mutex mutex;                                  ///< guards everything below
  std::vector<live_feed_item> items;                 ///< feed messages and losses not yet applied
  std::string status;                                ///< "connecting to ...", "connected", "connection lost (...)"
  bool connected = false;                            ///< a subscription is open
  std::optional<std::vector<viewer::rider_view>> riders;       ///< fresh reads not yet taken
  std::optional<std::vector<viewer::plan_view>> plans;         ///< "
  std::optional<std::vector<viewer::deposit_view>> deposits;   ///< "
  std::optional<std::vector<viewer::battery_view>> batteries;  ///< "
  std::vector<std::string> outcomes;                 ///< actions' outcomes not yet shown, oldest first
  std::optional<bool> read_only;                     ///< what the last action's answer said of the token
  bool reads_done = false;                           ///< a round of reads has ended (answered or not)
};

/// The feed messages a mailbox holds at most: past that the UI has fallen behind, and the link
/// drops them and subscribes afresh (a new snapshot) instead of growing without bound.
inline constexpr std::size_t max_mailbox_items = 20000;

/// Timing of a live link.
struct live_link_timing {
  std::chrono::milliseconds timeout{10000};        ///< connect + upgrade, and each HTTP request
  std::chrono::milliseconds idle_timeout{20000};   ///< a subscription silent this long (pings unanswered) is lost
  std::chrono::milliseconds refresh{30000};        ///< the HTTP reads are fetched again this often
  std::chrono::milliseconds first_backoff{1000};   ///< retry delay after the first loss, doubled each time
  std::chrono::milliseconds max_backoff{30000};    ///< the longest retry delay (also after a 401)
};

/// The network side of a live source. Every member function runs on the io_context's thread
/// (post to it from elsewhere).
class live_link {
 public:
  /// A link to `o.host`:`o.port` that reports to `box`; nothing happens before start().
  live_link(boost::asio::io_context& io, const live_source_options& o, const live_link_timing& timing, live_mailbox& box);
  /// Call stop() (on the io_context's thread) first; the destructor only frees.
  ~live_link();
  live_link(const live_link&) = delete;
  live_link& operator=(const live_link&) = delete;

  /// Connects the feed and starts the periodic reads.
  void start();
  /// Closes the feed, cancels the timers and stops the io_context (whose run() then returns).
  void stop();
  /// Drops subscription `subscription` (if it is still the current one) and subscribes again at
  /// once: the UI saw a gap in its sequence.
  void resubscribe(std::uint64_t subscription, const std::string& why);
  /// Queues an action; actions are sent one at a time, in order.
  void send(api_call call);

 private:
  struct connection;
  friend struct connection;

  void connect();
  void opened(std::uint64_t sub);
  void received(std::uint64_t sub, bool binary, std::string data);
  void lost(std::uint64_t sub, int http_status, const std::string& reason);
  void retry_later(const std::string& what);
  void start_refresh_timer();
  void refresh_reads();
  void read_next(std::size_t step, std::size_t offset);
  void next_action();
  void set_status(const std::string& status, bool connected);

  boost::asio::io_context& io_;
  live_source_options options_;
  live_link_timing timing_;
  api_endpoint api_;
  live_mailbox& box_;
  boost::asio::steady_timer retry_timer_;
  boost::asio::steady_timer refresh_timer_;
  std::shared_ptr<connection> conn_;
  std::uint64_t subscription_ = 0;
  bool got_message_ = false;                  // the current subscription delivered something
  std::chrono::milliseconds backoff_;
  bool stopping_ = false;
  bool reading_ = false;                      // a round of HTTP reads is under way
  std::vector<viewer::plan_view> plans_;      // the last plans read (riders' plan names)
  std::vector<viewer::rider_view> riders_;    // riders read so far in this round (paged)
  std::vector<viewer::battery_view> packs_;   // packs read so far in this round (paged)
  std::deque<api_call> actions_;
  bool acting_ = false;
};

/// make_live_source with other timing than the defaults (tests: short timeouts and back-off).
std::unique_ptr<viewer_source> make_live_source(const live_source_options& o, const live_link_timing& timing);

}  // namespace swaptwin::app
