#include "twin/battery.hpp"

#include <algorithm>
#include <cmath>

namespace swaptwin::twin {

std::vector<battery_model> default_models() {
  // Typical two-wheeler packs: 48 V 26 Ah, 60 V 26 Ah, 72 V 30 Ah.
  return {
      {"48V", 48, 1248, "NMC"},
      {"60V", 60, 1560, "NMC"},
      {"72V", 72, 2160, "LFP"},
  };
}

std::string_view to_string(pack_place p) noexcept {
  switch (p) {
    case pack_place::warehouse: return "warehouse";
    case pack_place::slot: return "slot";
    case pack_place::rider: return "rider";
    case pack_place::transit: return "transit";
  }
  return "warehouse";
}

bool from_string(std::string_view s, pack_place& out) noexcept {
  for (auto p : {pack_place::warehouse, pack_place::slot, pack_place::rider, pack_place::transit})
    if (to_string(p) == s) {
      out = p;
      return true;
    }
  return false;
}

std::int64_t energy_drawn_wh(int capacity_wh, double soh, double soc_out, double soc_back) noexcept {
  double delta = soc_out - soc_back;
  if (delta <= 0.0) return 0;
  return std::llround(delta * soh * capacity_wh);
}

void wear(battery& b, std::int64_t energy_wh, int capacity_wh, double soh_loss_per_cycle) noexcept {
  if (capacity_wh <= 0 || energy_wh <= 0) return;
  const double cycles = static_cast<double>(energy_wh) / capacity_wh;
  b.cycles += cycles;
  b.soh = std::max(0.0, b.soh - cycles * soh_loss_per_cycle);
}

bool retire_due(const battery& b, double retire_below_soh) noexcept { return b.soh < retire_below_soh; }

}  // namespace swaptwin::twin
