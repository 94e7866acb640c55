#pragma once
// A fake of `swaptwin serve --api-listen` for the viewer's live source tests: the feed WebSocket
// (bearer token checked on the upgrade, binary or ?format=json) and scripted JSON answers to API
// requests, which it records. One I/O thread; the test drives it from its own thread.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <google/protobuf/util/json_util.h>

#include "swaptwin/v1/feed.pb.h"

namespace swaptwin::apptest {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

/// One API request the fake answered.
struct recorded_request {
  std::string method, target, authorization, body;
};

class fake_live_server {
 public:
  struct options {
    std::string token = "tok_000000000001.secret";  // the bearer it accepts
    std::uint16_t port = 0;                          // 0: ephemeral
    bool hang = false;                               // accept connections, never answer anything
  };

  explicit fake_live_server(options o) : o_{std::move(o)}, acceptor_{io_} {
    tcp::endpoint ep{asio::ip::make_address("127.0.0.1"), o_.port};
    acceptor_.open(ep.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~fake_live_server() { stop(); }

  std::uint16_t port() const { return port_; }

  /// Closes the listener and every connection, and joins the thread.
  void stop() {
    if (!thread_.joinable()) return;
    asio::post(io_, [this] {
      beast::error_code ignored;
      acceptor_.close(ignored);
      for (auto& s : sockets_)
        if (auto sp = s.lock()) sp->close(ignored);
      io_.stop();
    });
    thread_.join();
  }

  /// The answer to `method` `path` (no query): status and JSON body. Unscripted: 404.
  /// `path` may carry a query: such an answer is for that exact target only.
  void answer(const std::string& method, const std::string& path, int status, std::string body) {
    std::lock_guard<std::mutex> lock(mutex_);
    answers_[method + " " + path] = {status, std::move(body)};
  }

  /// Waits until `n` feed subscriptions were opened.
  bool wait_subscriptions(int n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock<std::mutex> lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] { return subscriptions_ >= n; });
  }
  int subscriptions() {
    std::lock_guard<std::mutex> lock(mutex_);
    return subscriptions_;
  }
  /// The target and Authorization of the last feed upgrade.
  std::pair<std::string, std::string> last_upgrade() {
    std::lock_guard<std::mutex> lock(mutex_);
    return {upgrade_target_, upgrade_authorization_};
  }

  /// Waits for a recorded API request that `pred` accepts; a copy of it.
  std::optional<recorded_request> wait_request(const std::function<bool(const recorded_request&)>& pred,
                                               std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock<std::mutex> lock(mutex_);
    std::optional<recorded_request> found;
    cv_.wait_for(lock, timeout, [&] {
      for (const auto& r : requests_)
        if (pred(r)) found = r;
      return found.has_value();
    });
    return found;
  }

  /// Sends `m` to the latest subscription, encoded as it asked (binary, or JSON with ?format=json).
  void send(const v1::FeedMessage& m) {
    asio::post(io_, [this, m] {
      auto ws = feed_.lock();
      if (!ws) return;
      std::string data;
      if (feed_json_) google::protobuf::util::MessageToJsonString(m, &data);
      else m.SerializeToString(&data);
      outbox_.push_back(std::move(data));
      if (outbox_.size() == 1) write_next();
    });
  }

 private:
  using ws_stream = websocket::stream<beast::tcp_stream>;

  struct http_session {
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    http::request<http::string_body> req;
    explicit http_session(tcp::socket s) : stream{std::move(s)} {}
  };

  void accept() {
    acceptor_.async_accept([this](beast::error_code ec, tcp::socket s) {
      if (ec) return;
      auto sock = std::make_shared<tcp::socket>(std::move(s));
      if (o_.hang) {
        held_.push_back(sock);  // never read, never answered
        sockets_.push_back(sock);
      } else {
        serve(sock);
      }
      accept();
    });
  }

