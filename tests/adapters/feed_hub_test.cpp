// The operator feed's hub without sockets: the board read from the database, diffs (only real
// changes), coalescing of dirty marks, the dashboard's throttle, the periodic re-read, work orders
// and alerts, and the encoding of one FeedMessage per subscriber.
#include <google/protobuf/util/json_util.h>

#include "adapters/feed_hub.hpp"
#include "adapters/feed_view.hpp"
#include "fixtures.hpp"

namespace swaptwin::adapters::testing {
namespace {

using namespace std::chrono_literals;

class FeedHubTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    store db{path()};
    ASSERT_DONE(db.add_station(station_4("SN-1", "Depot")));
    ASSERT_DONE(db.add_station(station_4("SN-2", "Market", false)));
    db.set_setting("timezone", "Africa/Nairobi");
  }
  feed_hub_options options() {
    feed_hub_options o;
    o.db_path = path();
    o.rescan_interval = 1h;  // re-reads only when a test asks
    o.dashboard_interval = 1h;
    o.now = [this] { return now_; };
    return o;
  }
  std::unique_ptr<feed_hub> open_hub(feed_hub_options o) {
    auto hub = std::make_unique<feed_hub>(std::move(o));
    std::string error;
    EXPECT_TRUE(hub->open(&error)) << error;
    return hub;
  }
  static v1::FeedDeltas deltas_of(const std::shared_ptr<const feed_batch>& b) {
    v1::FeedDeltas d;
    EXPECT_TRUE(b && d.ParseFromString(b->binary));
    return d;
  }
  void set_online(const std::string& sn, bool online, std::int64_t at_ms) {
    store db{path()};
    connectivity c;
    c.online = online;
    c.last_seen = from_ms(at_ms);
    ASSERT_DONE(db.set_link(sn, c));
  }
  unix_ms now_ = at("2026-11-23T09:00:00Z");
};

TEST_F(FeedHubTest, TheSnapshotHoldsTheBoard) {
  auto hub = open_hub(options());
  auto snap = hub->snapshot("subscribed");
  EXPECT_EQ(snap.version, 0u);
  const auto& m = *snap.message;
  EXPECT_EQ(m.reason(), "subscribed");
  EXPECT_EQ(m.time_zone(), "Africa/Nairobi");
  EXPECT_EQ(m.utc_offset_minutes(), 180);
  EXPECT_EQ(m.now_ms(), to_ms(now_));
  ASSERT_EQ(m.stations_size(), 2);
  const auto& s = m.stations(0);
  EXPECT_EQ(s.sn(), "SN-1");
  EXPECT_EQ(s.name(), "Depot");
  EXPECT_TRUE(s.online());
  EXPECT_EQ(s.ready_packs(), 2);
  ASSERT_EQ(s.slots_size(), 4);
  EXPECT_EQ(s.slots(0).state(), v1::FEED_SLOT_STATE_READY);
  EXPECT_EQ(s.slots(0).pack_sn(), "P-1");
  EXPECT_EQ(s.slots(0).model(), "60V");
  EXPECT_EQ(s.slots(0).soc_percent(), 100);
  EXPECT_EQ(s.slots(1).state(), v1::FEED_SLOT_STATE_EMPTY);
  EXPECT_EQ(s.slots(2).state(), v1::FEED_SLOT_STATE_CHARGING);
  EXPECT_EQ(s.slots(2).soc_percent(), 40);
  EXPECT_FALSE(m.stations(1).online());
  EXPECT_EQ(m.dashboard().swaps_per_hour_size(), 24);
  EXPECT_EQ(m.dashboard().stations_online(), 1);
  EXPECT_EQ(m.dashboard().stations_offline(), 1);
}

TEST_F(FeedHubTest, OnlyRealChangesArePublished) {
  auto hub = open_hub(options());
  EXPECT_EQ(hub->poll(), nullptr);  // nothing marked
  hub->committed(store_commit{{"SN-1"}, 0, 1, false, false});
  EXPECT_EQ(hub->poll(), nullptr);  // marked, but its row did not change
  set_online("SN-2", true, 1'700'000'000'000);
  hub->committed(store_commit{{"SN-2"}, 0, 1, false, false});
  auto b = hub->poll();
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->version, 1u);
  EXPECT_EQ(b->station_deltas, 1u);
  auto d = deltas_of(b);
  ASSERT_EQ(d.deltas_size(), 1);
  ASSERT_TRUE(d.deltas(0).has_station());
  EXPECT_EQ(d.deltas(0).station().sn(), "SN-2");
  EXPECT_TRUE(d.deltas(0).station().online());
  EXPECT_EQ(d.deltas(0).station().last_seen_ms(), 1'700'000'000'000);
  EXPECT_EQ(d.deltas(0).station().slots_size(), 4);
  EXPECT_GT(d.oldest_change_ms(), 0);
  EXPECT_EQ(hub->poll(), nullptr);
  EXPECT_TRUE(hub->snapshot("x").message->stations(1).online());
  EXPECT_EQ(hub->snapshot("x").version, 1u);
}

