// The feed: a subscriber gets a snapshot of the stations first, then every event in order.

#include "actors/feed.hpp"
#include "actors/journal.hpp"
#include "sim_fixture.hpp"

namespace swaptwin::actors::testing {
namespace {

struct listener_state {
  std::vector<std::string> seen;  ///< "snapshot:N" then event kinds
  static inline const char* name = "listener";
};

caf::behavior listener(caf::stateful_actor<listener_state>* self, std::string label) {
  self->state.seen.reserve(label.size());  // every spawn passes an argument (see actors/journal.cpp)
  return {
      [=](snapshot_atom, const std::vector<station_sample>& s) {
        self->state.seen.push_back("snapshot:" + std::to_string(s.size()));
      },
      [=](event_atom, const sim_event& e) { self->state.seen.push_back(e.kind + ":" + e.station_sn); },
  };
}

class Feed : public sim_test {};

TEST_F(Feed, SnapshotThenDeltasInOrder) {
  auto f = sys->spawn(feed, std::vector<station_sample>{{"A", 3, 0, 0, true, 0, 0}});
  auto j = sys->spawn(journal, f);
  caf::anon_send(f, stock_atom::value, station_sample{"B", 1, 0, 0, true, 0, 0});
  sched->run();
  caf::anon_send(j, event_atom::value, sim_event{now(), "swap", "A", "R1", "60V", 1, 0, "P1"});  // before: not seen
  sched->run();
  auto l = sys->spawn(listener, std::string{"viewer"});
  caf::anon_send(f, subscribe_atom::value, l);
  sched->run();
  caf::anon_send(j, event_atom::value, sim_event{now(), "offline", "B", {}, {}, 0, 0, {}});
  caf::anon_send(j, event_atom::value, sim_event{now(), "ready", "A", {}, "P9", 2, 0, "60V"});
  sched->run();
  auto& seen = state_of<listener_state>(l).seen;
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0], "snapshot:2");
  EXPECT_EQ(seen[1], "offline:B");
  EXPECT_EQ(seen[2], "ready:A");
  auto& board = state_of<feed_state>(f).stations;
  EXPECT_EQ(board.at("A").ready, 3);  // 3, one swapped out, one turned ready
  EXPECT_FALSE(board.at("B").online);
  caf::anon_send(f, unsubscribe_atom::value, l);
  caf::anon_send(j, event_atom::value, sim_event{now(), "online", "B", {}, {}, 0, 0, {}});
  sched->run();
  EXPECT_EQ(seen.size(), 3u);
  for (auto& h : {l, j, f}) caf::anon_send_exit(h, caf::exit_reason::user_shutdown);
}

}  // namespace
}  // namespace swaptwin::actors::testing
