// The cabinet emulator (adapters/emulator) against a small fake OCPP server (fake_csms.hpp, built
// from ws_server + ocpp_frame, not the real gateway), over real sockets on 127.0.0.1: connection,
// boot, back-off, offline queue, chaos. Swaps, server calls and faults: emulator_swaps_test.cpp.
// Every wait is on a condition with a deadline; a timeout is a failure.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
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

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "tests/adapters/fake_csms.hpp"

namespace swaptwin::adapters {
namespace {

using namespace emulator_testing;

TEST(emulator, boots_through_pending_then_heartbeats_and_reports_every_slot) {
  fake_csms csms;
  csms.pending = 2;
  csms.pending_interval = 1;
  csms.interval = 1;
  csms.password = "pw-EMU-00001-0123456789";
  event_log log;
  auto o = options_for(csms, log);
  o.password_pattern = "pw-{sn}-0123456789";
  o.passwords["EMU-00002"] = "pw-EMU-00002-0123456789";
  o.stations = 2;
  // Only EMU-00001 matches csms.password; the map entry gives EMU-00002 its own, refused one.
  emulator emu(o);
  ASSERT_TRUE(emu.start());
  EXPECT_EQ(emu.station_id(0), "EMU-00001");
  ASSERT_TRUE(csms.wait([&] { return csms.count("EMU-00001", "Heartbeat") >= 2; }, 8s));
  ASSERT_TRUE(eventually([&] { return emu.counters().heartbeats >= 2; }));
  ASSERT_TRUE(log.wait([&] {
    for (auto& e : log.events)
      if (e.station == "EMU-00002" && e.kind == "declined") return true;
    return false;
  }));
  emu.stop();
  std::lock_guard<std::mutex> l(csms.m);
  EXPECT_TRUE(csms.problems.empty()) << csms.problems.front();
  const auto boots = csms.calls("EMU-00001", "BootNotification");
  ASSERT_EQ(boots.size(), 3u);
  for (auto& b : boots) {
    EXPECT_EQ(b.frame.payload["reason"], "PowerUp");
    EXPECT_EQ(b.frame.payload["chargingStation"]["serialNumber"], "EMU-00001");
  }
  // Pending's interval is honoured before each new boot.
  EXPECT_GE(seconds(boots[1].at - boots[0].at), 0.9);
  EXPECT_GE(seconds(boots[2].at - boots[1].at), 0.9);
  const auto status = csms.calls("EMU-00001", "StatusNotification");
  ASSERT_EQ(status.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(status[i].frame.payload["evseId"], i + 1);
    EXPECT_EQ(status[i].frame.payload["connectorId"], 1);
    const auto s = status[i].frame.payload["connectorStatus"].get<std::string>();
    EXPECT_TRUE(s == "Occupied" || s == "Available") << s;
    EXPECT_GT(status[i].at, boots[2].at);
  }
  const auto beats = csms.calls("EMU-00001", "Heartbeat");
  EXPECT_GE(seconds(beats[0].at - boots[2].at), 0.9);
  EXPECT_NEAR(seconds(beats[1].at - beats[0].at), 1.0, 0.45);
  // Nothing at all went out before the boot was accepted except boots.
  for (auto& r : csms.frames)
    if (r.station == "EMU-00001" && r.at < boots[2].at) {
      EXPECT_EQ(r.frame.action, "BootNotification");
    }
  EXPECT_EQ(csms.count("EMU-00002", "BootNotification"), 0u);
  const auto c = emu.counters();
  EXPECT_EQ(c.pending, 2u);
  EXPECT_EQ(c.accepted, 1u);
  EXPECT_EQ(c.invalid_sent, 0u);
  EXPECT_GE(c.heartbeats, 2u);
  EXPECT_GE(c.rtt_samples, 7u);
  // Per action: every measured round trip is in exactly one action's summary.
  ASSERT_EQ(c.rtt_by_action.count("BootNotification"), 1u);
  EXPECT_EQ(c.rtt_by_action.at("BootNotification").samples, 3u);
  std::uint64_t total = 0;
  for (const auto& [action, r] : c.rtt_by_action) {
    total += r.samples;
    EXPECT_LE(r.p50_ms, r.p99_ms) << action;
    EXPECT_LE(r.p99_ms, r.max_ms) << action;
  }
  EXPECT_EQ(total, c.rtt_samples);
}

TEST(emulator, round_trips_before_rtt_from_are_left_out) {
  fake_csms csms;
  csms.interval = 1;
  event_log log;
  auto o = options_for(csms, log);
  o.rtt_from = std::chrono::hours{1};
  emulator emu(o);
  ASSERT_TRUE(emu.start());
  ASSERT_TRUE(csms.wait([&] { return csms.count("EMU-00001", "Heartbeat") >= 1; }));
  ASSERT_TRUE(csms.wait([&] { return emu.counters().calls_answered >= 2; }));
  const auto c = emu.counters();
  EXPECT_EQ(c.rtt_samples, 0u);
  EXPECT_TRUE(c.rtt_by_action.empty());
}

TEST(emulator, keeps_one_outstanding_call_and_answers_server_calls) {
  fake_csms csms;
  csms.interval = 1;
  csms.hold_action = "StatusNotification";
  event_log log;
  emulator emu(options_for(csms, log));
  ASSERT_TRUE(emu.start());
  ASSERT_TRUE(csms.wait([&] { return csms.held.has_value(); }));
  emu.set_slot_status(0, 2, "Faulted");
  // A heartbeat falls due (1 s) and a transaction message is queued: neither may go out while
  // the first StatusNotification is unanswered.
  const auto before = [&] { return csms.frames.size(); };
  std::size_t seen;
  {
    std::lock_guard<std::mutex> l(csms.m);
    seen = before();
  }
  EXPECT_FALSE(csms.wait([&] { return csms.frames.size() > seen; }, 1500ms));
  csms.release();
  ASSERT_TRUE(csms.wait([&] { return csms.count("EMU-00001", "Heartbeat") >= 1 &&
                                     csms.count("EMU-00001", "StatusNotification") >= 4; }));
  // The server's CALLs are answered at once: a station's own action NotSupported, an unknown one
  // NotImplemented (the CSMS actions: emulator_swaps_test.cpp).
  connection_ptr conn;
  {
    std::lock_guard<std::mutex> l(csms.m);
    conn = csms.open["EMU-00001"];
  }
  ASSERT_TRUE(conn);
  conn->send(ocpp::call("srv-1", "Heartbeat", json::object()));
  conn->send(ocpp::call("srv-2", "FlyToTheMoon", json::object()));
  ASSERT_TRUE(csms.wait([&] {
    int n = 0;
    for (auto& r : csms.frames) n += r.frame.type == ocpp::message_type::call_error;
    return n == 2;
  }));
  emu.stop();
  std::lock_guard<std::mutex> l(csms.m);
  EXPECT_TRUE(csms.problems.empty()) << csms.problems.front();
  std::map<std::string, std::string> codes;
  for (auto& r : csms.frames)
    if (r.frame.type == ocpp::message_type::call_error) codes[r.frame.message_id] = r.frame.error_code;
  EXPECT_EQ(codes["srv-1"], "NotSupported");
  EXPECT_EQ(codes["srv-2"], "NotImplemented");
  // The slot change (a transaction message) went out once, after the held answer.
  int faulted = 0;
  for (auto& s : csms.calls("EMU-00001", "StatusNotification")) faulted += s.frame.payload["connectorStatus"] == "Faulted";
  EXPECT_GE(faulted, 1);
  EXPECT_EQ(emu.counters().server_calls, 2u);
}

TEST(emulator, reconnects_with_full_jitter_backoff_and_boots_again) {
  fake_csms csms;
  event_log log;
  emulator emu(options_for(csms, log));
  ASSERT_TRUE(emu.start());
  ASSERT_TRUE(csms.wait([&] { return csms.count("EMU-00001", "StatusNotification") == 3; }));
  {
    std::lock_guard<std::mutex> l(csms.m);
    csms.refuse_status = 503;  // the next three attempts are refused: k grows 0, 1, 2, 3
  }
  csms.close_all();
  ASSERT_TRUE(csms.wait([&] { return csms.upgrades.size() >= 4; }));
  {
    std::lock_guard<std::mutex> l(csms.m);
    csms.refuse_status = 0;
  }
  ASSERT_TRUE(csms.wait([&] { return csms.count("EMU-00001", "BootNotification") == 2 &&
                                     csms.count("EMU-00001", "StatusNotification") == 6; }));
  const auto backoffs = log.of("backoff");
  ASSERT_GE(backoffs.size(), 4u);
  for (std::size_t k = 0; k < 4; ++k) {
    EXPECT_EQ(backoffs[k].attempt, static_cast<int>(k));
    EXPECT_EQ(backoffs[k].cap, 100ms * (1 << k));
    EXPECT_LE(backoffs[k].delay, backoffs[k].cap);
    EXPECT_GE(backoffs[k].delay.count(), 0);
  }
  {
    // Each attempt came no later than its bound (plus scheduling slack) after the previous one.
    std::lock_guard<std::mutex> l(csms.m);
    for (std::size_t k = 1; k < 4; ++k)
      EXPECT_LE(seconds(csms.upgrades[k + 1].second - csms.upgrades[k].second), 0.1 * (1 << k) + 0.3);
  }
  // After an Accepted boot the back-off starts over.
  csms.close_all();
  ASSERT_TRUE(csms.wait([&] { return csms.count("EMU-00001", "BootNotification") == 3; }));
  const auto again = log.of("backoff");
  ASSERT_GE(again.size(), 5u);
  EXPECT_EQ(again[4].attempt, 0);
  EXPECT_EQ(again[4].cap, 100ms);
  ASSERT_TRUE(eventually([&] { return emu.counters().accepted == 3; }));
  emu.stop();
  const auto c = emu.counters();
  EXPECT_EQ(c.reconnects, c.connects - 1);
  EXPECT_EQ(c.declined, 3u);
  EXPECT_EQ(c.accepted, 3u);
  std::lock_guard<std::mutex> l(csms.m);
  EXPECT_TRUE(csms.problems.empty()) << csms.problems.front();
}

TEST(emulator, offline_status_changes_are_persisted_and_replayed_exactly_once) {
  fake_csms csms;
  event_log log;
  const auto dir = std::filesystem::temp_directory_path() / ("swaptwin-emu-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto o = options_for(csms, log);
  o.state_dir = dir.string();
  o.backoff_cap = 200ms;
  const auto file = dir / "EMU-00001.jsonl";
  auto faulted = [&](int slot) {
    std::vector<fake_csms::received> out;
    for (auto& s : csms.calls("EMU-00001", "StatusNotification"))
      if (s.frame.payload["evseId"] == slot && s.frame.payload["connectorStatus"] == "Faulted") out.push_back(s);
    return out;
  };
  std::string stamp_a;
  {
    emulator emu(o);
    ASSERT_TRUE(emu.start());
    ASSERT_TRUE(csms.wait([&] { return csms.count("EMU-00001", "StatusNotification") == 3; }));
    {
      std::lock_guard<std::mutex> l(csms.m);
      csms.refuse_status = 503;
    }
    csms.close_all();
    ASSERT_TRUE(log.wait([&] { return log.count("backoff") >= 1; }));
    emu.set_slot_status(0, 2, "Faulted");  // while disconnected: queued and written
    ASSERT_TRUE(eventually([&] { return lines_in(file) == 1; }));
    {
      std::lock_guard<std::mutex> l(csms.m);
      csms.refuse_status = 0;
    }
    ASSERT_TRUE(eventually([&] { return emu.counters().replayed == 1 && lines_in(file) == 0; }));
    {
      std::lock_guard<std::mutex> l(csms.m);
      const auto f = faulted(2);  // the replay, then the new boot's snapshot (slot 2 is Faulted now)
      ASSERT_EQ(f.size(), 2u);
      stamp_a = f[0].frame.payload["timestamp"].get<std::string>();
      EXPECT_NE(f[1].frame.payload["timestamp"], stamp_a);
      // Replayed before the new boot's snapshot of the slots.
      const auto status = csms.calls("EMU-00001", "StatusNotification");
      EXPECT_EQ(status[3].frame.payload["timestamp"], stamp_a);
    }
    // Second outage: a change queued, then the emulator itself stops (a restart of the process).
    {
      std::lock_guard<std::mutex> l(csms.m);
      csms.refuse_status = 503;
    }
    csms.close_all();
    ASSERT_TRUE(log.wait([&] { return log.count("backoff") >= 2; }));
    emu.set_slot_status(0, 3, "Faulted");
    ASSERT_TRUE(eventually([&] { return lines_in(file) == 1; }));
    emu.stop();
  }
  EXPECT_EQ(lines_in(file), 1u);
  {
    std::lock_guard<std::mutex> l(csms.m);
    csms.refuse_status = 0;
  }
  emulator emu(o);
  ASSERT_TRUE(emu.start());
  ASSERT_TRUE(eventually([&] { return emu.counters().replayed == 1 && lines_in(file) == 0; }));
  // One more reconnect replays nothing.
  ASSERT_TRUE(csms.wait([&] { return csms.count("EMU-00001", "BootNotification") == 3; }));
  csms.close_all();
  ASSERT_TRUE(csms.wait([&] { return csms.count("EMU-00001", "BootNotification") == 4 &&
                                     csms.count("EMU-00001", "StatusNotification") >= 13; }));
  emu.stop();
  std::lock_guard<std::mutex> l(csms.m);
  EXPECT_TRUE(csms.problems.empty()) << csms.problems.front();
  std::size_t replays_of_2 = 0;
  for (auto& s : faulted(2)) replays_of_2 += s.frame.payload["timestamp"] == stamp_a;
  EXPECT_EQ(replays_of_2, 1u);
  // Slot 3's change: once, as the replay (the new process's slots are its own: none Faulted).
  EXPECT_EQ(faulted(3).size(), 1u);
  EXPECT_EQ(lines_in(file), 0u);
  std::filesystem::remove_all(dir);
}

TEST(emulator, a_wrong_password_backs_off_instead_of_hammering) {
  fake_csms csms;
  csms.password = "the-right-password-1234";
  event_log log;
  auto o = options_for(csms, log);
  o.password_pattern = "a-wrong-password-1234";
  o.backoff_cap = 400ms;
  emulator emu(o);
  ASSERT_TRUE(emu.start());
  ASSERT_TRUE(log.wait([&] { return log.count("declined") >= 5; }));
  emu.stop();
  const auto declined = log.of("declined");
  EXPECT_NE(declined[0].detail.find("401"), std::string::npos) << declined[0].detail;
  const auto backoffs = log.of("backoff");
  ASSERT_GE(backoffs.size(), 5u);
  const std::vector<std::chrono::milliseconds> caps{100ms, 200ms, 400ms, 400ms, 400ms};
  for (std::size_t k = 0; k < 5; ++k) {
    EXPECT_EQ(backoffs[k].cap, caps[k]);
    EXPECT_LE(backoffs[k].delay, backoffs[k].cap);
  }
  const auto c = emu.counters();
  EXPECT_EQ(c.boots, 0u);
  EXPECT_EQ(c.declined, c.connects);
  std::lock_guard<std::mutex> l(csms.m);
  EXPECT_EQ(csms.upgrades.size(), c.connects);
  EXPECT_EQ(csms.upgrades[0].first.credentials.user, "EMU-00001");
}

TEST(emulator, chaos_drop_silence_restart_and_storm) {
  fake_csms csms;
  event_log log;
  auto o = options_for(csms, log);
  o.stations = 3;
  o.backoff_cap = 200ms;
  emulator emu(o);
  ASSERT_TRUE(emu.start());
  auto all_accepted = [&] { return emu.counters().accepted_now == 3; };
  ASSERT_TRUE(eventually(all_accepted));
  emu.drop(0);
  ASSERT_TRUE(csms.wait([&] { return csms.count("EMU-00001", "BootNotification") == 2; }));
  emu.restart(1);
  ASSERT_TRUE(csms.wait([&] { return csms.count("EMU-00002", "BootNotification") == 2; }));
  emu.silence(2);
  ASSERT_TRUE(eventually([&] { return emu.counters().silences == 1; }));
  emu.set_slot_status(2, 1, "Faulted");  // silent: not sent, kept
  ASSERT_TRUE(eventually(all_accepted));
  emu.storm();
  ASSERT_TRUE(csms.wait([&] {
    return csms.count("EMU-00001", "BootNotification") == 3 && csms.count("EMU-00002", "BootNotification") == 3 &&
           csms.count("EMU-00003", "BootNotification") == 2;
  }));
  // The silent cabinet's change goes out after the storm's reconnect (its watchdog rebooted it).
  ASSERT_TRUE(eventually([&] { return emu.counters().replayed == 1; }));
  emu.stop();
  std::lock_guard<std::mutex> l(csms.m);
  EXPECT_TRUE(csms.problems.empty()) << csms.problems.front();
  const auto restarted = csms.calls("EMU-00002", "BootNotification");
  EXPECT_EQ(restarted[1].frame.payload["reason"], "ApplicationReset");
  const auto c = emu.counters();
  EXPECT_EQ(c.drops, 1u);
  EXPECT_EQ(c.restarts, 1u);
  EXPECT_EQ(c.storms, 1u);
  EXPECT_EQ(c.invalid_sent, 0u);
}

TEST(emulator, passwords_file) {
  const auto path = std::filesystem::temp_directory_path() / ("swaptwin-pw-" + std::to_string(::getpid()));
  std::ofstream(path) << "# sn password\nEMU-00001 secret-one-123456789\n\nEMU-00002,secret two 123456789\n";
  std::map<std::string, std::string> pw;
  std::string error;
  ASSERT_TRUE(load_passwords(path.string(), pw, &error)) << error;
  EXPECT_EQ(pw["EMU-00001"], "secret-one-123456789");
  EXPECT_EQ(pw["EMU-00002"], "secret two 123456789");
  std::ofstream(path) << "EMU-00003\n";
  EXPECT_FALSE(load_passwords(path.string(), pw, &error));
  EXPECT_NE(error.find(":1:"), std::string::npos) << error;
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace swaptwin::adapters
