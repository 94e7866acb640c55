// The OCPP gateway's swap, alarms and our own CALLs over real sockets on 127.0.0.1: Authorize,
// BatterySwap (durable before the answer, duplicates without a second effect), NotifyEvent to
// the dispatcher, back-end CALLs with ids, one outstanding, timeouts, and the desired-state push.
#include "gateway_fixture.hpp"

#include "adapters/cabinet_events.hpp"
#include "fixtures.hpp"
#include "twin/billing.hpp"

namespace swaptwin::adapters {
namespace {

using namespace testing;
using twin::money;

const json accepted_rider = {{"idToken", "R1"}, {"type", "Central"}};

json swap_event(const std::string& type, std::int64_t request_id, int evse, const std::string& pack, double soc,
                const std::string& rider = "R1") {
  return json{{"eventType", type},
              {"requestId", request_id},
              {"idToken", {{"idToken", rider}, {"type", "Central"}}},
              {"batteryData", json::array({{{"evseId", evse}, {"serialNumber", pack}, {"soC", soc}, {"soH", 98}}})}};
}

class gateway_swap_test : public gateway_test {
 protected:
  const twin::unix_ms t0_ = at("2026-11-20T08:00:00Z");

  /// CAB-1 (station_4: P-1 ready 60V in slot 1, slot 2 empty) and rider R1 (CN, verified, 60V
  /// deposit, 100 CNY in the wallet, pay-per-kWh plan) holding pack P-OLD, issued at SoC 0.9.
  void back_office() {
    store db{db_};
    ASSERT_DONE(db.set_country(cn_policy()));
    ASSERT_DONE(db.set_deposit("60V", money{50000, "CNY"}));
    ASSERT_DONE(db.add_plan(kwh_plan()));
    ASSERT_DONE(db.add_station(station_4("CAB-1", "Nanshan 1")));
    ASSERT_DONE(db.set_station_no_password("CAB-1"));  // its cabinet connects without credentials, on purpose
    for (auto [sn, soc] : {std::pair<const char*, double>{"P-1", 1.0}, {"P-3", 0.4}, {"P-4", 0.95}, {"P-OLD", 0.9}}) {
      twin::battery b;
      b.sn = sn;
      b.model_id = std::string{sn} == "P-4" ? "72V" : "60V";
      b.soc = soc;
      ASSERT_DONE(db.add_battery(b));
    }
    ASSERT_DONE(db.add_rider(cn_rider("R1", t0_)));
    auto r = *db.rider("R1");
    auto paid = twin::pay_deposit(r, cn_policy(), "60V", money{50000, "CNY"}, t0_, "dep-R1");
    ASSERT_EQ(db.commit(*paid), commit_outcome::applied);
    auto topped = twin::top_up(paid->after, cn_policy(), money{10000, "CNY"}, t0_, "top-R1");
    ASSERT_EQ(db.commit(*topped), commit_outcome::applied);
    auto bought = twin::buy_plan(topped->after, kwh_plan(), cn_policy(), t0_, "buy-R1");
    ASSERT_EQ(db.commit(*bought), commit_outcome::applied);
    r = *db.rider("R1");
    r.holding_sn = "P-OLD";
    r.holding_model = "60V";
    ASSERT_EQ(db.commit(twin::rider_change{r, {}}), commit_outcome::applied);  // hands the rider a pack
  }

  cabinet& booted(const std::string& sn = "CAB-1") {
    auto& c = make_cabinet(sn);
    EXPECT_EQ(c.connect().status, ws_connect_status::connected);
    auto r = c.call("BootNotification", boot_payload);
    EXPECT_EQ(r.at(2).at("status"), "Accepted");
    return c;
  }

