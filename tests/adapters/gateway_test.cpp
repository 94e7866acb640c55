// The OCPP gateway (adapters/ocpp_gateway) over real sockets on 127.0.0.1: admission,
// registration, bad frames, liveness. The fixture: gateway_fixture.hpp.
#include "gateway_fixture.hpp"

namespace swaptwin::adapters {
namespace {

using namespace testing;

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

  {  // the operator accepts it from another process (`swaptwin admin station accept CAB-NEW --no-password`)
    store db{db_};
    ASSERT_TRUE(db.set_registration("CAB-NEW", twin::registration::accepted));
    ASSERT_TRUE(db.set_station_no_password("CAB-NEW"));
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
  const json bad_swap = {{"eventType", "BatterySideways"},
                         {"requestId", 1},
                         {"idToken", {{"idToken", "R1"}, {"type", "Central"}}},
                         {"batteryData", json::array({{{"evseId", 1}, {"serialNumber", "P-1"}, {"soC", 50}, {"soH", 99}}})}};
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
      {"bad enum in a swap", json::array({2, "u7", "BatterySwap", bad_swap}).dump(), "u7", "PropertyConstraintViolation",
       "/eventType"},
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

TEST_F(gateway_test, an_oversize_frame_closes_that_connection_with_1009_and_no_other) {
  accepted_station("CAB-BIG");
  accepted_station("CAB-OK");
  start(60, 3, [](gateway_config& g) { g.server.read_message_max = 4096; });
  auto& big = make_cabinet("CAB-BIG");
  auto& ok = make_cabinet("CAB-OK");
  ASSERT_EQ(big.connect().status, ws_connect_status::connected);
  ASSERT_EQ(ok.connect().status, ws_connect_status::connected);
  ASSERT_EQ(big.call("BootNotification", boot_payload).at(2).at("status"), "Accepted");
  ASSERT_EQ(ok.call("BootNotification", boot_payload).at(2).at("status"), "Accepted");
  auto station = gw_->station("CAB-BIG");
  ASSERT_TRUE(poll(station, [](const auto& s) { return s.online; }, deadline));

  const json huge = {{"customData", {{"vendorId", "acme"}, {"blob", std::string(8000, 'x')}}}};
  big.client->send(json::array({2, "huge-1", "Heartbeat", huge}).dump());
  ASSERT_TRUE(big.wait_closed());
  EXPECT_EQ(big.close_code, 1009);
  EXPECT_TRUE(poll(station, [](const auto& s) { return !s.online; }, deadline));  // its socket closed: offline at once
  EXPECT_EQ(ok.call("Heartbeat", json::object()).at(0), 3);  // the other cabinet goes on
  EXPECT_TRUE(status_of(gw_->station("CAB-OK")).online);
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