TEST_F(FeedHubTest, MarksWithinATickCoalesceIntoOneDeltaWithTheLatestState) {
  auto hub = open_hub(options());
  for (std::int64_t i = 1; i <= 3; ++i) {
    set_online("SN-2", i % 2 == 1, 1'700'000'000'000 + i);
    hub->committed(store_commit{{"SN-2", "SN-1"}, 0, 2, false, false});
  }
  auto d = deltas_of(hub->poll());
  ASSERT_EQ(d.deltas_size(), 1);
  EXPECT_EQ(d.deltas(0).station().last_seen_ms(), 1'700'000'000'003);
  EXPECT_TRUE(d.deltas(0).station().online());
  auto st = hub->stats();
  EXPECT_EQ(st.commits, 3u);
  EXPECT_EQ(st.stations_marked, 6u);
  EXPECT_EQ(st.stations_read, 2u);
  EXPECT_EQ(st.station_deltas, 1u);
}

TEST_F(FeedHubTest, ASlotDisabledByTheOperatorShowsDisabledAndLowersTheReadyCount) {
  auto hub = open_hub(options());
  {
    store db{path()};
    auto s = *db.station("SN-1");
    ASSERT_DONE(set_slot_disabled(s, 1, true));
    ASSERT_DONE(db.save_station(s));
  }
  hub->touch_station("SN-1");
  auto d = deltas_of(hub->poll());
  ASSERT_EQ(d.deltas_size(), 1);
  EXPECT_EQ(d.deltas(0).station().slots(0).state(), v1::FEED_SLOT_STATE_DISABLED);
  EXPECT_EQ(d.deltas(0).station().ready_packs(), 1);
}

TEST_F(FeedHubTest, TheDashboardIsThrottled) {
  auto o = options();
  auto hub = open_hub(o);
  set_online("SN-2", true, 1'700'000'000'000);
  hub->committed(store_commit{{"SN-2"}, 0, 1, false, false});
  auto d = deltas_of(hub->poll());
  ASSERT_EQ(d.deltas_size(), 1);  // the station, not the dashboard: not due for an hour
  EXPECT_TRUE(d.deltas(0).has_station());

  o.dashboard_interval = 0ms;
  auto fast = open_hub(o);
  set_online("SN-2", false, 1'700'000'000'001);
  fast->committed(store_commit{{"SN-2"}, 0, 1, false, false});
  d = deltas_of(fast->poll());
  ASSERT_EQ(d.deltas_size(), 2);
  EXPECT_TRUE(d.deltas(0).has_station());
  ASSERT_TRUE(d.deltas(1).has_dashboard());
  EXPECT_EQ(d.deltas(1).dashboard().stations_online(), 1);
  fast->committed(store_commit{{}, 0, 1, false, false});
  EXPECT_EQ(fast->poll(), nullptr);  // re-read, unchanged: nothing
}

TEST_F(FeedHubTest, ARescanFindsChangesMadeElsewhereAndRemovals) {
  auto hub = open_hub(options());
  {
    store db{path()};
    ASSERT_DONE(db.rename_station("SN-1", "Central"));
    ASSERT_DONE(db.set_registration("SN-2", registration::rejected));
    ASSERT_DONE(db.add_pending_station("SN-3", "1.0", now_));
  }
  EXPECT_EQ(hub->poll(), nullptr);  // nobody said: not seen before the re-read
  hub->request_rescan();
  auto d = deltas_of(hub->poll());
  std::map<std::string, v1::FeedDelta> by_sn;
  for (const auto& x : d.deltas())
    if (x.has_station() || x.change_case() == v1::FeedDelta::kStationRemoved)
      by_sn[x.has_station() ? x.station().sn() : x.station_removed()] = x;
  ASSERT_EQ(by_sn.size(), 3u) << d.DebugString();
  EXPECT_TRUE(d.deltas(d.deltas_size() - 1).has_dashboard());  // a re-read reads the dashboard too
  EXPECT_EQ(by_sn["SN-1"].station().name(), "Central");
  EXPECT_EQ(by_sn["SN-2"].station_removed(), "SN-2");
  EXPECT_TRUE(by_sn["SN-3"].station().pending());
  EXPECT_EQ(hub->stats().rescans, 2u);
}

TEST_F(FeedHubTest, TheSnapshotListsWorkOrdersByNumber) {
  {
    store db{path()};
    for (int i = 0; i < 10; ++i) db.add_work_order(open_work_order(0, "SN-2", alert_kind::slot_fault, i + 1, now_));
  }
  auto hub = open_hub(options());
  const auto snap = hub->snapshot("subscribed");
  const auto& m = *snap.message;
  ASSERT_EQ(m.work_orders_size(), 10);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(m.work_orders(i).id(), "WO-" + std::to_string(i + 1));  // WO-9 before WO-10
}

