#include "actors/station.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <caf/event_based_actor.hpp>

#include "actors/battery.hpp"
#include "actors/clock.hpp"
#include "actors/slot.hpp"
#include "twin/authorize.hpp"
#include "twin/swap.hpp"

namespace swaptwin::actors {

using self_ptr = caf::stateful_actor<station_state>*;

twin::charge_params charge_params_for(const station_state& st, const twin::slot& sl) {
  auto it = st.capacity_wh.find(sl.model_id);
  double cap = it == st.capacity_wh.end() ? 0.0 : it->second;
  auto pack = st.packs.find(sl.battery_sn);
  if (pack != st.packs.end()) cap *= pack->second.soh;
  return twin::charge_params{cap, static_cast<double>(st.charger_power_w), st.cfg.knee_soc, st.cfg.taper_floor};
}

namespace {

twin::slot& slot_at(station_state& st, int index) { return st.st.slots[static_cast<size_t>(index - 1)]; }

void journal(self_ptr self, sim_event e) {
  if (self->state.journal) self->send(self->state.journal, event_atom::value, std::move(e));
}

// Brings every charging slot to `now`: SoC along the curve under its share of the cap; a pack that
// reached the ready SoC stops, and its slot actor is told.
void advance(self_ptr self, std::int64_t now) {
  auto& st = self->state;
  for (auto it = st.charging.begin(); it != st.charging.end();) {
    auto& sl = slot_at(st, it->first);
    auto& c = it->second;
    bool ready = false;
    if (st.cfg.exponential) {
      ready = now >= c.ready_at_ms;
      if (ready) sl.soc = 1.0;
    } else {
      const auto& p = c.params;
      double soc = twin::soc_after(p, c.alloc_w, c.soc_at, static_cast<double>(now - c.at_ms) / 1000.0);
      c.energy_wh += (soc - c.soc_at) * p.capacity_wh;
      st.energy_wh += (soc - c.soc_at) * p.capacity_wh;
      c.soc_at = soc;
      c.at_ms = now;
      sl.soc = soc;
      ready = soc >= st.cfg.ready_soc - 1e-9;
    }
    if (auto pack = st.packs.find(sl.battery_sn); pack != st.packs.end()) pack->second.soc = sl.soc;
    if (!ready) {
      ++it;
      continue;
    }
    sl.state = twin::slot_state::ready;
    sl.charge_power_w = 0;
    journal(self, sim_event{now, "ready", st.st.sn, {}, sl.battery_sn, sl.index, 0, sl.model_id});
    self->send(st.slot_actors[static_cast<size_t>(sl.index - 1)], ready_atom::value,
               slot_ready{sl.index, c.order, sl.soc, std::lround(c.energy_wh)});
    it = st.charging.erase(it);
  }
}

// Stock-out time: online with no ready pack of any model (called at every change of either).
void track_stockout(station_state& st, std::int64_t now) {
  int ready = 0;
  for (const auto& sl : st.st.slots) ready += sl.state == twin::slot_state::ready;
  const bool out = st.st.link.online && ready == 0;
  if (out && st.stockout_since_ms < 0) st.stockout_since_ms = now;
  if (!out && st.stockout_since_ms >= 0) {
    st.stockout_ms += now - st.stockout_since_ms;
    st.stockout_since_ms = -1;
  }
}

// Tells the registry when the number of ready packs of a model, or online/offline, changed.
void publish_stock(self_ptr self) {
  auto& st = self->state;
  track_stockout(st, now_ms(self));
  if (!st.registry) return;
  const bool online_changed = st.published_online != st.st.link.online;
  st.published_online = st.st.link.online;
  std::map<std::string, int> now;
  for (const auto& [model, _] : st.capacity_wh) now[model] = twin::ready_count(st.st, model);
  for (const auto& [model, n] : now) {
    auto it = st.published.find(model);
    if (!online_changed && it != st.published.end() && it->second == n) continue;
    st.published[model] = n;
    self->send(st.registry, stock_atom::value, stock_update{st.st.sn, model, n, st.st.link.online});
  }
}

// Shares the site cap among the charging slots (what each accepts now) and records the load.
void allocate(station_state& st) {
  std::vector<double> demand;
  for (const auto& [index, c] : st.charging) {
    demand.push_back(st.cfg.exponential ? st.charger_power_w : twin::accepted_power_w(c.params, c.soc_at));
  }
  auto alloc = st.cfg.exponential ? demand : twin::share_power(st.st.desired.power_cap_w, demand);
  double total = 0;
  size_t i = 0;
  for (auto& [index, c] : st.charging) {
    c.alloc_w = alloc[i];
    double draw = std::min(alloc[i], demand[i]);
    st.st.slots[static_cast<size_t>(index - 1)].charge_power_w = static_cast<int>(std::lround(draw));
    total += draw;
    ++i;
  }
  st.site_power_w = total;
  st.peak_power_w = std::max(st.peak_power_w, static_cast<int>(std::lround(total)));
}

// Schedules the site's one next charging event (a pack turning ready); stale ones are ignored by
// generation.
void schedule(self_ptr self, std::int64_t now) {
  auto& st = self->state;
  std::int64_t next = std::numeric_limits<std::int64_t>::max();
  for (const auto& [index, c] : st.charging) {
    if (st.cfg.exponential) {
      next = std::min(next, c.ready_at_ms);
      continue;
    }
    double s = twin::seconds_to_soc(c.params, c.alloc_w, c.soc_at, st.cfg.ready_soc);
    if (std::isfinite(s)) next = std::min(next, c.at_ms + static_cast<std::int64_t>(std::ceil(s * 1000.0)));
  }
  ++st.generation;
  if (next == std::numeric_limits<std::int64_t>::max()) return;
  self->delayed_send(self, std::chrono::milliseconds{std::max<std::int64_t>(next - now, 0)}, charged_atom::value,
                     st.generation);
}

// The site's load changed: share the cap again and plan the next event.
void rebalance(self_ptr self, std::int64_t now) {
  allocate(self->state);
  schedule(self, now);
}

const caf::actor& slot_actor(station_state& st, int index) { return st.slot_actors[static_cast<size_t>(index - 1)]; }

// A pack in `index` starts charging from `soc` now, under a new order its slot actor is told.
void start_charging(self_ptr self, int index, double soc, std::int64_t now) {
  auto& st = self->state;
  slot_charge c;
  c.params = charge_params_for(st, slot_at(st, index));
  c.soc_at = soc;
  c.at_ms = now;
  c.order = ++st.orders;
  if (st.cfg.exponential) {
    std::exponential_distribution<double> d{1.0 / st.cfg.exp_mean_s};
    c.ready_at_ms = now + static_cast<std::int64_t>(std::ceil(d(st.rng) * 1000.0));
  }
  st.charging[index] = c;
  const auto& sn = slot_at(st, index).battery_sn;
  auto pack = st.pack_actors.find(sn);
  self->send(slot_actor(st, index), charge_atom::value,
             charge_order{c.order, sn, pack == st.pack_actors.end() ? caf::actor{} : pack->second, soc});
}

// The slot is cut off (fault, retired pack): its order ends; a slot not charging is just out of order.
void stop_charging(self_ptr self, int index) {
  auto& st = self->state;
  auto it = st.charging.find(index);
  if (it == st.charging.end()) {
    self->send(slot_actor(st, index), fault_atom::value, true);
    return;
  }
  self->send(slot_actor(st, index), stop_atom::value,
             slot_ready{index, it->second.order, it->second.soc_at, std::lround(it->second.energy_wh)});
  st.charging.erase(it);
  slot_at(st, index).charge_power_w = 0;
}

// The pack's battery actor, made on first sight of a pack the twin does not know yet.
caf::actor pack_actor(self_ptr self, const twin::battery& b, const caf::actor& known) {
  if (known) return known;
  return self->spawn(battery, battery_setup{b, self->state.retire_below_soh});
}

void report_pack(self_ptr self, const caf::actor& pack, const char* kind, const twin::battery& b, int slot,
                 const std::string& rider, std::int64_t energy_wh, std::int64_t now) {
  if (pack)
    self->send(pack, pack_atom::value,
               pack_report{kind, self->state.st.sn, slot, rider, b.soc, b.soh, b.cycles, energy_wh, now});
}

// A refused swap, journalled; `code` is a twin::errc code string (billing answers with those).
swap_result refusal(self_ptr self, const swap_request& req, const std::string& code, const std::string& detail,
                    std::int64_t now) {
  auto& st = self->state;
  swap_result r{st.st.sn, code, detail, {}, 0, 1, 0, 0, 0, {}, {}};
  journal(self, sim_event{now, "refused", st.st.sn, req.rider_id, code, 0, 0, detail});
  return r;
}

swap_result refusal(self_ptr self, const swap_request& req, twin::errc why, const std::string& detail,
                    std::int64_t now) {
  return refusal(self, req, std::string{twin::code_string(why)}, detail, now);
}

// Its battery actor says the pack is worn out: it stays in its slot out of service until an agent
// takes it away.
void retire(self_ptr self, const std::string& sn) {
  auto& st = self->state;
  const auto now = now_ms(self);
  auto sl = std::find_if(st.st.slots.begin(), st.st.slots.end(), [&](const twin::slot& x) { return x.battery_sn == sn; });
  if (sl == st.st.slots.end() || st.faulted.count(sl->index)) return;
  advance(self, now);
  stop_charging(self, sl->index);
  st.faulted[sl->index] = twin::slot_state::empty;  // what the slot is once the pack is gone
  sl->state = twin::slot_state::fault;
  journal(self, sim_event{now, "retired", st.st.sn, {}, sn, sl->index, 0, {}});
  if (st.dispatcher) self->send(st.dispatcher, alert_atom::value, alert{st.st.sn, "pack_retired", sl->index, now});
  rebalance(self, now);
  publish_stock(self);
}

// After billing said yes: re-check the station as it is now, move the packs, restart charging.
// Returns the settle request to send, or a refusal.
caf::variant<settle_request, swap_result> move_packs(self_ptr self, const swap_request& req, std::int64_t now) {
  auto& st = self->state;
  advance(self, now);
  const bool returning = !req.returned_sn.empty();
  if (auto d = twin::authorize_station(st.st, returning, req.model_id); !d.allowed())
    return refusal(self, req, d.reason, d.detail, now);
  auto slots = twin::choose_slots(st.st, req.model_id, returning);
  if (!slots) return refusal(self, req, slots.code(), slots.err().detail, now);
  auto out_sn = slot_at(st, slots->slot_out).battery_sn;
  twin::battery issued;
  if (auto known = st.packs.find(out_sn); known != st.packs.end()) issued = known->second;
  issued.sn = out_sn;
  issued.model_id = req.model_id;
  st.packs.erase(out_sn);
  caf::actor issued_actor;
  if (auto a = st.pack_actors.find(out_sn); a != st.pack_actors.end()) {
    issued_actor = std::move(a->second);
    st.pack_actors.erase(a);
  }
  twin::battery returned;
  returned.sn = req.returned_sn;
  returned.model_id = req.model_id;
  returned.soc = req.taken_soc;
  returned.soh = req.returned_soh;
  returned.cycles = req.returned_cycles;
  // A pack new to the twin gets its battery actor as it was before this docking.
  auto returned_actor = returning ? pack_actor(self, returned, req.returned_pack) : caf::actor{};
  const int capacity = st.capacity_wh.count(req.model_id) ? st.capacity_wh.at(req.model_id) : 0;
  const auto drawn = returning ? twin::energy_drawn_wh(capacity, returned.soh, req.taken_soc, req.returned_soc) : 0;
  twin::apply_swap(st.st, *slots, returning ? &returned : nullptr, req.returned_soc, capacity, issued, req.rider_id,
                   st.soh_loss_per_cycle);
  st.last_issued = issued;
  st.last_issued_actor = issued_actor;
  self->send(slot_actor(st, slots->slot_out), release_atom::value);
  report_pack(self, issued_actor, "released", issued, 0, req.rider_id, 0, now);
  if (returning) {
    st.packs[returned.sn] = returned;
    st.pack_actors[returned.sn] = returned_actor;
    start_charging(self, slots->slot_in, req.returned_soc, now);
    report_pack(self, returned_actor, "docked", st.packs[returned.sn], slots->slot_in, req.rider_id, drawn, now);
  }
  rebalance(self, now);
  publish_stock(self);
  journal(self, sim_event{now, "swap", st.st.sn, req.rider_id, req.model_id, slots->slot_out, drawn, issued.sn});
  return settle_request{req.rider_id, st.st.sn, req.model_id, req.returned_sn, drawn, issued.sn, now, req.key};
}

// Keeps the answer for a resent request, and forgets answers older than the window (a station
// would otherwise hold one per rider it ever served).
void remember(station_state& st, const std::string& rider, const std::string& key, const swap_result& r,
              std::int64_t now) {
  st.answered[rider] = answered_swap{key, r, now};
  st.answered_order.emplace_back(now, rider);
  while (!st.answered_order.empty() && st.answered_order.front().first < now - answer_window_ms) {
    auto it = st.answered.find(st.answered_order.front().second);
    if (it != st.answered.end() && it->second.at_ms == st.answered_order.front().first) st.answered.erase(it);
    st.answered_order.pop_front();
  }
}

// ---- liveness ------------------------------------------------------------------------------

void arm_deadline(self_ptr self, std::int64_t now) {
  auto& st = self->state;
  const auto due = st.last_seen_ms + st.timeout_ms;
  self->delayed_send(self, std::chrono::milliseconds{std::max<std::int64_t>(due - now, 0)}, deadline_atom::value,
                     ++st.deadline_generation);
}

// Every message from the cabinet renews its liveness; an offline station comes back.
void on_beat(self_ptr self) {
  auto& st = self->state;
  if (!st.link_up) return;  // nothing arrives over a dead link
  const auto now = now_ms(self);
  st.last_seen_ms = now;
  st.st.link.last_seen = twin::from_ms(now);
  if (st.st.link.online) return;
  st.st.link.online = true;
  st.link_changed_ms = now;
  journal(self, sim_event{now, "online", st.st.sn, {}, {}, 0, 0, {}});
  if (st.dispatcher) self->send(st.dispatcher, online_atom::value, st.st.sn, now);
  publish_stock(self);
  arm_deadline(self, now);
}

// The deadline passed with no message: offline, alert, hide it from riders.
void on_deadline(self_ptr self, std::uint64_t generation) {
  auto& st = self->state;
  if (generation != st.deadline_generation || !st.st.link.online) return;
  const auto now = now_ms(self);
  if (now < st.last_seen_ms + st.timeout_ms) {  // renewed since this timer was armed
    arm_deadline(self, now);
    return;
  }
  st.st.link.online = false;
  st.link_changed_ms = now;
  const auto delay = st.link_down_at_ms >= 0 ? now - st.link_down_at_ms : 0;
  journal(self, sim_event{now, "offline", st.st.sn, {}, {}, delay, 0, {}});
  if (st.dispatcher) self->send(st.dispatcher, alert_atom::value, alert{st.st.sn, "station_offline", 0, now});
  publish_stock(self);
}

// Live: the cabinet's socket closed. A closed socket is proof the link is gone, so the station is
// offline now rather than at its deadline (the pending deadline finds it offline and does nothing).
void on_disconnect(self_ptr self) {
  auto& st = self->state;
  if (!st.st.link.online) return;
  const auto now = now_ms(self);
  st.st.link.online = false;
  st.link_changed_ms = now;
  journal(self, sim_event{now, "offline", st.st.sn, {}, {}, 0, 0, "closed"});
  if (st.dispatcher) self->send(st.dispatcher, alert_atom::value, alert{st.st.sn, "station_offline", 0, now});
  publish_stock(self);
}

// ---- faults and repairs ------------------------------------------------------------------------

void on_fault(self_ptr self, const fault& f) {
  auto& st = self->state;
  const auto now = now_ms(self);
  if (f.kind == "link_outage") {
    if (!st.link_up) return;
    st.link_up = false;
    st.link_down_at_ms = now;
    journal(self, sim_event{now, "link_down", st.st.sn, {}, {}, f.duration_ms, 0, {}});
    if (f.duration_ms > 0) self->delayed_send(self, std::chrono::milliseconds{f.duration_ms}, link_atom::value);
    return;
  }
  if (f.slot < 1 || f.slot > static_cast<int>(st.st.slots.size()) || st.faulted.count(f.slot)) return;
  advance(self, now);
  auto& sl = slot_at(st, f.slot);
  st.faulted[f.slot] = sl.state;
  sl.state = twin::slot_state::fault;
  stop_charging(self, f.slot);
  rebalance(self, now);
  publish_stock(self);
  journal(self, sim_event{now, "fault", st.st.sn, {}, f.kind, f.slot, 0, {}});
  // The cabinet reports the alarm when its link is up; otherwise the offline alert covers it.
  if (st.dispatcher && st.link_up) self->send(st.dispatcher, alert_atom::value, alert{st.st.sn, f.kind, f.slot, now});
}

void link_restored(self_ptr self) {
  auto& st = self->state;
  if (st.link_up) return;
  st.link_up = true;
  journal(self, sim_event{now_ms(self), "link_up", st.st.sn, {}, {}, 0, 0, {}});
  on_beat(self);  // the cabinet reconnects and says so at once
}

void on_repair(self_ptr self, const std::string& kind, int slot) {
  auto& st = self->state;
  const auto now = now_ms(self);
  if (kind == "station_offline" || kind == "link_outage") {
    link_restored(self);
    return;
  }
  auto it = st.faulted.find(slot);
  if (it == st.faulted.end()) return;
  st.faulted.erase(it);
  advance(self, now);
  auto& sl = slot_at(st, slot);
  if (kind == "pack_retired") {  // the agent takes the worn pack away
    self->send(slot_actor(st, slot), release_atom::value);
    if (auto a = st.pack_actors.find(sl.battery_sn); a != st.pack_actors.end()) {
      report_pack(self, a->second, "removed", st.packs[sl.battery_sn], slot, {}, 0, now);
      st.pack_actors.erase(a);
    }
    st.packs.erase(sl.battery_sn);
    sl = twin::slot{sl.index, twin::slot_state::empty, false, {}, {}, 0.0, 0};
  }
  if (sl.battery_sn.empty() || sl.soc >= st.cfg.ready_soc) {
    sl.state = sl.battery_sn.empty() ? twin::slot_state::empty : twin::slot_state::ready;
    if (kind != "pack_retired") self->send(slot_actor(st, slot), fault_atom::value, false);
  } else {
    sl.state = twin::slot_state::charging;
    start_charging(self, slot, sl.soc, now);
  }
  rebalance(self, now);
  publish_stock(self);
  journal(self, sim_event{now, "repaired", st.st.sn, {}, kind, slot, 0, {}});
}

}  // namespace

caf::behavior station(caf::stateful_actor<station_state>* self, station_setup setup, caf::actor billing,
                      caf::actor journal) {
  auto& st = self->state;
  st.st = std::move(setup.station);
  for (auto& b : setup.packs) st.packs.emplace(b.sn, std::move(b));
  st.capacity_wh = std::move(setup.capacity_wh);
  st.charger_power_w = setup.charger_power_w;
  st.cfg = setup.charging;
  st.rng.seed(setup.seed);
  st.billing = std::move(billing);
  st.journal = std::move(journal);
  st.registry = std::move(setup.registry);
  st.dispatcher = std::move(setup.dispatcher);
  st.heartbeat_ms = setup.heartbeat_ms;
  st.timeout_ms = setup.heartbeat_ms * setup.offline_after_beats;
  st.soh_loss_per_cycle = setup.soh_loss_per_cycle;
  st.retire_below_soh = setup.retire_below_soh;
  for (const auto& [sn, b] : st.packs) st.pack_actors.emplace(sn, self->spawn(battery, battery_setup{b, st.retire_below_soh}));
  for (const auto& sl : st.st.slots) {
    auto pack = st.pack_actors.find(sl.battery_sn);
    st.slot_actors.push_back(self->spawn(slot, slot_setup{sl.index, st.st.sn, sl.state, sl.battery_sn,
                                                          pack == st.pack_actors.end() ? caf::actor{} : pack->second}));
  }
  // Packs below the ready SoC at the start are charging.
  const auto start = now_ms(self);
  for (auto& sl : st.st.slots) {
    if (sl.battery_sn.empty()) continue;
    if (sl.soc >= st.cfg.ready_soc && !st.cfg.exponential) sl.state = twin::slot_state::ready;
    else if (sl.state != twin::slot_state::ready) {
      sl.state = twin::slot_state::charging;
      start_charging(self, sl.index, sl.soc, start);
    }
  }
  rebalance(self, start);
  publish_stock(self);
  st.last_seen_ms = start;
  st.published_online = st.st.link.online;
  arm_deadline(self, start);
  if (setup.simulate_cabinet && st.heartbeat_ms > 0)
    self->delayed_send(self, std::chrono::milliseconds{st.heartbeat_ms}, beat_atom::value, std::uint64_t{0});
  for (const auto& [at, f] : setup.faults)
    self->delayed_send(self, std::chrono::milliseconds{std::max<std::int64_t>(at - start, 0)}, fault_atom::value, f);
  return {
      [=](beat_atom) { on_beat(self); },
      [=](beat_atom, std::uint64_t) {  // the simulated cabinet's own heartbeat timer
        on_beat(self);
        self->delayed_send(self, std::chrono::milliseconds{self->state.heartbeat_ms}, beat_atom::value, std::uint64_t{0});
      },
      [=](deadline_atom, std::uint64_t generation) { on_deadline(self, generation); },
      [=](disconnect_atom) { on_disconnect(self); },
      [=](status_atom) {
        const auto& st = self->state;
        return station_status{st.st.sn, st.st.link.online, st.last_seen_ms, st.link_changed_ms};
      },
      [=](fault_atom, const fault& f) { on_fault(self, f); },
      [=](link_atom) { link_restored(self); },
      [=](repair_atom, const std::string& kind, int slot) { on_repair(self, kind, slot); },
      [=](charged_atom, std::uint64_t generation) {
        if (generation != self->state.generation) return;  // superseded by a later load change
        auto now = now_ms(self);
        advance(self, now);
        rebalance(self, now);
        publish_stock(self);
      },
      [=](retire_atom, const std::string& sn) { retire(self, sn); },
      [=](swap_atom, const swap_request& req) -> caf::result<swap_result> {
        auto& st = self->state;
        auto now = now_ms(self);
        if (auto seen = st.answered.find(req.rider_id);
            !req.key.empty() && seen != st.answered.end() && seen->second.key == req.key)
          return seen->second.result;
        if (!st.link_up)  // the app may still show it online, but the cabinet cannot reach the back end
          return refusal(self, req, twin::errc::station_offline, "station " + st.st.sn + " cannot reach the back end", now);
        if (auto d = twin::authorize_station(st.st, !req.returned_sn.empty(), req.model_id); !d.allowed())
          return refusal(self, req, d.reason, d.detail, now);
        auto rp = self->make_response_promise<swap_result>();
        self->request(st.billing, caf::infinite, authorize_atom::value, authorize_request{req.rider_id, req.model_id, now})
            .then([=](authorize_result& ar) mutable {
              auto at = now_ms(self);
              if (ar.reason != "ok") {
                rp.deliver(refusal(self, req, ar.reason, ar.detail, at));
                return;
              }
              auto moved = move_packs(self, req, at);
              if (auto* refused = caf::get_if<swap_result>(&moved)) {
                rp.deliver(*refused);
                return;
              }
              auto settle = caf::get<settle_request>(moved);
              const auto issued = self->state.last_issued;
              const auto issued_actor = self->state.last_issued_actor;
              self->request(self->state.billing, caf::infinite, settle_atom::value, settle)
                  .then([=](settle_result& sr) mutable {
                    swap_result r{self->state.st.sn, "ok", {}, settle.issued_sn, issued.soc, issued.soh,
                                  issued.cycles, sr.net_minor, sr.tax_minor, sr.currency, issued_actor};
                    remember(self->state, req.rider_id, req.key, r, now_ms(self));
                    rp.deliver(r);
                  });
            });
        return rp;
      },
  };
}

}  // namespace swaptwin::actors
