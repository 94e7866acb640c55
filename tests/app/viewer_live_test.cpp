// swaptwin-viewer's live source (--connect) against a fake server on 127.0.0.1 (live_fake_server.hpp):
// the feed reaches the view model, binary and JSON; a lost or silent server is shown and retried
// while frames keep returning at once; a refused token; actions through the API with the token; a
// gap in the feed's sequence makes it subscribe again. Waits are on conditions with deadlines.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <thread>

#include <nlohmann/json.hpp>

#include "app/viewer_live_link.hpp"
#include "app/viewer_source.hpp"
#include "live_fake_server.hpp"

namespace swaptwin::apptest {
namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;
constexpr std::int64_t t0 = 1795492980000;  // 2026-11-24 04:03:00 UTC
const std::string token = "tok_000000000001.secret";

v1::FeedStation station(const std::string& sn, bool online, int ready) {
  v1::FeedStation s;
  s.set_sn(sn);
  s.set_name("name of " + sn);
  s.set_online(online);
  for (int i = 1; i <= 4; ++i) {
    auto* sl = s.add_slots();
    sl->set_index(i);
    sl->set_state(i <= ready ? v1::FEED_SLOT_STATE_READY : v1::FEED_SLOT_STATE_EMPTY);
  }
  s.set_ready_packs(ready);
  return s;
}

v1::FeedMessage snapshot(std::uint64_t seq, int stations) {
  v1::FeedMessage m;
  m.set_seq(seq);
  auto* s = m.mutable_snapshot();
  s->set_now_ms(t0);
  s->set_time_zone("Africa/Nairobi");
  s->set_utc_offset_minutes(180);
  for (int i = 1; i <= stations; ++i) *s->add_stations() = station("SZ-000" + std::to_string(i), true, 4);
  s->set_reason("subscribed");
  return m;
}

v1::FeedMessage deltas(std::uint64_t seq, const v1::FeedStation& changed) {
  v1::FeedMessage m;
  m.set_seq(seq);
  m.mutable_deltas()->set_now_ms(t0 + 5000);
  *m.mutable_deltas()->add_deltas()->mutable_station() = changed;
  return m;
}

// A live source and the state the shell would keep for it, stepped frame by frame.
struct viewer_harness {
  std::unique_ptr<app::viewer_source> source;
  viewer::ui_state ui;
  viewer::view_model vm;
  /// The longest frame() so far. Tests compare it with the link's network timeout: a frame that
  /// waited on the network would take at least that long (a structural bound, not a speed target).
  steady::duration slowest_frame{};

  viewer_harness(std::uint16_t port, bool json = false, app::live_link_timing timing = fast()) {
    app::live_source_options o;
    o.port = std::to_string(port);
    o.token = token;
    o.json = json;
    source = app::make_live_source(o, timing);
  }

  static app::live_link_timing fast() {
    app::live_link_timing t;
    t.timeout = 2s;
    t.first_backoff = 100ms;
    t.max_backoff = 400ms;
    return t;
  }

  void frame() {
    const auto start = steady::now();
    source->frame(1.0 / 60, ui, vm);
    slowest_frame = std::max(slowest_frame, steady::now() - start);
  }

