// The cabinet emulator's riders, swaps, server calls and faults against the fake CSMS
// (fake_csms.hpp) over real sockets on 127.0.0.1. Swaps are started with emulator::start_swap and
// faults with emulator::fault (or high rates), never by waiting out random timers.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "adapters/emulator_state.hpp"
#include "adapters/live_layout.hpp"
#include "tests/adapters/fake_csms.hpp"

namespace swaptwin::adapters {
namespace {

using namespace emulator_testing;

/// A fresh directory under /tmp for one test.
struct temp_dir {
  std::filesystem::path path;
  explicit temp_dir(const std::string& name)
      : path(std::filesystem::temp_directory_path() / ("swaptwin-" + name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~temp_dir() { std::filesystem::remove_all(path); }
};

std::vector<json> json_lines(const std::filesystem::path& p) {
  std::vector<json> out;
  std::ifstream in(p);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(json::parse(line));
  return out;
}

/// Options for swap tests: 3 slots (packs in 1 and 2, slot 3 empty), 2 riders, no timeouts.
emulator_options swap_options(const fake_csms& csms, event_log& log, const temp_dir& dir) {
  auto o = options_for(csms, log);
  o.riders_per_cabinet = 2;
  o.out_timeout_probability = 0;
  o.state_dir = (dir.path / "state").string();
  o.acked_log = (dir.path / "acked.jsonl").string();
  o.backoff_cap = 200ms;
  return o;
}

std::vector<fake_csms::received> swaps_of(fake_csms& csms, const std::string& sn) {
  return csms.calls(sn, "BatterySwap");
}

TEST(emulator_layout, names_and_provisioning) {
  EXPECT_EQ(layout::cabinet_sn("EMU-", 1), "EMU-00001");
  EXPECT_EQ(layout::cabinet_sn("X", 123, 2), "X123");
  layout::params p;
  p.first = 7;
  p.stations = 2;
  p.slots = 3;
  p.riders_per_station = 2;
  const auto all = layout::provisioning(p);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].sn, "EMU-00008");
  ASSERT_EQ(all[0].slots.size(), 3u);
  EXPECT_EQ(all[0].slots[0].content.sn, "EMU-00007-S01");
  EXPECT_TRUE(all[0].slots[1].full);
  EXPECT_FALSE(all[0].slots[2].full);  // the last slot is empty
  ASSERT_EQ(all[0].riders.size(), 2u);
  EXPECT_EQ(all[0].riders[1].id, "EMU-00007-R02");
  EXPECT_EQ(all[0].riders[1].holding.sn, "EMU-00007-H02");
  EXPECT_DOUBLE_EQ(all[0].riders[1].holding.soc, 0.3);
  EXPECT_EQ(all[0].slots[0].content.model, "48V");
}

TEST(emulator_layout, cabinet_state_choices_charging_ids_and_round_trip) {
  layout::params p;
  p.slots = 4;
  p.riders_per_station = 1;
  auto s = emulation::cabinet_state::initial(layout::station_at(p, 1));
  EXPECT_EQ(s.empty_slot(), 4);
  EXPECT_EQ(s.fullest_slot(), 1);  // all full: the lowest number
  s.slots[0].soc = 50;
  s.slots[1].fault = "door";
  EXPECT_EQ(s.fullest_slot(), 3);  // slot 2 is faulted
  EXPECT_EQ(s.status(2), "Faulted");
  s.slots[2].unavailable = true;
  EXPECT_EQ(s.status(3), "Unavailable");
  EXPECT_EQ(s.fullest_slot(), 1);
  s.charge(60);
  EXPECT_DOUBLE_EQ(s.slots[0].soc, 100.0);
  s.next_request_id = 999999999;
  EXPECT_EQ(s.take_request_id(), 999999999);
  EXPECT_EQ(s.take_request_id(), 1);  // never an id of the server's range
  s.riders[0].pack = "";
  auto copy = emulation::cabinet_state::initial(layout::station_at(p, 1));
  ASSERT_TRUE(copy.from_json(s.to_json()));
  EXPECT_EQ(copy.next_request_id, 2);
  EXPECT_EQ(copy.riders[0].pack, "");
  EXPECT_TRUE(copy.slots[2].unavailable);
  EXPECT_EQ(copy.slots[1].fault, "");  // faults are not persisted
  EXPECT_FALSE(copy.from_json(json::array()));
}

TEST(emulator_swaps, authorize_in_out_with_consistent_packs_and_ids_that_survive_a_restart) {
  fake_csms csms;
  event_log log;
  temp_dir dir("emu-swap");
  const auto o = swap_options(csms, log, dir);
  const std::string sn = "EMU-00001";
  {
    emulator emu(o);
    ASSERT_TRUE(emu.start());
    ASSERT_TRUE(eventually([&] { return emu.counters().accepted_now == 1; }));
    emu.start_swap(0, 0);
    ASSERT_TRUE(eventually([&] { return emu.counters().swaps_done == 1; }));
    emu.start_swap(0, 0);  // the same rider again: returns the pack they just took
    ASSERT_TRUE(eventually([&] { return emu.counters().swaps_done == 2; }));
    emu.stop();
    const auto c = emu.counters();
    EXPECT_EQ(c.swaps_started, 2u);
    EXPECT_EQ(c.batteryswap_acked, 4u);
    EXPECT_EQ(c.invalid_sent, 0u);
  }
  {
    std::lock_guard<std::mutex> l(csms.m);
    EXPECT_TRUE(csms.problems.empty()) << csms.problems.front();
    // In order: Authorize, BatteryIn, BatteryOut for each swap.
    std::vector<std::string> seq;
    for (auto& r : csms.frames)
      if (r.station == sn && r.frame.type == ocpp::message_type::call &&
          (r.frame.action == "Authorize" || r.frame.action == "BatterySwap"))
        seq.push_back(r.frame.action == "Authorize" ? "Authorize" : r.frame.payload["eventType"].get<std::string>());
    EXPECT_EQ(seq, (std::vector<std::string>{"Authorize", "BatteryIn", "BatteryOut", "Authorize", "BatteryIn", "BatteryOut"}));
    const auto auth = csms.calls(sn, "Authorize");
    EXPECT_EQ(auth[0].frame.payload["idToken"], (json{{"idToken", "EMU-00001-R01"}, {"type", "Central"}}));
    const auto s = swaps_of(csms, sn);
    ASSERT_EQ(s.size(), 4u);
    auto data = [&](std::size_t i) { return s[i].frame.payload["batteryData"][0]; };
    // Swap 1: the rider's H pack into the empty slot 3; the fullest pack (slot 1, lowest on a tie) out.
    EXPECT_EQ(s[0].frame.payload["requestId"], 1);
    EXPECT_EQ(data(0)["evseId"], 3);
    EXPECT_EQ(data(0)["serialNumber"], "EMU-00001-H01");
    EXPECT_GE(data(0)["soC"].get<double>(), 20.0);
    EXPECT_LE(data(0)["soC"].get<double>(), 30.0);  // never more than the pack held (30 %)
    EXPECT_EQ(s[1].frame.payload["requestId"], 1);
    EXPECT_EQ(data(1)["evseId"], 1);
    EXPECT_EQ(data(1)["serialNumber"], "EMU-00001-S01");
    EXPECT_EQ(s[1].frame.payload["idToken"]["idToken"], "EMU-00001-R01");
    // Swap 2: S01 back into slot 1 (the only empty one), S02 (fuller than the returned H01) out.
    EXPECT_EQ(s[2].frame.payload["requestId"], 2);
    EXPECT_EQ(data(2)["evseId"], 1);
    EXPECT_EQ(data(2)["serialNumber"], "EMU-00001-S01");
    EXPECT_EQ(data(3)["evseId"], 2);
    EXPECT_EQ(data(3)["serialNumber"], "EMU-00001-S02");
  }
  auto acked = json_lines(dir.path / "acked.jsonl");
  ASSERT_EQ(acked.size(), 2u);
  EXPECT_EQ(acked[0], (json{{"sn", sn}, {"requestId", 1}, {"rider", "EMU-00001-R01"}, {"event", "BatteryOut"},
                            {"issued", "EMU-00001-S01"}, {"returned", "EMU-00001-H01"}}));
  EXPECT_EQ(acked[1]["issued"], "EMU-00001-S02");
  EXPECT_EQ(acked[1]["returned"], "EMU-00001-S01");

  // A new emulator process on the same state: ids go on from 3, R01 holds S02, slot 2 is empty.
  emulator emu(o);
  ASSERT_TRUE(emu.start());
  ASSERT_TRUE(eventually([&] { return emu.counters().accepted_now == 1; }));
  {
    std::lock_guard<std::mutex> l(csms.m);
    const auto status = csms.calls(sn, "StatusNotification");
    ASSERT_GE(status.size(), 3u);
  }
  emu.start_swap(0, 0);
  ASSERT_TRUE(eventually([&] { return emu.counters().swaps_done == 1; }));
  emu.stop();
  std::lock_guard<std::mutex> l(csms.m);
  EXPECT_TRUE(csms.problems.empty()) << csms.problems.front();
  const auto s = swaps_of(csms, sn);
  ASSERT_EQ(s.size(), 6u);
  EXPECT_EQ(s[4].frame.payload["requestId"], 3);
  EXPECT_EQ(s[4].frame.payload["batteryData"][0]["serialNumber"], "EMU-00001-S02");
  EXPECT_EQ(s[4].frame.payload["batteryData"][0]["evseId"], 2);
  EXPECT_EQ(s[5].frame.payload["requestId"], 3);
  std::set<std::int64_t> ids;
  for (auto& line : json_lines(dir.path / "acked.jsonl")) EXPECT_TRUE(ids.insert(line["requestId"].get<std::int64_t>()).second);
  EXPECT_EQ(ids.size(), 3u);
}

TEST(emulator_swaps, a_refused_authorize_sends_no_battery_swap) {
  fake_csms csms;
  csms.authorize_status["EMU-00001-R02"] = "Blocked";
  event_log log;
  temp_dir dir("emu-refused");
  emulator emu(swap_options(csms, log, dir));
  ASSERT_TRUE(emu.start());
  ASSERT_TRUE(eventually([&] { return emu.counters().accepted_now == 1; }));
  emu.start_swap(0, 1);
  ASSERT_TRUE(eventually([&] { return emu.counters().swaps_refused == 1; }));
  // The refusal is decided when the answer arrives; nothing may follow it.
  EXPECT_FALSE(csms.wait([&] { return csms.count("EMU-00001", "BatterySwap") > 0; }, 500ms));
  emu.stop();
  EXPECT_EQ(emu.counters().swaps_done, 0u);
  EXPECT_EQ(json_lines(dir.path / "acked.jsonl").size(), 0u);
  std::lock_guard<std::mutex> l(csms.m);
  EXPECT_EQ(csms.count("EMU-00001", "Authorize"), 1u);
  EXPECT_TRUE(csms.problems.empty()) << csms.problems.front();
}

TEST(emulator_swaps, an_unacknowledged_battery_out_is_replayed_with_its_id_and_logged_once) {
  fake_csms csms;
  csms.close_on_event = "BatteryOut";  // the server "crashes" before answering
  event_log log;
  temp_dir dir("emu-replay");
  auto o = swap_options(csms, log, dir);
  emulator emu(o);
  ASSERT_TRUE(emu.start());
  ASSERT_TRUE(eventually([&] { return emu.counters().accepted_now == 1; }));
  emu.start_swap(0, 0);
  ASSERT_TRUE(eventually([&] { return emu.counters().swaps_done == 1; }));
  // A third reconnect replays nothing more.
  csms.close_all();
  ASSERT_TRUE(csms.wait([&] { return csms.count("EMU-00001", "BootNotification") == 3; }));
  ASSERT_TRUE(eventually([&] { return emu.counters().accepted_now == 1; }));
  emu.stop();
  std::lock_guard<std::mutex> l(csms.m);
  EXPECT_TRUE(csms.problems.empty()) << csms.problems.front();
  const auto s = swaps_of(csms, "EMU-00001");
  ASSERT_EQ(s.size(), 3u);  // In, Out (unanswered), Out again
  EXPECT_EQ(s[1].frame.payload["eventType"], "BatteryOut");
  EXPECT_EQ(s[2].frame.message_id, s[1].frame.message_id);
  EXPECT_EQ(s[2].frame.payload, s[1].frame.payload);
  // The replay came after the new boot and before its slot snapshot.
  const auto boots = csms.calls("EMU-00001", "BootNotification");
  EXPECT_GT(s[2].at, boots[1].at);
  const auto acked = json_lines(dir.path / "acked.jsonl");
  ASSERT_EQ(acked.size(), 1u);
  EXPECT_EQ(acked[0]["requestId"], s[1].frame.payload["requestId"]);
  const auto c = emu.counters();
  EXPECT_EQ(c.swaps_done, 1u);
  EXPECT_EQ(c.replayed, 2u);  // BatteryOut and the StatusNotification of the slot it emptied
}

TEST(emulator_swaps, a_swap_interrupted_by_a_process_restart_completes_from_the_queue) {
  fake_csms csms;
  event_log log;
  temp_dir dir("emu-crash");
  auto o = swap_options(csms, log, dir);
  {
    emulator emu(o);
    ASSERT_TRUE(emu.start());
    ASSERT_TRUE(eventually([&] { return emu.counters().accepted_now == 1; }));
    {
      std::lock_guard<std::mutex> l(csms.m);
      csms.hold_action = "BatterySwap";  // BatteryIn waits: BatteryOut is still queued at stop
    }
    emu.start_swap(0, 1);
    ASSERT_TRUE(csms.wait([&] { return csms.held.has_value(); }));
    emu.stop();
  }
  emulator emu(o);
  ASSERT_TRUE(emu.start());
  ASSERT_TRUE(eventually([&] { return emu.counters().swaps_done == 1; }));
  emu.stop();
  std::lock_guard<std::mutex> l(csms.m);
  const auto s = swaps_of(csms, "EMU-00001");
  ASSERT_EQ(s.size(), 3u);  // In (never answered), In again (same id), Out
  EXPECT_EQ(s[1].frame.message_id, s[0].frame.message_id);
  EXPECT_EQ(s[2].frame.payload["eventType"], "BatteryOut");
  EXPECT_EQ(s[2].frame.payload["requestId"], s[0].frame.payload["requestId"]);
  EXPECT_EQ(s[2].frame.payload["idToken"]["idToken"], "EMU-00001-R02");
  const auto acked = json_lines(dir.path / "acked.jsonl");
  ASSERT_EQ(acked.size(), 1u);
  EXPECT_EQ(acked[0]["returned"], "EMU-00001-H02");
}

TEST(emulator_swaps, a_rider_who_leaves_the_pack_times_out_and_stops_swapping) {
  fake_csms csms;
  event_log log;
  temp_dir dir("emu-timeout");
  auto o = swap_options(csms, log, dir);
  o.out_timeout_probability = 1;
  emulator emu(o);
  ASSERT_TRUE(emu.start());
  ASSERT_TRUE(eventually([&] { return emu.counters().accepted_now == 1; }));
  emu.start_swap(0, 0);
  ASSERT_TRUE(eventually([&] { return emu.counters().swap_timeouts == 1; }));
  emu.start_swap(0, 0);  // holds nothing now: no second swap
  EXPECT_FALSE(eventually([&] { return emu.counters().swaps_started > 1; }, 300ms));
  emu.stop();
  const auto acked = json_lines(dir.path / "acked.jsonl");
  ASSERT_EQ(acked.size(), 1u);
  EXPECT_EQ(acked[0]["event"], "BatteryOutTimeout");
  EXPECT_EQ(acked[0]["issued"], "");
  EXPECT_EQ(acked[0]["returned"], "EMU-00001-H01");
  std::lock_guard<std::mutex> l(csms.m);
  const auto s = swaps_of(csms, "EMU-00001");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[1].frame.payload["eventType"], "BatteryOutTimeout");
  EXPECT_EQ(s[1].frame.payload["batteryData"][0]["serialNumber"], "EMU-00001-S01");
}

TEST(emulator_swaps, server_calls_are_answered_and_take_effect) {
  fake_csms csms;
  csms.interval = 600;  // no heartbeat unless SetVariables or TriggerMessage asks for one
  event_log log;
  temp_dir dir("emu-calls");
  emulator emu(swap_options(csms, log, dir));
  ASSERT_TRUE(emu.start());
  const std::string sn = "EMU-00001";
  ASSERT_TRUE(csms.wait([&] { return csms.count(sn, "StatusNotification") == 3; }));
  auto answered = [&](const std::string& id) { return csms.wait([&] { return csms.answer(id).has_value(); }); };
  auto status_of = [&](const std::string& id) {
    std::lock_guard<std::mutex> l(csms.m);
    return csms.answer(id)->payload;
  };

  // ChangeAvailability of slot 1: Unavailable, and no swap uses it.
  ASSERT_TRUE(csms.send_call(sn, "s1", "ChangeAvailability", {{"operationalStatus", "Inoperative"}, {"evse", {{"id", 1}}}}));
  ASSERT_TRUE(answered("s1"));
  EXPECT_EQ(status_of("s1")["status"], "Accepted");
  ASSERT_TRUE(csms.wait([&] {
    for (auto& r : csms.calls(sn, "StatusNotification"))
      if (r.frame.payload["evseId"] == 1 && r.frame.payload["connectorStatus"] == "Unavailable") return true;
    return false;
  }));

  // RequestBatterySwap: an unknown rider is Rejected; a known one swaps with the server's requestId.
  ASSERT_TRUE(csms.send_call(sn, "s2", "RequestBatterySwap", {{"requestId", 1000000001}, {"idToken", {{"idToken", "NOBODY"}, {"type", "Central"}}}}));
  ASSERT_TRUE(answered("s2"));
  EXPECT_EQ(status_of("s2")["status"], "Rejected");
  ASSERT_TRUE(csms.send_call(sn, "s3", "RequestBatterySwap", {{"requestId", 1000000002}, {"idToken", {{"idToken", "EMU-00001-R02"}, {"type", "Central"}}}}));
  ASSERT_TRUE(answered("s3"));
  EXPECT_EQ(status_of("s3")["status"], "Accepted");
  ASSERT_TRUE(eventually([&] { return emu.counters().swaps_done == 1; }));

  // SetVariables: the heartbeat interval changes (to 1 s); other variables are unknown.
  ASSERT_TRUE(csms.send_call(sn, "s4", "SetVariables",
                             {{"setVariableData",
                               {{{"attributeValue", "1"}, {"component", {{"name", "OCPPCommCtrlr"}}}, {"variable", {{"name", "HeartbeatInterval"}}}},
                                {{"attributeValue", "x"}, {"component", {{"name", "OCPPCommCtrlr"}}}, {"variable", {{"name", "Nope"}}}},
                                {{"attributeValue", "x"}, {"component", {{"name", "Nowhere"}}}, {"variable", {{"name", "HeartbeatInterval"}}}}}}}));
  ASSERT_TRUE(answered("s4"));
  const auto results = status_of("s4")["setVariableResult"];
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0]["attributeStatus"], "Accepted");
  EXPECT_EQ(results[0]["component"]["name"], "OCPPCommCtrlr");
  EXPECT_EQ(results[0]["variable"]["name"], "HeartbeatInterval");
  EXPECT_EQ(results[1]["attributeStatus"], "UnknownVariable");
  EXPECT_EQ(results[2]["attributeStatus"], "UnknownComponent");
  ASSERT_TRUE(csms.wait([&] { return csms.count(sn, "Heartbeat") >= 2; }, 4s));

  // TriggerMessage: StatusNotification of slot 2 is sent; MeterValues is not implemented.
  std::size_t before;
  {
    std::lock_guard<std::mutex> l(csms.m);
    before = csms.count(sn, "StatusNotification");
  }
  ASSERT_TRUE(csms.send_call(sn, "s5", "TriggerMessage", {{"requestedMessage", "StatusNotification"}, {"evse", {{"id", 2}}}}));
  ASSERT_TRUE(answered("s5"));
  EXPECT_EQ(status_of("s5")["status"], "Accepted");
  ASSERT_TRUE(csms.wait([&] {
    const auto st = csms.calls(sn, "StatusNotification");
    return st.size() > before && st.back().frame.payload["evseId"] == 2;
  }));
  ASSERT_TRUE(csms.send_call(sn, "s6", "TriggerMessage", {{"requestedMessage", "MeterValues"}}));
  ASSERT_TRUE(answered("s6"));
  EXPECT_EQ(status_of("s6")["status"], "NotImplemented");

  // Reset: Accepted, then a new boot with reason RemoteReset.
  ASSERT_TRUE(csms.send_call(sn, "s7", "Reset", {{"type", "Immediate"}}));
  ASSERT_TRUE(answered("s7"));
  EXPECT_EQ(status_of("s7")["status"], "Accepted");
  ASSERT_TRUE(csms.wait([&] { return csms.count(sn, "BootNotification") == 2; }));
  ASSERT_TRUE(eventually([&] { return emu.counters().accepted_now == 1; }));
  // Slot 1 is still unavailable after the reboot (persisted availability).
  ASSERT_TRUE(csms.wait([&] { return csms.count(sn, "StatusNotification") >= before + 1 + 3; }));
  emu.stop();

  std::lock_guard<std::mutex> l(csms.m);
  EXPECT_TRUE(csms.problems.empty()) << csms.problems.front();
  EXPECT_EQ(csms.calls(sn, "BootNotification")[1].frame.payload["reason"], "RemoteReset");
  EXPECT_EQ(csms.count(sn, "Authorize"), 0u);  // the server's swap needs no Authorize
  const auto s = swaps_of(csms, sn);
  ASSERT_EQ(s.size(), 2u);
  for (auto& f : s) EXPECT_EQ(f.frame.payload["requestId"], 1000000002);
  EXPECT_EQ(s[0].frame.payload["batteryData"][0]["serialNumber"], "EMU-00001-H02");
  EXPECT_EQ(s[0].frame.payload["batteryData"][0]["evseId"], 3);
  EXPECT_EQ(s[1].frame.payload["batteryData"][0]["evseId"], 2);  // slot 1 is unavailable
  const auto st = csms.calls(sn, "StatusNotification");
  EXPECT_EQ(st.back().frame.payload["connectorStatus"], st.back().frame.payload["evseId"] == 1 ? "Unavailable" : st.back().frame.payload["connectorStatus"]);
  bool unavailable_after_reset = false;
  const auto boot2 = csms.calls(sn, "BootNotification")[1].at;
  for (auto& r : st)
    if (r.at > boot2 && r.frame.payload["evseId"] == 1) unavailable_after_reset = r.frame.payload["connectorStatus"] == "Unavailable";
  EXPECT_TRUE(unavailable_after_reset);
  const auto c = emu.counters();
  EXPECT_EQ(c.server_calls, 7u);
  EXPECT_EQ(c.server_calls_by_action.at("RequestBatterySwap"), 2u);
  EXPECT_EQ(c.server_calls_by_action.at("TriggerMessage"), 2u);
  EXPECT_EQ(c.invalid_sent, 0u);
}

