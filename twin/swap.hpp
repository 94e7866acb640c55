#pragma once
/// The physical side of a swap at a cabinet: which slot takes the returned pack, which pack goes
/// out, and the station and packs as they are afterwards.

#include <string>
#include <string_view>

#include "twin/battery.hpp"
#include "twin/errors.hpp"
#include "twin/station.hpp"

namespace swaptwin::twin {

/// The slots a swap uses (1-based; slot_in is 0 when the rider returns nothing).
struct swap_slots {
  int slot_in = 0;
  int slot_out = 0;
};

/// Chooses the slots: the lowest-numbered working empty slot for the returned pack (when
/// `returning`), and the fullest ready pack of `model_id` (lowest slot number on a tie).
/// Refuses with slot.unavailable or stock.empty.
result<swap_slots> choose_slots(const station& s, std::string_view model_id, bool returning);

/// Takes `returned` into slot `slot_in` at `returned_soc`, charging: energy drawn since it left
/// (from its last known SoC) is added to its energy_out_wh, and its equivalent cycles follow.
/// `soh_loss_per_cycle` ages it for the energy drawn (see wear()).
void apply_return(station& s, int slot_in, battery& returned, double returned_soc, int capacity_wh,
                  double soh_loss_per_cycle = 0.0);

/// Applies a swap to the station and packs: `returned` (may be null) goes into slot_in at
/// `returned_soc`, charging; the pack in slot_out leaves for `rider_id`. Energy drawn from the
/// returned pack is added to its energy_out_wh, and its equivalent cycles follow.
void apply_swap(station& s, const swap_slots& slots, battery* returned, double returned_soc, int capacity_wh,
                battery& issued, const std::string& rider_id, double soh_loss_per_cycle = 0.0);

}  // namespace swaptwin::twin
