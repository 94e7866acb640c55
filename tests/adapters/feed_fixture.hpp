#pragma once
// The operator feed over real sockets on 127.0.0.1 (feed_*_test.cpp): a database with two stations
// and tokens, a feed_hub polled by the test (or its thread), the api_server serving /api/v1/feed, and a
// blocking Beast WebSocket client whose reader thread collects FeedMessages. Every wait is on a
// condition with a deadline.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <google/protobuf/util/json_util.h>
#include <nlohmann/json.hpp>

#include "adapters/api_server.hpp"
#include "adapters/feed_hub.hpp"
#include "fixtures.hpp"

namespace swaptwin::adapters::testing {

using namespace std::chrono_literals;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

inline constexpr auto feed_deadline = 10s;

/// One subscriber: connect() does the upgrade; start_reading() collects messages on a thread.
class feed_client {
 public:
  ~feed_client() {
    beast::error_code ec;
    ws_.next_layer().shutdown(tcp::socket::shutdown_both, ec);  // unblocks the reader
    if (reader_.joinable()) reader_.join();
  }
  /// 101 when subscribed, -1 when the upgrade failed (FeedWsTest::upgrade_status tells why).
  /// `rcvbuf` > 0 shrinks the socket's receive buffer (a slow reader fills up fast).
  int connect(std::uint16_t port, const std::string& target, const std::string& bearer, int rcvbuf = 0) {
    beast::error_code ec;
    auto& s = ws_.next_layer();
    s.open(tcp::v4(), ec);
    if (rcvbuf > 0) s.set_option(net::socket_base::receive_buffer_size(rcvbuf), ec);
    s.connect(tcp::endpoint{net::ip::make_address("127.0.0.1"), port}, ec);
    if (ec) return -1;
    ws_.set_option(websocket::stream_base::decorator([bearer](websocket::request_type& req) {
      if (!bearer.empty()) req.set(http::field::authorization, "Bearer " + bearer);
    }));
    websocket::response_type res;
    ws_.handshake(res, "127.0.0.1", target, ec);
    return ec ? -1 : static_cast<int>(res.result_int());
  }
  /// Reads messages until the connection ends.
  void start_reading() {
    reader_ = std::thread([this] {
      for (;;) {
        beast::flat_buffer buf;
        beast::error_code ec;
        ws_.read(buf, ec);
        std::lock_guard<std::mutex> lock(m_);
        if (ec) {
          closed_ = true;
          close_code_ = ws_.reason().code;
          close_reason_ = std::string{ws_.reason().reason.c_str()};
          cv_.notify_all();
          return;
        }
        const auto data = beast::buffers_to_string(buf.data());
        v1::FeedMessage m;
        bool ok = ws_.got_text() ? google::protobuf::util::JsonStringToMessage(data, &m).ok() : m.ParseFromString(data);
        parse_errors_ += ok ? 0 : 1;
        texts_ += ws_.got_text() ? 1 : 0;
        messages_.push_back(std::move(m));
        cv_.notify_all();
      }
    });
  }
  /// Waits until `n` messages have arrived.
  bool wait_messages(std::size_t n, std::chrono::milliseconds timeout = feed_deadline) {
    std::unique_lock<std::mutex> lock(m_);
    return cv_.wait_for(lock, timeout, [&] { return messages_.size() >= n; });
  }
  /// Waits until `pred(messages)` holds.
  bool wait_until(const std::function<bool(const std::vector<v1::FeedMessage>&)>& pred,
                  std::chrono::milliseconds timeout = feed_deadline) {
    std::unique_lock<std::mutex> lock(m_);
    return cv_.wait_for(lock, timeout, [&] { return pred(messages_); });
  }
  /// Waits until the server closed the connection.
  bool wait_closed(std::chrono::milliseconds timeout = feed_deadline) {
    std::unique_lock<std::mutex> lock(m_);
    return cv_.wait_for(lock, timeout, [&] { return closed_; });
  }
  std::vector<v1::FeedMessage> messages() {
    std::lock_guard<std::mutex> lock(m_);
    return messages_;
  }
  int parse_errors() {
    std::lock_guard<std::mutex> lock(m_);
    return parse_errors_;
  }
  int texts() {
    std::lock_guard<std::mutex> lock(m_);
    return texts_;
  }
  int close_code() {
    std::lock_guard<std::mutex> lock(m_);
    return close_code_;
  }
  std::string close_reason() {
    std::lock_guard<std::mutex> lock(m_);
    return close_reason_;
  }