TEST(emulator_swaps, a_fault_sends_faulted_and_notify_event_then_clears) {
  fake_csms csms;
  event_log log;
  temp_dir dir("emu-fault");
  auto o = swap_options(csms, log, dir);
  o.fault_repair = 300ms;
  emulator emu(o);
  ASSERT_TRUE(emu.start());
  const std::string sn = "EMU-00001";
  ASSERT_TRUE(csms.wait([&] { return csms.count(sn, "StatusNotification") == 3; }));
  emu.fault(0, 2, "problem");
  emu.fault(0, 1, "temperature");
  ASSERT_TRUE(csms.wait([&] { return csms.count(sn, "NotifyEvent") == 4; }));
  ASSERT_TRUE(eventually([&] { return emu.counters().repairs == 2 && emu.counters().notify_events == 4; }));
  emu.stop();
  std::lock_guard<std::mutex> l(csms.m);
  EXPECT_TRUE(csms.problems.empty()) << csms.problems.front();
  const auto events = csms.calls(sn, "NotifyEvent");
  auto data = [&](std::size_t i) { return events[i].frame.payload["eventData"][0]; };
  EXPECT_EQ(data(0)["component"], (json{{"name", "EVSE"}, {"evse", {{"id", 2}}}}));
  EXPECT_EQ(data(0)["variable"]["name"], "Problem");
  EXPECT_EQ(data(0)["actualValue"], "true");
  EXPECT_EQ(data(0)["trigger"], "Alerting");
  EXPECT_EQ(data(0)["eventNotificationType"], "HardWiredNotification");
  EXPECT_FALSE(data(0).contains("cleared"));
  EXPECT_EQ(data(1)["variable"]["name"], "Temperature");
  EXPECT_EQ(data(1)["actualValue"], "68.5");
  std::set<std::int64_t> ids;
  for (std::size_t i = 0; i < 4; ++i) EXPECT_TRUE(ids.insert(data(i)["eventId"].get<std::int64_t>()).second);
  bool cleared_problem = false;
  for (std::size_t i = 2; i < 4; ++i)
    if (data(i)["variable"]["name"] == "Problem")
      cleared_problem = data(i)["actualValue"] == "false" && data(i)["cleared"] == true;
  EXPECT_TRUE(cleared_problem);
  // Slot 2: Faulted before its NotifyEvent, Occupied again after the repair.
  std::vector<std::string> slot2;
  for (auto& r : csms.calls(sn, "StatusNotification"))
    if (r.frame.payload["evseId"] == 2) slot2.push_back(r.frame.payload["connectorStatus"]);
  EXPECT_EQ(slot2, (std::vector<std::string>{"Occupied", "Faulted", "Occupied"}));
  EXPECT_EQ(emu.counters().faults, 2u);
}

