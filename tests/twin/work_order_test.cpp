// Work orders: opening with an SLA, every transition allowed or refused, breach and escalation.

#include <gtest/gtest.h>

#include <chrono>

#include "fixtures.hpp"
#include "twin/work_order.hpp"

using namespace swaptwin::twin;
using namespace swaptwin::twin::testing;
using std::chrono::minutes;

namespace {

const std::chrono::milliseconds one_ms{1};
const wo_state all_states[] = {wo_state::open, wo_state::assigned, wo_state::en_route, wo_state::on_site,
                               wo_state::resolved};

unix_ms t0() { return at("2026-11-15T10:00:00Z"); }

// A station_offline order (SLA 120 min, due 12:00Z) walked along the happy path to `state`,
// one minute per step.
work_order reach(wo_state state) {
  work_order w = open_work_order(42, "ST-1", alert_kind::station_offline, 0, t0());
  const wo_state path[] = {wo_state::assigned, wo_state::en_route, wo_state::on_site, wo_state::resolved};
  unix_ms t = t0();
  for (wo_state next : path) {
    if (w.state == state) break;
    t += minutes{1};
    EXPECT_TRUE(advance(w, next, t, "A1").ok());
  }
  EXPECT_EQ(w.state, state);
  return w;
}

bool same(const work_order& a, const work_order& b) {
  return a.id == b.id && a.station_sn == b.station_sn && a.alert == b.alert && a.slot == b.slot &&
         a.state == b.state && a.agent_id == b.agent_id && a.opened_at == b.opened_at && a.due_at == b.due_at &&
         a.updated_at == b.updated_at && a.on_site_at == b.on_site_at && a.resolved_at == b.resolved_at;
}

bool allowed(wo_state from, wo_state to) {
  switch (to) {
    case wo_state::open: return from == wo_state::assigned || from == wo_state::en_route || from == wo_state::on_site;
    case wo_state::assigned: return from == wo_state::open;
    case wo_state::en_route: return from == wo_state::assigned;
    case wo_state::on_site: return from == wo_state::en_route;
    case wo_state::resolved: return from != wo_state::resolved;
  }
  return false;
}

TEST(WorkOrderNames, RoundTrip) {
  for (auto s : all_states) {
    wo_state back = wo_state::open;
    ASSERT_TRUE(from_string(to_string(s), back));
    EXPECT_EQ(back, s);
  }
  EXPECT_EQ(to_string(wo_state::en_route), "en_route");
  for (auto k : {alert_kind::station_offline, alert_kind::slot_fault, alert_kind::over_temperature,
                 alert_kind::door_open, alert_kind::low_stock, alert_kind::pack_retired}) {
    alert_kind back = alert_kind::station_offline;
    ASSERT_TRUE(from_string(to_string(k), back));
    EXPECT_EQ(back, k);
  }
  for (auto a : {agent_state::off_shift, agent_state::available, agent_state::busy}) {
    agent_state back = agent_state::available;
    ASSERT_TRUE(from_string(to_string(a), back));
    EXPECT_EQ(back, a);
  }
  wo_state s = wo_state::open;
  EXPECT_FALSE(from_string("closed", s));
}

TEST(OpenWorkOrder, DeadlineFromSlaPerKind) {
  const sla_policy sla;
  EXPECT_EQ(sla.for_kind(alert_kind::station_offline), minutes{120});
  EXPECT_EQ(sla.for_kind(alert_kind::slot_fault), minutes{480});
  EXPECT_EQ(sla.for_kind(alert_kind::over_temperature), minutes{30});
  EXPECT_EQ(sla.for_kind(alert_kind::door_open), minutes{60});
  EXPECT_EQ(sla.for_kind(alert_kind::low_stock), minutes{240});
  EXPECT_EQ(sla.for_kind(alert_kind::pack_retired), minutes{1440});

  const work_order w = open_work_order(7, "ST-1", alert_kind::over_temperature, 3, t0());
  EXPECT_EQ(w.id, 7);
  EXPECT_EQ(w.station_sn, "ST-1");
  EXPECT_EQ(w.alert, alert_kind::over_temperature);
  EXPECT_EQ(w.slot, 3);
  EXPECT_EQ(w.state, wo_state::open);
  EXPECT_EQ(w.agent_id, "");
  EXPECT_EQ(w.opened_at, t0());
  EXPECT_EQ(w.updated_at, t0());
  EXPECT_EQ(w.due_at, at("2026-11-15T10:30:00Z"));
  EXPECT_FALSE(w.on_site_at.has_value());
  EXPECT_FALSE(w.resolved_at.has_value());

  sla_policy strict;
  strict.slot_fault = minutes{45};
  EXPECT_EQ(open_work_order(8, "ST-1", alert_kind::slot_fault, 2, t0(), strict).due_at, at("2026-11-15T10:45:00Z"));
}

TEST(Advance, EveryPairOfStates) {
  // 5 x 5 transitions: the allowed ones succeed and land in `to`; every other one is refused
  // with work_order.bad_transition and leaves the order exactly as it was.
  int allowed_count = 0;
  for (auto from : all_states) {
    for (auto to : all_states) {
      SCOPED_TRACE(std::string{to_string(from)} + " -> " + std::string{to_string(to)});
      work_order w = reach(from);
      const work_order before = w;
      const unix_ms when = t0() + minutes{30};
      auto st = advance(w, to, when, "A2");
      if (allowed(from, to)) {
        ++allowed_count;
        EXPECT_TRUE(st.ok());
        EXPECT_EQ(w.state, to);
        EXPECT_EQ(w.updated_at, when);
      } else {
        ASSERT_FALSE(st.ok());
        EXPECT_EQ(st.code(), errc::work_order_transition);
        EXPECT_EQ(code_string(st.code()), "work_order.bad_transition");
        EXPECT_TRUE(same(w, before));
      }
    }
  }
  // open->assigned, assigned->en_route, en_route->on_site, on_site->resolved,
  // {assigned,en_route,on_site}->open, {open,assigned,en_route}->resolved.
  EXPECT_EQ(allowed_count, 10);
}

TEST(Advance, HappyPathRecordsAgentAndTimes) {
  work_order w = open_work_order(1, "ST-1", alert_kind::slot_fault, 2, t0());
  ASSERT_TRUE(advance(w, wo_state::assigned, t0() + minutes{5}, "A1").ok());
  EXPECT_EQ(w.agent_id, "A1");
  ASSERT_TRUE(advance(w, wo_state::en_route, t0() + minutes{10}).ok());
  EXPECT_EQ(w.agent_id, "A1");  // kept without repeating it
  ASSERT_TRUE(advance(w, wo_state::on_site, t0() + minutes{40}).ok());
  ASSERT_TRUE(w.on_site_at.has_value());
  EXPECT_EQ(*w.on_site_at, t0() + minutes{40});
  EXPECT_FALSE(w.resolved_at.has_value());
  ASSERT_TRUE(advance(w, wo_state::resolved, t0() + minutes{70}).ok());
  ASSERT_TRUE(w.resolved_at.has_value());
  EXPECT_EQ(*w.resolved_at, t0() + minutes{70});
  EXPECT_EQ(w.updated_at, t0() + minutes{70});
}

TEST(Advance, AssignNeedsAnAgent) {
  work_order w = reach(wo_state::open);
  const work_order before = w;
  auto st = advance(w, wo_state::assigned, t0() + minutes{1});
  EXPECT_EQ(st.code(), errc::work_order_transition);
  EXPECT_TRUE(same(w, before));
}

TEST(Advance, BackToOpenReleasesTheAgent) {
  for (auto from : {wo_state::assigned, wo_state::en_route, wo_state::on_site}) {
    SCOPED_TRACE(to_string(from));
    work_order w = reach(from);
    ASSERT_EQ(w.agent_id, "A1");
    ASSERT_TRUE(advance(w, wo_state::open, t0() + minutes{20}).ok());
    EXPECT_EQ(w.agent_id, "");
    EXPECT_EQ(w.due_at, at("2026-11-15T12:00:00Z"));  // the deadline does not move
    ASSERT_TRUE(advance(w, wo_state::assigned, t0() + minutes{21}, "A3").ok());
    EXPECT_EQ(w.agent_id, "A3");
  }
}

TEST(Advance, FaultClearingItselfResolvesWithoutVisit) {
  work_order w = reach(wo_state::open);
  ASSERT_TRUE(advance(w, wo_state::resolved, t0() + minutes{3}).ok());
  EXPECT_EQ(w.state, wo_state::resolved);
  EXPECT_EQ(*w.resolved_at, t0() + minutes{3});
  EXPECT_FALSE(w.on_site_at.has_value());
}

TEST(SlaBreached, ExactlyAtDueAt) {
  const work_order w = reach(wo_state::en_route);  // due 12:00Z
  EXPECT_FALSE(sla_breached(w, w.due_at - one_ms));
  EXPECT_TRUE(sla_breached(w, w.due_at));
  EXPECT_TRUE(sla_breached(w, w.due_at + minutes{600}));
}

TEST(SlaBreached, ResolvedOrdersJudgedByResolutionTime) {
  work_order on_time = reach(wo_state::on_site);
  ASSERT_TRUE(advance(on_time, wo_state::resolved, on_time.due_at).ok());  // resolved at the deadline
  EXPECT_FALSE(sla_breached(on_time, on_time.due_at + minutes{600}));
  work_order late = reach(wo_state::on_site);
  ASSERT_TRUE(advance(late, wo_state::resolved, late.due_at + one_ms).ok());
  EXPECT_TRUE(sla_breached(late, late.due_at + one_ms));
  EXPECT_TRUE(sla_breached(late, t0()));  // whenever it is asked
}

TEST(EscalationLevel, OneLevelPerPeriodOverdue) {
  const work_order w = reach(wo_state::assigned);  // due 12:00Z, escalate every 60 min
  EXPECT_EQ(escalation_level(w, t0()), 0);
  EXPECT_EQ(escalation_level(w, w.due_at - one_ms), 0);
  EXPECT_EQ(escalation_level(w, w.due_at), 1);
  EXPECT_EQ(escalation_level(w, w.due_at + minutes{60} - one_ms), 1);
  EXPECT_EQ(escalation_level(w, w.due_at + minutes{60}), 2);
  EXPECT_EQ(escalation_level(w, w.due_at + minutes{150}), 3);
}

TEST(EscalationLevel, CustomAndZeroInterval) {
  const work_order w = reach(wo_state::open);
  sla_policy fast;
  fast.escalate_every = minutes{15};
  EXPECT_EQ(escalation_level(w, w.due_at + minutes{44}, fast), 3);  // 1 + 44 / 15
  sla_policy zero;
  zero.escalate_every = minutes{0};  // falls back to 60 min instead of dividing by zero
  EXPECT_EQ(escalation_level(w, w.due_at + minutes{130}, zero), 3);  // 1 + 130 / 60
}

TEST(EscalationLevel, ResolvedOrdersDoNotEscalate) {
  work_order w = reach(wo_state::on_site);
  ASSERT_TRUE(advance(w, wo_state::resolved, w.due_at + minutes{200}).ok());
  EXPECT_EQ(escalation_level(w, w.due_at + minutes{300}), 0);
}

}  // namespace
