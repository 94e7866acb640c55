#include "actors/station.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <caf/event_based_actor.hpp>

#include "actors/clock.hpp"
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

// Brings every charging slot to `now`: SoC along the curve under its allocation; ready ones stop.
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
      auto p = charge_params_for(st, sl);
      double soc = twin::soc_after(p, c.alloc_w, c.soc_at, static_cast<double>(now - c.at_ms) / 1000.0);
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
    it = st.charging.erase(it);
  }
}

// Tells the registry when the number of ready packs of a model changed.
void publish_stock(self_ptr self) {
  auto& st = self->state;
  if (!st.registry) return;
  std::map<std::string, int> now;
  for (const auto& [model, _] : st.capacity_wh) now[model] = twin::ready_count(st.st, model);
  for (const auto& [model, n] : now) {
    auto it = st.published.find(model);
    if (it != st.published.end() && it->second == n) continue;
    st.published[model] = n;
    self->send(st.registry, stock_atom::value, stock_update{st.st.sn, model, n, st.st.link.online});
  }
}

// Shares the site cap among the charging slots (what each accepts now) and records the load.
void allocate(station_state& st) {
  std::vector<double> demand;
  for (const auto& [index, c] : st.charging) {
    const auto& sl = st.st.slots[static_cast<size_t>(index - 1)];
    demand.push_back(st.cfg.exponential ? st.charger_power_w : twin::accepted_power_w(charge_params_for(st, sl), c.soc_at));
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

// Schedules the one next charging event (a pack turning ready); stale ones are ignored by generation.
void schedule(self_ptr self, std::int64_t now) {
  auto& st = self->state;
  std::int64_t next = std::numeric_limits<std::int64_t>::max();
  for (const auto& [index, c] : st.charging) {
    if (st.cfg.exponential) {
      next = std::min(next, c.ready_at_ms);
      continue;
    }
    const auto& sl = st.st.slots[static_cast<size_t>(index - 1)];
    double s = twin::seconds_to_soc(charge_params_for(st, sl), c.alloc_w, c.soc_at, st.cfg.ready_soc);
    if (std::isfinite(s)) next = std::min(next, c.at_ms + static_cast<std::int64_t>(std::ceil(s * 1000.0)));
  }
  ++st.generation;
  if (next == std::numeric_limits<std::int64_t>::max()) return;
  self->delayed_send(self, std::chrono::milliseconds{std::max<std::int64_t>(next - now, 0)}, charged_atom::value,
                     st.generation);
}

// A pack went into `index` at `soc` now: it starts charging.
void start_charging(station_state& st, int index, double soc, std::int64_t now) {
  slot_charge c;
  c.soc_at = soc;
  c.at_ms = now;
  if (st.cfg.exponential) {
    std::exponential_distribution<double> d{1.0 / st.cfg.exp_mean_s};
    c.ready_at_ms = now + static_cast<std::int64_t>(std::ceil(d(st.rng) * 1000.0));
  }
  st.charging[index] = c;
}

swap_result refusal(self_ptr self, const swap_request& req, twin::errc why, const std::string& detail,
                    std::int64_t now) {
  auto& st = self->state;
  swap_result r{st.st.sn, std::string{twin::code_string(why)}, detail, {}, 0, 0, 0, {}};
  journal(self, sim_event{now, "refused", st.st.sn, req.rider_id, r.reason, 0, 0, detail});
  return r;
}

swap_result refusal(self_ptr self, const swap_request& req, const std::string& code, const std::string& detail,
                    std::int64_t now) {
  auto& st = self->state;
  swap_result r{st.st.sn, code, detail, {}, 0, 0, 0, {}};
  journal(self, sim_event{now, "refused", st.st.sn, req.rider_id, code, 0, 0, detail});
  return r;
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
  twin::battery returned;
  returned.sn = req.returned_sn;
  returned.model_id = req.model_id;
  returned.soc = req.taken_soc;
  const int capacity = st.capacity_wh.count(req.model_id) ? st.capacity_wh.at(req.model_id) : 0;
  const auto drawn = returning ? twin::energy_drawn_wh(capacity, returned.soh, req.taken_soc, req.returned_soc) : 0;
  twin::apply_swap(st.st, *slots, returning ? &returned : nullptr, req.returned_soc, capacity, issued, req.rider_id);
  st.last_issued_soc = issued.soc;
  if (returning) {
    st.packs[returned.sn] = returned;
    start_charging(st, slots->slot_in, req.returned_soc, now);
  }
  allocate(st);
  schedule(self, now);
  publish_stock(self);
  journal(self, sim_event{now, "swap", st.st.sn, req.rider_id, req.model_id, slots->slot_out, drawn, issued.sn});
  return settle_request{req.rider_id, st.st.sn, req.model_id, req.returned_sn, drawn, issued.sn, now, req.key};
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
  // Packs below the ready SoC at the start are charging.
  const auto start = now_ms(self);
  for (auto& sl : st.st.slots) {
    if (sl.battery_sn.empty()) continue;
    if (sl.soc >= st.cfg.ready_soc && !st.cfg.exponential) sl.state = twin::slot_state::ready;
    else if (sl.state != twin::slot_state::ready) {
      sl.state = twin::slot_state::charging;
      start_charging(st, sl.index, sl.soc, start);
    }
  }
  allocate(st);
  schedule(self, start);
  publish_stock(self);
  return {
      [=](charged_atom, std::uint64_t generation) {
        if (generation != self->state.generation) return;  // superseded by a later load change
        auto now = now_ms(self);
        advance(self, now);
        allocate(self->state);
        schedule(self, now);
        publish_stock(self);
      },
      [=](swap_atom, const swap_request& req) -> caf::result<swap_result> {
        auto& st = self->state;
        auto now = now_ms(self);
        if (auto seen = st.answered.find(req.key); !req.key.empty() && seen != st.answered.end()) return seen->second;
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
              const double issued_soc = self->state.last_issued_soc;
              self->request(self->state.billing, caf::infinite, settle_atom::value, settle)
                  .then([=](settle_result& sr) mutable {
                    swap_result r{self->state.st.sn, "ok", {}, settle.issued_sn, issued_soc, sr.net_minor, sr.tax_minor,
                                  sr.currency};
                    self->state.answered[req.key] = r;
                    rp.deliver(r);
                  });
            });
        return rp;
      },
  };
}

}  // namespace swaptwin::actors
