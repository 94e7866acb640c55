#pragma once
// Test set-up shared by the station tests: a pack "P<slot>" of `model` at `soc` in slot `slot`,
// ready from 0.95 up, charging below.

#include <string>

#include "actors/station.hpp"

namespace swaptwin::actors::testing {

inline void put_pack(station_setup& st, int slot, const std::string& model, double soc) {
  twin::battery b;
  b.sn = "P" + std::to_string(slot);
  b.model_id = model;
  b.soc = soc;
  st.packs.push_back(b);
  st.station.slots[static_cast<size_t>(slot - 1)] =
      twin::slot{slot, soc >= 0.95 ? twin::slot_state::ready : twin::slot_state::charging, false, b.sn, model, soc, 0};
}

}  // namespace swaptwin::actors::testing
