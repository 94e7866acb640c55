#pragma once
// The OCPP gateway's test fixture (tests/adapters/gateway*_test.cpp): a live actor system
// (work-stealing scheduler, real clock), the store actor on a temporary database, the gateway on an
// ephemeral port and ws_client cabinets on 127.0.0.1. Every wait is on a condition with a deadline.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/clock.hpp"
#include "actors/protocol.hpp"
#include "adapters/live_clock.hpp"
#include "adapters/ocpp_gateway.hpp"
#include "adapters/ocpp_schema.hpp"
#include "adapters/password.hpp"
#include "adapters/store.hpp"
#include "adapters/store_actor.hpp"
#include "adapters/ws_client.hpp"

namespace swaptwin::adapters::testing {

using namespace std::chrono_literals;
using json = nlohmann::json;
namespace fs = std::filesystem;

// Longest wait for an answer before it counts as a failure (generous for loaded or sanitizer runs;
// waits for what must not happen use their own short windows).
inline constexpr auto deadline = 10s;

inline const json boot_payload = {{"reason", "PowerUp"},
                           {"chargingStation", {{"model", "SC-12"}, {"vendorName", "Acme"}, {"firmwareVersion", "1.4.2"}}}};

/// With SWAPTWIN_OCPP_CAPTURE set, appends a frame for scripts/conformance.sh (the gateway's answers
/// and the well-formed calls that led to them are checked against the official OCPP 2.1 schemas).
inline void capture(const std::string& text) {
  static std::mutex m;
  const char* path = std::getenv("SWAPTWIN_OCPP_CAPTURE");
  if (!path || !*path) return;
  std::lock_guard<std::mutex> lock(m);
  std::ofstream(path, std::ios::app) << text << '\n';
}

/// A cabinet: a ws_client that sends one frame at a time and waits for the answer.
struct cabinet {
  std::mutex m;
  std::condition_variable cv;
  std::vector<std::string> texts;
  bool closed = false;
  std::uint16_t close_code = 0;  ///< the WebSocket close code, once closed
  std::size_t read = 0;
  int next_id = 0;
  std::unique_ptr<ws_client> client;

  cabinet(std::uint16_t port, const std::string& sn, std::optional<ws_basic_credentials> creds = std::nullopt) {
    ws_client_options o;
    o.port = port;
    o.path = "/ocpp/" + sn;
    o.handshake_timeout = 2s;
    o.credentials = std::move(creds);
    client = std::make_unique<ws_client>(o);
    client->on_text([this](std::string t) {
      std::lock_guard<std::mutex> lock(m);
      texts.push_back(std::move(t));
      cv.notify_all();
    });
    client->on_close([this](const ws_close_info& info) {
      std::lock_guard<std::mutex> lock(m);
      closed = true;
      close_code = info.code;
      cv.notify_all();
    });
  }
  ws_connect_result connect() { return client->connect_and_wait(deadline); }
  /// Waits until the connection is closed (false on timeout).
  bool wait_closed(std::chrono::milliseconds timeout = deadline) {
    std::unique_lock<std::mutex> lock(m);
    return cv.wait_for(lock, timeout, [&] { return closed; });
  }

