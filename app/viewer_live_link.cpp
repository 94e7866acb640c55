// The network side of swaptwin-viewer's live source (see viewer_live_link.hpp).
#include "app/viewer_live_link.hpp"

#include <algorithm>
#include <functional>
#include <iterator>
#include <stdexcept>
#include <utility>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <google/protobuf/util/json_util.h>

namespace swaptwin::app {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

// "3 s", "30 s": the retry delay as the status line shows it.
std::string seconds_text(std::chrono::milliseconds d) {
  return std::to_string((d.count() + 999) / 1000) + " s";
}

std::string reason_of(const beast::error_code& ec, const websocket::close_reason& close) {
  if (ec == websocket::error::closed) {
    std::string r = "closed by the server";
    if (!close.reason.empty()) r += ": " + std::string{close.reason.data(), close.reason.size()};
    return r;
  }
  if (ec == beast::error::timeout) return "timeout";
  if (ec == asio::error::eof || ec == asio::error::connection_reset) return "closed by the server";
  return ec.message();
}

}  // namespace

// One subscription: resolve, connect, upgrade with the token, then read messages until it ends.
// It reports to the link with its subscription number; the link ignores reports of old ones.
struct live_link::connection : std::enable_shared_from_this<connection> {
  connection(live_link& link, std::uint64_t sub) : link_{link}, sub_{sub}, resolver_{link.io_}, ws_{link.io_} {}

  void start() {
    auto& o = link_.options_;
    beast::get_lowest_layer(ws_).expires_after(link_.timing_.timeout);
    resolver_.async_resolve(o.host, o.port, [self = shared_from_this()](beast::error_code ec, tcp::resolver::results_type r) {
      if (ec) return self->fail(0, "resolve: " + ec.message());
      beast::get_lowest_layer(self->ws_).async_connect(r, [self](beast::error_code ec2, const tcp::endpoint&) {
        if (ec2) return self->fail(0, ec2 == beast::error::timeout ? "connect: timeout" : "connect: " + ec2.message());
        self->upgrade();
      });
    });
  }

  void close() {
    closed_ = true;
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

 private:
  void upgrade() {
    beast::get_lowest_layer(ws_).expires_never();  // the websocket's own timeouts from here on
    websocket::stream_base::timeout t{};
    t.handshake_timeout = link_.timing_.timeout;
    t.idle_timeout = link_.timing_.idle_timeout;
    t.keep_alive_pings = true;
    ws_.set_option(t);
    ws_.read_message_max(256u * 1024 * 1024);  // a snapshot of ten thousand stations is some MB
    const std::string auth = "Bearer " + link_.options_.token;
    ws_.set_option(websocket::stream_base::decorator([auth](websocket::request_type& req) {
      req.set(http::field::authorization, auth);
      req.set(http::field::user_agent, "swaptwin-viewer");
    }));
    std::string target = feed_path;
    if (link_.options_.json) target += "?format=json";
    ws_.async_handshake(res_, link_.options_.host + ":" + link_.options_.port, target,
                        [self = shared_from_this()](beast::error_code ec) {
                          if (ec == websocket::error::upgrade_declined)
                            return self->fail(static_cast<int>(self->res_.result_int()), "upgrade refused");
                          if (ec) return self->fail(0, "upgrade: " + reason_of(ec, {}));
                          self->link_.opened(self->sub_);
                          self->read();
                        });
  }

  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->fail(0, reason_of(ec, self->ws_.reason()));
      std::string data = beast::buffers_to_string(self->buffer_.data());
      self->buffer_.consume(self->buffer_.size());
      self->link_.received(self->sub_, self->ws_.got_binary(), std::move(data));
      if (!self->closed_) self->read();
    });
  }

  void fail(int http_status, const std::string& reason) {
    if (closed_) return;  // closed on purpose: the link knows
    closed_ = true;
    link_.lost(sub_, http_status, reason);
  }

  live_link& link_;
  std::uint64_t sub_;
  tcp::resolver resolver_;
  websocket::stream<beast::tcp_stream> ws_;
  websocket::response_type res_;
  beast::flat_buffer buffer_;
  bool closed_ = false;
};