TEST(emulator_swaps, riders_and_faults_at_rates_keep_the_log_consistent) {
  fake_csms csms;
  event_log log;
  temp_dir dir("emu-rates");
  auto o = swap_options(csms, log, dir);
  o.stations = 2;
  o.slots = 6;
  o.riders_per_cabinet = 4;
  o.swap_rate_per_hour = 3600 * 20;  // about 20 a second per cabinet
  o.fault_rate_per_hour = 3600 * 2;
  o.fault_repair = 200ms;
  o.out_timeout_probability = 0.1;
  emulator emu(o);
  ASSERT_TRUE(emu.start());
  ASSERT_TRUE(eventually([&] {
    const auto c = emu.counters();
    return c.swaps_done + c.swap_timeouts >= 10 && c.faults >= 1;
  }));
  emu.stop();
  const auto c = emu.counters();
  EXPECT_EQ(c.invalid_sent, 0u);
  const auto acked = json_lines(dir.path / "acked.jsonl");
  EXPECT_EQ(acked.size(), c.swaps_done + c.swap_timeouts);
  std::set<std::pair<std::string, std::int64_t>> seen;
  for (auto& a : acked)
    EXPECT_TRUE(seen.insert({a["sn"].get<std::string>(), a["requestId"].get<std::int64_t>()}).second) << a.dump();
  std::lock_guard<std::mutex> l(csms.m);
  EXPECT_TRUE(csms.problems.empty()) << csms.problems.front();
  // A pack is never issued from a slot that is not there, nor returned into a full one: every In
  // names the rider's current pack.
  for (const std::string sn : {"EMU-00001", "EMU-00002"}) {
    std::map<std::string, std::string> holding;
    for (auto& r : csms.calls(sn, "BatterySwap")) {
      const auto rider = r.frame.payload["idToken"]["idToken"].get<std::string>();
      const auto pack = r.frame.payload["batteryData"][0]["serialNumber"].get<std::string>();
      const auto event = r.frame.payload["eventType"].get<std::string>();
      if (!holding.count(rider)) holding[rider] = rider.substr(0, rider.size() - 4) + "-H" + rider.substr(rider.size() - 2);
      if (event == "BatteryIn") {
        EXPECT_EQ(pack, holding[rider]);
      } else if (event == "BatteryOut") {
        holding[rider] = pack;
      }
    }
  }
}

}  // namespace
}  // namespace swaptwin::adapters