  std::int64_t scalar(const std::string& q) {
    store db{db_};
    return db.db().scalar(q);
  }
};

TEST_F(gateway_swap_test, a_swap_moves_the_packs_bills_the_rider_and_is_durable_before_the_answer) {
  back_office();
  start();
  auto& c = booted();
  const twin::rider rider_before = *store{db_}.rider("R1");

  auto r = c.call("Authorize", json{{"idToken", accepted_rider}});
  ASSERT_EQ(r.at(0), 3);
  EXPECT_EQ(r.at(2).at("idTokenInfo").at("status"), "Accepted");
  r = c.call("Authorize", json{{"idToken", {{"idToken", "NOBODY"}, {"type", "Central"}}}});
  EXPECT_EQ(r.at(2).at("idTokenInfo").at("status"), "Unknown");

  r = c.call("BatterySwap", swap_event("BatteryIn", 7, 2, "P-OLD", 30));
  ASSERT_EQ(r.at(0), 3) << r.dump();
  EXPECT_EQ(r.at(2), json::object());
  r = c.call_with_id("out-7", "BatterySwap", swap_event("BatteryOut", 7, 1, "P-1", 100));
  ASSERT_EQ(r.at(0), 3) << r.dump();

  // Answered means committed: a fresh connection to the file sees everything.
  store db{db_};
  auto swap = db.swap_by_key(cabinet_swap_key("CAB-1", 7));
  ASSERT_TRUE(swap.has_value());
  EXPECT_EQ(swap->rider_id, "R1");
  EXPECT_EQ(swap->slot_in, 2);
  EXPECT_EQ(swap->returned_sn, "P-OLD");
  EXPECT_EQ(swap->slot_out, 1);
  EXPECT_EQ(swap->issued_sn, "P-1");
  const int capacity = db.model("60V")->capacity_wh;
  const auto drawn = twin::energy_drawn_wh(capacity, 1.0, 0.9, 0.3);
  EXPECT_EQ(swap->energy_wh, drawn);
  // Billed as the plan's rule says, computed here from the rider as they were before the swap.
  twin::rider before = *db.rider("R1");
  EXPECT_EQ(before.holding_sn, "P-1");
  auto expected = twin::settle_swap(rider_before, kwh_plan(), cn_policy(),
                                    twin::swap_usage{"CAB-1", "60V", "P-OLD", drawn, "P-1"}, swap->at, swap->key);
  ASSERT_TRUE(expected.ok());
  EXPECT_GT(expected->net.minor, 0);
  EXPECT_EQ(swap->net, expected->net);
  EXPECT_EQ(swap->tax, expected->tax);
  EXPECT_EQ(db.db().scalar("SELECT count(*) FROM ledger WHERE idempotency_key LIKE 'ocpp:CAB-1:7%'"),
            static_cast<std::int64_t>(expected->change.postings.size()));
  EXPECT_EQ(before.balance_minor, 10000 - expected->net.minor - expected->tax.minor);
  auto st = *db.station("CAB-1");
  EXPECT_EQ(st.slots[0].battery_sn, "");
  EXPECT_EQ(st.slots[0].state, twin::slot_state::empty);
  EXPECT_EQ(st.slots[1].battery_sn, "P-OLD");
  EXPECT_EQ(st.slots[1].state, twin::slot_state::charging);
  EXPECT_EQ(db.battery("P-1")->place, twin::pack_place::rider);
  EXPECT_EQ(db.battery("P-OLD")->place_ref, "CAB-1:2");
  EXPECT_NEAR(db.battery("P-OLD")->soh, 0.98, 1e-9);

  // Resent (same message id; then the same requestId and eventType under a new id): answered
  // again, no second effect.
  const auto ledger_rows = db.db().scalar("SELECT count(*) FROM ledger");
  r = c.call_with_id("out-7", "BatterySwap", swap_event("BatteryOut", 7, 1, "P-1", 100));
  EXPECT_EQ(r.at(0), 3);
  r = c.call("BatterySwap", swap_event("BatteryIn", 7, 2, "P-OLD", 30));
  EXPECT_EQ(r.at(0), 3);
  EXPECT_TRUE(wait_logged("resent, answered again without a second effect"));
  EXPECT_EQ(db.db().scalar("SELECT count(*) FROM ledger"), ledger_rows);
  EXPECT_EQ(db.db().scalar("SELECT count(*) FROM swaps"), 1);
  EXPECT_EQ(db.rider("R1")->balance_minor, before.balance_minor);
}

TEST_F(gateway_swap_test, a_pack_left_in_the_cabinet_is_billed_as_a_return) {
  back_office();
  start();
  auto& c = booted();
  ASSERT_EQ(c.call("BatterySwap", swap_event("BatteryIn", 9, 2, "P-OLD", 50)).at(0), 3);
  ASSERT_EQ(c.call("BatterySwap", swap_event("BatteryOutTimeout", 9, 1, "P-1", 100)).at(0), 3);
  store db{db_};
  auto swap = db.swap_by_key(cabinet_swap_key("CAB-1", 9));
  ASSERT_TRUE(swap.has_value());
  EXPECT_EQ(swap->returned_sn, "P-OLD");
  EXPECT_EQ(swap->issued_sn, "");
  EXPECT_EQ(db.rider("R1")->holding_sn, "");
  EXPECT_EQ(db.station("CAB-1")->slots[0].battery_sn, "P-1");  // the offered pack stays
  EXPECT_GT(swap->net.minor, 0);  // energy drawn, priced per kWh
}

// A collector of alerts for the dispatcher's place.
struct alert_box {
  std::mutex m;
  std::condition_variable cv;
  std::vector<actors::alert> alerts;
};

TEST_F(gateway_swap_test, a_cabinet_alarm_reaches_the_dispatcher_and_a_cleared_one_does_not) {
  back_office();
  auto box = std::make_shared<alert_box>();
  start(60, 3, [&](gateway_config& g) {
    // CAF 0.17: a spawn needs at least one argument (an empty one trips UBSan inside CAF).
    g.dispatcher = sys_->spawn([](caf::event_based_actor*, std::shared_ptr<alert_box> box) -> caf::behavior {
      return {[box](actors::alert_atom, const actors::alert& a) {
        std::lock_guard<std::mutex> lock(box->m);
        box->alerts.push_back(a);
        box->cv.notify_all();
      },
              [](actors::online_atom, const std::string&, std::int64_t) {}};
    }, box);
  });
  auto& c = booted();
  auto event = [](const std::string& variable, const std::string& value, bool cleared) {
    json e = {{"eventId", 1},
              {"timestamp", "2026-11-20T08:00:00Z"},
              {"trigger", "Alerting"},
              {"actualValue", value},
              {"component", {{"name", "EVSE"}, {"evse", {{"id", 3}}}}},
              {"variable", {{"name", variable}}},
              {"eventNotificationType", "HardWiredNotification"}};
    if (cleared) e["cleared"] = true;
    return json{{"generatedAt", "2026-11-20T08:00:00Z"}, {"seqNo", 0}, {"eventData", json::array({e})}};
  };
  EXPECT_EQ(c.call("NotifyEvent", event("Problem", "false", true)).at(0), 3);
  EXPECT_EQ(c.call("NotifyEvent", event("Temperature", "68.5", false)).at(0), 3);
  std::unique_lock<std::mutex> lock(box->m);
  ASSERT_TRUE(box->cv.wait_for(lock, deadline, [&] { return !box->alerts.empty(); }));
  ASSERT_EQ(box->alerts.size(), 1u);  // the cleared problem raised nothing
  EXPECT_EQ(box->alerts[0].station_sn, "CAB-1");
  EXPECT_EQ(box->alerts[0].kind, "over_temperature");
  EXPECT_EQ(box->alerts[0].slot, 3);
}

TEST_F(gateway_swap_test, without_a_dispatcher_an_alarm_opens_one_work_order_in_the_database) {
  back_office();
  start();
  auto& c = booted();
  const json door = {{"generatedAt", "2026-11-20T08:00:00Z"},
                     {"seqNo", 4},
                     {"eventData", json::array({{{"eventId", 9},
                                                 {"timestamp", "2026-11-20T08:00:00Z"},
                                                 {"trigger", "Alerting"},
                                                 {"actualValue", "true"},
                                                 {"component", {{"name", "EVSE"}, {"evse", {{"id", 2}}}}},
                                                 {"variable", {{"name", "DoorOpen"}}},
                                                 {"eventNotificationType", "HardWiredNotification"}}})}};
  EXPECT_EQ(c.call("NotifyEvent", door).at(0), 3);
  EXPECT_EQ(c.call("NotifyEvent", door).at(0), 3);  // replayed from the cabinet's queue: still one order
  auto orders = [&] {
    store db{db_};
    return db.work_orders(true);
  };
  for (int i = 0; i < 500 && orders().empty(); ++i) c.next_message(10ms);  // paced poll of the file
  // Both alarms have reached the store once the second's log line is there and an order exists.
  ASSERT_TRUE(wait_logged("alert door_open at slot 2"));
  EXPECT_TRUE(c.call("Heartbeat", json::object()).at(0) == 3);
  auto open = orders();
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].station_sn, "CAB-1");
  EXPECT_EQ(open[0].alert, twin::alert_kind::door_open);
  EXPECT_EQ(open[0].slot, 2);
}

