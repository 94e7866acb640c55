// The operator feed's WebSocket subscribers (feed_session.hpp): admission, snapshot then deltas,
// a bounded outbound queue per subscriber, resync with a fresh snapshot, close when hopeless.
#include "adapters/feed_session.hpp"

#include <chrono>
#include <deque>
#include <map>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "adapters/api_internal.hpp"
#include "adapters/sqlite.hpp"
#include "adapters/tokens.hpp"

namespace swaptwin::adapters::feed_detail {

namespace {
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;

api_response error(int status, std::string_view code, const std::string& message, const std::string& field = {}) {
  auto r = api_detail::fail(status, code, message, field);
  r.bearer_challenge = status == 401;
  if (status == 405) r.allow = "GET";
  return r;
}

using steady = std::chrono::steady_clock;
}  // namespace

/// One subscriber: snapshot, then the hub's batches in order, through a bounded queue.
class feed_session : public std::enable_shared_from_this<feed_session> {
 public:
  feed_session(beast::tcp_stream stream, feed_server& server, admission a)
      : ws_(std::move(stream)), server_(server), counters_(server.counters_), json_(a.json), token_id_(std::move(a.token_id)) {}
  ~feed_session() {
    if (registered_) {
      server_.sessions_.erase(this);
      --counters_->subscribers;
    }
  }

