// The operator feed's WebSocket (GET /api/v1/feed) over real sockets on 127.0.0.1: admission by token,
// snapshot then deltas with consecutive seq, JSON mode, several subscribers, and slow subscribers
// (bounded queue, fresh snapshot, closed when they keep falling behind).
#include "feed_fixture.hpp"

namespace swaptwin::adapters::testing {
namespace {

TEST_F(FeedWsTest, TheFeedNeedsAValidTokenBeforeTheUpgrade) {
  start();
  EXPECT_EQ(upgrade_status("/api/v1/feed", ""), 401);
  EXPECT_EQ(upgrade_status("/api/v1/feed", "tok_000000000000.nope"), 401);
  EXPECT_EQ(upgrade_status("/api/v1/feed", revoked_), 401);
  EXPECT_EQ(upgrade_status("/api/v1/feed?access_token=" + revoked_, ""), 401);
  EXPECT_EQ(upgrade_status("/api/v1/feed?format=xml", viewer_), 400);
  EXPECT_EQ(upgrade_status("/api/v1/feed", viewer_), 101);  // the viewer role suffices
  EXPECT_EQ(feed_client{}.connect(api_->port(), "/api/v1/feed", ""), -1);
  EXPECT_EQ(feed_client{}.connect(api_->port(), "/api/v1/feed", viewer_), 101);
  EXPECT_EQ(feed_client{}.connect(api_->port(), "/api/v1/feed?access_token=" + viewer_, ""), 101);

  auto [status, body, challenge] = http_get("/api/v1/feed", "");
  EXPECT_EQ(status, 401);
  EXPECT_EQ(body["error"], "auth.required");
  EXPECT_EQ(challenge, "Bearer");
  std::tie(status, body, challenge) = http_get("/api/v1/feed", revoked_);
  EXPECT_EQ(status, 401);
  EXPECT_EQ(body["error"], "auth.invalid");
  std::tie(status, body, challenge) = http_get("/api/v1/feed?format=xml", viewer_);
  EXPECT_EQ(status, 400);
  EXPECT_EQ(body["field"], "format");
  std::tie(status, body, challenge) = http_get("/api/v1/feed", viewer_);
  EXPECT_EQ(status, 426);
  EXPECT_EQ(body["error"], "feed.upgrade_required");
}

TEST_F(FeedWsTest, ASnapshotThenDeltasWithConsecutiveSeq) {
  start();
  feed_client c;
  ASSERT_EQ(c.connect(api_->port(), "/api/v1/feed", viewer_), 101);
  c.start_reading();
  ASSERT_TRUE(c.wait_messages(1));
  auto first = c.messages().at(0);
  EXPECT_EQ(first.seq(), 1u);
  ASSERT_TRUE(first.has_snapshot());
  EXPECT_EQ(first.snapshot().reason(), "subscribed");
  ASSERT_EQ(first.snapshot().stations_size(), 2);
  EXPECT_EQ(first.snapshot().stations(0).slots_size(), 4);
  ASSERT_TRUE(wait_stats([](const api_feed_stats& s) { return s.subscribers == 1; }));
  for (int i = 0; i < 5; ++i) change(i % 2 ? "SN-1" : "SN-2");
  ASSERT_TRUE(c.wait_messages(6));
  auto ms = c.messages();
  EXPECT_TRUE(consecutive(ms));
  for (std::size_t i = 1; i < ms.size(); ++i) {
    ASSERT_TRUE(ms[i].has_deltas());
    ASSERT_EQ(ms[i].deltas().deltas_size(), 1);
    EXPECT_EQ(ms[i].deltas().deltas(0).station().sn(), i % 2 ? "SN-2" : "SN-1");
    EXPECT_EQ(ms[i].deltas().deltas(0).station().last_seen_ms(), 1'700'000'000'000 + static_cast<std::int64_t>(i));
  }
  EXPECT_EQ(c.parse_errors(), 0);
  EXPECT_EQ(c.texts(), 0);  // binary frames by default
}

TEST_F(FeedWsTest, JsonModeSendsTextMessagesThatParseBack) {
  start();
  feed_client c;
  ASSERT_EQ(c.connect(api_->port(), "/api/v1/feed?format=json", viewer_), 101);
  c.start_reading();
  ASSERT_TRUE(c.wait_messages(1));
  ASSERT_TRUE(wait_stats([](const api_feed_stats& s) { return s.subscribers == 1; }));
  change("SN-2");
  ASSERT_TRUE(c.wait_messages(2));
  auto ms = c.messages();
  EXPECT_EQ(c.parse_errors(), 0);
  EXPECT_EQ(c.texts(), 2);
  EXPECT_TRUE(consecutive(ms));
  EXPECT_EQ(ms[0].snapshot().stations(1).sn(), "SN-2");
  EXPECT_EQ(ms[1].deltas().deltas(0).station().sn(), "SN-2");
  EXPECT_TRUE(ms[1].deltas().deltas(0).station().online());
}

TEST_F(FeedWsTest, SeveralSubscribersSeeTheSameChanges) {
  start();
  std::vector<std::unique_ptr<feed_client>> cs;
  for (const char* target : {"/api/v1/feed", "/api/v1/feed?format=json", "/api/v1/feed?format=binary"}) {
    cs.push_back(std::make_unique<feed_client>());
    ASSERT_EQ(cs.back()->connect(api_->port(), target, viewer_), 101);
    cs.back()->start_reading();
  }
  ASSERT_TRUE(wait_stats([](const api_feed_stats& s) { return s.subscribers == 3; }));
  for (int i = 0; i < 10; ++i) change(i % 2 ? "SN-1" : "SN-2");
  for (auto& c : cs) ASSERT_TRUE(c->wait_messages(11));
  const auto board = apply_feed(cs[0]->messages());
  for (auto& c : cs) {
    EXPECT_TRUE(consecutive(c->messages()));
    EXPECT_EQ(apply_feed(c->messages()), board);
  }
  EXPECT_EQ(board.size(), 2u);
  EXPECT_EQ(api_->feed_stats().subscribed, 3u);
}

// A subscriber that stops reading while the network changes: its queue stays under the cap (the
// deltas are dropped, not kept), and once it reads again it gets a fresh snapshot, then deltas,
// all with consecutive seq, and ends with the server's board.
TEST_F(FeedWsTest, ASlowSubscriberIsResynchronisedWithAFreshSnapshot) {
  constexpr std::size_t cap = 8 * 1024;
  start([](api_server_options& o) {
    o.feed_queue_bytes = cap;
    o.feed_send_buffer_bytes = 4096;
    o.feed_resyncs_max = 1000;
  });
  feed_client c;
  ASSERT_EQ(c.connect(api_->port(), "/api/v1/feed", viewer_, 4096), 101);
  ASSERT_TRUE(wait_stats([](const api_feed_stats& s) { return s.subscribers == 1; }));
  for (int i = 0; i < 2000; ++i) change(i % 2 ? "SN-1" : "SN-2");
  ASSERT_TRUE(wait_stats([](const api_feed_stats& s) { return s.resyncs >= 1; }));
  const auto before = api_->feed_stats();
  EXPECT_LE(before.peak_queued_bytes, cap);
  EXPECT_GT(before.peak_queued_bytes, 0u);

  c.start_reading();
  ASSERT_TRUE(c.wait_until([](const std::vector<v1::FeedMessage>& ms) {
    for (std::size_t i = 1; i < ms.size(); ++i)
      if (ms[i].has_snapshot() && ms[i].snapshot().reason() == "slow subscriber") return true;
    return false;
  }));
  change("SN-1");  // after the resync: a delta again
  const auto want = hub_->snapshot("x");
  std::map<std::string, std::string> board;
  for (const auto& s : want.message->stations()) board[s.sn()] = s.SerializeAsString();
  ASSERT_TRUE(c.wait_until([&](const std::vector<v1::FeedMessage>& ms) { return apply_feed(ms) == board; }));
  auto ms = c.messages();
  EXPECT_TRUE(consecutive(ms));
  EXPECT_TRUE(ms.front().has_snapshot());
  EXPECT_LE(api_->feed_stats().peak_queued_bytes, cap);
  EXPECT_EQ(api_->feed_stats().closed_slow, 0u);
  EXPECT_LT(ms.size(), 2001u);  // dropped deltas are not sent late
}

TEST_F(FeedWsTest, ASubscriberThatKeepsFallingBehindIsClosedWithAReason) {
  start([](api_server_options& o) {
    o.feed_queue_bytes = 2048;
    o.feed_send_buffer_bytes = 4096;
    o.feed_resyncs_max = 1;
  });
  feed_client c;
  ASSERT_EQ(c.connect(api_->port(), "/api/v1/feed", viewer_, 4096), 101);
  ASSERT_TRUE(wait_stats([](const api_feed_stats& s) { return s.subscribers == 1; }));
  for (int i = 0; i < 3000 && api_->feed_stats().closed_slow == 0; ++i) change(i % 2 ? "SN-1" : "SN-2");
  ASSERT_TRUE(wait_stats([](const api_feed_stats& s) { return s.closed_slow == 1; }));
  EXPECT_LE(api_->feed_stats().peak_queued_bytes, 2048u);
  c.start_reading();
  ASSERT_TRUE(c.wait_closed());
  EXPECT_EQ(c.close_code(), 1008);
  EXPECT_EQ(c.close_reason().rfind("slow subscriber", 0), 0u) << c.close_reason();
  EXPECT_TRUE(consecutive(c.messages()));
  ASSERT_TRUE(wait_stats([](const api_feed_stats& s) { return s.subscribers == 0; }));
}

TEST_F(FeedWsTest, AnApiActionShowsUpInTheFeed) {
  start({}, true);  // the hub's own thread
  feed_client c;
  ASSERT_EQ(c.connect(api_->port(), "/api/v1/feed", viewer_), 101);
  c.start_reading();
  ASSERT_TRUE(c.wait_messages(1));
  auto [status, body, challenge] = http_call(http::verb::post, "/api/v1/stations/SN-2/rename", operator_, R"({"name":"Harbour"})");
  ASSERT_EQ(status, 200) << body.dump();
  ASSERT_TRUE(c.wait_until([](const std::vector<v1::FeedMessage>& ms) {
    return ms.size() >= 2 && ms.back().has_deltas() && ms.back().deltas().deltas(0).station().name() == "Harbour";
  }));
  EXPECT_TRUE(consecutive(c.messages()));
}

// The bound is on what waits behind the message being written: a batch bigger than the bound
// reaches a subscriber that is keeping up, without a resync.
TEST_F(FeedWsTest, ABatchBiggerThanTheBoundReachesASubscriberThatKeepsUp) {
  start([](api_server_options& o) { o.feed_queue_bytes = 64; });
  feed_client c;
  ASSERT_EQ(c.connect(api_->port(), "/api/v1/feed", viewer_), 101);
  c.start_reading();
  ASSERT_TRUE(c.wait_messages(1));
  ASSERT_TRUE(wait_stats([](const api_feed_stats& s) { return s.messages == 1; }));  // the snapshot is out
  change("SN-1");
  ASSERT_TRUE(c.wait_messages(2));
  auto ms = c.messages();
  EXPECT_TRUE(ms[1].has_deltas());
  EXPECT_GT(ms[1].ByteSizeLong(), 64u);
  EXPECT_EQ(api_->feed_stats().resyncs, 0u);
}

// `swaptwin admin` in another process writes the database without telling the hub: the periodic
// full re-read finds the change.
TEST_F(FeedWsTest, AChangeMadeElsewhereShowsUpAtTheNextReRead) {
  start({}, true, 50ms);
  feed_client c;
  ASSERT_EQ(c.connect(api_->port(), "/api/v1/feed?format=json", viewer_), 101);
  c.start_reading();
  ASSERT_TRUE(c.wait_messages(1));
  {
    store other{path()};
    auto s = *other.station("SN-1");
    ASSERT_DONE(set_slot_disabled(s, 4, true));
    ASSERT_DONE(other.save_station(s));
  }
  ASSERT_TRUE(c.wait_until([](const std::vector<v1::FeedMessage>& ms) {
    for (const auto& m : ms)
      for (const auto& d : m.deltas().deltas())
        if (d.has_station() && d.station().sn() == "SN-1" && d.station().slots(3).state() == v1::FEED_SLOT_STATE_DISABLED)
          return d.station().ready_packs() == 1;
    return false;
  }));
  EXPECT_TRUE(consecutive(c.messages()));
}

// `swaptwin admin token revoke` in another process: nothing tells the server, which notices the
// database changed (PRAGMA data_version) at its next token check and closes that token's
// subscriptions with 1008 at once; another token's subscriber goes on.
TEST_F(FeedWsTest, RevokingATokenClosesItsSubscriptionsWith1008) {
  start();
  std::string bearer, id;
  {
    store db{path()};
    auto t = *db.add_token("wall 2", role::viewer, now_);
    bearer = t.bearer();
    id = t.id;
  }
  feed_client doomed, doomed_json, other;
  ASSERT_EQ(doomed.connect(api_->port(), "/api/v1/feed", bearer), 101);
  ASSERT_EQ(doomed_json.connect(api_->port(), "/api/v1/feed?format=json&access_token=" + bearer, ""), 101);
  ASSERT_EQ(other.connect(api_->port(), "/api/v1/feed", viewer_), 101);
  for (auto* c : {&doomed, &doomed_json, &other}) c->start_reading();
  for (auto* c : {&doomed, &doomed_json, &other}) ASSERT_TRUE(c->wait_messages(1));
  ASSERT_TRUE(wait_stats([](const api_feed_stats& s) { return s.subscribers == 3; }));

  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(store{path()}.revoke_token(id, now_), revoke_outcome::revoked);  // another connection, as the CLI
  ASSERT_TRUE(doomed.wait_closed());
  ASSERT_TRUE(doomed_json.wait_closed());
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  RecordProperty("revoked_feed_closed_ms", static_cast<int>(took.count()));
  EXPECT_LT(took, 2s) << "the token check runs every 250 ms";
  for (auto* c : {&doomed, &doomed_json}) {
    EXPECT_EQ(c->close_code(), 1008);
    EXPECT_EQ(c->close_reason(), "token revoked");
  }
  ASSERT_TRUE(wait_stats([](const api_feed_stats& s) { return s.subscribers == 1 && s.closed_revoked == 2; }));
  change("SN-1");
  ASSERT_TRUE(other.wait_until([](const std::vector<v1::FeedMessage>& ms) { return ms.back().has_deltas(); }));
  EXPECT_TRUE(consecutive(other.messages()));
  EXPECT_EQ(upgrade_status("/api/v1/feed", bearer), 401);  // and it cannot subscribe again
}

TEST_F(FeedWsTest, TheFeedTakesTheBearerSchemeInAnyCaseAndRefusesMalformedQueries) {
  start();
  EXPECT_EQ(upgrade_status("/api/v1/feed", viewer_, "bearer "), 101);
  EXPECT_EQ(upgrade_status("/api/v1/feed", viewer_, "BEARER  "), 101);
  EXPECT_EQ(upgrade_status("/api/v1/feed", viewer_, "Basic "), 401);
  EXPECT_EQ(upgrade_status("/api/v1/feed?access_token=%zz", ""), 400);
  auto [status, body, challenge] = http_get("/api/v1/feed?format=js%", viewer_);
  EXPECT_EQ(status, 400);
  EXPECT_EQ(body["error"], "input.invalid");
  EXPECT_EQ(body["field"], "query");
  // Query values are percent-decoded: an access token may be sent encoded.
  std::string encoded;
  for (char c : viewer_) encoded += c == '.' ? std::string{"%2E"} : std::string(1, c);
  EXPECT_EQ(upgrade_status("/api/v1/feed?format=%6Ason&access_token=" + encoded, ""), 101);
}

}  // namespace
}  // namespace swaptwin::adapters::testing