TEST_F(gateway_swap_test, our_calls_are_matched_by_id_one_at_a_time_and_time_out) {
  back_office();
  start(60, 3, [](gateway_config& g) { g.call_timeout_ms = 400; });
  auto& c = booted();
  std::string error;
  EXPECT_FALSE(gw_->call("CAB-2", "Reset", R"({"type":"Immediate"})", deadline, &error));
  EXPECT_NE(error.find("not connected"), std::string::npos) << error;
  EXPECT_FALSE(gw_->call("CAB-1", "Reset", R"({"type":"Soon"})", deadline, &error));
  EXPECT_NE(error.find("schema"), std::string::npos) << error;
  EXPECT_FALSE(gw_->call("CAB-1", "Heartbeat", "{}", deadline, &error));  // a station's message, not ours

  // Two calls at once: the cabinet sees the second only after answering the first.
  std::optional<std::string> first, second;
  std::thread t1([&] { first = gw_->call("CAB-1", "RequestBatterySwap", R"({"requestId":1000000001,"idToken":{"idToken":"R1","type":"Central"}})", deadline); });
  auto call1 = c.next_server_call();
  ASSERT_TRUE(call1.is_array());
  EXPECT_EQ(call1.at(2), "RequestBatterySwap");
  std::thread t2([&] { second = gw_->call("CAB-1", "TriggerMessage", R"({"requestedMessage":"Heartbeat"})", deadline); });
  EXPECT_TRUE(c.next_message(300ms).is_null()) << "a second CALL while the first is outstanding";
  c.answer(call1.at(1), json{{"status", "Accepted"}});
  auto call2 = c.next_server_call();
  ASSERT_TRUE(call2.is_array());
  EXPECT_EQ(call2.at(2), "TriggerMessage");
  EXPECT_NE(call2.at(1), call1.at(1));
  c.answer(call2.at(1), json{{"status", "Accepted"}});
  t1.join();
  t2.join();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(json::parse(*first).at("status"), "Accepted");
  ASSERT_TRUE(second.has_value());

  // Unanswered: fails after the timeout, and the next call goes out.
  EXPECT_FALSE(gw_->call("CAB-1", "Reset", R"({"type":"Immediate"})", deadline, &error));
  EXPECT_NE(error.find("no answer"), std::string::npos) << error;
  EXPECT_EQ(c.next_server_call().at(2), "Reset");  // it was sent, only never answered
  std::thread t3([&] { first = gw_->call("CAB-1", "ChangeAvailability", R"({"operationalStatus":"Inoperative","evse":{"id":2}})", deadline); });
  auto call3 = c.next_server_call();
  ASSERT_TRUE(call3.is_array());
  EXPECT_EQ(call3.at(2), "ChangeAvailability");
  c.answer(call3.at(1), json{{"status", "Rejected"}});
  t3.join();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(json::parse(*first).at("status"), "Rejected");
}