TEST_F(FeedHubTest, AnOpenedWorkOrderIsAWorkOrderAndAnAlertAndItsResolutionAWorkOrder) {
  auto hub = open_hub(options());
  std::int64_t id = 0;
  {
    store db{path()};
    id = db.add_work_order(open_work_order(0, "SN-2", alert_kind::station_offline, 0, now_));
  }
  hub->committed(store_commit{{"SN-2"}, 0, 1, true, false});
  auto d = deltas_of(hub->poll());
  ASSERT_EQ(d.deltas_size(), 2) << d.DebugString();
  EXPECT_EQ(d.deltas(0).work_order().id(), "WO-" + std::to_string(id));
  EXPECT_EQ(d.deltas(0).work_order().kind(), "station_offline");
  EXPECT_EQ(d.deltas(0).work_order().state(), "open");
  EXPECT_EQ(d.deltas(1).alert().station_sn(), "SN-2");
  EXPECT_EQ(d.deltas(1).alert().severity(), v1::FEED_SEVERITY_CRITICAL);
  EXPECT_EQ(hub->snapshot("x").message->work_orders_size(), 1);
  EXPECT_EQ(hub->snapshot("x").message->alerts_size(), 1);
  {
    store db{path()};
    auto w = db.work_orders(true).at(0);
    w.state = wo_state::resolved;
    w.resolved_at = now_;
    db.save_work_order(w);
  }
  hub->committed(store_commit{{"SN-2"}, 0, 1, true, false});
  d = deltas_of(hub->poll());
  ASSERT_EQ(d.deltas_size(), 1);
  EXPECT_EQ(d.deltas(0).work_order().state(), "resolved");
  EXPECT_EQ(hub->snapshot("x").message->work_orders_size(), 0);
}

TEST_F(FeedHubTest, ListenersGetEveryBatchInOrder) {
  auto hub = open_hub(options());
  std::vector<std::uint64_t> seen;
  const auto id = hub->add_listener([&](const std::shared_ptr<const feed_batch>& b) { seen.push_back(b->version); });
  for (std::int64_t i = 1; i <= 3; ++i) {
    set_online("SN-2", i % 2 == 1, 1'700'000'000'000 + i);
    hub->committed(store_commit{{"SN-2"}, 0, 1, false, false});
    ASSERT_NE(hub->poll(), nullptr);
  }
  hub->remove_listener(id);
  set_online("SN-2", true, 1'700'000'000'100);
  hub->committed(store_commit{{"SN-2"}, 0, 1, false, false});
  ASSERT_NE(hub->poll(), nullptr);
  EXPECT_EQ(seen, (std::vector<std::uint64_t>{1, 2, 3}));
}

TEST_F(FeedHubTest, OneFeedMessageEncodedBinaryAndJsonParsesBack) {
  auto hub = open_hub(options());
  set_online("SN-2", true, 1'700'000'000'000);
  hub->committed(store_commit{{"SN-2"}, 0, 1, false, false});
  auto b = hub->poll();
  ASSERT_NE(b, nullptr);
  v1::FeedMessage m;
  ASSERT_TRUE(m.ParseFromString(encode_feed_deltas(42, *b, false)));
  EXPECT_EQ(m.seq(), 42u);
  ASSERT_TRUE(m.has_deltas());
  EXPECT_EQ(m.deltas().deltas(0).station().sn(), "SN-2");
  v1::FeedMessage j;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(encode_feed_deltas(43, *b, true), &j).ok());
  EXPECT_EQ(j.seq(), 43u);
  EXPECT_EQ(j.deltas().SerializeAsString(), m.deltas().SerializeAsString());
  v1::FeedMessage s;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(encode_feed_snapshot(1, *hub->snapshot("subscribed").message, true), &s)
          .ok());
  EXPECT_EQ(s.snapshot().stations_size(), 2);
}

TEST_F(FeedHubTest, TheThreadPollsAtItsTick) {
  auto o = options();
  o.tick = 5ms;
  auto hub = open_hub(o);
  std::mutex m;
  std::condition_variable cv;
  std::uint64_t last = 0;
  hub->add_listener([&](const std::shared_ptr<const feed_batch>& b) {
    std::lock_guard<std::mutex> lock(m);
    last = b->version;
    cv.notify_all();
  });
  hub->start();
  set_online("SN-2", true, 1'700'000'000'000);
  hub->committed(store_commit{{"SN-2"}, 0, 1, false, false});
  std::unique_lock<std::mutex> lock(m);
  EXPECT_TRUE(cv.wait_for(lock, 10s, [&] { return last == 1; }));
  lock.unlock();
  hub->stop();
}

}  // namespace
}  // namespace swaptwin::adapters::testing
