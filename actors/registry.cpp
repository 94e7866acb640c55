#include "actors/registry.hpp"

#include <caf/atom.hpp>

namespace swaptwin::actors {

caf::behavior registry(caf::stateful_actor<registry_state>* self, std::size_t expected_stations) {
  self->state.stations.reserve(expected_stations);
  return {
      [=](caf::put_atom, const std::string& sn, const caf::actor& handle) {
        self->state.stations[sn].handle = handle;
      },
      [=](stock_atom, const stock_update& u) {
        auto& st = self->state;
        auto& e = st.stations[u.sn];
        e.online = u.online;
        e.ready[u.model_id] = u.ready;
        if (!u.online || u.ready <= 0) return;
        auto w = st.waiting_at.find(u.sn);
        if (w == st.waiting_at.end()) return;
        // Wake the riders waiting here for this model, as many as there are packs, oldest first.
        int left = u.ready;
        auto& ids = w->second;
        for (auto it = ids.begin(); it != ids.end() && left > 0;) {
          auto& who = st.waiters[it->first];
          if (!who.active || who.generation != it->second) {
            it = ids.erase(it);
            continue;
          }
          if (who.model_id != u.model_id) {
            ++it;
            continue;
          }
          who.active = false;
          self->send(who.rider, retry_atom::value, who.search);
          who.rider = nullptr;
          st.free_waiters.push_back(it->first);
          --left;
          it = ids.erase(it);
        }
      },
      [=](wait_atom, const find_request& q, const caf::actor& rider, std::uint64_t search) {
        auto& st = self->state;
        std::size_t id = st.waiters.size();
        if (!st.free_waiters.empty()) {
          id = st.free_waiters.back();
          st.free_waiters.pop_back();
          auto& w = st.waiters[id];
          w = waiter{rider, q.model_id, search, true, w.generation + 1};
        } else {
          st.waiters.push_back(waiter{rider, q.model_id, search, true, 0});
        }
        for (const auto& sn : q.candidates) st.waiting_at[sn].emplace_back(id, st.waiters[id].generation);
      },
      [=](find_atom, const find_request& q) -> int {
        auto& board = self->state.stations;
        for (size_t i = 0; i < q.candidates.size(); ++i) {
          auto it = board.find(q.candidates[i]);
          if (it == board.end() || !it->second.online) continue;
          auto r = it->second.ready.find(q.model_id);
          if (r != it->second.ready.end() && r->second > 0) {
            // The app counts the rider it sends there, so the next rider sees one pack fewer until the
            // station reports again (without this, everyone near one ready pack rides to it).
            --r->second;
            return static_cast<int>(i);
          }
        }
        return -1;
      },
      [=](caf::get_atom, const std::string& sn) -> caf::actor {
        auto it = self->state.stations.find(sn);
        return it == self->state.stations.end() ? caf::actor{} : it->second.handle;
      },
  };
}

}  // namespace swaptwin::actors
