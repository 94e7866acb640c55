// The simulation's view model (app/viewer_model_from_sim.hpp) and the sim source: demo-city run to a
// fixed instant, its model checked against the twin (counts, categories) and against the events
// the run streamed (the dashboard of the operator's local day); the source's time controls move
// virtual time exactly, a jump back gives the model a fresh run to that instant gives. Virtual time only.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "app/viewer_model_from_db.hpp"
#include "app/viewer_sim_runner.hpp"
#include "app/viewer_source.hpp"
#include "twin/time.hpp"

namespace swaptwin::app {
namespace {

const std::string demo_city = std::string{SWAPTWIN_EXAMPLES} + "/demo-city.textproto";

std::int64_t at(const char* text) { return twin::to_ms(*twin::parse_instant(text)); }

scenarios::scenario load(const std::string& path) {
  auto sc = scenarios::load_scenario(path);
  EXPECT_TRUE(sc.ok());
  return *sc;
}

TEST(SimModel, StationsPacksRidersAndTheDashboardFollowTheTwinAndItsEvents) {
  std::vector<actors::sim_event> events;
  scenarios::sim_options opt;
  opt.days = 1;
  sim_runner run{load(demo_city), opt, {}, [&](const actors::sim_event& e) { events.push_back(e); }};
  const auto now = at("2026-11-23T10:20:00Z");  // 18:20 in Shanghai; SZ-0003 offline since ~10:03
  run.go_to(now);
  viewer::view_model vm;
  run.update(vm);
  const auto& s = run.session();

  EXPECT_EQ(vm.now_ms, now);
  EXPECT_EQ(vm.time_zone_name, "Asia/Shanghai");
  EXPECT_EQ(vm.utc_offset_minutes, 480);
  // Stations: one per station, in scenario order, with the database source's category rule.
  ASSERT_EQ(vm.stations.size(), 40u);
  std::size_t packs_in_slots = 0;
  for (std::size_t i = 0; i < vm.stations.size(); ++i) {
    const auto& v = vm.stations[i];
    const auto& st = s.station(i);
    EXPECT_EQ(v.sn, st.sn);
    ASSERT_EQ(v.slots.size(), st.slots.size());
    int ready = 0;
    for (const auto& sl : st.slots) ready += sl.state == twin::slot_state::ready;
    EXPECT_EQ(v.ready_packs, ready) << v.sn;
    EXPECT_EQ(v.category, station_category_of(st, ready)) << v.sn;
    packs_in_slots += s.station_packs(i).size();
  }
  const auto* sz3 = viewer::find_station(vm, "SZ-0003");
  ASSERT_NE(sz3, nullptr);
  EXPECT_FALSE(sz3->online);
  EXPECT_EQ(sz3->category, viewer::station_category::offline);
  EXPECT_EQ(sz3->last_seen_ms, at("2026-11-23T09:59:00Z"));  // its last heartbeat before the link went down at 10:00
  // Packs: in the slots and carried by riders; riders: every account; plans and deposits: the scenario's.
  EXPECT_EQ(vm.batteries.size(), packs_in_slots + s.held_packs().size());
  EXPECT_EQ(vm.riders.size(), s.accounts().size());
  EXPECT_EQ(vm.riders.size(), 3500u);
  EXPECT_EQ(vm.plans.size(), run.spec().plans.size());
  EXPECT_EQ(vm.deposits.size(), run.spec().deposits.size());
  // The outage's work order, its agent on it, and its alert.
  ASSERT_EQ(vm.work_orders.size(), 1u);
  EXPECT_EQ(vm.work_orders[0].station_sn, "SZ-0003");
  EXPECT_EQ(vm.work_orders[0].kind, "station offline");
  bool routed = false;
  for (const auto& a : vm.agents) routed |= a.work_order_id == vm.work_orders[0].id;
  EXPECT_TRUE(routed);
  ASSERT_FALSE(vm.alerts.empty());
  EXPECT_EQ(vm.alerts[0].station_sn, "SZ-0003");
  EXPECT_EQ(vm.alerts[0].severity, viewer::alert_severity::critical);

  // The dashboard against the events of the local day (Shanghai: from 2026-11-22T16:00Z).
  const auto day_start = at("2026-11-22T16:00:00Z");
  std::array<float, 24> per_hour{};
  std::set<std::string> riders;
  std::map<std::string, std::int64_t> revenue;
  for (const auto& e : events) {
    if (e.at_ms < day_start) continue;
    if (e.kind == "swap") {
      riders.insert(e.rider_id);
      if (!e.text.empty()) per_hour[static_cast<std::size_t>((e.at_ms - day_start) / 3'600'000)] += 1;
    }
    if (e.kind == "charge") revenue[e.text] += e.value;
  }
  const auto& d = vm.dashboard;
  EXPECT_EQ(d.swaps_per_hour, per_hour);
  EXPECT_GT(per_hour[17], 0.0f);  // 17:00-18:00 local
  EXPECT_EQ(d.riders_today, static_cast<int>(riders.size()));
  EXPECT_EQ(d.stations_online, 39);
  EXPECT_EQ(d.stations_offline, 1);
  EXPECT_EQ(d.open_work_orders, 1);
  ASSERT_EQ(d.revenue_today.size(), revenue.size());
  for (const auto& r : d.revenue_today) EXPECT_EQ(r.minor, revenue[r.currency]) << r.currency;
  EXPECT_EQ(revenue.count("CNY") + revenue.count("KES"), 2u);

  // The next local day starts from zero.
  run.go_to(at("2026-11-23T16:00:01Z"));
  run.update(vm);
  EXPECT_EQ(vm.dashboard.riders_today, 0);
  EXPECT_EQ(vm.dashboard.swaps_per_hour, (std::array<float, 24>{}));

  // Packs and riders were updated only where events touched them: the same lists as a model built
  // in full from a fresh run to the same instant.
  sim_runner fresh{load(demo_city), opt, {}};
  fresh.go_to(at("2026-11-23T16:00:01Z"));
  viewer::view_model full;
  fresh.update(full);
  auto packs = [](const viewer::view_model& m) {
    std::map<std::string, std::string> out;
    for (const auto& b : m.batteries)
      out[b.sn] = b.where.rfind("rider ", 0) == 0 ? b.where : b.where + " " + std::to_string(b.cycles) + " " + std::to_string(b.soh_percent);
    return out;
  };
  EXPECT_EQ(packs(vm), packs(full));
  ASSERT_EQ(vm.riders.size(), full.riders.size());
  for (std::size_t i = 0; i < vm.riders.size(); ++i) {
    EXPECT_EQ(vm.riders[i].id, full.riders[i].id);
    EXPECT_EQ(vm.riders[i].plan, full.riders[i].plan);
    EXPECT_EQ(vm.riders[i].deposit.minor, full.riders[i].deposit.minor);
  }
}

// The model as text, for comparing two of them.
std::string text_of(const viewer::view_model& vm) {
  std::ostringstream os;
  os << vm.now_ms << "\n";
  for (const auto& s : vm.stations) {
    os << s.sn << " " << s.online << " " << s.last_seen_ms << " " << static_cast<int>(s.category) << " " << s.ready_packs;
    for (const auto& sl : s.slots) os << " " << static_cast<int>(sl.state) << ":" << sl.soc_percent << ":" << sl.pack_sn;
    os << "\n";
  }
  for (const auto& b : vm.batteries) os << b.sn << " " << b.cycles << " " << b.where << "\n";
  for (const auto& a : vm.agents) os << a.id << " " << a.lat << " " << a.lon << " " << a.work_order_id << "\n";
  for (const auto& w : vm.work_orders) os << w.id << " " << w.state << "\n";
  for (const auto& a : vm.alerts) os << a.at_ms << " " << a.text << "\n";
  for (const auto& r : vm.dashboard.revenue_today) os << r.currency << " " << r.minor << "\n";
  os << vm.dashboard.riders_today << " " << vm.dashboard.open_work_orders << "\n";
  return os.str();
}

TEST(SimSource, TimeControlsMoveVirtualTimeExactlyAndAJumpBackIsAFreshRun) {
  sim_source_options o;
  o.scenario_path = demo_city;
  o.days = 1;
  o.start_at_ms = at("2026-11-23T06:00:00Z");
  auto src = make_sim_source(o);
  viewer::ui_state ui;
  viewer::view_model vm;
  src->frame(0.0, ui, vm);
  EXPECT_EQ(vm.now_ms, *o.start_at_ms);
  EXPECT_EQ(vm.source.label, "simulation demo-city");
  EXPECT_TRUE(vm.source.read_only);
  ui.time.speed = 100;
  src->frame(0.25, ui, vm);  // 25 virtual seconds
  EXPECT_EQ(vm.now_ms, *o.start_at_ms + 25'000);
  ui.time.paused = true;
  src->frame(1.0, ui, vm);
  EXPECT_EQ(vm.now_ms, *o.start_at_ms + 25'000);
  ui.time.step_requested = true;  // one step of step_ms while paused
  src->frame(1.0, ui, vm);
  EXPECT_EQ(vm.now_ms, *o.start_at_ms + 25'000 + ui.time.step_ms);
  ui.time.jump_to_ms = at("2026-11-23T12:00:00Z");
  src->frame(0.0, ui, vm);
  EXPECT_EQ(vm.now_ms, at("2026-11-23T12:00:00Z"));
  ui.time.jump_to_ms = at("2026-11-23T10:20:00Z");  // back: the run again from its start
  src->frame(0.0, ui, vm);
  EXPECT_EQ(vm.now_ms, at("2026-11-23T10:20:00Z"));

  sim_source_options fresh_o = o;
  fresh_o.start_at_ms = at("2026-11-23T10:20:00Z");
  auto fresh = make_sim_source(fresh_o);
  viewer::ui_state fresh_ui;
  viewer::view_model fresh_vm;
  fresh->frame(0.0, fresh_ui, fresh_vm);
  EXPECT_EQ(text_of(vm), text_of(fresh_vm));
  ui.time.jump_to_ms = at("2026-11-30T00:00:00Z");  // past the end: stops there
  src->frame(0.0, ui, vm);
  EXPECT_EQ(vm.now_ms, at("2026-11-24T00:00:00Z"));
  src->act(viewer::actions::verify_rider{});
  src->frame(0.0, ui, vm);
  EXPECT_NE(vm.source.last_action.find("read-only"), std::string::npos);
}

TEST(SimSource, ABadScenarioIsOneClearError) {
  sim_source_options o;
  o.scenario_path = "/nonexistent/scenario.textproto";
  EXPECT_THROW(make_sim_source(o), std::runtime_error);
  o.scenario_path = demo_city;
  o.tz = "Mars/Olympus";
  EXPECT_THROW(make_sim_source(o), std::invalid_argument);
}

}  // namespace
}  // namespace swaptwin::app