  // Renders frames (paced like a display, ~500 per second) until `done` holds or `timeout` passes.
  bool frames_until(const std::function<bool(const viewer::view_model&)>& done, std::chrono::milliseconds timeout = 10s) {
    const auto until = steady::now() + timeout;
    while (steady::now() < until) {
      frame();
      if (done(vm)) return true;
      std::this_thread::sleep_for(2ms);  // frame pacing, not synchronisation: the condition decides
    }
    return false;
  }
};

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(ViewerLive, SnapshotThenDeltasReachTheViewModel) {
  fake_live_server server{{}};
  viewer_harness v{server.port()};
  v.frame();
  EXPECT_FALSE(v.source->ready());
  EXPECT_TRUE(v.vm.source.degraded);
  EXPECT_EQ(v.vm.source.label, "live 127.0.0.1:" + std::to_string(server.port()));
  ASSERT_TRUE(server.wait_subscriptions(1));
  auto [target, auth] = server.last_upgrade();
  EXPECT_EQ(target, "/api/v1/feed");
  EXPECT_EQ(auth, "Bearer " + token);

  server.send(snapshot(1, 2));
  ASSERT_TRUE(v.frames_until([](const viewer::view_model& vm) { return vm.stations.size() == 2; }));
  // Ready (for a screenshot) once the snapshot and the first round of reads (here all 404) are in.
  ASSERT_TRUE(v.frames_until([&](const viewer::view_model&) { return v.source->ready(); }));
  EXPECT_TRUE(server.wait_request([](const recorded_request& r) { return has(r.target, "/api/v1/packs"); }));
  EXPECT_EQ(v.vm.source.status, "connected");
  EXPECT_FALSE(v.vm.source.degraded);
  EXPECT_FALSE(v.vm.source.read_only);
  EXPECT_EQ(v.vm.utc_offset_minutes, 180);
  EXPECT_GE(v.vm.now_ms, t0);  // the server's time, moving on in real time
  EXPECT_LT(v.vm.now_ms, t0 + 60'000);
  EXPECT_EQ(v.vm.stations[0].category, viewer::station_category::online_stocked);

  server.send(deltas(2, station("SZ-0001", false, 4)));
  server.send(deltas(3, station("SZ-0003", true, 1)));
  ASSERT_TRUE(v.frames_until([](const viewer::view_model& vm) { return vm.stations.size() == 3; }));
  EXPECT_EQ(v.vm.stations[0].category, viewer::station_category::offline);
  EXPECT_EQ(v.vm.stations[2].category, viewer::station_category::online_low_stock);
  EXPECT_GE(v.vm.now_ms, t0 + 5000);
  EXPECT_EQ(server.subscriptions(), 1);
}

TEST(ViewerLive, JsonEncodingOnRequest) {
  fake_live_server server{{}};
  viewer_harness v{server.port(), true};
  ASSERT_TRUE(server.wait_subscriptions(1));
  EXPECT_EQ(server.last_upgrade().first, "/api/v1/feed?format=json");
  server.send(snapshot(1, 3));
  server.send(deltas(2, station("SZ-0002", true, 0)));
  ASSERT_TRUE(v.frames_until([](const viewer::view_model& vm) {
    return vm.stations.size() == 3 && vm.stations[1].category == viewer::station_category::online_low_stock;
  }));
  EXPECT_FALSE(v.vm.source.degraded);
}

TEST(ViewerLive, ALostServerIsShownRetriedAndFollowedAgain) {
  auto server = std::make_unique<fake_live_server>(fake_live_server::options{});
  const auto port = server->port();
  viewer_harness v{port};
  ASSERT_TRUE(server->wait_subscriptions(1));
  server->send(snapshot(1, 2));
  ASSERT_TRUE(v.frames_until([](const viewer::view_model& vm) { return vm.stations.size() == 2; }));

  server.reset();  // the server goes away
  ASSERT_TRUE(v.frames_until([](const viewer::view_model& vm) { return has(vm.source.status, "connection lost ("); }))
      << v.vm.source.status;
  EXPECT_TRUE(has(v.vm.source.status, "retrying in ")) << v.vm.source.status;
  EXPECT_TRUE(v.vm.source.degraded);
  EXPECT_EQ(v.vm.stations.size(), 2u);  // the last known state stays
  // A few retries fail (connection refused) while frames go on.
  ASSERT_TRUE(v.frames_until([](const viewer::view_model& vm) { return has(vm.source.status, "connect: "); }, 5s))
      << v.vm.source.status;
  EXPECT_LT(v.slowest_frame, viewer_harness::fast().timeout);

  fake_live_server::options again;
  again.port = port;
  fake_live_server back{again};
  ASSERT_TRUE(back.wait_subscriptions(1));
  back.send(snapshot(1, 3));
  ASSERT_TRUE(v.frames_until([](const viewer::view_model& vm) { return vm.stations.size() == 3 && !vm.source.degraded; }));
  EXPECT_EQ(v.vm.source.status, "connected");
  EXPECT_LT(v.slowest_frame, viewer_harness::fast().timeout);
}

TEST(ViewerLive, AServerThatNeverAnswersDoesNotHoldAFrame) {
  fake_live_server::options o;
  o.hang = true;  // accepts the connection, never answers the upgrade
  fake_live_server server{o};
  auto timing = viewer_harness::fast();
  timing.timeout = 500ms;
  viewer_harness v{server.port(), false, timing};
  v.frame();
  EXPECT_TRUE(has(v.vm.source.status, "connecting to 127.0.0.1:")) << v.vm.source.status;
  ASSERT_TRUE(v.frames_until([](const viewer::view_model& vm) { return has(vm.source.status, "connection lost ("); }))
      << v.vm.source.status;
  EXPECT_TRUE(has(v.vm.source.status, "timeout")) << v.vm.source.status;
  EXPECT_TRUE(v.vm.source.degraded);
  EXPECT_FALSE(v.source->ready());
  EXPECT_LT(v.slowest_frame, timing.timeout);  // the frame did not wait for the upgrade's timeout
}

TEST(ViewerLive, ARefusedTokenIsShown) {
  fake_live_server::options o;
  o.token = "tok_000000000002.other";
  fake_live_server server{o};
  viewer_harness v{server.port()};
  ASSERT_TRUE(v.frames_until([](const viewer::view_model& vm) { return has(vm.source.status, "token refused (401)"); }))
      << v.vm.source.status;
  EXPECT_TRUE(has(v.vm.source.status, "retrying in")) << v.vm.source.status;
  EXPECT_TRUE(v.vm.source.degraded);
  EXPECT_FALSE(v.source->ready());
}

TEST(ViewerLive, ActionsGoThroughTheApiWithTheToken) {
  fake_live_server server{{}};
  server.answer("POST", "/api/v1/stations/SZ-0001/rename", 200, R"({"sn":"SZ-0001","name":"Depot","audit_id":7})");
  server.answer("POST", "/api/v1/stations/SZ-0001/slots/2/disable", 403,
                R"({"error":"auth.forbidden","message":"this needs the role operator","need":"operator"})");
  viewer_harness v{server.port()};
  ASSERT_TRUE(server.wait_subscriptions(1));
  server.send(snapshot(1, 1));
  ASSERT_TRUE(v.frames_until([](const viewer::view_model& vm) { return vm.stations.size() == 1; }));

  v.source->act(viewer::actions::rename_station{"SZ-0001", "Depot"});
  auto req = server.wait_request([](const recorded_request& r) { return r.method == "POST"; });
  ASSERT_TRUE(req);
  EXPECT_EQ(req->target, "/api/v1/stations/SZ-0001/rename");
  EXPECT_EQ(req->authorization, "Bearer " + token);
  EXPECT_EQ(nlohmann::json::parse(req->body), (nlohmann::json{{"name", "Depot"}}));
  ASSERT_TRUE(v.frames_until([](const viewer::view_model& vm) { return vm.source.last_action == "renamed SZ-0001 to Depot"; }))
      << v.vm.source.last_action;
  EXPECT_FALSE(v.vm.source.read_only);

  v.source->act(viewer::actions::set_slot_enabled{"SZ-0001", 2, false});
  ASSERT_TRUE(v.frames_until([](const viewer::view_model& vm) { return vm.source.last_action == "403: needs operator role"; }))
      << v.vm.source.last_action;
  EXPECT_TRUE(v.vm.source.read_only);
}

TEST(ViewerLive, ReadsTheFeedDoesNotCarryAnd404sAreSkipped) {
  fake_live_server server{{}};
  server.answer("GET", "/api/v1/plans", 200,
                R"([{"id":"week","name":"Weekly unlimited","kind":"period","period":"week","currency":"KES","price_minor":150000}])");
  server.answer("GET", "/api/v1/riders", 200,
                R"([{"id":"R-1","kyc":"pending","plan":{"plan_id":"week","kind":"period"},
                     "deposits":{"72V":{"currency":"KES","amount_minor":500000}}}])");
  viewer_harness v{server.port()};  // deposits and packs: 404, as on a server without them
  ASSERT_TRUE(server.wait_subscriptions(1));
  server.send(snapshot(1, 1));
  ASSERT_TRUE(v.frames_until([](const viewer::view_model& vm) { return vm.riders.size() == 1 && vm.plans.size() == 1; }));
  EXPECT_EQ(v.vm.riders[0].plan, "Weekly unlimited");
  EXPECT_EQ(v.vm.riders[0].kyc, viewer::kyc_state::pending);
  EXPECT_EQ(v.vm.riders[0].deposit.minor, 500000);
  EXPECT_EQ(v.vm.plans[0].kind, "week");
  auto packs = server.wait_request([](const recorded_request& r) { return has(r.target, "/api/v1/packs"); });
  ASSERT_TRUE(packs);
  EXPECT_EQ(packs->authorization, "Bearer " + token);
  EXPECT_TRUE(v.vm.deposits.empty());
  EXPECT_EQ(v.vm.source.status, "connected");
}

