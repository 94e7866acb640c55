// Offline detection and dispatch under virtual time: a station whose cabinet falls silent is
// offline exactly at its deadline and not a millisecond before, with no false alarm for others;
// the alert becomes a work order for the nearest free agent, who arrives after distance / speed,
// repairs, and the station is back online.

#include <cmath>

#include "actors/agent.hpp"
#include "actors/billing.hpp"
#include "actors/dispatcher.hpp"
#include "actors/journal.hpp"
#include "actors/station.hpp"
#include "sim_fixture.hpp"

namespace swaptwin::actors::testing {
namespace {

constexpr std::int64_t second = 1000;

class Liveness : public sim_test {
 protected:
  // Two stations 10 km apart on the equator-ish; agents: "far" 20 km away, "near" 3 km away.
  void start(std::vector<std::pair<std::int64_t, fault>> faults_a) {
    j = sys->spawn(journal, caf::actor{});
    bill = sys->spawn(billing, billing_setup{}, j);
    dispatcher_setup d;
    d.journal = j;
    d.agents.push_back(agent_info{"far", "north", 0, 24, {0.0, 0.2}, {}});
    d.agents.push_back(agent_info{"near", "north", 0, 24, {0.0, 0.027}, {}});
    d.stations.push_back(station_info{"A", {0.0, 0.0}, "", "north", {}});
    d.stations.push_back(station_info{"B", {0.0, 0.09}, "", "north", {}});
    disp = sys->spawn(dispatcher, d);
    for (auto [id, base] : {std::pair{"far", twin::geo_point{0.0, 0.2}}, std::pair{"near", twin::geo_point{0.0, 0.027}}}) {
      auto a = sys->spawn(agent, agent_setup{id, base, 10.0, 1800, disp, j});  // 36 km/h, 30 min repair
      agents.push_back(a);
      caf::anon_send(disp, caf::put_atom::value, std::string{id}, a);
    }
    for (auto [sn, where] : {std::pair{"A", twin::geo_point{0.0, 0.0}}, std::pair{"B", twin::geo_point{0.0, 0.09}}}) {
      station_setup s;
      s.station = twin::make_station(sn, sn, where, 4, 4000, twin::from_ms(now()));
      s.station.link.online = true;
      s.capacity_wh["60V"] = 1500;
      s.heartbeat_ms = 60 * second;
      s.offline_after_beats = 3;
      s.dispatcher = disp;
      if (std::string{sn} == "A") s.faults = faults_a;
      stations.push_back(sys->spawn(station, s, bill, j));
      caf::anon_send(disp, caf::put_atom::value, std::string{sn}, stations.back());
    }
    sched->run();
  }

  std::vector<sim_event> events(const std::string& kind) {
    std::vector<sim_event> out;
    for (const auto& e : state_of<journal_state>(j).events)
      if (e.kind == kind) out.push_back(e);
    return out;
  }

  ~Liveness() override {
    for (auto& h : stations) caf::anon_send_exit(h, caf::exit_reason::user_shutdown);
    for (auto& h : agents) caf::anon_send_exit(h, caf::exit_reason::user_shutdown);
    for (auto& h : {disp, bill, j}) caf::anon_send_exit(h, caf::exit_reason::user_shutdown);
  }

