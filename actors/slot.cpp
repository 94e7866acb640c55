#include "actors/slot.hpp"

#include "actors/clock.hpp"

namespace swaptwin::actors {

std::int64_t charging_ms_at(const slot_state& st, std::int64_t now_ms) {
  return st.charging_ms + (st.state == twin::slot_state::charging ? now_ms - st.since_ms : 0);
}

namespace {
using self_ptr = caf::stateful_actor<slot_state>*;

// Closes the meters of the state that ends now and enters `next`.
void enter(slot_state& st, twin::slot_state next, std::int64_t now) {
  if (st.state == twin::slot_state::charging) st.charging_ms += now - st.since_ms;
  if (!st.pack_sn.empty()) st.occupied_ms += now - st.since_ms;
  st.state = next;
  st.since_ms = now;
}

// The charger stopped: meter the energy and tell the pack what it took.
void end_order(self_ptr self, const slot_ready& r, twin::slot_state next, const char* why) {
  auto& st = self->state;
  if (r.order != st.order || st.state != twin::slot_state::charging) return;  // an older order
  const auto now = now_ms(self);
  enter(st, next, now);
  st.order = 0;
  st.energy_wh += r.energy_wh;
  if (next == twin::slot_state::ready) ++st.sessions;
  if (st.pack)
    self->send(st.pack, pack_atom::value, pack_report{why, st.station_sn, st.index, {}, r.soc, 1, 0, r.energy_wh, now});
}
}  // namespace

caf::behavior slot(caf::stateful_actor<slot_state>* self, slot_setup setup) {
  auto& st = self->state;
  st.index = setup.index;
  st.station_sn = std::move(setup.station_sn);
  st.state = setup.state;
  st.pack_sn = std::move(setup.pack_sn);
  st.pack = std::move(setup.pack);
  st.since_ms = now_ms(self);
  return {
      [=](charge_atom, const charge_order& o) {
        auto& s = self->state;
        enter(s, twin::slot_state::charging, now_ms(self));
        s.order = o.order;
        s.pack_sn = o.pack_sn;
        s.pack = o.pack;
      },
      [=](ready_atom, const slot_ready& r) { end_order(self, r, twin::slot_state::ready, "charged"); },
      [=](stop_atom, const slot_ready& r) { end_order(self, r, twin::slot_state::fault, "charged"); },
      [=](release_atom) {
        auto& s = self->state;
        enter(s, twin::slot_state::empty, now_ms(self));
        s.pack_sn.clear();
        s.pack = caf::actor{};
        s.order = 0;
      },
      [=](fault_atom, bool out_of_order) {
        auto& s = self->state;
        if (out_of_order) enter(s, twin::slot_state::fault, now_ms(self));
        else enter(s, s.pack_sn.empty() ? twin::slot_state::empty : twin::slot_state::ready, now_ms(self));
      },
  };
}

}  // namespace swaptwin::actors
