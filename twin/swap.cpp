#include "twin/swap.hpp"

namespace swaptwin::twin {

result<swap_slots> choose_slots(const station& s, std::string_view model_id, bool returning) {
  swap_slots out;
  if (returning) {
    out.slot_in = first_free_slot(s);
    if (out.slot_in == 0) return error{errc::slot_unavailable, "station " + s.sn + " has no empty working slot"};
  }
  double best = -1.0;
  for (const auto& sl : s.slots)
    if (sl.state == slot_state::ready && sl.model_id == model_id && !slot_disabled(s, sl.index) && sl.soc > best) {
      best = sl.soc;
      out.slot_out = sl.index;
    }
  if (out.slot_out == 0)
    return error{errc::stock_empty, "station " + s.sn + " has no ready " + std::string{model_id} + " pack"};
  return out;
}

void apply_return(station& s, int slot_in, battery& returned, double returned_soc, int capacity_wh,
                  double soh_loss_per_cycle) {
  auto drawn = energy_drawn_wh(capacity_wh, returned.soh, returned.soc, returned_soc);
  returned.energy_out_wh += drawn;
  wear(returned, drawn, capacity_wh, soh_loss_per_cycle);
  returned.soc = returned_soc;
  returned.place = pack_place::slot;
  returned.place_ref = s.sn + ":" + std::to_string(slot_in);
  auto& in = s.slots[static_cast<size_t>(slot_in - 1)];
  in.state = slot_state::charging;
  in.battery_sn = returned.sn;
  in.model_id = returned.model_id;
  in.soc = returned_soc;
}

void apply_swap(station& s, const swap_slots& slots, battery* returned, double returned_soc, int capacity_wh,
                battery& issued, const std::string& rider_id, double soh_loss_per_cycle) {
  auto& out = s.slots[static_cast<size_t>(slots.slot_out - 1)];
  issued.place = pack_place::rider;
  issued.place_ref = rider_id;
  issued.soc = out.soc;
  out = slot{out.index, slot_state::empty, false, {}, {}, 0.0, 0};
  if (returned && slots.slot_in > 0)
    apply_return(s, slots.slot_in, *returned, returned_soc, capacity_wh, soh_loss_per_cycle);
}

}  // namespace swaptwin::twin