  caf::actor j, bill, disp;
  std::vector<caf::actor> agents, stations;
};

TEST_F(Liveness, SilentStationIsOfflineExactlyAtItsDeadline) {
  const auto t0 = now();
  // Beats at t0+60 s, +120 s; the link dies at +150 s: last message +120 s, deadline +120 + 180 = +300 s.
  start({{t0 + 150 * second, fault{"link_outage", 0, 0}}});
  run_until(t0 + 300 * second - 1);
  EXPECT_TRUE(state_of<station_state>(stations[0]).st.link.online);
  EXPECT_TRUE(events("offline").empty());
  run_until(t0 + 300 * second);
  EXPECT_FALSE(state_of<station_state>(stations[0]).st.link.online);
  auto off = events("offline");
  ASSERT_EQ(off.size(), 1u);
  EXPECT_EQ(off[0].station_sn, "A");
  EXPECT_EQ(off[0].at_ms, t0 + 300 * second);
  EXPECT_EQ(off[0].value, 150 * second);  // detection delay: link lost -> marked offline
  // Hours later, still only A, and B never raised anything.
  run_until(t0 + 3600 * second);
  for (const auto& e : events("offline")) EXPECT_EQ(e.station_sn, "A");
  for (const auto& e : events("alert")) EXPECT_EQ(e.station_sn, "A");
  EXPECT_TRUE(state_of<station_state>(stations[1]).st.link.online);
}

TEST_F(Liveness, AlertGoesToTheNearestAgentWhoTravelsRepairsAndBringsItBack) {
  const auto t0 = now();
  start({{t0 + 150 * second, fault{"link_outage", 0, 0}}});  // down until repaired
  run_until(t0 + 6 * 3600 * second);
  auto alerts = events("alert");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].at_ms, t0 + 300 * second);
  auto assigned = events("assigned");
  ASSERT_EQ(assigned.size(), 1u);
  EXPECT_EQ(assigned[0].rider_id, "near");  // 3 km away beats 22 km away
  // Travel: distance / 10 m/s, rounded up to the millisecond.
  const double metres = twin::distance_m({0.0, 0.027}, {0.0, 0.0});
  const auto arrive = t0 + 300 * second + static_cast<std::int64_t>(std::ceil(metres / 10.0 * 1000.0));
  auto on_site = events("on_site");
  ASSERT_EQ(on_site.size(), 1u);
  EXPECT_EQ(on_site[0].at_ms, arrive);
  EXPECT_EQ(on_site[0].value, arrive - (t0 + 300 * second));  // agent response time
  auto resolved = events("resolved");
  ASSERT_EQ(resolved.size(), 1u);
  EXPECT_EQ(resolved[0].at_ms, arrive + 1800 * second);
  EXPECT_EQ(resolved[0].value, 1800 * second);  // repair time
  EXPECT_EQ(resolved[0].value2, 0);             // inside the 2 h SLA
  auto online = events("online");
  ASSERT_EQ(online.size(), 1u);
  EXPECT_EQ(online[0].at_ms, arrive + 1800 * second);
  EXPECT_TRUE(state_of<station_state>(stations[0]).st.link.online);
  const auto& w = state_of<dispatcher_state>(disp).orders.at(1);
  EXPECT_EQ(w.state, twin::wo_state::resolved);
  EXPECT_FALSE(state_of<dispatcher_state>(disp).busy.at("near"));
}

TEST_F(Liveness, ShortOutageHealsItselfAndClosesTheUntakenOrder) {
  const auto t0 = now();
  // Both agents are made busy first by a slot fault at B, so A's offline order waits.
  start({{t0 + 150 * second, fault{"link_outage", 0, 600 * second}}});  // back after 10 min
  auto& d = state_of<dispatcher_state>(disp);
  d.busy["near"] = true;
  d.busy["far"] = true;
  run_until(t0 + 3600 * second);
  ASSERT_EQ(events("offline").size(), 1u);
  ASSERT_EQ(events("escalated").size(), 1u);  // no free agent when it went offline
  auto online = events("online");
  ASSERT_EQ(online.size(), 1u);
  EXPECT_EQ(online[0].at_ms, t0 + 750 * second);  // the link returns and the cabinet says so at once
  auto resolved = events("resolved");
  ASSERT_EQ(resolved.size(), 1u);
  EXPECT_EQ(d.orders.at(1).state, twin::wo_state::resolved);
  EXPECT_TRUE(events("assigned").empty());
}

}  // namespace
}  // namespace swaptwin::actors::testing
