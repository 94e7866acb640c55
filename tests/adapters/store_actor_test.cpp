// The store actor under the `testing` scheduler, on a temporary SQLite file read back through a
// second connection: group commit at batch_size, on the virtual timer (not a millisecond before)
// and on flush; persist answered only once its rows are in the file; a resent key written once;
// a locked database answers with an error and loses nothing.

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/ledger_entry.hpp"
#include "adapters/sqlite.hpp"
#include "adapters/store_actor.hpp"
#include "tests/actors/sim_fixture.hpp"

namespace swaptwin::adapters {
namespace {

namespace fs = std::filesystem;
using actors::ledger_entry;
using actors::store_api;

constexpr std::int64_t t0 = 1795392000000;  // 2026-11-23T00:00:00Z

ledger_entry entry(const std::string& key, std::int64_t minor = 150) {
  return ledger_entry{key, t0, "R-1", "usage_charge", minor, "CNY", "cycles", "P-SWAP", "SZ-0001", ""};
}

// What a client saw when its persist request was answered.
struct answer {
  bool ok = false;
  std::int64_t appended = -1;
  std::size_t rows_in_file = 0;  // counted through another connection when the answer arrived
  std::string error;
};

// Sends one persist request and records the answer, reading the file at that very moment.
caf::behavior client(caf::event_based_actor* self, store_api store, std::vector<ledger_entry> entries,
                     std::string path, std::shared_ptr<std::vector<answer>> answers) {
  self->request(store, caf::infinite, actors::persist_atom::value, std::move(entries))
      .then(
          [=](std::int64_t n) {
            answers->push_back(answer{true, n, adapters::store{path}.postings().size(), {}});
            self->quit();
          },
          [=](caf::error& e) {
            answers->push_back(answer{false, -1, adapters::store{path}.postings().size(), self->system().render(e)});
            self->quit();
          });
  return {[](int) {}};  // never used: the client only waits for its answer
}

class store_actor_test : public actors::testing::sim_test {
 protected:
  store_actor_test() : sim_test(t0) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / (std::string{"swaptwin-store-actor-"} + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    cfg_.path = (dir_ / "ledger.db").string();
    cfg_.options.synchronous = "NORMAL";
    cfg_.batch_size = 4;
    cfg_.flush_interval = std::chrono::milliseconds{200};
  }
  ~store_actor_test() override {
    if (store_) caf::anon_send_exit(store_, caf::exit_reason::user_shutdown);
    sched->run();
    sched->clock().cancel_all();
    sched->run();
    store_ = store_api{};
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void start() {
    store_ = sys->spawn(store_actor, cfg_);
    sched->run();
  }
  /// Rows in the file, read through a connection of its own (what a crash would leave).
  std::size_t rows() { return adapters::store{cfg_.path}.postings().size(); }
  store_actor_state& state() {
    return caf::actor_cast<caf::stateful_actor<store_actor_state, store_api::base>*>(store_)->state;
  }
  void send(std::vector<ledger_entry> entries) {
    caf::anon_send(store_, actors::persist_atom::value, std::move(entries));
    sched->run();
  }
  std::shared_ptr<std::vector<answer>> request(std::vector<ledger_entry> entries) {
    auto answers = std::make_shared<std::vector<answer>>();
    sys->spawn(client, store_, std::move(entries), cfg_.path, answers);
    sched->run();
    return answers;
  }
  /// Asks for a flush and runs the store: its answer (rows since start) or -1 on an error.
  std::int64_t flush() {
    caf::scoped_actor self{*sys};
    auto rh = self->request(store_, caf::infinite, actors::flush_atom::value);
    sched->run();
    std::int64_t out = -1;
    rh.receive([&](std::int64_t n) { out = n; }, [&](caf::error&) { out = -1; });
    return out;
  }

  fs::path dir_;
  store_actor_config cfg_;
  store_api store_;
};

TEST_F(store_actor_test, CommitsOneBatchWhenTheBufferReachesBatchSize) {
  start();
  for (int i = 0; i < 3; ++i) send({entry("k" + std::to_string(i))});
  EXPECT_EQ(rows(), 0u);
  EXPECT_EQ(state().buffer.size(), 3u);
  send({entry("k3")});
  EXPECT_EQ(rows(), 4u);  // at once, without time passing
  EXPECT_EQ(now(), t0);
  EXPECT_EQ(state().commits, 1);
  EXPECT_TRUE(state().buffer.empty());
  // The timer armed by the first entry is stale now: it fires and commits nothing.
  run_until(t0 + 1000);
  EXPECT_EQ(state().commits, 1);
}

TEST_F(store_actor_test, APartialBatchIsCommittedWhenTheTimerFiresAndNotBefore) {
  start();
  send({entry("a"), entry("b")});
  run_until(t0 + 100);
  send({entry("c")});  // joins the batch: the timer runs from the first entry
  run_until(t0 + 199);
  EXPECT_EQ(rows(), 0u);
  run_until(t0 + 200);
  EXPECT_EQ(rows(), 3u);
  EXPECT_EQ(state().commits, 1);
  // The next entry starts a new interval of its own.
  run_until(t0 + 1000);
  send({entry("d")});
  run_until(t0 + 1199);
  EXPECT_EQ(rows(), 3u);
  run_until(t0 + 1200);
  EXPECT_EQ(rows(), 4u);
}

TEST_F(store_actor_test, APersistRequestIsAnsweredOnlyOnceItsRowsAreInTheFile) {
  start();
  auto answers = request({entry("x1"), entry("x2")});
  EXPECT_TRUE(answers->empty());
  run_until(t0 + 199);
  EXPECT_TRUE(answers->empty());
  run_until(t0 + 200);
  ASSERT_EQ(answers->size(), 1u);
  EXPECT_TRUE(answers->front().ok) << answers->front().error;
  EXPECT_EQ(answers->front().appended, 2);
  EXPECT_EQ(answers->front().rows_in_file, 2u);
  // A request that fills the batch is answered in the same instant, after the commit.
  auto full = request({entry("y1"), entry("y2"), entry("y3"), entry("y4")});
  ASSERT_EQ(full->size(), 1u);
  EXPECT_EQ(full->front().appended, 4);
  EXPECT_EQ(full->front().rows_in_file, 6u);
}

TEST_F(store_actor_test, AResentKeyIsWrittenOnceAndTheBatchStillCommits) {
  start();
  auto first = request({entry("same", 150), entry("other")});
  auto again = request({entry("same", 150)});
  run_until(t0 + 200);
  ASSERT_EQ(first->size(), 1u);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ(first->front().appended, 2);
  EXPECT_TRUE(again->front().ok);
  EXPECT_EQ(again->front().appended, 0);  // durable already: nothing new written
  // After the commit, too.
  auto later = request({entry("same", 150), entry("new")});
  EXPECT_EQ(flush(), 3);
  ASSERT_EQ(later->size(), 1u);
  EXPECT_EQ(later->front().appended, 1);
  EXPECT_EQ(rows(), 3u);
  EXPECT_EQ(state().duplicates, 2);
}

TEST_F(store_actor_test, FlushCommitsAtOnceAndAnswersWithTheRowsWrittenSinceStart) {
  cfg_.batch_size = 512;
  start();
  EXPECT_EQ(flush(), 0);  // nothing buffered: answered at once
  std::vector<ledger_entry> many;
  for (int i = 0; i < 10; ++i) many.push_back(entry("f" + std::to_string(i)));
  send(many);
  EXPECT_EQ(rows(), 0u);
  EXPECT_EQ(flush(), 10);
  EXPECT_EQ(rows(), 10u);
  EXPECT_EQ(now(), t0);
  send({entry("g")});
  EXPECT_EQ(flush(), 11);
  EXPECT_EQ(state().commits, 2);
  // Every field comes back as sent.
  auto back = adapters::store{cfg_.path}.postings().back();
  auto sent = actors::from_entry(entry("g"));
  ASSERT_TRUE(sent);
  EXPECT_EQ(back.key, sent->key);
  EXPECT_EQ(back.at, sent->at);
  EXPECT_EQ(back.rider_id, sent->rider_id);
  EXPECT_EQ(back.kind, sent->kind);
  EXPECT_EQ(back.amount, sent->amount);
  EXPECT_EQ(back.plan, sent->plan);
  EXPECT_EQ(back.plan_id, sent->plan_id);
  EXPECT_EQ(back.station_sn, sent->station_sn);
}

TEST_F(store_actor_test, ALockedDatabaseAnswersWithAnErrorAndKeepsTheRowsForTheNextCommit) {
  cfg_.options.busy_timeout_ms = 0;  // fail at once instead of waiting for the lock
  start();
  adapters::store other{cfg_.path};
  other.db().exec("BEGIN IMMEDIATE");  // another process holds the write lock
  auto answers = request({entry("l1"), entry("l2")});
  EXPECT_EQ(flush(), -1);
  ASSERT_EQ(answers->size(), 1u);
  EXPECT_FALSE(answers->front().ok);
  EXPECT_NE(answers->front().error.find("store"), std::string::npos) << answers->front().error;
  EXPECT_EQ(state().buffer.size(), 2u);
  EXPECT_FALSE(state().last_error.empty());
  other.db().exec("COMMIT");
  // The retry, armed with a back-off, commits what was kept; nothing was lost.
  run_until(t0 + 60000);
  EXPECT_EQ(rows(), 2u);
  EXPECT_TRUE(state().buffer.empty());
  EXPECT_TRUE(state().last_error.empty());
  EXPECT_EQ(flush(), 2);
}

TEST_F(store_actor_test, AnEntryOfUnknownKindIsRefusedAndNothingOfItsRequestIsBuffered) {
  start();
  auto bad = entry("bad");
  bad.kind = "gift";
  auto answers = request({entry("fine"), bad});
  ASSERT_EQ(answers->size(), 1u);
  EXPECT_FALSE(answers->front().ok);
  EXPECT_TRUE(state().buffer.empty());
  EXPECT_EQ(flush(), 0);
}

TEST_F(store_actor_test, AnUnopenableFileIsRetriedAtEachCommit) {
  cfg_.path = (dir_ / "missing-dir" / "ledger.db").string();
  start();
  EXPECT_FALSE(state().db);
  send({entry("m")});
  EXPECT_EQ(flush(), -1);
  EXPECT_EQ(state().buffer.size(), 1u);
  fs::create_directories(dir_ / "missing-dir");
  EXPECT_EQ(flush(), 1);
  EXPECT_EQ(rows(), 1u);
}

}  // namespace
}  // namespace swaptwin::adapters

namespace swaptwin::adapters {
namespace {

// Live: the work-stealing scheduler and the real clock, the store detached as store_actor.hpp
// advises. A persist request is answered after the timer's real interval, with its rows written.
TEST(store_actor_live, APersistRequestIsAnsweredAfterTheRealTimerCommitsIt) {
  const auto dir = fs::temp_directory_path() / "swaptwin-store-actor-live";
  fs::remove_all(dir);
  fs::create_directories(dir);
  store_actor_config cfg;
  cfg.path = (dir / "ledger.db").string();
  cfg.options.synchronous = "NORMAL";
  cfg.flush_interval = std::chrono::milliseconds{20};
  {
    actors::system_config sys_cfg;
    actors::register_types(sys_cfg);
    caf::actor_system sys{sys_cfg};
    auto store = sys.spawn<caf::detached>(store_actor, cfg);
    caf::scoped_actor self{sys};
    std::int64_t appended = -1;
    std::size_t in_file = 0;
    self->request(store, std::chrono::seconds{10}, actors::persist_atom::value,
                  std::vector<ledger_entry>{entry("live-1"), entry("live-2")})
        .receive(
            [&](std::int64_t n) {
              appended = n;
              in_file = adapters::store{cfg.path}.postings().size();
            },
            [&](caf::error& e) { ADD_FAILURE() << sys.render(e); });
    EXPECT_EQ(appended, 2);
    EXPECT_EQ(in_file, 2u);
    self->send_exit(store, caf::exit_reason::user_shutdown);
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace
}  // namespace swaptwin::adapters

namespace swaptwin::adapters {
namespace {

// A storm from the gateway (every cabinet dropping at once): link updates and offline alerts
// share the cabinet batch, one commit for all of them, and a repeated alert opens no second order.
TEST_F(store_actor_test, AStormOfLinksAndAlertsIsOneCommitWithOneWorkOrderPerProblem) {
  constexpr int n = 300;
  {
    adapters::store db{cfg_.path};
    for (int i = 0; i < n; ++i)
      ASSERT_TRUE(db.add_station(twin::make_station("ST-" + std::to_string(i), "S", {}, 2, 1000, twin::from_ms(t0))));
  }
  start();
  for (int i = 0; i < n; ++i) {
    const auto sn = "ST-" + std::to_string(i);
    caf::anon_send(store_, actors::link_atom::value, actors::link_record{sn, false, t0 + i, "boot-" + sn});
    caf::anon_send(store_, actors::alert_atom::value, actors::alert{sn, "station_offline", 0, t0 + i});
    caf::anon_send(store_, actors::alert_atom::value, actors::alert{sn, "station_offline", 0, t0 + i + 1});
  }
  sched->run();
  EXPECT_EQ(adapters::store{cfg_.path}.work_orders(true).size(), 0u);  // waiting for the batch timer
  run_until(t0 + 2);
  EXPECT_EQ(state().swap_commits, 1);
  adapters::store db{cfg_.path};
  EXPECT_EQ(db.work_orders(true).size(), static_cast<std::size_t>(n));
  auto s = db.station("ST-7");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->link.boot_id, "boot-ST-7");
  EXPECT_EQ(s->link.last_seen, twin::from_ms(t0 + 7));
  // The same problem again later: still one order.
  caf::anon_send(store_, actors::alert_atom::value, actors::alert{"ST-7", "station_offline", 0, t0 + 10});
  run_until(t0 + 20);
  EXPECT_EQ(state().swap_commits, 2);
  EXPECT_EQ(db.work_orders(true).size(), static_cast<std::size_t>(n));
}

// Cabinet writes land in the order the cabinet sent them: a pack docked in slot 2, then slot 2
// reported Faulted, leaves the slot faulted (a batch applying all states first would not).
TEST_F(store_actor_test, CabinetWritesOfOneBatchApplyInArrivalOrder) {
  {
    adapters::store db{cfg_.path};
    ASSERT_TRUE(db.add_station(twin::make_station("ST-1", "S", {}, 4, 1000, twin::from_ms(t0))));
  }
  start();
  actors::cabinet_swap in{"ST-1", "BatteryIn", 5, "R-NOBODY", {actors::pack_reading{2, "P-9", 0.3, 0.97}}, t0};
  caf::anon_send(store_, actors::swapevt_atom::value, in);
  caf::anon_send(store_, actors::status_atom::value, actors::slot_status{"ST-1", 2, "Faulted"});
  caf::anon_send(store_, actors::swapevt_atom::value, actors::cabinet_swap{"ST-1", "BatteryIn", 6, "R-NOBODY",
                                                                           {actors::pack_reading{3, "P-8", 0.3, 0.97}}, t0});
  caf::anon_send(store_, actors::status_atom::value, actors::slot_status{"ST-1", 4, "Faulted"});
  caf::anon_send(store_, actors::status_atom::value, actors::slot_status{"ST-1", 4, "Available"});
  sched->run();
  run_until(t0 + 2);
  EXPECT_EQ(state().swap_commits, 1);
  EXPECT_EQ(state().swap_events, 2);
  auto s = adapters::store{cfg_.path}.station("ST-1");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->slots[1].battery_sn, "P-9");
  EXPECT_EQ(s->slots[1].state, twin::slot_state::fault);
  EXPECT_EQ(s->slots[2].state, twin::slot_state::charging);
  EXPECT_EQ(s->slots[3].state, twin::slot_state::empty);  // faulted, then back: the last report wins
}

}  // namespace
}  // namespace swaptwin::adapters
