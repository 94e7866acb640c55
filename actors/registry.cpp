#include "actors/registry.hpp"

#include <algorithm>

#include <caf/atom.hpp>

namespace swaptwin::actors {

namespace {
using self_ptr = caf::stateful_actor<registry_state>*;

board_entry& entry(registry_state& st, const std::string& sn) {
  auto [it, added] = st.index.try_emplace(sn, static_cast<std::uint32_t>(st.stations.size()));
  if (added) st.stations.emplace_back();
  return st.stations[it->second];
}

board_entry* find_entry(registry_state& st, const std::string& sn) {
  auto it = st.index.find(sn);
  return it == st.index.end() ? nullptr : &st.stations[it->second];
}

std::uint16_t model_number(registry_state& st, const std::string& id) {
  for (std::size_t i = 0; i < st.models.size(); ++i)
    if (st.models[i] == id) return static_cast<std::uint16_t>(i);
  st.models.push_back(id);
  return static_cast<std::uint16_t>(st.models.size() - 1);
}

int& ready_of(board_entry& e, std::uint16_t model) {
  for (auto& [m, n] : e.ready)
    if (m == model) return n;
  return e.ready.emplace_back(model, 0).second;
}

waiting_list& waiting_for(board_entry& e, std::uint16_t model) {
  for (auto& [m, list] : e.waiting)
    if (m == model) return list;
  return e.waiting.emplace_back(model, waiting_list{}).second;
}

bool stale(const registry_state& st, const std::pair<std::uint32_t, std::uint32_t>& listing) {
  const auto& who = st.waiters[listing.first];
  return !who.active || who.generation != listing.second;
}

// Wakes the riders waiting at a station for the model, as many as there are packs, oldest first,
// dropping the listings of riders already woken elsewhere on the way.
void wake(self_ptr self, waiting_list& list, int ready) {
  auto& st = self->state;
  while (ready > 0 && !list.empty()) {
    const auto [id, generation] = list.front();
    list.pop_front();
    if (stale(st, {id, generation})) continue;
    auto& who = st.waiters[id];
    who.active = false;
    self->send(who.rider, retry_atom::value, who.search);
    who.rider = nullptr;
    st.free_waiters.push_back(id);
    --ready;
  }
}

// Drops stale listings once a list has doubled, so stations that rarely get stock do not collect
// the listings of riders long served elsewhere (amortised: each listing is looked at O(1) times).
void listed(registry_state& st, waiting_list& list, std::pair<std::uint32_t, std::uint32_t> listing) {
  list.push_back(listing);
  const auto n = list.size();
  if (n < 64 || (n & (n - 1)) != 0) return;
  list.erase(std::remove_if(list.begin(), list.end(), [&](const auto& l) { return stale(st, l); }), list.end());
}
}  // namespace

caf::behavior registry(caf::stateful_actor<registry_state>* self, std::size_t expected_stations) {
  self->state.index.reserve(expected_stations);
  self->state.stations.reserve(expected_stations);
  return {
      [=](caf::put_atom, const std::string& sn, const caf::actor& handle) { entry(self->state, sn).handle = handle; },
      [=](stock_atom, const stock_update& u) {
        auto& st = self->state;
        auto& e = entry(st, u.sn);
        const auto model = model_number(st, u.model_id);
        e.online = u.online;
        ready_of(e, model) = u.ready;
        if (!u.online || u.ready <= 0 || e.waiting.empty()) return;
        wake(self, waiting_for(e, model), u.ready);
      },
      [=](wait_atom, const find_request& q, const caf::actor& rider, std::uint64_t search) {
        auto& st = self->state;
        const auto model = model_number(st, q.model_id);
        auto id = static_cast<std::uint32_t>(st.waiters.size());
        if (!st.free_waiters.empty()) {
          id = st.free_waiters.back();
          st.free_waiters.pop_back();
          auto& w = st.waiters[id];
          w = waiter{rider, model, search, true, w.generation + 1};
        } else {
          st.waiters.push_back(waiter{rider, model, search, true, 0});
        }
        for (const auto& sn : q.candidates) listed(st, waiting_for(entry(st, sn), model), {id, st.waiters[id].generation});
      },
      [=](find_atom, const find_request& q) -> int {
        auto& st = self->state;
        const auto model = model_number(st, q.model_id);
        for (size_t i = 0; i < q.candidates.size(); ++i) {
          auto* e = find_entry(st, q.candidates[i]);
          if (!e || !e->online) continue;
          int& ready = ready_of(*e, model);
          if (ready > 0) {
            // The app counts the rider it sends there, so the next rider sees one pack fewer until the
            // station reports again (without this, everyone near one ready pack rides to it).
            --ready;
            return static_cast<int>(i);
          }
        }
        return -1;
      },
      [=](caf::get_atom, const std::string& sn) -> caf::actor {
        auto* e = find_entry(self->state, sn);
        return e ? e->handle : caf::actor{};
      },
  };
}

}  // namespace swaptwin::actors