TEST_F(gateway_swap_test, desired_settings_are_pushed_at_boot_and_while_online) {
  back_office();
  {  // the operator took slot 3 out of service while the cabinet was away
    store db{db_};
    auto s = *db.station("CAB-1");
    ASSERT_DONE(twin::set_slot_disabled(s, 3, true));
    ASSERT_DONE(db.save_station(s));
  }
  start();
  auto& c = booted();
  auto push = c.next_server_call();
  ASSERT_TRUE(push.is_array());
  EXPECT_EQ(push.at(2), "ChangeAvailability");
  EXPECT_EQ(push.at(3), (json{{"operationalStatus", "Inoperative"}, {"evse", {{"id", 3}}}}));
  c.answer(push.at(1), json{{"status", "Accepted"}});
  ASSERT_TRUE(wait_logged("cabinet applied slot.3.enabled=false"));
  auto reported = [&] {
    store db{db_};
    return db.station("CAB-1")->reported.disabled_slots;
  };
  // Recorded by the store actor after the answer: poll the file briefly.
  for (int i = 0; i < 200 && reported() != std::vector<int>{3}; ++i) c.next_message(10ms);
  EXPECT_EQ(reported(), std::vector<int>{3});

  {  // now slot 3 back and slot 4 out, from another process, while the cabinet is online
    store db{db_};
    auto s = *db.station("CAB-1");
    ASSERT_DONE(twin::set_slot_disabled(s, 3, false));
    ASSERT_DONE(twin::set_slot_disabled(s, 4, true));
    ASSERT_DONE(db.save_station(s));
  }
  EXPECT_EQ(c.call("Heartbeat", json::object()).at(0), 3);  // the next heartbeat notices
  std::vector<json> pushes;
  for (int i = 0; i < 2; ++i) {
    auto p = c.next_server_call();
    ASSERT_TRUE(p.is_array());
    pushes.push_back(p.at(3));
    c.answer(p.at(1), json{{"status", "Accepted"}});
  }
  EXPECT_EQ(pushes[0], (json{{"operationalStatus", "Operative"}, {"evse", {{"id", 3}}}}));
  EXPECT_EQ(pushes[1], (json{{"operationalStatus", "Inoperative"}, {"evse", {{"id", 4}}}}));
  ASSERT_TRUE(wait_logged("cabinet applied slot.4.enabled=false"));
  EXPECT_TRUE(c.next_message(200ms).is_null()) << "each setting is pushed once";
}