TEST(ViewerLive, RidersAndPacksArePagedUntilAShortPage) {
  fake_live_server server{{}};
  std::string first_page = "[";
  for (int i = 0; i < 10000; ++i) first_page += std::string{i ? "," : ""} + R"({"id":"R-)" + std::to_string(i) + R"(","kyc":"verified"})";
  first_page += "]";
  server.answer("GET", "/api/v1/riders?offset=0&limit=10000", 200, first_page);
  server.answer("GET", "/api/v1/riders?offset=10000&limit=10000", 200, R"([{"id":"R-last","kyc":"pending"}])");
  viewer_harness v{server.port()};
  ASSERT_TRUE(server.wait_subscriptions(1));
  server.send(snapshot(1, 1));
  ASSERT_TRUE(v.frames_until([](const viewer::view_model& vm) { return vm.riders.size() == 10001; })) << v.vm.riders.size();
  EXPECT_EQ(v.vm.riders.front().id, "R-0");
  EXPECT_EQ(v.vm.riders.back().id, "R-last");
  EXPECT_EQ(v.vm.riders.back().kyc, viewer::kyc_state::pending);
  // Packs asked for page by page too (the first page here is a 404: nothing more is asked).
  auto packs = server.wait_request([](const recorded_request& r) { return has(r.target, "/api/v1/packs?offset=0&limit=10000"); });
  EXPECT_TRUE(packs);
}