  /// Sends `text` and returns the next message received (null JSON on timeout). An error answer
  /// is captured for the conformance check (its code must be a 2.x one) even for a bad frame.
  json exchange(const std::string& text) {
    client->send(text);
    std::unique_lock<std::mutex> lock(m);
    if (!cv.wait_for(lock, deadline, [&] { return texts.size() > read; })) return nullptr;
    auto answer = json::parse(texts[read++]);
    if (answer.is_array() && !answer.empty() && answer[0] == 4) capture(answer.dump());
    return answer;
  }
  /// A CALL; returns the answer frame, which must carry the same id. CALLs from the back end
  /// that arrive meanwhile are kept for next_server_call().
  json call(const std::string& action, const json& payload) { return call_with_id("m" + std::to_string(++next_id), action, payload); }
  /// As call(), with a chosen message id (a resent frame keeps its id).
  json call_with_id(const std::string& id, const std::string& action, const json& payload) {
    const auto request = json::array({2, id, action, payload}).dump();
    capture(request);
    client->send(request);
    json r;
    for (;;) {
      r = next_message();
      if (!r.is_array() || r.empty() || r[0] != 2) break;
      server_calls.push_back(r);
    }
    if (r.is_array() && !r.empty() && r[0] == 4) capture(r.dump());
    if (r.is_array() && !r.empty() && r[0] == 3) capture(r.dump());
    EXPECT_TRUE(r.is_array()) << action << ": no answer";
    if (r.is_array()) {
      EXPECT_EQ(r.at(1), id);
    }
    return r;
  }
  /// The next message received (null JSON on timeout).
  json next_message(std::chrono::milliseconds timeout = deadline) {
    std::unique_lock<std::mutex> lock(m);
    if (!cv.wait_for(lock, timeout, [&] { return texts.size() > read; })) return nullptr;
    return json::parse(texts[read++]);
  }
  /// The next CALL from the back end (null JSON on timeout); captured for the conformance check.
  json next_server_call(std::chrono::milliseconds timeout = deadline) {
    json r;
    if (!server_calls.empty()) {
      r = server_calls.front();
      server_calls.pop_front();
    } else {
      r = next_message(timeout);
    }
    if (!r.is_null()) capture(r.dump());
    return r;
  }
  /// Answers the back end's CALL `id` with a CALLRESULT.
  void answer(const std::string& id, const json& payload) {
    const auto text = json::array({3, id, payload}).dump();
    capture(text);
    client->send(text);
  }
  std::deque<json> server_calls;  ///< the back end's CALLs read while waiting for an answer
};

class gateway_test : public ::testing::Test {
 protected:
  fs::path dir_ = fs::temp_directory_path() / ("swaptwin_gw_" + std::to_string(::getpid()) + "_" +
                                              ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::string db_ = (dir_ / "swaptwin.db").string();
  std::unique_ptr<actors::system_config> cfg_;
  std::unique_ptr<caf::actor_system> sys_;
  actors::store_api store_;
  std::unique_ptr<ocpp_gateway> gw_;
  // Cabinets outlive the gateway's stop (which first quiesces the sessions): a cabinet dropping
  // its socket while a session actor is still inside connection::send can destroy the transport
  // session on the actor's thread, off its io_context (a transport race, reported to its owner).
  std::vector<std::unique_ptr<cabinet>> cabinets_;
  std::mutex log_m_;
  std::condition_variable log_cv_;
  std::vector<std::string> log_;
  std::function<void(const store_commit&)> on_committed_;  ///< the store actor's commit hook, set before start()

  void SetUp() override {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    store{db_};  // the schema, so tests can prepare rows before the gateway starts
  }
  void TearDown() override {
    if (gw_) {
      gw_->stop();
      EXPECT_EQ(gw_->counters().invalid_sent.load(), 0u) << "a response we sent broke its schema";
    }
    cabinets_.clear();
    if (sys_) caf::anon_send_exit(store_, caf::exit_reason::user_shutdown);
    store_ = nullptr;  // a detached actor's thread is joined only once no handle is left
    gw_.reset();
    sys_.reset();
    fs::remove_all(dir_);
  }

  /// A station row registered `accepted`, with a password hash when `password` is not empty, else
  /// marked `--no-password` (admitted without credentials, as the operator said so).
  void accepted_station(const std::string& sn, const std::string& password = {}) {
    store db{db_};
    ASSERT_TRUE(db.add_pending_station(sn, "1.0", twin::from_ms(0)));
    ASSERT_TRUE(db.set_registration(sn, twin::registration::accepted));
    if (!password.empty()) {
      ASSERT_TRUE(db.set_station_password_hash(sn, hash_password(password, 1000)));
    } else {
      ASSERT_TRUE(db.set_station_no_password(sn));
    }
  }

  void start(std::int64_t heartbeat_s = 60, int beats = 3, const std::function<void(gateway_config&)>& tweak = {}) {
    cfg_ = std::make_unique<actors::system_config>();
    actors::register_types(*cfg_);
    cfg_->unix_offset_ms = adapters::live_unix_offset_ms();
    sys_ = std::make_unique<caf::actor_system>(*cfg_);
    store_actor_config store_cfg{db_, {}, 512, 200ms};
    store_cfg.on_committed = on_committed_;
    store_ = sys_->spawn<caf::detached>(store_actor, store_cfg);
    gateway_config g;
    g.heartbeat_s = heartbeat_s;
    g.offline_after_beats = beats;
    g.server.stop_timeout = 300ms;
    g.log = [this](const std::string& line) {
      std::lock_guard<std::mutex> lock(log_m_);
      log_.push_back(line);
      log_cv_.notify_all();
    };
    if (tweak) tweak(g);
    gw_ = std::make_unique<ocpp_gateway>(*sys_, store_, g);
    std::string error;
    ASSERT_TRUE(gw_->start(&error)) << error;
    ASSERT_NE(gw_->port(), 0);
  }

  /// A cabinet owned by the fixture (see cabinets_).
  cabinet& make_cabinet(const std::string& sn, std::optional<ws_basic_credentials> creds = std::nullopt) {
    cabinets_.push_back(std::make_unique<cabinet>(gw_->port(), sn, std::move(creds)));
    return *cabinets_.back();
  }

  /// Lines of the log that contain `part`.
  std::size_t count_logged(const std::string& part) {
    std::lock_guard<std::mutex> lock(log_m_);
    std::size_t n = 0;
    for (const auto& l : log_) n += l.find(part) != std::string::npos;
    return n;
  }
  bool logged_locked(const std::string& part) {
    for (const auto& l : log_)
      if (l.find(part) != std::string::npos) return true;
    return false;
  }
  bool logged(const std::string& part) {
    std::lock_guard<std::mutex> lock(log_m_);
    return logged_locked(part);
  }
  /// Waits until a log line contains `part`.
  bool wait_logged(const std::string& part, std::chrono::milliseconds timeout = deadline) {
    std::unique_lock<std::mutex> lock(log_m_);
    return log_cv_.wait_for(lock, timeout, [&] { return logged_locked(part); });
  }

  /// The station actor's link now (an empty status when it does not answer in time).
  actors::station_status status_of(const caf::actor& station) {
    actors::station_status out;
    caf::scoped_actor self{*sys_};
    self->request(station, 1s, actors::status_atom::value)
        .receive([&](actors::station_status& s) { out = std::move(s); }, [&](caf::error&) {});
    return out;
  }

  /// Polls `station` until `pred(status)` holds or `timeout` passes; the last status read.
  template <class P>
  std::optional<actors::station_status> poll(const caf::actor& station, P pred, std::chrono::milliseconds timeout) {
    std::mutex m;
    std::condition_variable never;  // a paced poll: nothing notifies, wait_for only spaces the reads
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      auto s = status_of(station);
      if (pred(s)) return s;
      std::unique_lock<std::mutex> lock(m);
      never.wait_for(lock, 10ms);
    }
    return std::nullopt;
  }
};

}  // namespace swaptwin::adapters::testing
