// The OCPP gateway (adapters/ocpp_gateway) over real sockets on 127.0.0.1: a live actor system
// (work-stealing scheduler, real clock), the store actor on a temporary database, the gateway on an
// ephemeral port and ws_client cabinets. Every wait is on a condition with a deadline.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
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

namespace swaptwin::adapters {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
namespace fs = std::filesystem;

// Longest wait for an answer before it counts as a failure (generous for loaded or sanitizer runs;
// waits for what must not happen use their own short windows).
constexpr auto deadline = 10s;

const json boot_payload = {{"reason", "PowerUp"},
                           {"chargingStation", {{"model", "SC-12"}, {"vendorName", "Acme"}, {"firmwareVersion", "1.4.2"}}}};

/// With SWAPTWIN_OCPP_CAPTURE set, appends a frame for scripts/conformance.sh (the gateway's answers
/// and the well-formed calls that led to them are checked against the official OCPP 2.1 schemas).
void capture(const std::string& text) {
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
    client->on_close([this](const ws_close_info&) {
      std::lock_guard<std::mutex> lock(m);
      closed = true;
      cv.notify_all();
    });
  }
  ws_connect_result connect() { return client->connect_and_wait(deadline); }

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
  /// A CALL; returns the answer frame, which must carry the same id.
  json call(const std::string& action, const json& payload) {
    const auto id = "m" + std::to_string(++next_id);
    const auto request = json::array({2, id, action, payload}).dump();
    capture(request);
    auto r = exchange(request);
    if (r.is_array() && !r.empty() && r[0] == 3) capture(r.dump());
    EXPECT_TRUE(r.is_array()) << action << ": no answer";
    if (r.is_array()) {
      EXPECT_EQ(r.at(1), id);
    }
    return r;
  }
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

  /// A station row registered `accepted`, with a password hash when `password` is not empty.
  void accepted_station(const std::string& sn, const std::string& password = {}) {
    store db{db_};
    ASSERT_TRUE(db.add_pending_station(sn, "1.0", twin::from_ms(0)));
    ASSERT_TRUE(db.set_registration(sn, twin::registration::accepted));
    if (!password.empty()) {
      ASSERT_TRUE(db.set_station_password_hash(sn, hash_password(password, 1000)));
    }
  }

