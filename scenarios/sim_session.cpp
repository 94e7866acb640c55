// The steppable simulation (sim_session.hpp): the set-up and the timer loop that simulate() had,
// cut so that the owner says how far to go. The hourly samples of the report are taken at the
// same instants however the run is cut, and cutting the run adds no message: a step ends with the
// mailboxes drained and the next one fires the next timer at its own instant.
#include "scenarios/sim_session.hpp"

#include <algorithm>
#include <map>

#include <caf/all.hpp>

#include "actors/agent.hpp"
#include "actors/arrivals.hpp"
#include "actors/billing.hpp"
#include "actors/clock.hpp"
#include "actors/dispatcher.hpp"
#include "actors/feed.hpp"
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

// Member order matters: the configuration and what the journal's sink writes to outlive the actor
// system (declared after them, destroyed before them).
struct sim_session::impl {
  impl(const scenario& s, sim_options o, std::uint64_t sd, std::int64_t start, std::int64_t end,
       const std::vector<std::string>& sns)
      : sc{s}, opt{std::move(o)}, seed{sd}, start_ms{start}, end_ms{end}, hour_start_ms{start}, kpis{start, sns} {}

  scenario sc;
  sim_options opt;
  std::uint64_t seed;
  std::int64_t start_ms, end_ms;
  std::int64_t hour_start_ms;  // the next hourly sample covers [hour_start_ms, +1 h or the end)
  std::int64_t messages = 0;
  std::int64_t event_count = 0;
  kpi_accumulator kpis;
  event_digest digest;
  std::vector<actors::sim_event> kept;
  std::vector<hourly_sample> hours;
  bool finished = false;

  actors::system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::scheduler::test_coordinator* sched = nullptr;
  caf::actor feed, journal, billing, registry, dispatcher;
  actors::store_api store;
  std::vector<caf::actor> agents, stations, others, riders;

  void sink(const actors::sim_event& e) {
    kpis.add(e);
    digest.add(e);
    ++event_count;
    if (opt.on_event) opt.on_event(e);
    if (opt.keep_events) kept.push_back(e);
  }
  void set_up();
  void sample(std::int64_t at, std::int64_t until);
  void shut_down();
};

void sim_session::impl::set_up() {
  cfg.set("scheduler.policy", caf::atom("testing"));
  actors::register_types(cfg);
  sys = std::make_unique<caf::actor_system>(cfg);
  sched = &dynamic_cast<caf::scheduler::test_coordinator&>(sys->scheduler());
  sched->clock().current_time = actors::from_unix_ms(start_ms);

  std::vector<actors::station_setup> setups;
  std::vector<actors::station_sample> board;
  for (std::size_t i = 0; i < sc.stations.size(); ++i) {
    setups.push_back(station_for(sc, i, seed, end_ms));
    int ready = 0;
    for (const auto& sl : setups.back().station.slots) ready += sl.state == twin::slot_state::ready;
    board.push_back(actors::station_sample{sc.stations[i].sn, ready, 0, 0, true, 0, 0});
  }
  if (opt.feed) feed = sys->spawn(actors::feed, std::move(board));  // else events skip it
  journal = sys->spawn(actors::streaming_journal,
                       actors::journal_setup{feed, [this](const actors::sim_event& e) { sink(e); }, false});
  auto plans = riders_for(sc, seed);
  auto accounts = billing_accounts(sc);
  accounts.riders = std::move(plans.accounts);  // billing's from here on: no second copy
  if (opt.make_store) accounts.store = store = opt.make_store(*sys);
  billing = sys->spawn(actors::billing, std::move(accounts), journal);
  // Billing takes its accounts when it first runs: run it now, so the spawn's copy of the
  // accounts (150,000 in metro) is gone before the riders exist. No actor spawned so far sends
  // anything when it starts and none has mail yet, so the run's messages, their order and their
  // count are unchanged (the registry comes after: the stations' first mail goes to it).
  messages += static_cast<std::int64_t>(sched->run());
  registry = sys->spawn(actors::registry, sc.stations.size());
  dispatcher = sys->spawn(actors::dispatcher, dispatcher_for(sc, journal));
  for (const auto& a : sc.agents) {
    agents.push_back(sys->spawn(actors::agent, actors::agent_setup{a.id, a.base, a.speed_kmh / 3.6, a.repair_min * 60.0,
                                                                  dispatcher, journal}));
    caf::anon_send(dispatcher, caf::put_atom::value, a.id, agents.back());
  }
  std::map<std::string, caf::actor> by_sn;
  for (std::size_t i = 0; i < sc.stations.size(); ++i) {
    auto setup = std::move(setups[i]);
    setup.registry = registry;
    setup.dispatcher = dispatcher;
    stations.push_back(sys->spawn(actors::station, std::move(setup), billing, journal));
    by_sn[sc.stations[i].sn] = stations.back();
    caf::anon_send(registry, caf::put_atom::value, sc.stations[i].sn, stations.back());
    caf::anon_send(dispatcher, caf::put_atom::value, sc.stations[i].sn, stations.back());
  }
  setups = {};
  // One table of the stations that every rider indexes (a rider holds no SNs or handles of its own).
  auto table = std::make_shared<std::vector<actors::station_ref>>();
  for (std::size_t i = 0; i < sc.stations.size(); ++i) table->push_back(actors::station_ref{sc.stations[i].sn, stations[i]});
  for (std::size_t pi = 0; pi < sc.populations.size(); ++pi) {
    const auto& pop = sc.populations[pi];
    auto& plan = plans.populations[pi];
    if (plan.shared) {
      plan.shared->stations = table;
      plan.shared->registry = registry;
      plan.shared->journal = journal;
      for (auto& setup : plan.riders) {
        others.push_back(sys->spawn(actors::rider, std::move(setup)));
        riders.push_back(others.back());
      }
      plan.riders = {};  // each set-up lives in its actor now
    }
    if (pop.arrivals_per_hour > 0)
      others.push_back(sys->spawn(actors::arrivals,
                                  actors::arrivals_setup{by_sn[pop.station_sn], std::move(plan.ids), pop.model_id,
                                                         pop.arrivals_per_hour, 0.1, derive_seed(seed, 4, pi), start_ms,
                                                         journal}));
  }
}

