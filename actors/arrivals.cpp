#include "actors/arrivals.hpp"

#include <cmath>

#include "actors/clock.hpp"

namespace swaptwin::actors {

namespace {
void schedule_next(caf::stateful_actor<arrivals_state>* self) {
  auto& st = self->state;
  std::exponential_distribution<double> gap_h{st.setup.rate_per_hour};
  auto ms = static_cast<std::int64_t>(std::ceil(gap_h(st.rng) * 3600.0 * 1000.0));
  self->delayed_send(self, std::chrono::milliseconds{ms}, arrive_atom::value);
}
}  // namespace

caf::behavior arrivals(caf::stateful_actor<arrivals_state>* self, arrivals_setup setup) {
  self->state.setup = std::move(setup);
  self->state.rng.seed(self->state.setup.seed);
  schedule_next(self);
  return {
      [=](arrive_atom) {
        auto& st = self->state;
        const auto now = now_ms(self);
        const bool counted = now >= st.setup.count_from_ms;
        const auto rider = st.setup.rider_ids[st.next_rider++ % st.setup.rider_ids.size()];
        auto held = st.holding.find(rider);
        if (held == st.holding.end()) held = st.holding.emplace(rider, std::make_pair(rider + "-P0", 1.0)).first;
        swap_request req{rider, st.setup.model_id, held->second.first, st.setup.returned_soc, held->second.second,
                         rider + ":" + std::to_string(++st.sequence), 1.0, 0.0, st.packs[rider]};
        if (counted) ++st.arrivals;
        self->request(st.setup.station, caf::infinite, swap_atom::value, req).then([=](swap_result& r) {
          auto& s = self->state;
          const bool ok = r.reason == "ok";
          if (s.setup.journal)  // a walk-in refused leaves at once: a search given up
            self->send(s.setup.journal, event_atom::value,
                       sim_event{now_ms(self), ok ? "served" : "gave_up", r.station_sn, rider, ok ? "" : r.reason, 0, 0, {}});
          if (ok) {
            s.holding[rider] = {r.issued_sn, r.issued_soc};
            s.packs[rider] = r.issued_pack;
            if (counted) ++s.served;
          } else if (counted) {
            ++s.refused;
            ++s.refusals[r.reason];
          }
        });
        schedule_next(self);
      },
  };
}

}  // namespace swaptwin::actors