  void start(std::int64_t heartbeat_s = 60, int beats = 3) {
    cfg_ = std::make_unique<actors::system_config>();
    actors::register_types(*cfg_);
    cfg_->unix_offset_ms = adapters::live_unix_offset_ms();
    sys_ = std::make_unique<caf::actor_system>(*cfg_);
    store_ = sys_->spawn<caf::detached>(store_actor, store_actor_config{db_, {}, 512, 200ms});
    gateway_config g;
    g.heartbeat_s = heartbeat_s;
    g.offline_after_beats = beats;
    g.server.stop_timeout = 300ms;
    g.log = [this](const std::string& line) {
      std::lock_guard<std::mutex> lock(log_m_);
      log_.push_back(line);
      log_cv_.notify_all();
    };
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

TEST_F(gateway_test, unknown_station_is_pending_until_accepted) {
  start(60);
  auto& c = make_cabinet("CAB-NEW");
  ASSERT_EQ(c.connect().status, ws_connect_status::connected);

  auto r = c.call("BootNotification", boot_payload);
  ASSERT_EQ(r.at(0), 3);
  EXPECT_EQ(r.at(2).at("status"), "Pending");
  EXPECT_EQ(r.at(2).at("interval"), 60);
  EXPECT_TRUE(ocpp::is_date_time(r.at(2).at("currentTime").get<std::string>()));
  {
    store db{db_};
    auto s = db.station("CAB-NEW");
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->reg, twin::registration::pending);
    EXPECT_EQ(s->firmware, "1.4.2");
  }
  // Nothing else is served before an accepted boot.
  r = c.call("Heartbeat", json::object());
  ASSERT_EQ(r.at(0), 4);
  EXPECT_EQ(r.at(2), "SecurityError");

  r = c.call("BootNotification", boot_payload);
  EXPECT_EQ(r.at(2).at("status"), "Pending");
  EXPECT_FALSE(gw_->station("CAB-NEW"));

  {  // the operator accepts it from another process (`swaptwin admin station accept CAB-NEW`)
    store db{db_};
    ASSERT_TRUE(db.set_registration("CAB-NEW", twin::registration::accepted));
  }
  r = c.call("BootNotification", boot_payload);
  EXPECT_EQ(r.at(2).at("status"), "Accepted");
  EXPECT_EQ(r.at(2).at("interval"), 60);
  auto station = gw_->station("CAB-NEW");
  ASSERT_TRUE(station);
  EXPECT_TRUE(poll(station, [](const auto& s) { return s.online; }, deadline));

  r = c.call("Heartbeat", json::object());
  ASSERT_EQ(r.at(0), 3);
  EXPECT_TRUE(ocpp::is_date_time(r.at(2).at("currentTime").get<std::string>()));
  r = c.call("StatusNotification", {{"timestamp", "2026-11-23T10:00:00Z"}, {"connectorStatus", "Available"},
                                    {"evseId", 1}, {"connectorId", 1}});
  ASSERT_EQ(r.at(0), 3);
  EXPECT_EQ(r.at(2), json::object());
  EXPECT_TRUE(logged("CAB-NEW: boot Accepted"));
}

TEST_F(gateway_test, rejected_station_is_told_rejected) {
  accepted_station("CAB-REJ");
  {
    store db{db_};
    ASSERT_TRUE(db.set_registration("CAB-REJ", twin::registration::rejected));
  }
  start();
  auto& c = make_cabinet("CAB-REJ");
  ASSERT_EQ(c.connect().status, ws_connect_status::connected);
  auto r = c.call("BootNotification", boot_payload);
  EXPECT_EQ(r.at(2).at("status"), "Rejected");
}

TEST_F(gateway_test, password_is_checked_at_the_upgrade) {
  const std::string password = "correct-horse-battery";
  accepted_station("CAB-PW", password);
  start();
  {
    cabinet wrong(gw_->port(), "CAB-PW", ws_basic_credentials{"CAB-PW", "wrong-password-123456"});
    auto r = wrong.connect();
    EXPECT_EQ(r.status, ws_connect_status::declined);
    EXPECT_EQ(r.http_status, 401);
  }
  {
    cabinet none(gw_->port(), "CAB-PW");
    auto r = none.connect();
    EXPECT_EQ(r.status, ws_connect_status::declined);
    EXPECT_EQ(r.http_status, 401);
  }
  {
    cabinet other_user(gw_->port(), "CAB-PW", ws_basic_credentials{"CAB-OTHER", password});
    EXPECT_EQ(other_user.connect().http_status, 401);
  }
  auto& right = make_cabinet("CAB-PW", ws_basic_credentials{"CAB-PW", password});
  auto r = right.connect();
  ASSERT_EQ(r.status, ws_connect_status::connected) << r.message;
  EXPECT_EQ(r.subprotocol, "ocpp2.1");
  EXPECT_EQ(right.call("BootNotification", boot_payload).at(2).at("status"), "Accepted");
  EXPECT_EQ(gw_->counters().refused.load(), 3u);
}

TEST_F(gateway_test, bad_frames_get_the_right_callerror_and_the_connection_goes_on) {
  accepted_station("CAB-BAD");
  start();
  auto& c = make_cabinet("CAB-BAD");
  ASSERT_EQ(c.connect().status, ws_connect_status::connected);
  ASSERT_EQ(c.call("BootNotification", boot_payload).at(2).at("status"), "Accepted");

  const json status_ok = {{"timestamp", "2026-11-23T10:00:00Z"}, {"connectorStatus", "Available"},
                          {"evseId", 1}, {"connectorId", 1}};
  auto without = [&](const char* key) {
    auto p = status_ok;
    p.erase(key);
    return p;
  };
  auto with = [&](const char* key, json v) {
    auto p = status_ok;
    p[key] = std::move(v);
    return p;
  };
  const json notify_event = {
      {"generatedAt", "2026-11-23T10:00:00Z"},
      {"seqNo", 0},
      {"eventData", json::array({{{"eventId", 1}, {"timestamp", "2026-11-23T10:00:00Z"}, {"trigger", "Alerting"},
                                  {"actualValue", "open"}, {"eventNotificationType", "HardWiredNotification"},
                                  {"component", {{"name", "Door"}}}, {"variable", {{"name", "Open"}}}}})}};
  struct bad_case {
    std::string name, text, id, code, pointer;
  };
  const std::vector<bad_case> cases{
      {"not JSON", "this is not json", "-1", "RpcFrameworkError", ""},
      {"not an array", R"({"a":1})", "-1", "RpcFrameworkError", ""},
      {"unknown action", R"([2,"u1","MakeCoffee",{}])", "u1", "NotImplemented", ""},
      {"sent the wrong way", R"([2,"u2","Reset",{"type":"Immediate"}])", "u2", "NotSupported", ""},
      {"missing field", json::array({2, "u3", "StatusNotification", without("connectorStatus")}).dump(), "u3",
       "OccurrenceConstraintViolation", "connectorStatus"},
      {"wrong type", json::array({2, "u4", "StatusNotification", with("evseId", "1")}).dump(), "u4",
       "TypeConstraintViolation", "/evseId"},
      {"bad enum", json::array({2, "u5", "StatusNotification", with("connectorStatus", "Broken")}).dump(), "u5",
       "PropertyConstraintViolation", "/connectorStatus"},
      {"extra property", R"([2,"u6","Heartbeat",{"colour":"red"}])", "u6", "FormatViolation", "colour"},
      {"not yet supported", json::array({2, "u7", "NotifyEvent", notify_event}).dump(), "u7", "NotSupported", ""},
  };
  for (const auto& k : cases) {
    SCOPED_TRACE(k.name);
    auto r = c.exchange(k.text);
    ASSERT_TRUE(r.is_array());
    EXPECT_EQ(r.at(0), 4);
    EXPECT_EQ(r.at(1), k.id);
    EXPECT_EQ(r.at(2), k.code);
    EXPECT_NE(r.at(3).get<std::string>().find(k.pointer), std::string::npos) << r.at(3);
    // The connection is still usable.
    auto h = c.call("Heartbeat", json::object());
    EXPECT_EQ(h.at(0), 3);
  }
  EXPECT_TRUE(logged("CAB-BAD: bad frame"));
}

TEST_F(gateway_test, silent_cabinet_is_offline_at_its_deadline_and_closed_one_at_once) {
  for (const char* sn : {"CAB-SILENT", "CAB-CLOSE", "CAB-STEADY"}) accepted_station(sn);
  start(1, 2);  // offline after 2 s of silence
  auto &silent = make_cabinet("CAB-SILENT"), &closer = make_cabinet("CAB-CLOSE"), &steady = make_cabinet("CAB-STEADY");
  for (auto* c : {&silent, &closer, &steady}) {
    ASSERT_EQ(c->connect().status, ws_connect_status::connected);
    ASSERT_EQ(c->call("BootNotification", boot_payload).at(2).at("status"), "Accepted");
  }
  const auto s_silent = gw_->station("CAB-SILENT"), s_close = gw_->station("CAB-CLOSE"),
             s_steady = gw_->station("CAB-STEADY");
  ASSERT_TRUE(s_silent && s_close && s_steady);
  auto online = [](const actors::station_status& s) { return s.online; };
  auto offline = [](const actors::station_status& s) { return !s.sn.empty() && !s.online; };
  ASSERT_TRUE(poll(s_steady, online, deadline));
  const auto steady_since = status_of(s_steady).changed_at_ms;

  // The steady cabinet heartbeats every 400 ms (well within its 2 s) on its own thread.
  std::mutex m;
  std::condition_variable cv;
  bool stop = false;
  std::thread beats([&] {
    std::unique_lock<std::mutex> lock(m);
    while (!cv.wait_for(lock, 400ms, [&] { return stop; })) {
      lock.unlock();
      steady.call("Heartbeat", json::object());
      lock.lock();
    }
  });

  // A closed socket: offline at once.
  const auto closed_at = std::chrono::steady_clock::now();
  closer.client->close();
  auto off = poll(s_close, offline, 2s);
  const auto close_delay = std::chrono::steady_clock::now() - closed_at;
  ASSERT_TRUE(off.has_value());
  EXPECT_LT(close_delay, 500ms);

  // Silence: offline at last message + 2 s (not before, and within a second after).
  off = poll(s_silent, offline, 5s);
  ASSERT_TRUE(off.has_value());
  const auto late = off->changed_at_ms - off->last_seen_ms;
  EXPECT_GE(late, 2000);
  EXPECT_LE(late, 3000);

  {
    std::lock_guard<std::mutex> lock(m);
    stop = true;
  }
  cv.notify_all();
  beats.join();
  // No false alarm: the steady cabinet never went offline.
  const auto st = status_of(s_steady);
  EXPECT_TRUE(st.online);
  EXPECT_EQ(st.changed_at_ms, steady_since);
  EXPECT_FALSE(logged("CAB-STEADY: offline"));
  EXPECT_TRUE(logged("CAB-SILENT: offline (missed its deadline)"));
  EXPECT_TRUE(logged("CAB-CLOSE: offline (socket closed)"));
}

TEST_F(gateway_test, an_old_socket_closing_after_a_reconnect_leaves_the_station_online) {
  accepted_station("CAB-RE");
  start();
  auto &first = make_cabinet("CAB-RE"), &second = make_cabinet("CAB-RE");
  ASSERT_EQ(first.connect().status, ws_connect_status::connected);
  ASSERT_EQ(first.call("BootNotification", boot_payload).at(2).at("status"), "Accepted");
  ASSERT_EQ(second.connect().status, ws_connect_status::connected);
  ASSERT_EQ(second.call("BootNotification", boot_payload).at(2).at("status"), "Accepted");
  auto station = gw_->station("CAB-RE");
  ASSERT_TRUE(station);
  first.client->close();
  ASSERT_TRUE(wait_logged("CAB-RE: connection ended"));
  // The old session's close reaches the gateway after it bound the new session: it must not mark
  // the station offline. A window of 300 ms in which it must stay online.
  EXPECT_FALSE(poll(station, [](const auto& s) { return !s.sn.empty() && !s.online; }, 300ms));
  EXPECT_EQ(second.call("Heartbeat", json::object()).at(0), 3);
  EXPECT_FALSE(logged("CAB-RE: connection closed: offline"));
}

}  // namespace
}  // namespace swaptwin::adapters
