#include "actors/dispatcher.hpp"

#include <limits>

#include "actors/clock.hpp"

namespace swaptwin::actors {

namespace {
using self_ptr = caf::stateful_actor<dispatcher_state>*;
constexpr std::int64_t retry_every_ms = 15 * 60 * 1000;  // look for a free agent again

void journal(self_ptr self, sim_event e) {
  if (self->state.setup.journal) self->send(self->state.setup.journal, event_atom::value, std::move(e));
}

twin::alert_kind kind_of(const std::string& text) {
  twin::alert_kind k = twin::alert_kind::station_offline;
  twin::from_string(text, k);
  return k;
}

// Sends `agent_id` to order `id` now.
void dispatch(self_ptr self, std::int64_t id, const std::string& agent_id, std::int64_t now) {
  auto& st = self->state;
  auto& w = st.orders.at(id);
  auto at = twin::from_ms(now);
  twin::advance(w, twin::wo_state::assigned, at, agent_id);
  twin::advance(w, twin::wo_state::en_route, at);
  st.busy[agent_id] = true;
  const auto& s = st.stations.at(w.station_sn);
  assignment a{id, s.sn, s.location.lat, s.location.lon, std::string{twin::to_string(w.alert)}, w.slot};
  journal(self, sim_event{now, "assigned", s.sn, agent_id, a.kind, id, now - twin::to_ms(w.opened_at), {}});
  self->send(st.agents.at(agent_id).handle, assign_atom::value, a, s.handle);
}

// Gives waiting orders, oldest first, to agents who are free now; keeps looking while some wait.
void assign_waiting(self_ptr self, std::int64_t now) {
  auto& st = self->state;
  for (auto it = st.waiting.begin(); it != st.waiting.end();) {
    auto w = st.orders.find(*it);
    if (w == st.orders.end() || w->second.state != twin::wo_state::open) {
      it = st.waiting.erase(it);
      continue;
    }
    auto who = choose_agent(st, w->second.station_sn, now);
    if (who.empty()) {
      ++it;
      continue;
    }
    dispatch(self, w->first, who, now);
    it = st.waiting.erase(it);
  }
  if (!st.waiting.empty() && !st.retry_pending) {
    st.retry_pending = true;
    self->delayed_send(self, std::chrono::milliseconds{retry_every_ms}, retry_atom::value);
  }
}

void resolve(self_ptr self, twin::work_order& w, std::int64_t now, std::int64_t repair_ms) {
  twin::advance(w, twin::wo_state::resolved, twin::from_ms(now));
  const bool breached = twin::sla_breached(w, twin::from_ms(now));
  journal(self, sim_event{now, "resolved", w.station_sn, w.agent_id, std::string{twin::to_string(w.alert)}, repair_ms,
                          breached ? 1 : 0, std::to_string(w.id)});
}
}  // namespace

bool on_shift(const agent_info& a, std::int64_t now_ms, std::int64_t offset_ms) {
  const auto local = now_ms + offset_ms;
  const auto hour = static_cast<int>(((local % 86400000) + 86400000) % 86400000 / 3600000);
  if (a.shift_start_h <= a.shift_end_h) return hour >= a.shift_start_h && hour < a.shift_end_h;
  return hour >= a.shift_start_h || hour < a.shift_end_h;  // a night shift over midnight
}

std::string choose_agent(const dispatcher_state& st, const std::string& sn, std::int64_t now_ms) {
  auto s = st.stations.find(sn);
  if (s == st.stations.end()) return {};
  auto free_now = [&](const agent_info& a) {
    auto b = st.busy.find(a.id);
    return (b == st.busy.end() || !b->second) && on_shift(a, now_ms, st.setup.utc_offset_ms);
  };
  if (auto own = st.agents.find(s->second.agent_id); own != st.agents.end() && free_now(own->second)) return own->first;
  std::string best;
  double best_m = std::numeric_limits<double>::infinity();
  for (const auto& [id, a] : st.agents) {
    if (a.region != s->second.region || !free_now(a)) continue;
    double m = twin::distance_m(st.position.at(id), s->second.location);
    if (m < best_m) best_m = m, best = id;
  }
  return best;
}

caf::behavior dispatcher(caf::stateful_actor<dispatcher_state>* self, dispatcher_setup setup) {
  auto& st = self->state;
  st.setup = std::move(setup);
  for (const auto& a : st.setup.agents) {
    st.agents[a.id] = a;
    st.position[a.id] = a.base;
  }
  for (const auto& s : st.setup.stations) st.stations[s.sn] = s;
  return {
      [=](caf::put_atom, const std::string& id, const caf::actor& handle) {  // handles arrive after spawning
        auto& st = self->state;
        if (auto a = st.agents.find(id); a != st.agents.end()) a->second.handle = handle;
        else if (auto s = st.stations.find(id); s != st.stations.end()) s->second.handle = handle;
      },
      [=](alert_atom, const alert& a) {
        auto& st = self->state;
        const auto kind = kind_of(a.kind);
        for (const auto& [id, w] : st.orders)  // one order per open problem
          if (w.station_sn == a.station_sn && w.alert == kind && w.slot == a.slot && w.state != twin::wo_state::resolved)
            return;
        auto id = st.next_id++;
        st.orders[id] = twin::open_work_order(id, a.station_sn, kind, a.slot, twin::from_ms(a.at_ms), st.setup.sla);
        journal(self, sim_event{a.at_ms, "alert", a.station_sn, {}, a.kind, id, a.slot, {}});
        st.waiting.push_back(id);
        assign_waiting(self, now_ms(self));
        if (st.orders.at(id).state == twin::wo_state::open)
          journal(self, sim_event{now_ms(self), "escalated", a.station_sn, {}, a.kind, id, 0, "no free agent"});
      },
      [=](online_atom, const std::string& sn, std::int64_t at) {
        // Back by itself: an order no agent has taken yet is closed.
        for (auto& [id, w] : self->state.orders)
          if (w.station_sn == sn && w.alert == twin::alert_kind::station_offline && w.state == twin::wo_state::open)
            resolve(self, w, at, 0);
      },
      [=](onsite_atom, std::int64_t id, const std::string&, std::int64_t at) {
        auto& w = self->state.orders.at(id);
        twin::advance(w, twin::wo_state::on_site, twin::from_ms(at));
        journal(self, sim_event{at, "on_site", w.station_sn, w.agent_id, std::string{twin::to_string(w.alert)}, at - twin::to_ms(w.opened_at), 0, std::to_string(id)});
      },
      [=](done_atom, std::int64_t id, const std::string& agent_id, std::int64_t at) {
        auto& st = self->state;
        auto& w = st.orders.at(id);
        const auto repair_ms = w.on_site_at ? at - twin::to_ms(*w.on_site_at) : 0;
        resolve(self, w, at, repair_ms);
        st.busy[agent_id] = false;
        st.position[agent_id] = st.stations.at(w.station_sn).location;
        assign_waiting(self, at);
      },
      [=](retry_atom) {
        self->state.retry_pending = false;
        assign_waiting(self, now_ms(self));
      },
  };
}

}  // namespace swaptwin::actors
