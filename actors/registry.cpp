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
        auto& e = self->state.stations[u.sn];
        e.online = u.online;
        e.ready[u.model_id] = u.ready;
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