  void run(http::request<http::string_body> req) {
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "swaptwin"); }));
    ws_.read_message_max(4096);  // subscribers have nothing to say but close frames
    ws_.binary(!json_);
    ws_.auto_fragment(false);
    if (server_.options_.feed_send_buffer_bytes > 0) {
      beast::error_code ec;
      beast::get_lowest_layer(ws_).socket().set_option(
          net::socket_base::send_buffer_size(server_.options_.feed_send_buffer_bytes), ec);
    }
    beast::get_lowest_layer(ws_).expires_never();  // the websocket's own timeouts from here
    ws_.async_accept(req, [self = shared_from_this()](beast::error_code ec) { self->on_accept(ec); });
  }

  // A batch of the hub, on the I/O thread. Queued as the shared batch (a subscriber pins it, it
  // does not copy it); its seq is given when it is written, so dropped batches leave no gap.
  void on_batch(const std::shared_ptr<const feed_batch>& batch) {
    if (closing_ || batch->version <= version_) return;  // in the snapshot already
    version_ = batch->version;
    const auto bytes = (json_ ? batch->json.size() : batch->binary.size()) + 32;
    if (resync_) {
      // The coming snapshot will have it. But the snapshot waits for the write in flight: a
      // subscriber that does not even take that one falls behind again by every queue's worth
      // dropped meanwhile, so one that stopped reading is closed, not kept forever.
      dropped_while_resync_ += bytes;
      if (dropped_while_resync_ > server_.options_.feed_queue_bytes) overflow();
      return;
    }
    // The bound is on what waits behind the message being written: with nothing in flight a batch
    // goes out at once, however big (a mass disconnect of every cabinet in one tick).
    if (writing_ && queued_bytes_ + bytes > server_.options_.feed_queue_bytes) return overflow();
    queued_bytes_ += bytes;
    queue_.push_back(queued{batch, nullptr, bytes});
    note_peak();
    flush();
  }

  /// The public id of the subscriber's token.
  const std::string& token_id() const { return token_id_; }

  // The subscriber's token was revoked: closed at once (after the message being written).
  void revoked() {
    if (closing_) return;
    ++counters_->closed_revoked;
    shut(websocket::close_code::policy_error, "token revoked");
  }

  // Closes with `code` and `reason` after the message being written, and sends nothing more.
  void shut(websocket::close_code code, const std::string& reason) {
    if (closing_) return;
    closing_ = true;
    queue_.clear();
    queued_bytes_ = 0;
    close_reason_ = websocket::close_reason{code, reason};
    if (!writing_) send_close();
  }

 private:
  void on_accept(beast::error_code ec) {
    if (ec) return;
    registered_ = true;
    server_.sessions_.insert(this);
    server_.recheck_ = true;  // revoked between admission and now? the next check looks whatever the data_version
    ++counters_->subscribed;
    ++counters_->subscribers;
    send_snapshot("subscribed");
    read();
  }

  void read() {
    ws_.async_read(in_, [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      if (ec) return self->ended();
      self->in_.consume(n);  // nothing a subscriber says changes the feed
      self->read();
    });
  }

  void ended() {
    closing_ = true;
    queue_.clear();
    queued_bytes_ = 0;
  }

  void send_snapshot(const std::string& reason) {
    auto snap = server_.hub_.snapshot(reason);
    version_ = snap.version;
    resync_ = false;
    ++counters_->snapshots;
    queue_.push_back(queued{nullptr, std::move(snap.message), 0});
    flush();  // the queue was empty and nothing was being written: the snapshot goes out at once
  }

  // The queue would pass its bound: drop what waits; a fresh snapshot follows once the message
  // being written is out. Too many resyncs in the window: the subscriber cannot keep up; close.
  void overflow() {
    dropped_while_resync_ = 0;
    queue_.clear();
    queued_bytes_ = 0;
    const auto now = steady::now();
    while (!resyncs_.empty() && now - resyncs_.front() > server_.options_.feed_resync_window) resyncs_.pop_front();
    if (static_cast<int>(resyncs_.size()) >= server_.options_.feed_resyncs_max) {
      ++counters_->closed_slow;
      const auto secs = std::chrono::duration_cast<std::chrono::seconds>(server_.options_.feed_resync_window).count();
      return shut(websocket::close_code::policy_error,
                  "slow subscriber: fell behind " + std::to_string(resyncs_.size() + 1) + " times in " +
                      std::to_string(secs) + " s");
    }
    resyncs_.push_back(now);
    ++counters_->resyncs;
    resync_ = true;
    if (!writing_) send_snapshot("slow subscriber");
  }

  void flush() {
    if (writing_ || closing_ || queue_.empty()) return;
    auto next = std::move(queue_.front());
    queue_.pop_front();
    queued_bytes_ -= next.bytes;
    current_ = next.batch ? encode_feed_deltas(++seq_, *next.batch, json_) : encode_feed_snapshot(++seq_, *next.snapshot, json_);
    current_deltas_ = next.batch ? next.batch->station_deltas : 0;
    writing_ = true;
    ws_.async_write(net::buffer(current_), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      self->on_write(ec, n);
    });
  }

  void on_write(beast::error_code ec, std::size_t n) {
    writing_ = false;
    current_.clear();
    current_.shrink_to_fit();  // a snapshot can be megabytes: do not keep its buffer
    if (ec) return ended();
    ++counters_->messages;
    counters_->bytes += n;
    counters_->station_deltas += current_deltas_;
    if (closing_) return close_reason_ ? send_close() : void();
    if (resync_) return send_snapshot("slow subscriber");
    flush();
  }

  void send_close() {
    if (!close_reason_) return;
    ws_.async_close(*close_reason_, [self = shared_from_this()](beast::error_code) {});
    close_reason_.reset();
  }

  void note_peak() {
    auto peak = counters_->peak_queued_bytes.load();
    while (queued_bytes_ > peak && !counters_->peak_queued_bytes.compare_exchange_weak(peak, queued_bytes_)) {
    }
  }

  websocket::stream<beast::tcp_stream> ws_;
  feed_server& server_;
  std::shared_ptr<feed_server::counters> counters_;
  bool json_;
  std::string token_id_;
  bool registered_ = false, writing_ = false, closing_ = false, resync_ = false;
  std::size_t dropped_while_resync_ = 0;  // batch bytes dropped while a resync waits for the write in flight
  std::uint64_t seq_ = 0, version_ = 0;
  struct queued {
    std::shared_ptr<const feed_batch> batch;          // deltas, or
    std::shared_ptr<const v1::FeedSnapshot> snapshot;  // a snapshot (first message, resync)
    std::size_t bytes = 0;                            // what it counts against the bound
  };
  std::deque<queued> queue_;                 // waiting behind current_
  std::size_t queued_bytes_ = 0;             // bytes of the batches in queue_
  std::string current_;                      // being written
  std::size_t current_deltas_ = 0;
  std::deque<steady::time_point> resyncs_;   // within the window
  std::optional<websocket::close_reason> close_reason_;
  beast::flat_buffer in_;
};

void note_action(feed_hub& hub, std::string_view target) {
  // The route matched these decoded segments: /api/v1/<resource>/<id>/...
  const auto p = api_detail::split_path(target.substr(0, target.find('?'))).segments;
  const auto resource = p.size() >= 4 ? p[2] : std::string{};
  if (resource == "stations") return hub.touch_station(p[3]);
  if (resource == "work-orders") return hub.committed(store_commit{{}, 0, 0, true, false});
  // A rider's KYC is not on the board: no re-read of 10,000 stations for it.
  if (resource == "riders") return;
  hub.request_rescan();  // a deposit (a currency may appear): rare
}

feed_server::feed_server(net::io_context& ioc, feed_hub& hub, store& db, const api_server_options& options)
    : ioc_(ioc), hub_(hub), db_(db), options_(options) {}

feed_server::~feed_server() { stop(); }