live_link::live_link(asio::io_context& io, const live_source_options& o, const live_link_timing& timing, live_mailbox& box)
    : io_{io},
      options_{o},
      timing_{timing},
      api_{o.host, o.port, o.token, timing.timeout},
      box_{box},
      retry_timer_{io},
      refresh_timer_{io},
      backoff_{timing.first_backoff} {}

live_link::~live_link() = default;

void live_link::start() {
  connect();
  start_refresh_timer();
}

void live_link::start_refresh_timer() {
  refresh_timer_.expires_after(timing_.refresh);
  refresh_timer_.async_wait([this](beast::error_code ec) {
    if (ec || stopping_) return;
    if (got_message_) refresh_reads();  // while the feed is down the API most likely is too
    start_refresh_timer();
  });
}

void live_link::stop() {
  stopping_ = true;
  if (conn_) conn_->close();
  conn_.reset();
  retry_timer_.cancel();
  refresh_timer_.cancel();
  io_.stop();
}

void live_link::set_status(const std::string& status, bool connected) {
  std::lock_guard<std::mutex> lock(box_.mutex);
  box_.status = status;
  box_.connected = connected;
}

void live_link::connect() {
  if (stopping_) return;
  ++subscription_;
  got_message_ = false;
  set_status("connecting to " + options_.host + ":" + options_.port, false);
  conn_ = std::make_shared<connection>(*this, subscription_);
  conn_->start();
}

void live_link::opened(std::uint64_t sub) {
  if (sub != subscription_ || stopping_) return;
  set_status("connected", true);
  refresh_reads();
}

void live_link::received(std::uint64_t sub, bool binary, std::string data) {
  if (sub != subscription_ || stopping_) return;
  live_feed_item item;
  item.subscription = sub;
  item.at = std::chrono::steady_clock::now();
  bool ok = false;
  if (binary) {
    ok = item.message.ParseFromString(data);
  } else {
    google::protobuf::util::JsonParseOptions opts;
    opts.ignore_unknown_fields = true;  // a newer server may say more
    ok = google::protobuf::util::JsonStringToMessage(data, &item.message, opts).ok();
  }
  if (!ok) {
    conn_->close();
    return lost(sub, 0, std::string{"an undecodable "} + (binary ? "binary" : "text") + " message");
  }
  if (!got_message_) backoff_ = timing_.first_backoff;  // the server works: the next loss retries soon
  got_message_ = true;
  bool overflow = false;
  {
    std::lock_guard<std::mutex> lock(box_.mutex);
    if (box_.items.size() >= max_mailbox_items) {
      overflow = true;
    } else {
      box_.items.push_back(std::move(item));
    }
  }
  if (overflow) resubscribe(sub, "the viewer fell behind the feed");
}

void live_link::resubscribe(std::uint64_t sub, const std::string& why) {
  if (sub != subscription_ || stopping_) return;
  if (conn_) conn_->close();
  {
    std::lock_guard<std::mutex> lock(box_.mutex);
    // Messages of the dropped subscription are worthless now: a snapshot replaces them all.
    box_.items.erase(std::remove_if(box_.items.begin(), box_.items.end(),
                                    [&](const live_feed_item& i) { return i.subscription == sub; }),
                     box_.items.end());
    live_feed_item end;
    end.lost = true;
    end.subscription = sub;
    end.at = std::chrono::steady_clock::now();
    box_.items.push_back(std::move(end));
  }
  retry_timer_.cancel();
  connect();
  set_status("resubscribing (" + why + ")", false);
}

void live_link::lost(std::uint64_t sub, int http_status, const std::string& reason) {
  if (sub != subscription_ || stopping_) return;
  conn_.reset();
  {
    std::lock_guard<std::mutex> lock(box_.mutex);
    live_feed_item end;
    end.lost = true;
    end.subscription = sub;
    end.at = std::chrono::steady_clock::now();
    box_.items.push_back(std::move(end));
  }
  if (http_status == 401) {
    backoff_ = timing_.max_backoff;  // a refused token stays refused until someone acts: retry slowly
    return retry_later("token refused (401)");
  }
  if (http_status == 403) {
    backoff_ = timing_.max_backoff;
    return retry_later("token may not read the feed (403)");
  }
  if (http_status != 0) return retry_later("connection lost (upgrade refused: HTTP " + std::to_string(http_status) + ")");
  retry_later("connection lost (" + reason + ")");
}

