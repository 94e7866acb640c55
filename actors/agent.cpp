#include "actors/agent.hpp"

#include <cmath>

#include "actors/clock.hpp"

namespace swaptwin::actors {

caf::behavior agent(caf::stateful_actor<agent_state>* self, agent_setup setup) {
  self->state.setup = std::move(setup);
  self->state.position = self->state.setup.base;
  return {
      [=](assign_atom, const assignment& a, const caf::actor& station) {
        auto& st = self->state;
        st.current = a;
        st.station = station;
        const double metres = twin::distance_m(st.position, twin::geo_point{a.lat, a.lon});
        const auto travel_ms = static_cast<std::int64_t>(std::ceil(metres / std::max(st.setup.speed_mps, 0.1) * 1000.0));
        self->delayed_send(self, std::chrono::milliseconds{travel_ms}, onsite_atom::value, a.work_order);
      },
      [=](onsite_atom, std::int64_t order) {
        auto& st = self->state;
        st.position = twin::geo_point{st.current.lat, st.current.lon};
        self->send(st.setup.dispatcher, onsite_atom::value, order, st.setup.id, now_ms(self));
        const auto repair_ms = static_cast<std::int64_t>(std::ceil(st.setup.repair_s * 1000.0));
        self->delayed_send(self, std::chrono::milliseconds{repair_ms}, done_atom::value, order);
      },
      [=](done_atom, std::int64_t order) {
        auto& st = self->state;
        if (st.station) self->send(st.station, repair_atom::value, st.current.kind, st.current.slot);
        self->send(st.setup.dispatcher, done_atom::value, order, st.setup.id, now_ms(self));
      },
  };
}

}  // namespace swaptwin::actors
