// Proves the CAF 0.17.6 set-up later actors rely on (../shared/notes/caf-0.17.md): found by
// cmake/FindCAF.cmake, the deterministic `testing` scheduler, and a driver that jumps from timer
// to timer in virtual time, with stale liveness deadlines ignored by a generation counter.
#include <gtest/gtest.h>

#include <caf/all.hpp>

#include "actors/clock.hpp"

namespace {

using deadline_atom = caf::atom_constant<caf::atom("deadline")>;
using beat_atom = caf::atom_constant<caf::atom("beat")>;

struct watchdog_state {
  std::uint64_t generation = 0;
  std::vector<caf::actor_clock::time_point> offline_at;
  static inline const char* name = "watchdog";
};

// A station's liveness deadline: every heartbeat re-arms it; a missed deadline marks it offline.
caf::behavior watchdog(caf::stateful_actor<watchdog_state>* self, caf::timespan timeout) {
  return {
      [=](beat_atom) {
        auto gen = ++self->state.generation;
        self->delayed_send(self, timeout, deadline_atom::value, gen);
      },
      [=](deadline_atom, std::uint64_t gen) {
        if (gen == self->state.generation) self->state.offline_at.push_back(self->clock().now());
      },
  };
}

size_t run_until(caf::scheduler::test_coordinator& sched, caf::actor_clock::time_point t_end) {
  auto& clk = sched.clock();
  size_t events = sched.run();
  while (clk.has_pending_timeout()) {
    auto next = clk.schedule().begin()->first;
    if (next > t_end) break;
    if (next > clk.now()) events += clk.advance_time(next - clk.now());
    else events += clk.trigger_timeout() ? 1 : 0;
    events += sched.run();
  }
  if (clk.now() < t_end) clk.current_time = t_end;
  return events;
}

class VirtualTime : public ::testing::Test {
 protected:
  VirtualTime() {
    cfg.set("scheduler.policy", caf::atom("testing"));
    sys = std::make_unique<caf::actor_system>(cfg);
    sched = &dynamic_cast<caf::scheduler::test_coordinator&>(sys->scheduler());
  }
  ~VirtualTime() override {
    sched->run();
    sched->clock().cancel_all();
    sched->run();
  }
  swaptwin::actors::system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::scheduler::test_coordinator* sched = nullptr;
};

TEST_F(VirtualTime, StaleDeadlinesAreIgnoredAndTheMissedOneFiresExactly) {
  using namespace std::chrono;
  auto w = sys->spawn(watchdog, caf::timespan{seconds{90}});
  auto& st = caf::actor_cast<caf::stateful_actor<watchdog_state>*>(w)->state;
  const auto t0 = sched->clock().now();
  // Heartbeats at t0, t0+30 s, t0+60 s, then silence: offline exactly at t0+60+90 s.
  for (int i = 0; i < 3; ++i) {
    caf::anon_send(w, beat_atom::value);
    run_until(*sched, t0 + seconds{30 * (i + 1)} - milliseconds{1});
    sched->clock().current_time = t0 + seconds{30 * (i + 1)};
  }
  EXPECT_TRUE(st.offline_at.empty());
  run_until(*sched, t0 + hours{1});
  ASSERT_EQ(st.offline_at.size(), 1u);
  EXPECT_EQ(st.offline_at.front() - t0, seconds{60 + 90});
  caf::anon_send_exit(w, caf::exit_reason::user_shutdown);
}

}  // namespace
