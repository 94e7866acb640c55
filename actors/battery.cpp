#include "actors/battery.hpp"

namespace swaptwin::actors {

void apply_report(battery_state& st, const pack_report& r) {
  auto& p = st.pack;
  st.last_report_ms = r.at_ms;
  p.soc = r.soc;
  if (r.kind == "charged") {  // the slot's own meter; SoH and cycles are the BMS's, read at docking
    p.energy_in_wh += r.energy_wh;
    return;
  }
  p.soh = r.soh;
  p.cycles = r.cycles;
  if (r.kind == "docked") {
    ++st.docks;
    p.energy_out_wh += r.energy_wh;
    p.place = twin::pack_place::slot;
    p.place_ref = r.station_sn + ":" + std::to_string(r.slot);
  } else if (r.kind == "released") {
    ++st.releases;
    p.place = twin::pack_place::rider;
    p.place_ref = r.rider_id;
  } else if (r.kind == "removed") {  // taken out of the cabinet by an agent
    p.place = twin::pack_place::warehouse;
    p.place_ref.clear();
  }
}

caf::behavior battery(caf::stateful_actor<battery_state>* self, battery_setup setup) {
  self->state.pack = std::move(setup.pack);
  self->state.retire_below_soh = setup.retire_below_soh;
  return {
      [=](pack_atom, const pack_report& r) {
        auto& st = self->state;
        apply_report(st, r);
        if (r.kind != "docked" || st.retired || st.retire_below_soh <= 0) return;
        if (!twin::retire_due(st.pack, st.retire_below_soh)) return;
        st.retired = true;
        if (auto station = caf::actor_cast<caf::actor>(self->current_sender()))
          self->send(station, retire_atom::value, st.pack.sn);
      },
  };
}

}  // namespace swaptwin::actors