TEST_F(gateway_swap_test, the_database_shows_links_and_slot_states_for_operators_in_other_processes) {
  back_office();
  {  // the last run ended with CAB-1 online: a restart must not believe it
    store db{db_};
    twin::connectivity l;
    l.online = true;
    l.last_seen = t0_;
    ASSERT_DONE(db.set_link("CAB-1", l));
  }
  start();
  auto link = [&] {
    store db{db_};
    return db.station("CAB-1")->link;
  };
  auto wait_link = [&](auto pred) {
    for (int i = 0; i < 500; ++i) {
      if (pred(link())) return true;
      std::unique_lock<std::mutex> lock(log_m_);  // paced poll of another connection's view
      log_cv_.wait_for(lock, 10ms);
    }
    return false;
  };
  EXPECT_TRUE(wait_link([](const twin::connectivity& l) { return !l.online; }));
  EXPECT_EQ(link().last_seen, t0_);  // kept: when it was last heard of
  auto& c = booted();
  EXPECT_TRUE(wait_link([](const twin::connectivity& l) { return l.online && !l.boot_id.empty(); }));
  EXPECT_GT(*link().last_seen, t0_);
  // Slot states as the cabinet reports them.
  auto status = [](int evse, const char* state) {
    return json{{"timestamp", "2026-11-20T08:00:00Z"}, {"connectorStatus", state}, {"evseId", evse}, {"connectorId", 1}};
  };
  EXPECT_EQ(c.call("StatusNotification", status(3, "Faulted")).at(0), 3);
  EXPECT_EQ(c.call("StatusNotification", status(2, "Unavailable")).at(0), 3);
  auto slots = [&] {
    store db{db_};
    return db.station("CAB-1")->slots;
  };
  EXPECT_TRUE(wait_link([&](const twin::connectivity&) { return slots()[2].state == twin::slot_state::fault; }));
  EXPECT_EQ(slots()[1].state, twin::slot_state::disabled);
  EXPECT_EQ(c.call("StatusNotification", status(3, "Occupied")).at(0), 3);  // repaired: P-3 charges again
  EXPECT_TRUE(wait_link([&](const twin::connectivity&) { return slots()[2].state == twin::slot_state::charging; }));
  EXPECT_EQ(c.call("StatusNotification", status(2, "Available")).at(0), 3);
  EXPECT_TRUE(wait_link([&](const twin::connectivity&) { return slots()[1].state == twin::slot_state::empty; }));
  c.client->close();
  EXPECT_TRUE(wait_link([](const twin::connectivity& l) { return !l.online; }));
  EXPECT_FALSE(link().boot_id.empty());
}

}  // namespace
}  // namespace swaptwin::adapters
