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
#include "actors/slot.hpp"
#include "actors/station.hpp"
#include "scenarios/kpi_accumulator.hpp"
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

// Asks the store to commit what it holds and waits for the answer (the rows it wrote in the run).
// Under `testing` the request is sent, the scheduler runs the store, then the answer is read.
twin::result<std::int64_t> flush_store(caf::actor_system& sys, caf::scheduler::test_coordinator& sched,
                                       const actors::store_api& store) {
  caf::scoped_actor self{sys};
  auto answer = self->request(store, caf::infinite, actors::flush_atom::value);
  sched.run();
  twin::result<std::int64_t> out = twin::error{twin::errc::invalid_argument, "store: no answer to the final flush"};
  answer.receive([&](std::int64_t rows) { out = rows; },
                 [&](caf::error& e) {
                   // The store's errors carry their text as context; others are rendered by CAF.
                   const auto& ctx = e.context();
                   auto text = ctx.match_elements<std::string>() ? ctx.get_as<std::string>(0) : sys.render(e);
                   out = twin::error{twin::errc::invalid_argument, std::move(text)};
                 });
  return out;
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

double simulated_days(const scenario& sc, const sim_options& opt) {
  // As simulate() computes its end: whole ms, then days.
  const auto ms = opt.days ? static_cast<std::int64_t>(*opt.days * 86400000.0) : sc.duration.count();
  return static_cast<double>(ms) / 86400000.0;
}

twin::result<sim_output> simulate(const scenario& sc, const sim_options& opt) {
  const std::uint64_t seed = opt.seed.value_or(sc.seed);
  const auto duration = opt.days ? milliseconds{static_cast<std::int64_t>(*opt.days * 86400000.0)} : sc.duration;
  if (duration.count() <= 0) return twin::error{twin::errc::invalid_argument, "the run must last longer than 0 days"};
  const auto start_ms = twin::to_ms(sc.start), end_ms = start_ms + duration.count();

  actors::system_config cfg;
  cfg.set("scheduler.policy", caf::atom("testing"));
  actors::register_types(cfg);
  sim_output out;
  std::int64_t messages = 0;
  // The journal hands every event here as it comes, and keeps none (unless asked): KPIs and the
  // digest are folded in, the caller's hook writes journal.bin. Declared before the actor system,
  // which holds the sink until it is destroyed.
  std::vector<std::string> station_sns;
  for (const auto& s : sc.stations) station_sns.push_back(s.sn);
  kpi_accumulator kpis_so_far{start_ms, station_sns};
  event_digest digest;
  auto sink = [&](const actors::sim_event& e) {
    kpis_so_far.add(e);
    digest.add(e);
    ++out.event_count;
    if (opt.on_event) opt.on_event(e);
    if (opt.keep_events) out.events.push_back(e);
  };
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
    auto journal = sys.spawn(actors::streaming_journal, actors::journal_setup{feed, sink, false});
    auto plans = riders_for(sc, seed);
    auto accounts = billing_accounts(sc);
    accounts.riders = std::move(plans.accounts);  // billing's from here on: no second copy
    actors::store_api store;  // the ledger's durable home, when the caller gave one
    if (opt.make_store) accounts.store = store = opt.make_store(sys);
    auto billing = sys.spawn(actors::billing, std::move(accounts), journal);
    // Billing takes its accounts when it first runs: run it now, so the spawn's copy of the
    // accounts (150,000 in metro) is gone before the riders exist. No actor spawned so far sends
    // anything when it starts and none has mail yet, so the run's messages, their order and their
    // count are unchanged (the registry comes after: the stations' first mail goes to it).
    messages += static_cast<std::int64_t>(sched.run());
    auto registry = sys.spawn(actors::registry, sc.stations.size());
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
    setups = {};
    // One table of the stations that every rider indexes (a rider holds no SNs or handles of its own).
    auto table = std::make_shared<std::vector<actors::station_ref>>();
    for (std::size_t i = 0; i < sc.stations.size(); ++i) table->push_back(actors::station_ref{sc.stations[i].sn, stations[i]});
    std::vector<caf::actor> others;
    for (std::size_t pi = 0; pi < sc.populations.size(); ++pi) {
      const auto& pop = sc.populations[pi];
      auto& plan = plans.populations[pi];
      if (plan.shared) {
        plan.shared->stations = table;
        plan.shared->registry = registry;
        plan.shared->journal = journal;
        for (auto& setup : plan.riders) others.push_back(sys.spawn(actors::rider, std::move(setup)));
        plan.riders = {};  // each set-up lives in its actor now
      }
      if (pop.arrivals_per_hour > 0)
        others.push_back(sys.spawn(actors::arrivals,
                                   actors::arrivals_setup{by_sn[pop.station_sn], std::move(plan.ids), pop.model_id,
                                                          pop.arrivals_per_hour, 0.1, derive_seed(seed, 4, pi), start_ms,
                                                          journal}));
    }
    plans = {};  // no set-up outlives the spawning

    // Hour by hour: run, then sample every station.
    std::vector<hourly_sample> hours;
    for (std::int64_t t = start_ms; t < end_ms;) {
      const std::int64_t until = std::min(end_ms, t + 3600000);
      messages += run_until(sched, actors::from_unix_ms(until));
      hourly_sample h;
      h.at = twin::from_ms(t);
      for (std::size_t i = 0; i < stations.size(); ++i) {
        int ready = 0, power = 0, charging = 0;
        auto& st = state_of<actors::station_state>(stations[i]);
        sample_station(st, until, ready, power, charging);
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
      // Exact, from the slot actors' meters: time charging over slot time.
      std::int64_t charging_ms = 0;
      for (const auto& slot : st.slot_actors) charging_ms += actors::charging_ms_at(state_of<actors::slot_state>(slot), end_ms);
      const auto slot_ms = static_cast<double>(st.slot_actors.size()) * static_cast<double>(end_ms - start_ms);
      k.slot_utilisation = slot_ms > 0 ? static_cast<double>(charging_ms) / slot_ms : 0.0;
      const auto open_out = st.stockout_since_ms >= 0 ? end_ms - st.stockout_since_ms : 0;
      k.stockout_hours = static_cast<double>(st.stockout_ms + open_out) / 3600000.0;
      kpis.push_back(std::move(k));
    }
    out.events_digest = digest.hex();
    out.days = static_cast<double>(end_ms - start_ms) / 86400000.0;
    out.final_digest = final_state_digest(stations, billing);
    for (const auto& s : stations) {
      const auto& st = state_of<actors::station_state>(s);
      out.stations.push_back(st.st);
      for (const auto& [sn, pack] : st.packs) out.packs.push_back(pack);
    }
    std::optional<twin::error> store_failed;
    if (store) {
      auto flushed = flush_store(sys, sched, store);
      if (flushed) out.stored_postings = *flushed;
      else store_failed = flushed.err();
    }
    // Billing's accounts move out (it only quits from here on): a copy of 150,000 would be the
    // biggest allocation of a metro run's end.
    auto& books = state_of<actors::billing_state>(billing);
    out.riders.reserve(books.riders.size());
    for (auto& [id, r] : books.riders) out.riders.push_back(std::move(r));
    std::sort(out.riders.begin(), out.riders.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    out.ledger = books.ledger.release();  // moved, as the accounts: a month of metro has ~1M postings
    out.report = std::move(kpis_so_far).finish(sc, seed, twin::from_ms(end_ms), std::move(hours), std::move(kpis), messages);
    for (const auto& [id, w] : state_of<actors::dispatcher_state>(dispatcher).orders)  // still open, already late
      if (w.state != twin::wo_state::resolved && twin::sla_breached(w, twin::from_ms(end_ms))) ++out.report.network.sla_breaches;

    for (auto& a : others) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    for (auto& a : stations) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    for (auto& a : agents) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    for (auto& a : {billing, registry, dispatcher, journal, feed})
      if (a) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    if (store) caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
    sched.run();
    sched.clock().cancel_all();
    sched.run();
    if (store_failed) return *store_failed;
  }
  return out;
}

run_report build_report(const scenario& sc, std::uint64_t seed, twin::unix_ms end,
                        const std::vector<actors::sim_event>& events, std::vector<hourly_sample> hours,
                        std::vector<station_kpi> stations, std::int64_t messages) {
  std::vector<std::string> sns;
  for (const auto& s : stations) sns.push_back(s.sn);
  kpi_accumulator acc{twin::to_ms(sc.start), sns};
  for (const auto& e : events) acc.add(e);
  return std::move(acc).finish(sc, seed, end, std::move(hours), std::move(stations), messages);
}

}  // namespace swaptwin::scenarios