void feed_server::start() {
  if (!checking_) {
    checking_ = true;
    check_tokens_every();
  }
  if (listener_) return;
  // One post per batch; the I/O thread fans it out to the sessions open then.
  listener_ = hub_.add_listener([this](const std::shared_ptr<const feed_batch>& batch) {
    net::post(ioc_, [this, batch] {
      std::vector<std::shared_ptr<feed_session>> live;
      live.reserve(sessions_.size());
      for (auto* s : sessions_) live.push_back(s->shared_from_this());
      for (auto& s : live) s->on_batch(batch);
    });
  });
}

void feed_server::check_tokens_every() {
  // The timer lives in its own handler: it goes with the io_context, before this server.
  auto timer = std::make_shared<net::steady_timer>(ioc_, options_.feed_token_check);
  timer->async_wait([this, timer](beast::error_code ec) {
    if (ec) return;
    check_tokens();
    check_tokens_every();
  });
}

// `swaptwin admin token revoke` writes from another process: nothing tells this one. The
// connection's data_version moves when any other connection commits, so the tokens are re-read
// only after a change (one indexed read per distinct token), and at most every feed_token_check.
void feed_server::check_tokens() {
  if (sessions_.empty()) return;
  std::map<std::string, bool> valid;  // token id -> not revoked
  try {
    const auto version = db_.db().scalar("PRAGMA data_version");
    if (version == data_version_ && !recheck_) return;
    recheck_ = false;
    for (auto* s : sessions_) valid.emplace(s->token_id(), true);
    for (auto& [id, ok] : valid) {
      const auto t = db_.token(id);
      ok = t && !t->revoked_at;
    }
    data_version_ = version;
  } catch (const std::exception&) {  // busy or unreadable now: the next tick tries again
    recheck_ = true;
    return;
  }
  std::vector<std::shared_ptr<feed_session>> gone;
  for (auto* s : sessions_)
    if (!valid[s->token_id()]) gone.push_back(s->shared_from_this());
  for (auto& s : gone) s->revoked();
}

void feed_server::stop() {
  if (!listener_) return;
  hub_.remove_listener(listener_);
  listener_ = 0;
}

std::optional<api_response> feed_server::admit(store& db, const http::request<http::string_body>& req, admission& out) {
  const std::string_view target{req.target().data(), req.target().size()};
  const auto q = target.find('?');
  std::string problem;
  const auto query = api_detail::parse_query(q == std::string_view::npos ? std::string_view{} : target.substr(q + 1), &problem);
  std::string bearer;
  const auto auth_field = req[http::field::authorization];
  const std::string_view auth{auth_field.data(), auth_field.size()};
  if (!auth.empty()) {
    const auto b = api_detail::bearer_of(auth);
    if (!b) return error(401, "auth.invalid", "the Authorization header must be \"Bearer <token>\"");
    bearer = std::string{*b};
  } else if (!query) {  // the token may be in it: nothing can be read before it is well formed
    return error(400, "input.invalid", problem, "query");
  } else {
    bearer = api_detail::query_param(*query, "access_token").value_or("");
  }
  if (bearer.empty())
    return error(401, "auth.required",
                 "the feed needs a token: Authorization: Bearer <token>, or ?access_token=<token> (swaptwin admin token add)");
  const auto who = db.authenticate(bearer);
  if (!who) return error(401, "auth.invalid", "the token is unknown, revoked or malformed");
  if (!role_allows(who->granted, role::viewer)) return error(403, "auth.forbidden", "the feed needs the viewer role");
  if (!query) return error(400, "input.invalid", problem, "query");
  if (req.method() != http::verb::get) return error(405, "method.not_allowed", "the feed is GET /api/v1/feed");
  const auto format = api_detail::query_param(*query, "format").value_or("binary");
  if (format != "binary" && format != "protobuf" && format != "json")
    return error(400, "input.invalid", "format must be binary (the default) or json", "format");
  if (!websocket::is_upgrade(req))
    return error(426, "feed.upgrade_required", "the feed is a WebSocket: send GET /api/v1/feed with Upgrade: websocket");
  out.json = format == "json";
  out.token_id = who->id;
  return std::nullopt;
}

void feed_server::accept(beast::tcp_stream stream, http::request<http::string_body> req, admission a) {
  std::make_shared<feed_session>(std::move(stream), *this, std::move(a))->run(std::move(req));
}

api_feed_stats feed_server::stats() const {
  api_feed_stats s;
  s.subscribed = counters_->subscribed;
  s.subscribers = counters_->subscribers;
  s.messages = counters_->messages;
  s.bytes = counters_->bytes;
  s.snapshots = counters_->snapshots;
  s.resyncs = counters_->resyncs;
  s.closed_slow = counters_->closed_slow;
  s.closed_revoked = counters_->closed_revoked;
  s.station_deltas = counters_->station_deltas;
  s.peak_queued_bytes = counters_->peak_queued_bytes;
  return s;
}

}  // namespace swaptwin::adapters::feed_detail