  void serve(std::shared_ptr<tcp::socket> sock) {
    auto s = std::make_shared<http_session>(std::move(*sock));
    http::async_read(s->stream, s->buffer, s->req, [this, s](beast::error_code ec, std::size_t) {
      if (ec) return;
      const std::string target{s->req.target()};
      const std::string auth{s->req[http::field::authorization]};
      if (websocket::is_upgrade(s->req) && target.rfind("/api/v1/feed", 0) == 0) return upgrade(s, target, auth);
      std::pair<int, std::string> a{404, R"({"error":"route.unknown","message":"no such endpoint"})"};
      {
        std::lock_guard<std::mutex> lock(mutex_);
        requests_.push_back({std::string{s->req.method_string()}, target, auth, s->req.body()});
        // The answer for the whole target ("/api/v1/riders?offset=0&limit=10000") first, else for its path.
        auto it = answers_.find(requests_.back().method + " " + target);
        if (it == answers_.end()) it = answers_.find(requests_.back().method + " " + target.substr(0, target.find('?')));
        if (it != answers_.end()) a = it->second;
      }
      cv_.notify_all();
      respond(s, a.first, a.second);
    });
  }

  void respond(std::shared_ptr<http_session> s, int status, std::string body) {
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(status), 11);
    res->set(http::field::content_type, "application/json");
    res->keep_alive(false);
    res->body() = std::move(body);
    res->prepare_payload();
    http::async_write(s->stream, *res, [s, res](beast::error_code, std::size_t) {
      beast::error_code ignored;
      s->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    });
  }

  void upgrade(std::shared_ptr<http_session> s, const std::string& target, const std::string& auth) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      upgrade_target_ = target;
      upgrade_authorization_ = auth;
    }
    if (auth != "Bearer " + o_.token)
      return respond(s, 401, R"({"error":"auth.invalid","message":"the token is malformed, unknown or revoked"})");
    auto ws = std::make_shared<ws_stream>(std::move(s->stream));
    auto req = std::make_shared<http::request<http::string_body>>(std::move(s->req));
    ws->async_accept(*req, [this, ws, req, target](beast::error_code ec) {
      if (ec) return;
      feed_ = ws;
      feed_json_ = target.find("format=json") != std::string::npos;
      ws->binary(!feed_json_);
      outbox_.clear();
      sockets_.push_back(std::shared_ptr<tcp::socket>(ws, &beast::get_lowest_layer(*ws).socket()));
      {
        std::lock_guard<std::mutex> lock(mutex_);
        ++subscriptions_;
      }
      cv_.notify_all();
      read_feed(ws);
    });
  }

  // Reads (and drops) what the subscriber sends, so pings and a close are answered.
  void read_feed(std::shared_ptr<ws_stream> ws) {
    auto buf = std::make_shared<beast::flat_buffer>();
    ws->async_read(*buf, [this, ws, buf](beast::error_code ec, std::size_t) {
      if (!ec) read_feed(ws);
    });
  }

  void write_next() {
    auto ws = feed_.lock();
    if (!ws || outbox_.empty()) return;
    ws->async_write(asio::buffer(outbox_.front()), [this, ws](beast::error_code ec, std::size_t) {
      if (ec) return outbox_.clear();
      outbox_.pop_front();
      write_next();
    });
  }

  options o_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::thread thread_;
  // I/O thread only:
  std::vector<std::shared_ptr<tcp::socket>> held_;
  std::vector<std::weak_ptr<tcp::socket>> sockets_;
  std::weak_ptr<ws_stream> feed_;
  bool feed_json_ = false;
  std::deque<std::string> outbox_;
  // shared with the test's thread:
  std::mutex mutex_;
  std::condition_variable cv_;
  int subscriptions_ = 0;
  std::string upgrade_target_, upgrade_authorization_;
  std::map<std::string, std::pair<int, std::string>> answers_;
  std::vector<recorded_request> requests_;
};

}  // namespace swaptwin::apptest
