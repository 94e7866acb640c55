#pragma once
// Shared by the emulator tests: a small fake OCPP server (CSMS) built from ws_server + ocpp_frame
// (not the real gateway) on 127.0.0.1, an event collector, and waiting helpers. Every wait is on a
// condition with a deadline; a timeout is a failure. With SWAPTWIN_OCPP_CAPTURE set, every frame
// the emulator sends is appended there (one a line) for scripts/conformance.sh.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/emulator.hpp"
#include "adapters/ocpp_frame.hpp"
#include "adapters/ocpp_schema.hpp"
#include "adapters/ws_server.hpp"

namespace swaptwin::adapters::emulator_testing {

using namespace std::chrono_literals;
using json = nlohmann::json;
using steady = std::chrono::steady_clock;
// How long a positive wait may take before it counts as a failure: generous, because reconnects
// wait out real back-off timers and a loaded CI machine (or a sanitizer build) is slow. Waits for
// something that must NOT happen use their own short windows.
constexpr auto deadline = 15s;

inline void capture(const std::string& text) {
  const char* path = std::getenv("SWAPTWIN_OCPP_CAPTURE");
  if (!path || !*path) return;
  std::ofstream(path, std::ios::app) << text << '\n';
}

/// A fake CSMS: answers boots (Pending `pending` times, then Accepted), heartbeats, status
/// notifications, Authorize (Accepted unless `authorize_status` says otherwise), BatterySwap and
/// NotifyEvent; can refuse upgrades, hold an answer, close instead of answering, send CALLs, and
/// checks what it receives.
struct fake_csms {
  struct received {
    std::string station;
    steady::time_point at;
    ocpp::frame frame;
  };
  std::mutex m;
  std::condition_variable cv;
  // Behaviour (set under the mutex).
  int pending = 0;             // Pending answers before Accepted, per station
  int pending_interval = 1;
  int interval = 60;           // Accepted's heartbeat interval
  std::string password;        // required when not empty
  int refuse_status = 0;       // refuse every upgrade with this status when not 0
  std::string hold_action;     // hold the answer to the next CALL of this action
  std::map<std::string, std::string> authorize_status;  // rider -> idTokenInfo.status (default Accepted)
  std::string close_on_event;  // BatterySwap eventType: do not answer the next one, close the socket
  // What happened.
  std::vector<received> frames;
  std::vector<std::string> problems;   // invalid frames, a second outstanding CALL, duplicate ids
  std::vector<std::pair<upgrade_request, steady::time_point>> upgrades;
  std::map<std::string, connection_ptr> open;   // by station
  std::map<std::string, int> boots_answered;
  std::map<std::uint64_t, std::string> unanswered;  // connection id -> id of its CALL not answered
  std::map<std::string, std::set<std::string>> ids;  // per station: ids answered
  std::optional<std::pair<connection_ptr, std::string>> held;
  std::unique_ptr<ws_server> server;

  fake_csms() {
    ws_server_options o;
    o.handshake_timeout = 2s;
    o.stop_timeout = 300ms;
    ws_server_callbacks cb;
    cb.admit = [this](const upgrade_request& req, std::function<void(admission)> decide) {
      admission a = admission::accept(req.subprotocol);
      {
        std::lock_guard<std::mutex> l(m);
        upgrades.emplace_back(req, steady::now());
        if (refuse_status) a = admission::reject(refuse_status, "refused by the test");
        else if (!password.empty() && (!req.has_credentials || req.credentials.password != password ||
                                       req.credentials.user != req.station_id))
          a = admission::reject(401, "bad password");
      }
      cv.notify_all();
      decide(a);
    };
    cb.on_open = [this](const connection_ptr& c) {
      std::lock_guard<std::mutex> l(m);
      open[c->station_id()] = c;
      cv.notify_all();
    };
    cb.on_close = [this](const connection_ptr& c, const ws_close_info&) {
      std::lock_guard<std::mutex> l(m);
      if (open[c->station_id()] == c) open.erase(c->station_id());
      unanswered.erase(c->id());
      cv.notify_all();
    };
    cb.on_text = [this](const connection_ptr& c, std::string text) { on_text(c, text); };
    server = std::make_unique<ws_server>(o, cb);
    EXPECT_TRUE(server->start());
  }
  ~fake_csms() { server->stop(); }

  std::string url() const { return "ws://127.0.0.1:" + std::to_string(server->port()) + "/ocpp"; }