void live_link::retry_later(const std::string& what) {
  const auto delay = backoff_;
  backoff_ = std::min(backoff_ * 2, timing_.max_backoff);
  set_status(what + ", retrying in " + seconds_text(delay), false);
  retry_timer_.expires_after(delay);
  retry_timer_.async_wait([this](beast::error_code ec) {
    if (!ec && !stopping_) connect();
  });
}

// The reads, one after the other: plans first (riders name theirs), then riders, deposits, packs;
// riders and packs page by page (the API's ?offset&limit) until a page comes back short. A 404 is
// an endpoint this server does not have yet: skipped, as is anything unreadable.
void live_link::refresh_reads() {
  if (reading_ || stopping_) return;
  reading_ = true;
  read_next(0, 0);
}

void live_link::read_next(std::size_t step, std::size_t offset) {
  static constexpr const char* paths[] = {"/plans", "/riders", "/deposits", "/packs"};
  static constexpr std::size_t page = 10000;  // the API's largest page
  if (step >= std::size(paths) || stopping_) {
    reading_ = false;
    std::lock_guard<std::mutex> lock(box_.mutex);
    box_.reads_done = true;
    return;
  }
  const bool paged = step == 1 || step == 3;
  std::string target = std::string{api_prefix} + paths[step];
  if (paged) target += "?offset=" + std::to_string(offset) + "&limit=" + std::to_string(page);
  api_request(io_, api_, "GET", target, {}, [this, step, offset](api_reply r) {
    if (stopping_) return;
    bool more = false;  // a full page: ask for the next one
    if (r.status == 200) {
      try {
        if (step == 0) {
          plans_ = plans_from_json(r.body);
          std::lock_guard<std::mutex> lock(box_.mutex);
          box_.plans = plans_;
        } else if (step == 1) {
          auto got = riders_from_json(r.body, plans_);
          if (offset == 0) riders_.clear();
          more = got.size() == page;
          riders_.insert(riders_.end(), std::make_move_iterator(got.begin()), std::make_move_iterator(got.end()));
          if (!more) {
            std::lock_guard<std::mutex> lock(box_.mutex);
            box_.riders = std::move(riders_);
            riders_.clear();
          }
        } else if (step == 2) {
          auto got = deposits_from_json(r.body);
          std::lock_guard<std::mutex> lock(box_.mutex);
          box_.deposits = std::move(got);
        } else {
          auto got = batteries_from_json(r.body);
          if (offset == 0) packs_.clear();
          more = got.size() == page;
          packs_.insert(packs_.end(), std::make_move_iterator(got.begin()), std::make_move_iterator(got.end()));
          if (!more) {
            std::lock_guard<std::mutex> lock(box_.mutex);
            box_.batteries = std::move(packs_);
            packs_.clear();
          }
        }
      } catch (const std::exception&) {
        // not the shape this viewer knows (or too big to hold): keep what it had
        more = false;
      }
    }
    if (more) read_next(step, offset + page);
    else read_next(step + 1, 0);
  });
}

void live_link::send(api_call call) {
  if (stopping_) return;
  actions_.push_back(std::move(call));
  if (!acting_) next_action();
}

void live_link::next_action() {
  if (actions_.empty() || stopping_) {
    acting_ = false;
    return;
  }
  acting_ = true;
  api_call call = std::move(actions_.front());
  actions_.pop_front();
  const auto method = call.method, target = call.target, body = call.body;
  api_request(io_, api_, method, target, body, [this, call = std::move(call)](api_reply r) {
    if (stopping_) return;
    {
      std::lock_guard<std::mutex> lock(box_.mutex);
      box_.outcomes.push_back(outcome_text(call, r));
      if (r.status == 403) box_.read_only = true;
      else if (r.status >= 200 && r.status < 300) box_.read_only = false;
    }
    if (r.status >= 200 && r.status < 300) refresh_reads();  // a verified rider shows at once
    next_action();
  });
}

}  // namespace swaptwin::app
