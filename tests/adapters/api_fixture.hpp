#pragma once
// The operator API's test fixture: a server over real sockets on 127.0.0.1, a synchronous Beast HTTP
// client with timeouts, raw bytes for hostile requests, the server's log lines, a temp database with two stations, a rider, an open work order and a token
// of each role; effects and audit rows are checked through a second store connection.
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/write.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "adapters/api_server.hpp"
#include "fixtures.hpp"

namespace swaptwin::adapters::testing {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using json = nlohmann::json;

struct answer {
  int status = 0;
  json body;
  std::string www_authenticate, allow;
};

class ApiTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    {
      store db{path()};
      ASSERT_DONE(db.add_station(station_4("SN-1", "Depot", true)));
      ASSERT_DONE(db.add_station(station_4("SN-2", "Yard", false)));
      ASSERT_DONE(db.set_country(cn_policy()));
      ASSERT_DONE(db.add_rider(cn_rider("R-1", now_)));
      db.add_work_order(open_work_order(0, "SN-2", alert_kind::station_offline, 0, now_));
      db.set_setting("timezone", "Africa/Nairobi");
      viewer_ = db.add_token("dash", role::viewer, now_)->bearer();
      operator_ = db.add_token("ops", role::operator_, now_)->bearer();
      admin_ = db.add_token("boss", role::admin, now_)->bearer();
      auto revoked = db.add_token("old", role::admin, now_);
      revoked_ = revoked->bearer();
      db.revoke_token(revoked->id, now_);
    }
    api_server_options o;
    o.db_path = path();
    o.now = [t = now_] { return t; };
    o.log = [this](const std::string& line) {
      std::lock_guard<std::mutex> lock(log_m_);
      log_.push_back(line);
    };
    server_ = std::make_unique<api_server>(o);
    std::string error;
    ASSERT_TRUE(server_->start(&error)) << error;
    ASSERT_NE(server_->port(), 0);
  }
  void TearDown() override {
    server_.reset();
    StoreTest::TearDown();
  }

  // One request on a fresh connection, with a 5 s deadline.
  answer call(http::verb method, const std::string& target, const std::string& bearer, const std::string& body = {},
              std::string raw_auth = {}) {
    net::io_context ioc;
    beast::tcp_stream stream{ioc};
    stream.expires_after(std::chrono::seconds(5));
    stream.connect(tcp::endpoint{net::ip::make_address("127.0.0.1"), server_->port()});
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!bearer.empty()) req.set(http::field::authorization, "Bearer " + bearer);
    if (!raw_auth.empty()) req.set(http::field::authorization, raw_auth);
    if (!body.empty() || method == http::verb::post || method == http::verb::put) {
      req.set(http::field::content_type, "application/json");
      req.body() = body;
    }
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(stream, buf, res);
    answer a;
    a.status = res.result_int();
    a.body = json::parse(res.body(), nullptr, false);
    a.www_authenticate = std::string{res[http::field::www_authenticate]};
    a.allow = std::string{res[http::field::allow]};
    return a;
  }
  /// What came back for raw bytes: the answer, its Connection header, and whether the server then
  /// closed its side (EOF; only looked at when the answer said it would close).
  struct raw_answer {
    int status = 0;
    json body;
    std::string connection;
    bool closed = false;
  };
  // Writes `bytes` as they are (half-closing after them when `half_close`), reads one answer and
  // then whether the server ends the connection, within a 5 s deadline.
  raw_answer raw(const std::string& bytes, bool half_close = false) {
    net::io_context ioc;
    beast::tcp_stream stream{ioc};
    stream.expires_after(std::chrono::seconds(5));
    stream.connect(tcp::endpoint{net::ip::make_address("127.0.0.1"), server_->port()});
    net::write(stream, net::buffer(bytes));
    if (half_close) stream.socket().shutdown(tcp::socket::shutdown_send);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    beast::error_code ec;
    http::read(stream, buf, res, ec);
    raw_answer a;
    if (ec) return a;
    a.status = res.result_int();
    a.body = json::parse(res.body(), nullptr, false);
    a.connection = std::string{res[http::field::connection]};
    if (res.keep_alive()) return a;  // the connection stays: nothing more to see
    char c;
    stream.read_some(net::buffer(&c, 1), ec);
    a.closed = ec == net::error::eof;
    return a;
  }

  /// The log lines the server wrote so far.
  std::vector<std::string> log_lines() {
    std::lock_guard<std::mutex> lock(log_m_);
    return log_;
  }

  answer get(const std::string& target, const std::string& bearer) { return call(http::verb::get, target, bearer); }
  answer post(const std::string& target, const std::string& bearer, const std::string& body = "{}") {
    return call(http::verb::post, target, bearer, body);
  }

  static std::string id_of(const std::string& bearer) { return bearer.substr(0, bearer.find('.')); }

  // The last audit row, read through a second connection.
  audit_entry last_audit() {
    store db{path()};
    auto all = db.audit(std::nullopt, 1000);
    if (all.empty()) return {};
    return all.back();
  }

  unix_ms now_ = at("2026-11-23T08:30:00Z");
  std::string viewer_, operator_, admin_, revoked_;
  std::mutex log_m_;  // before server_: the server's log sink uses them until it is gone
  std::vector<std::string> log_;
  std::unique_ptr<api_server> server_;
};

}  // namespace swaptwin::adapters::testing
