// The operator feed behind the real OCPP gateway: the store actor's commit hook marks the stations
// a batch touched, the hub (its own thread, its own read connection) re-reads them, and a cabinet's
// boot, slot state and swap each come out as the right station delta.
#include <google/protobuf/util/json_util.h>

#include "adapters/feed_hub.hpp"
#include "fixtures.hpp"
#include "gateway_fixture.hpp"
#include "twin/billing.hpp"

namespace swaptwin::adapters {
namespace {

using namespace testing;
using twin::money;

class feed_gateway_test : public gateway_test {
 protected:
  const twin::unix_ms t0_ = at("2026-11-20T08:00:00Z");

  void TearDown() override {
    gateway_test::TearDown();  // the store actor (and its hook) first
    if (hub_) hub_->stop();
  }

  /// CAB-1 (station_4: P-1 ready 60V in slot 1, slot 2 empty, offline) and rider R1 holding P-OLD,
  /// verified, with a 60V deposit, a wallet and a pay-per-kWh plan.
  void back_office() {
    store db{db_};
    ASSERT_DONE(db.set_country(cn_policy()));
    ASSERT_DONE(db.set_deposit("60V", money{50000, "CNY"}));
    ASSERT_DONE(db.add_plan(kwh_plan()));
    ASSERT_DONE(db.add_station(station_4("CAB-1", "Nanshan 1", false)));
    ASSERT_DONE(db.set_station_no_password("CAB-1"));  // its cabinet connects without credentials, on purpose
    for (auto [sn, soc] : {std::pair<const char*, double>{"P-1", 1.0}, {"P-3", 0.4}, {"P-4", 0.95}, {"P-OLD", 0.9}}) {
      twin::battery b;
      b.sn = sn;
      b.model_id = std::string{sn} == "P-4" ? "72V" : "60V";
      b.soc = soc;
      ASSERT_DONE(db.add_battery(b));
    }
    ASSERT_DONE(db.add_rider(cn_rider("R1", t0_)));
    auto paid = twin::pay_deposit(*db.rider("R1"), cn_policy(), "60V", money{50000, "CNY"}, t0_, "dep-R1");
    ASSERT_EQ(db.commit(*paid), commit_outcome::applied);
    auto topped = twin::top_up(paid->after, cn_policy(), money{10000, "CNY"}, t0_, "top-R1");
    ASSERT_EQ(db.commit(*topped), commit_outcome::applied);
    auto bought = twin::buy_plan(topped->after, kwh_plan(), cn_policy(), t0_, "buy-R1");
    ASSERT_EQ(db.commit(*bought), commit_outcome::applied);
    auto r = *db.rider("R1");
    r.holding_sn = "P-OLD";
    r.holding_model = "60V";
    ASSERT_EQ(db.commit(twin::rider_change{r, {}}), commit_outcome::applied);  // hands the rider a pack
  }

  /// The hub on its thread, fed by the store actor's hook; then the gateway.
  void start_with_feed() {
    feed_hub_options o;
    o.db_path = db_;
    o.tick = 10ms;
    o.rescan_interval = 1h;  // only the hook's marks: a delta here proves the hook works
    hub_ = std::make_unique<feed_hub>(o);
    std::string error;
    ASSERT_TRUE(hub_->open(&error)) << error;
    hub_->add_listener([this](const std::shared_ptr<const feed_batch>& b) {
      v1::FeedDeltas d;
      ASSERT_TRUE(d.ParseFromString(b->binary));
      std::lock_guard<std::mutex> lock(m_);
      for (const auto& x : d.deltas())
        if (x.has_station()) stations_.push_back(x.station());
      cv_.notify_all();
    });
    hub_->start();
    on_committed_ = [h = hub_.get()](const store_commit& c) { h->committed(c); };
    start();
  }

  /// Waits for a delta of station `sn` satisfying `pred`; the delta (empty on timeout).
  v1::FeedStation wait_station(const std::function<bool(const v1::FeedStation&)>& pred) {
    std::unique_lock<std::mutex> lock(m_);
    v1::FeedStation found;
    cv_.wait_for(lock, deadline, [&] {
      for (const auto& s : stations_)
        if (s.sn() == "CAB-1" && pred(s)) {
          found = s;
          return true;
        }
      return false;
    });
    return found;
  }

  cabinet& booted() {
    auto& c = make_cabinet("CAB-1");
    EXPECT_EQ(c.connect().status, ws_connect_status::connected);
    auto r = c.call("BootNotification", boot_payload);
    EXPECT_EQ(r.at(2).at("status"), "Accepted");
    return c;
  }

  std::unique_ptr<feed_hub> hub_;
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<v1::FeedStation> stations_;
};

TEST_F(feed_gateway_test, a_cabinet_coming_online_is_a_station_delta) {
  back_office();
  start_with_feed();
  booted();
  auto s = wait_station([](const v1::FeedStation& s) { return s.online(); });
  EXPECT_EQ(s.sn(), "CAB-1");
  EXPECT_GT(s.last_seen_ms(), 0);
  EXPECT_EQ(s.slots_size(), 4);
  EXPECT_GE(hub_->stats().commits, 1u);
}

TEST_F(feed_gateway_test, a_slot_state_report_is_a_station_delta) {
  back_office();
  start_with_feed();
  auto& c = booted();
  auto r = c.call("StatusNotification", {{"timestamp", "2026-11-23T10:00:00Z"}, {"connectorStatus", "Faulted"},
                                         {"evseId", 2}, {"connectorId", 1}});
  ASSERT_EQ(r.at(0), 3) << r.dump();
  auto s = wait_station([](const v1::FeedStation& s) {
    return s.slots_size() == 4 && s.slots(1).state() == v1::FEED_SLOT_STATE_FAULT;
  });
  EXPECT_EQ(s.sn(), "CAB-1");
  EXPECT_EQ(s.ready_packs(), 2);
}

TEST_F(feed_gateway_test, a_swap_is_a_station_delta_with_the_packs_moved) {
  back_office();
  start_with_feed();
  auto& c = booted();
  auto json_event = [](const std::string& type, int evse, const std::string& pack, double soc) {
    return json{{"eventType", type},
                {"requestId", 7},
                {"idToken", {{"idToken", "R1"}, {"type", "Central"}}},
                {"batteryData", json::array({{{"evseId", evse}, {"serialNumber", pack}, {"soC", soc}, {"soH", 98}}})}};
  };
  ASSERT_EQ(c.call("BatterySwap", json_event("BatteryIn", 2, "P-OLD", 30)).at(0), 3);
  ASSERT_EQ(c.call("BatterySwap", json_event("BatteryOut", 1, "P-1", 100)).at(0), 3);
  auto s = wait_station([](const v1::FeedStation& s) {
    return s.slots_size() == 4 && s.slots(0).pack_sn().empty() && s.slots(1).pack_sn() == "P-OLD";
  });
  ASSERT_EQ(s.sn(), "CAB-1");
  EXPECT_EQ(s.slots(0).state(), v1::FEED_SLOT_STATE_EMPTY);
  EXPECT_EQ(s.slots(1).state(), v1::FEED_SLOT_STATE_CHARGING);
  EXPECT_EQ(s.slots(1).soc_percent(), 30);
  EXPECT_EQ(s.ready_packs(), 1);
}

}  // namespace
}  // namespace swaptwin::adapters