 private:
  net::io_context ioc_;
  websocket::stream<tcp::socket> ws_{ioc_};
  std::thread reader_;
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<v1::FeedMessage> messages_;
  int parse_errors_ = 0, texts_ = 0, close_code_ = 0;
  bool closed_ = false;
  std::string close_reason_;
};

/// True when the messages' seq are 1, 2, 3, ...
inline bool consecutive(const std::vector<v1::FeedMessage>& ms) {
  for (std::size_t i = 0; i < ms.size(); ++i)
    if (ms[i].seq() != i + 1) return false;
  return true;
}

/// The stations a subscriber holds after applying `ms` (snapshots replace, deltas replace by key).
inline std::map<std::string, std::string> apply_feed(const std::vector<v1::FeedMessage>& ms) {
  std::map<std::string, std::string> board;
  for (const auto& m : ms) {
    if (m.has_snapshot()) {
      board.clear();
      for (const auto& s : m.snapshot().stations()) board[s.sn()] = s.SerializeAsString();
      continue;
    }
    for (const auto& d : m.deltas().deltas()) {
      if (d.has_station()) board[d.station().sn()] = d.station().SerializeAsString();
      else if (d.change_case() == v1::FeedDelta::kStationRemoved) board.erase(d.station_removed());
    }
  }
  return board;
}

class FeedWsTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    store db{path()};
    ASSERT_DONE(db.add_station(station_4("SN-1", "Depot")));
    ASSERT_DONE(db.add_station(station_4("SN-2", "Market", false)));
    viewer_ = db.add_token("wall screen", role::viewer, now_)->bearer();
    operator_ = db.add_token("desk", role::operator_, now_)->bearer();
    auto gone = *db.add_token("old laptop", role::admin, now_);
    revoked_ = gone.bearer();
    db.revoke_token(gone.id, now_);
  }
  void TearDown() override {
    if (api_) api_->stop();
    api_.reset();
    hub_.reset();
    writer_.reset();
    StoreTest::TearDown();
  }
  /// The hub (polled by the test unless `threaded`; full re-read every `rescan`) and the API with the feed.
  void start(const std::function<void(api_server_options&)>& tweak = {}, bool threaded = false,
             std::chrono::milliseconds rescan = 1h) {
    feed_hub_options h;
    h.db_path = path();
    h.rescan_interval = rescan;
    h.dashboard_interval = 1h;
    h.tick = 5ms;
    hub_ = std::make_unique<feed_hub>(h);
    std::string error;
    ASSERT_TRUE(hub_->open(&error)) << error;
    if (threaded) hub_->start();
    api_server_options o;
    o.db_path = path();
    o.feed = hub_.get();
    o.now = [this] { return now_; };
    if (tweak) tweak(o);
    api_ = std::make_unique<api_server>(o);
    ASSERT_TRUE(api_->start(&error)) << error;
  }
  /// A change of station `sn` (its last-seen time) reported to the hub and, unless the hub's thread
  /// runs, polled at once.
  void change(const std::string& sn, bool poll = true) {
    if (!writer_) writer_ = std::make_unique<store>(path(), store_options{true, "OFF", 5000, 2048, 1000});
    connectivity c;
    c.online = true;
    c.last_seen = from_ms(1'700'000'000'000 + ++changes_);
    ASSERT_DONE(writer_->set_link(sn, c));
    hub_->committed(store_commit{{sn}, 0, 1, false, false});
    if (poll) hub_->poll();
  }
  /// Waits until the API's feed counters satisfy `pred`.
  bool wait_stats(const std::function<bool(const api_feed_stats&)>& pred) {
    std::mutex m;
    std::condition_variable never;  // a paced poll: nothing notifies, wait_for spaces the reads
    const auto until = std::chrono::steady_clock::now() + feed_deadline;
    while (std::chrono::steady_clock::now() < until) {
      if (pred(api_->feed_stats())) return true;
      std::unique_lock<std::mutex> lock(m);
      never.wait_for(lock, 5ms);
    }
    return false;
  }
  /// The status of a WebSocket upgrade request to `target` (101: upgraded), read as plain HTTP;
  /// `scheme` is what precedes the bearer in the Authorization header.
  int upgrade_status(const std::string& target, const std::string& bearer, const std::string& scheme = "Bearer ") {
    net::io_context ioc;
    beast::tcp_stream s{ioc};
    s.connect(tcp::endpoint{net::ip::make_address("127.0.0.1"), api_->port()});
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::connection, "Upgrade");
    req.set(http::field::upgrade, "websocket");
    req.set(http::field::sec_websocket_version, "13");
    req.set(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
    if (!bearer.empty()) req.set(http::field::authorization, scheme + bearer);
    http::write(s, req);
    beast::flat_buffer buf;
    http::response_parser<http::string_body> res;
    res.skip(true);  // a 101 has no body; refusals are read by http_get
    http::read_header(s, buf, res);
    return static_cast<int>(res.get().result_int());
  }
  /// A plain HTTP GET (no upgrade): status, JSON body, WWW-Authenticate.
  std::tuple<int, nlohmann::json, std::string> http_get(const std::string& target, const std::string& bearer) {
    return http_call(http::verb::get, target, bearer, {});
  }
  /// A plain HTTP request with a JSON body: status, JSON body, WWW-Authenticate.
  std::tuple<int, nlohmann::json, std::string> http_call(http::verb verb, const std::string& target,
                                                         const std::string& bearer, const std::string& body) {
    net::io_context ioc;
    beast::tcp_stream s{ioc};
    s.connect(tcp::endpoint{net::ip::make_address("127.0.0.1"), api_->port()});
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!body.empty()) {
      req.set(http::field::content_type, "application/json");
      req.body() = body;
      req.prepare_payload();
    }
    if (!bearer.empty()) req.set(http::field::authorization, "Bearer " + bearer);
    http::write(s, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(s, buf, res);
    return {res.result_int(), nlohmann::json::parse(res.body(), nullptr, false),
            std::string{res[http::field::www_authenticate]}};
  }

  unix_ms now_ = at("2026-11-23T09:00:00Z");
  std::string viewer_, operator_, revoked_;
  std::unique_ptr<feed_hub> hub_;
  std::unique_ptr<api_server> api_;
  std::unique_ptr<store> writer_;
  std::int64_t changes_ = 0;
};

}  // namespace swaptwin::adapters::testing