TEST(ViewerLive, ASequenceGapSubscribesAgain) {
  fake_live_server server{{}};
  viewer_harness v{server.port()};
  ASSERT_TRUE(server.wait_subscriptions(1));
  server.send(snapshot(1, 2));
  server.send(deltas(2, station("SZ-0001", false, 4)));
  server.send(deltas(4, station("SZ-0002", false, 4)));  // 3 went missing
  // The UI's thread sees the gap when a frame applies the messages, and asks for a new subscription.
  ASSERT_TRUE(v.frames_until([&](const viewer::view_model&) { return server.subscriptions() == 2; }));
  EXPECT_TRUE(v.vm.source.degraded);
  EXPECT_EQ(v.vm.stations.at(1).category, viewer::station_category::online_stocked);  // 4 was not applied
  server.send(snapshot(1, 3));
  ASSERT_TRUE(v.frames_until([](const viewer::view_model& vm) { return vm.stations.size() == 3 && !vm.source.degraded; }));
  EXPECT_EQ(server.subscriptions(), 2);
}

TEST(ViewerLive, PausingFreezesOnlyTheDisplay) {
  fake_live_server server{{}};
  viewer_harness v{server.port()};
  ASSERT_TRUE(server.wait_subscriptions(1));
  server.send(snapshot(1, 1));
  ASSERT_TRUE(v.frames_until([](const viewer::view_model& vm) { return vm.stations.size() == 1; }));
  v.ui.time.paused = true;
  v.frame();
  const auto frozen = v.vm.now_ms;
  EXPECT_TRUE(has(v.vm.source.status, "display paused")) << v.vm.source.status;
  server.send(deltas(2, station("SZ-0002", true, 4)));
  // The delta is taken (the network is not held up) but not shown until the display goes on.
  EXPECT_FALSE(v.frames_until([](const viewer::view_model& vm) { return vm.stations.size() == 2; }, 300ms));
  EXPECT_EQ(v.vm.now_ms, frozen);
  v.ui.time.paused = false;
  ASSERT_TRUE(v.frames_until([](const viewer::view_model& vm) { return vm.stations.size() == 2; }));
  EXPECT_GT(v.vm.now_ms, frozen);
  EXPECT_EQ(v.vm.source.status, "connected");
}

TEST(ViewerLive, OptionsThatCannotWork) {
  app::live_source_options o;
  o.port = "1";
  EXPECT_THROW(app::make_live_source(o), std::invalid_argument);  // no token
  o.token = token;
  o.tz = "Mars/Olympus";
  EXPECT_THROW(app::make_live_source(o), std::invalid_argument);
}

}  // namespace
}  // namespace swaptwin::apptest