  void on_text(const connection_ptr& c, const std::string& text) {
    capture(text);
    auto parsed = ocpp::parse_frame(text);
    std::unique_lock<std::mutex> l(m);
    if (!std::holds_alternative<ocpp::frame>(parsed)) {
      problems.push_back("not a frame: " + text);
      cv.notify_all();
      return;
    }
    auto f = std::get<ocpp::frame>(parsed);
    frames.push_back({c->station_id(), steady::now(), f});
    cv.notify_all();
    if (f.type != ocpp::message_type::call) return;
    if (auto v = ocpp::validate(f.action, ocpp::direction::request, f.payload))
      problems.push_back("invalid " + f.action + ": " + v->pointer + " " + v->message);
    // A resend keeps its id: fine until it was answered once, a problem after.
    if (ids[c->station_id()].count(f.message_id)) problems.push_back("answered id sent again " + f.message_id);
    if (f.message_id.size() > ocpp::max_message_id_length) problems.push_back("long id " + f.message_id);
    if (unanswered.count(c->id())) problems.push_back("second outstanding CALL " + f.action);
    unanswered[c->id()] = f.message_id;
    const auto now = "2026-11-24T00:00:00Z";
    json reply = json::object();
    if (f.action == "BootNotification") {
      const bool accept = boots_answered[c->station_id()]++ >= pending;
      reply = {{"currentTime", now}, {"status", accept ? "Accepted" : "Pending"},
               {"interval", accept ? interval : pending_interval}};
    } else if (f.action == "Heartbeat") {
      reply = {{"currentTime", now}};
    } else if (f.action == "Authorize") {
      const auto rider = f.payload["idToken"]["idToken"].get<std::string>();
      const auto it = authorize_status.find(rider);
      reply = {{"idTokenInfo", {{"status", it == authorize_status.end() ? "Accepted" : it->second}}}};
    } else if (f.action == "BatterySwap" && !close_on_event.empty() && f.payload["eventType"] == close_on_event) {
      close_on_event.clear();
      unanswered.erase(c->id());
      l.unlock();
      c->close(1000, "test closes before answering");
      return;
    }
    if (auto v = ocpp::validate(f.action, ocpp::direction::response, reply))
      problems.push_back("the test's own " + f.action + " answer is invalid: " + v->message);
    ids[c->station_id()].insert(f.message_id);
    const auto answer = ocpp::call_result(f.message_id, reply);
    if (!hold_action.empty() && f.action == hold_action) {
      hold_action.clear();
      held.emplace(c, answer);
      return;
    }
    unanswered.erase(c->id());
    l.unlock();
    c->send(answer);
  }

  void release() {
    std::unique_lock<std::mutex> l(m);
    auto h = std::move(held);
    held.reset();
    if (!h) return;
    unanswered.erase(h->first->id());
    l.unlock();
    h->first->send(h->second);
  }

  template <class P>
  bool wait(P pred, std::chrono::milliseconds timeout = deadline) {
    std::unique_lock<std::mutex> l(m);
    return cv.wait_for(l, timeout, pred);
  }
  std::vector<received> calls(const std::string& station, const std::string& action) {
    std::vector<received> out;
    for (auto& r : frames)
      if (r.station == station && r.frame.type == ocpp::message_type::call && r.frame.action == action) out.push_back(r);
    return out;
  }
  std::size_t count(const std::string& station, const std::string& action) { return calls(station, action).size(); }
  /// Sends a CALL to `station` (false when it is not connected).
  bool send_call(const std::string& station, const std::string& id, const std::string& action, const nlohmann::json& payload) {
    connection_ptr conn;
    {
      std::lock_guard<std::mutex> l(m);
      auto it = open.find(station);
      if (it == open.end()) return false;
      conn = it->second;
    }
    const auto text = ocpp::call(id, action, payload);
    capture(text);  // before the answer, so the conformance check can match the answer to it
    return conn->send(text);
  }
  /// The emulator's answer (CALLRESULT or CALLERROR) to our CALL `id`, if it came (under the mutex).
  std::optional<ocpp::frame> answer(const std::string& id) {
    for (auto& r : frames)
      if (r.frame.type != ocpp::message_type::call && r.frame.message_id == id) return r.frame;
    return std::nullopt;
  }
  void close_all() {
    std::map<std::string, connection_ptr> copy;
    {
      std::lock_guard<std::mutex> l(m);
      copy = open;
    }
    for (auto& [sn, c] : copy) c->close(1000, "test closes");
  }
};

/// Collects the emulator's events.
struct event_log {
  std::mutex m;
  std::condition_variable cv;
  std::vector<emulator_event> events;
  std::function<void(const emulator_event&)> callback() {
    return [this](const emulator_event& e) {
      std::lock_guard<std::mutex> l(m);
      events.push_back(e);
      cv.notify_all();
    };
  }
  std::vector<emulator_event> of(const std::string& kind) {
    std::lock_guard<std::mutex> l(m);
    std::vector<emulator_event> out;
    for (auto& e : events)
      if (e.kind == kind) out.push_back(e);
    return out;
  }
  template <class P>
  bool wait(P pred, std::chrono::milliseconds timeout = deadline) {
    std::unique_lock<std::mutex> l(m);
    return cv.wait_for(l, timeout, pred);
  }
  std::size_t count(const std::string& kind) {
    std::size_t n = 0;
    for (auto& e : events) n += e.kind == kind;
    return n;
  }
};

inline emulator_options options_for(const fake_csms& csms, event_log& log) {
  emulator_options o;
  o.url = csms.url();
  o.stations = 1;
  o.slots = 3;
  o.threads = 2;
  o.backoff_base = 100ms;
  o.backoff_cap = 2s;
  o.connect_timeout = 2s;
  o.request_timeout = 5s;
  o.on_event = log.callback();
  return o;
}

/// Polls `pred` (for state with no condition variable: files, counters) until true or timeout.
template <class P>
bool eventually(P pred, std::chrono::milliseconds timeout = deadline) {
  const auto end = steady::now() + timeout;
  while (!pred()) {
    if (steady::now() > end) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

inline double seconds(steady::duration d) { return std::chrono::duration<double>(d).count(); }

inline std::size_t lines_in(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) n += !line.empty();
  return n;
}

}  // namespace swaptwin::adapters::emulator_testing