// The hourly sample of [at, until), taken at `until`.
void sim_session::impl::sample(std::int64_t at, std::int64_t until) {
  hourly_sample h;
  h.at = twin::from_ms(at);
  for (const auto& s : stations) {
    int ready = 0, power = 0, charging = 0;
    auto& st = state_of<actors::station_state>(s);
    sample_station(st, until, ready, power, charging);
    h.ready_packs.push_back(ready);
    h.site_power_w.push_back(power);
    if (!st.st.link.online) ++h.stations_offline;
  }
  hours.push_back(std::move(h));
}

void sim_session::impl::shut_down() {
  if (!sys) return;
  for (auto& a : others) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  for (auto& a : stations) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  for (auto& a : agents) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  for (auto& a : {billing, registry, dispatcher, journal, feed})
    if (a) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  if (store) caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
  sched->run();
  sched->clock().cancel_all();
  sched->run();
  others.clear();
  riders.clear();
  stations.clear();
  agents.clear();
  feed = journal = billing = registry = dispatcher = caf::actor{};
  store = actors::store_api{};
  sys.reset();
  sched = nullptr;
}

twin::result<std::unique_ptr<sim_session>> sim_session::open(const scenario& sc, sim_options opt) {
  const std::uint64_t seed = opt.seed.value_or(sc.seed);
  const auto duration = opt.days ? milliseconds{static_cast<std::int64_t>(*opt.days * 86400000.0)} : sc.duration;
  if (duration.count() <= 0) return twin::error{twin::errc::invalid_argument, "the run must last longer than 0 days"};
  const auto start_ms = twin::to_ms(sc.start), end_ms = start_ms + duration.count();
  std::vector<std::string> station_sns;
  for (const auto& s : sc.stations) station_sns.push_back(s.sn);
  auto p = std::make_unique<impl>(sc, std::move(opt), seed, start_ms, end_ms, station_sns);
  p->set_up();
  return std::unique_ptr<sim_session>{new sim_session{std::move(p)}};
}

sim_session::sim_session(std::unique_ptr<impl> p) : impl_{std::move(p)} {}

sim_session::~sim_session() { impl_->shut_down(); }

void sim_session::advance_to(std::int64_t unix_ms) {
  auto& m = *impl_;
  if (m.finished) return;
  const std::int64_t to = std::min(unix_ms, m.end_ms);
  // Hour by hour: run to the end of the hour, then sample every station.
  while (m.hour_start_ms < m.end_ms) {
    const std::int64_t until = std::min(m.end_ms, m.hour_start_ms + 3600000);
    if (until > to) break;
    m.messages += run_until(*m.sched, actors::from_unix_ms(until));
    m.sample(m.hour_start_ms, until);
    m.hour_start_ms = until;
  }
  if (to > now_ms()) m.messages += run_until(*m.sched, actors::from_unix_ms(to));
}

