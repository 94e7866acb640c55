#include "scenarios/sim.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <caf/all.hpp>

#include "actors/agent.hpp"
#include "actors/arrivals.hpp"
#include "actors/dispatcher.hpp"
#include "actors/feed.hpp"
#include "actors/billing.hpp"
#include "actors/clock.hpp"
#include "actors/journal.hpp"
#include "actors/registry.hpp"
#include "actors/rider.hpp"
#include "actors/station.hpp"
#include "scenarios/world.hpp"

namespace swaptwin::scenarios {

namespace {
using namespace std::chrono;

// Jumps from timer to timer up to `t_end`, firing each at its exact instant (notes/caf-0.17.md).
std::int64_t run_until(caf::scheduler::test_coordinator& sched, caf::actor_clock::time_point t_end) {
  auto& clk = sched.clock();
  std::int64_t events = static_cast<std::int64_t>(sched.run());
  while (clk.has_pending_timeout()) {
    auto next = clk.schedule().begin()->first;
    if (next > t_end) break;
    if (next > clk.now()) events += static_cast<std::int64_t>(clk.advance_time(next - clk.now()));
    else events += clk.trigger_timeout() ? 1 : 0;
    events += static_cast<std::int64_t>(sched.run());
  }
  if (clk.now() < t_end) clk.current_time = t_end;
  return events;
}

template <class State>
State& state_of(const caf::actor& a) {
  return caf::actor_cast<caf::stateful_actor<State>*>(a)->state;
}

// Ready packs and site power of a station now, read without changing it.
void sample_station(const actors::station_state& st, std::int64_t now, int& ready, int& power_w, int& charging) {
  ready = 0;
  charging = 0;
  double power = 0;
  for (const auto& sl : st.st.slots) {
    if (sl.state == twin::slot_state::ready) ++ready;
    auto c = st.charging.find(sl.index);
    if (c == st.charging.end()) continue;
    ++charging;
    if (st.cfg.exponential) {
      power += st.charger_power_w;
      continue;
    }
    const auto& p = c->second.params;
    double soc = twin::soc_after(p, c->second.alloc_w, c->second.soc_at, static_cast<double>(now - c->second.at_ms) / 1000.0);
    power += std::min(c->second.alloc_w, twin::accepted_power_w(p, soc));
  }
  power_w = static_cast<int>(std::lround(power));
}
// A canonical text of the final state (slots of every station, every rider's account), hashed.
std::string final_state_digest(const std::vector<caf::actor>& stations, const caf::actor& billing) {
  std::string text;
  char buf[64];
  for (const auto& s : stations) {
    const auto& st = state_of<actors::station_state>(s).st;
    text += st.sn + (st.link.online ? " on\n" : " off\n");
    for (const auto& sl : st.slots) {
      std::snprintf(buf, sizeof buf, " %d %s %.6f ", sl.index, std::string{twin::to_string(sl.state)}.c_str(), sl.soc);
      text += buf + sl.battery_sn + "\n";
    }
  }
  const auto& accounts = state_of<actors::billing_state>(billing).riders;
  std::vector<const twin::rider*> riders;
  for (const auto& [id, r] : accounts) riders.push_back(&r);
  std::sort(riders.begin(), riders.end(), [](auto* a, auto* b) { return a->id < b->id; });
  for (const auto* r : riders) {
    text += r->id + " " + std::to_string(r->balance_minor) + " " + r->holding_sn;
    if (r->plan) text += " " + std::to_string(r->plan->swaps_used) + " " + std::to_string(r->plan->km_left_m);
    text += "\n";
  }
  return digest_of(text);
}
// The dispatcher's view: agents with their regions and shifts, stations with their agent's region.
actors::dispatcher_setup dispatcher_for(const scenario& sc, const caf::actor& journal) {
  actors::dispatcher_setup d;
  std::map<std::string, std::string> region;
  for (const auto& a : sc.agents) {
    d.agents.push_back(actors::agent_info{a.id, a.region, a.shift_start_h, a.shift_end_h, a.base, {}});
    region[a.id] = a.region;
  }
  for (const auto& s : sc.stations)
    d.stations.push_back(actors::station_info{s.sn, s.location, s.agent_id, region[s.agent_id], {}});
  d.sla = sc.sla;
  d.utc_offset_ms = utc_offset_ms(sc);  // shifts follow the scenario's local time
  d.journal = journal;
  return d;
}
}  // namespace

twin::result<sim_output> simulate(const scenario& sc, const sim_options& opt) {
  const std::uint64_t seed = opt.seed.value_or(sc.seed);
  const auto duration = opt.days ? milliseconds{static_cast<std::int64_t>(*opt.days * 86400000.0)} : sc.duration;
  if (duration.count() <= 0) return twin::error{twin::errc::invalid_argument, "the run must last longer than 0 days"};
  const auto start_ms = twin::to_ms(sc.start), end_ms = start_ms + duration.count();

  caf::actor_system_config cfg;
  cfg.set("scheduler.policy", caf::atom("testing"));
  actors::register_types(cfg);
  sim_output out;
  std::int64_t messages = 0;
  {
    caf::actor_system sys{cfg};
    auto& sched = dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
    sched.clock().current_time = actors::from_unix_ms(start_ms);

    std::vector<actors::station_setup> setups;
    std::vector<actors::station_sample> board;
    for (std::size_t i = 0; i < sc.stations.size(); ++i) {
      setups.push_back(station_for(sc, i, seed, end_ms));
      int ready = 0;
      for (const auto& sl : setups.back().station.slots) ready += sl.state == twin::slot_state::ready;
      board.push_back(actors::station_sample{sc.stations[i].sn, ready, 0, 0, true, 0, 0});
    }
    caf::actor feed;  // what a viewer in the same process subscribes to; without one, events skip it
    if (opt.feed) feed = sys.spawn(actors::feed, std::move(board));
    auto journal = sys.spawn(actors::journal, feed);
    auto registry = sys.spawn(actors::registry, sc.stations.size());
    auto plans = riders_for(sc, seed);
    auto accounts = billing_accounts(sc);
    for (const auto& rp : plans) accounts.riders.push_back(rp.account);
    auto billing = sys.spawn(actors::billing, std::move(accounts), journal);
    auto dispatcher = sys.spawn(actors::dispatcher, dispatcher_for(sc, journal));
    std::vector<caf::actor> agents;
    for (const auto& a : sc.agents) {
      agents.push_back(sys.spawn(actors::agent, actors::agent_setup{a.id, a.base, a.speed_kmh / 3.6, a.repair_min * 60.0,
                                                                    dispatcher, journal}));
      caf::anon_send(dispatcher, caf::put_atom::value, a.id, agents.back());
    }
    std::vector<caf::actor> stations;
    std::map<std::string, caf::actor> by_sn;
    for (std::size_t i = 0; i < sc.stations.size(); ++i) {
      auto setup = std::move(setups[i]);
      setup.registry = registry;
      setup.dispatcher = dispatcher;
      stations.push_back(sys.spawn(actors::station, std::move(setup), billing, journal));
      by_sn[sc.stations[i].sn] = stations.back();
      caf::anon_send(registry, caf::put_atom::value, sc.stations[i].sn, stations.back());
      caf::anon_send(dispatcher, caf::put_atom::value, sc.stations[i].sn, stations.back());
    }
    std::vector<caf::actor> others;
    std::size_t next = 0;
    for (std::size_t pi = 0; pi < sc.populations.size(); ++pi) {
      const auto& pop = sc.populations[pi];
      std::vector<std::string> ids;
      for (int i = 0; i < riders_in(pop); ++i, ++next) {
        auto& rp = plans[next];
        if (pop.arrivals_per_hour > 0) {
          ids.push_back(rp.account.id);
          continue;
        }
        rp.setup.registry = registry;
        rp.setup.journal = journal;
        for (auto& n : rp.setup.nearby) n.handle = by_sn[n.sn];
        others.push_back(sys.spawn(actors::rider, std::move(rp.setup)));
      }
      if (pop.arrivals_per_hour > 0)
        others.push_back(sys.spawn(actors::arrivals,
                                   actors::arrivals_setup{by_sn[pop.station_sn], ids, pop.model_id, pop.arrivals_per_hour,
                                                          0.1, derive_seed(seed, 4, pi), start_ms, journal}));
    }

    // Hour by hour: run, then sample every station.
    std::vector<hourly_sample> hours;
    std::vector<double> busy_slot_hours(stations.size(), 0.0);
    for (std::int64_t t = start_ms; t < end_ms;) {
      const std::int64_t until = std::min(end_ms, t + 3600000);
      messages += run_until(sched, actors::from_unix_ms(until));
      hourly_sample h;
      h.at = twin::from_ms(t);
      for (std::size_t i = 0; i < stations.size(); ++i) {
        int ready = 0, power = 0, charging = 0;
        auto& st = state_of<actors::station_state>(stations[i]);
        sample_station(st, until, ready, power, charging);
        busy_slot_hours[i] += static_cast<double>(charging) / static_cast<double>(std::max<std::size_t>(1, st.st.slots.size()));
        h.ready_packs.push_back(ready);
        h.site_power_w.push_back(power);
        if (!st.st.link.online) ++h.stations_offline;
      }
      hours.push_back(std::move(h));
      t = until;
      if (opt.progress) opt.progress(static_cast<double>(t - start_ms) / static_cast<double>(end_ms - start_ms));
    }

    std::vector<station_kpi> kpis;
    for (std::size_t i = 0; i < stations.size(); ++i) {
      auto& st = state_of<actors::station_state>(stations[i]);
      station_kpi k;
      k.sn = st.st.sn;
      k.name = st.st.name();
      k.energy_wh = static_cast<std::int64_t>(std::llround(st.energy_wh));
      k.peak_power_w = st.peak_power_w;
      k.power_cap_w = st.st.desired.power_cap_w;
      k.slot_utilisation = hours.empty() ? 0.0 : busy_slot_hours[i] / static_cast<double>(hours.size());
      const auto open_out = st.stockout_since_ms >= 0 ? end_ms - st.stockout_since_ms : 0;
      k.stockout_hours = static_cast<double>(st.stockout_ms + open_out) / 3600000.0;
      kpis.push_back(std::move(k));
    }
    out.events = std::move(state_of<actors::journal_state>(journal).events);
    out.days = static_cast<double>(end_ms - start_ms) / 86400000.0;
    out.final_digest = final_state_digest(stations, billing);
    for (const auto& s : stations) {
      const auto& st = state_of<actors::station_state>(s);
      out.stations.push_back(st.st);
      for (const auto& [sn, pack] : st.packs) out.packs.push_back(pack);
    }
    const auto& books = state_of<actors::billing_state>(billing);
    for (const auto& [id, r] : books.riders) out.riders.push_back(r);
    std::sort(out.riders.begin(), out.riders.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    out.ledger = books.ledger.postings();
    out.report = build_report(sc, seed, twin::from_ms(end_ms), out.events, std::move(hours), std::move(kpis), messages);
    for (const auto& [id, w] : state_of<actors::dispatcher_state>(dispatcher).orders)  // still open, already late
      if (w.state != twin::wo_state::resolved && twin::sla_breached(w, twin::from_ms(end_ms))) ++out.report.network.sla_breaches;

    for (auto& a : others) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    for (auto& a : stations) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    for (auto& a : agents) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    for (auto& a : {billing, registry, dispatcher, journal, feed})
      if (a) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    sched.run();
    sched.clock().cancel_all();
    sched.run();
  }
  return out;
}

run_report build_report(const scenario& sc, std::uint64_t seed, twin::unix_ms end,
                        const std::vector<actors::sim_event>& events, std::vector<hourly_sample> hours,
                        std::vector<station_kpi> stations, std::int64_t messages) {
  run_report r;
  r.scenario = sc.name;
  r.digest = sc.digest;
  r.seed = seed;
  r.start = sc.start;
  r.end = end;
  r.time_zone = sc.time_zone;
  auto& n = r.network;
  n.messages = messages;
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < stations.size(); ++i) index[stations[i].sn] = i;
  const auto start_ms = twin::to_ms(sc.start);
  auto hour_of = [&](std::int64_t at) -> hourly_sample* {
    auto h = static_cast<std::size_t>((at - start_ms) / 3600000);
    return h < hours.size() ? &hours[h] : nullptr;
  };
  std::vector<double> wait_s, walk_m, detection_s, response_s, repair_s;
  std::set<std::string> served;
  for (const auto& e : events) {
    auto st = index.find(e.station_sn);
    auto* h = hour_of(e.at_ms);
    if (e.kind == "swap") {
      ++n.swaps;
      if (st != index.end()) ++stations[st->second].swaps;
      if (h) ++h->swaps;
    } else if (e.kind == "refused") {
      ++n.refusals[e.code];
      if (st != index.end()) ++stations[st->second].refusals[e.code];
      if (h) ++h->refusals[e.code];
    } else if (e.kind == "served") {
      served.insert(e.rider_id);
      wait_s.push_back(static_cast<double>(e.value) / 1000.0);
      walk_m.push_back(static_cast<double>(e.value2));
    } else if (e.kind == "gave_up") {
      ++n.riders_gave_up;
    } else if (e.kind == "retired") {
      ++n.packs_retired;
    } else if (e.kind == "offline") {
      ++n.offline_incidents;
      if (st != index.end()) ++stations[st->second].offline_incidents;
      if (e.value > 0) detection_s.push_back(static_cast<double>(e.value) / 1000.0);
    } else if (e.kind == "on_site") {
      response_s.push_back(static_cast<double>(e.value) / 1000.0);
    } else if (e.kind == "resolved") {
      if (e.value > 0) repair_s.push_back(static_cast<double>(e.value) / 1000.0);
      n.sla_breaches += e.value2;
    } else if (e.kind == "charge") {
      n.revenue[e.text][e.code] += e.value;
      if (h) h->revenue[e.text] += e.value;
    }
  }
  n.riders_served = static_cast<std::int64_t>(served.size());
  const auto attempts = n.swaps + n.riders_gave_up;
  n.swap_success_rate = attempts ? static_cast<double>(n.swaps) / static_cast<double>(attempts) : 0.0;
  n.detection_delay_s = summarise(detection_s);
  n.agent_response_s = summarise(response_s);
  n.repair_s = summarise(repair_s);
  n.wait_s = summarise(wait_s);
  n.walk_m = summarise(walk_m);
  for (std::size_t i = 0; i < stations.size(); ++i) {
    n.stockout_station_hours += stations[i].stockout_hours;
    n.energy_wh += stations[i].energy_wh;
    n.slot_utilisation += stations[i].slot_utilisation / static_cast<double>(stations.size());
  }
  r.stations = std::move(stations);
  r.hours = std::move(hours);
  return r;
}

}  // namespace swaptwin::scenarios
