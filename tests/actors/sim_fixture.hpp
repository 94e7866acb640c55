#pragma once
// Actors under CAF's deterministic `testing` scheduler: a clock set to a Unix instant, a driver
// that jumps from timer to timer, direct reads of actor state, and the shutdown sequence of
// ../shared/notes/caf-0.17.md.

#include <gtest/gtest.h>

#include <memory>

#include <caf/all.hpp>

#include "actors/clock.hpp"
#include "actors/protocol.hpp"

namespace swaptwin::actors::testing {

class sim_test : public ::testing::Test {
 protected:
  /// Starts the system with its clock at Unix ms `start_ms`.
  explicit sim_test(std::int64_t start_ms = 1795392000000 /* 2026-11-23T00:00:00Z */) {
    cfg.set("scheduler.policy", caf::atom("testing"));
    register_types(cfg);
    sys = std::make_unique<caf::actor_system>(cfg);
    sched = &dynamic_cast<caf::scheduler::test_coordinator&>(sys->scheduler());
    sched->clock().current_time = from_unix_ms(start_ms);
  }
  ~sim_test() override {
    sched->run();
    sched->clock().cancel_all();
    sched->run();
  }

  /// Unix ms now.
  std::int64_t now() const { return to_unix_ms(sched->clock().now()); }

  /// Runs every message and timer due up to Unix ms `end_ms`, in order.
  std::size_t run_until(std::int64_t end_ms) {
    auto& clk = sched->clock();
    auto t_end = from_unix_ms(end_ms);
    std::size_t events = sched->run();
    while (clk.has_pending_timeout()) {
      auto next = clk.schedule().begin()->first;
      if (next > t_end) break;
      if (next > clk.now()) events += clk.advance_time(next - clk.now());
      else events += clk.trigger_timeout() ? 1 : 0;
      events += sched->run();
    }
    if (clk.now() < t_end) clk.current_time = t_end;
    return events;
  }

  /// Jumps to the next due timer, fires it and runs what follows. False when no timer is pending.
  bool step() {
    auto& clk = sched->clock();
    if (!clk.has_pending_timeout()) return false;
    auto next = clk.schedule().begin()->first;
    if (next > clk.now()) clk.advance_time(next - clk.now());
    else clk.trigger_timeout();
    sched->run();
    return true;
  }

  /// The state of a stateful actor (safe only under `testing`, between runs).
  template <class State>
  State& state_of(const caf::actor& a) {
    return caf::actor_cast<caf::stateful_actor<State>*>(a)->state;
  }

  actors::system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::scheduler::test_coordinator* sched = nullptr;
};

}  // namespace swaptwin::actors::testing