std::int64_t sim_session::start_ms() const noexcept { return impl_->start_ms; }
std::int64_t sim_session::end_ms() const noexcept { return impl_->end_ms; }
std::int64_t sim_session::now_ms() const noexcept {
  return impl_->sched ? actors::to_unix_ms(impl_->sched->clock().now()) : impl_->end_ms;
}
std::uint64_t sim_session::seed() const noexcept { return impl_->seed; }
const scenario& sim_session::spec() const noexcept { return impl_->sc; }
std::int64_t sim_session::event_count() const noexcept { return impl_->event_count; }
std::size_t sim_session::station_count() const noexcept { return impl_->stations.size(); }
const twin::station& sim_session::station(std::size_t i) const {
  return state_of<actors::station_state>(impl_->stations.at(i)).st;
}
const std::map<std::string, twin::battery>& sim_session::station_packs(std::size_t i) const {
  return state_of<actors::station_state>(impl_->stations.at(i)).packs;
}
const std::unordered_map<std::string, twin::rider>& sim_session::accounts() const {
  return state_of<actors::billing_state>(impl_->billing).riders;
}
std::vector<held_pack> sim_session::held_packs() const {
  std::vector<held_pack> out;
  out.reserve(impl_->riders.size());
  for (const auto& r : impl_->riders) {
    const auto& s = state_of<actors::rider_state>(r).setup;
    if (s.holding_sn.empty()) continue;
    out.push_back(held_pack{s.id, s.holding_sn, s.population ? s.population->model_id : std::string{}, s.holding_soh,
                            s.holding_cycles});
  }
  return out;
}
const std::map<std::int64_t, twin::work_order>& sim_session::work_orders() const {
  return state_of<actors::dispatcher_state>(impl_->dispatcher).orders;
}
std::vector<agent_snapshot> sim_session::agents() const {
  const auto& d = state_of<actors::dispatcher_state>(impl_->dispatcher);
  std::vector<agent_snapshot> out;
  for (const auto& a : impl_->agents) {
    const auto& st = state_of<actors::agent_state>(a);
    agent_snapshot v{st.setup.id, st.position, 0, true};
    auto w = d.orders.find(st.current.work_order);
    if (w != d.orders.end() && w->second.state != twin::wo_state::resolved && w->second.agent_id == v.id)
      v.work_order = w->first;
    if (auto info = d.agents.find(v.id); info != d.agents.end())
      v.on_shift = actors::on_shift(info->second, now_ms(), d.setup.utc_offset_ms);
    out.push_back(std::move(v));
  }
  return out;
}
const twin::ledger& sim_session::ledger() const { return state_of<actors::billing_state>(impl_->billing).ledger; }

twin::result<sim_output> sim_session::finish() {
  advance_to(impl_->end_ms);
  auto& m = *impl_;
  m.finished = true;
  const auto start_ms = m.start_ms, end_ms = m.end_ms;
  sim_output out;
  out.event_count = m.event_count;
  out.events = std::move(m.kept);
  std::vector<station_kpi> kpis;
  for (const auto& s : m.stations) {
    auto& st = state_of<actors::station_state>(s);
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
  out.events_digest = m.digest.hex();
  out.days = static_cast<double>(end_ms - start_ms) / 86400000.0;
  out.final_digest = final_state_digest(m.stations, m.billing);
  for (const auto& s : m.stations) {
    const auto& st = state_of<actors::station_state>(s);
    out.stations.push_back(st.st);
    for (const auto& [sn, pack] : st.packs) out.packs.push_back(pack);
  }
  std::optional<twin::error> store_failed;
  if (m.store) {
    auto flushed = flush_store(*m.sys, *m.sched, m.store);
    if (flushed) out.stored_postings = *flushed;
    else store_failed = flushed.err();
  }
  // Billing's accounts move out (it only quits from here on): a copy of 150,000 would be the
  // biggest allocation of a metro run's end.
  auto& books = state_of<actors::billing_state>(m.billing);
  out.riders.reserve(books.riders.size());
  for (auto& [id, r] : books.riders) out.riders.push_back(std::move(r));
  std::sort(out.riders.begin(), out.riders.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  out.ledger = books.ledger.release();  // moved, as the accounts: a month of metro has ~1M postings
  out.report = std::move(m.kpis).finish(m.sc, m.seed, twin::from_ms(end_ms), std::move(m.hours), std::move(kpis), m.messages);
  for (const auto& [id, w] : state_of<actors::dispatcher_state>(m.dispatcher).orders)  // still open, already late
    if (w.state != twin::wo_state::resolved && twin::sla_breached(w, twin::from_ms(end_ms))) ++out.report.network.sla_breaches;
  m.shut_down();
  if (store_failed) return *store_failed;
  return out;
}

}  // namespace swaptwin::scenarios
