#pragma once
/// Charging physics for event-based simulation: a pack charges at constant power up to a knee SoC,
/// then the power it accepts tapers linearly to a floor at 100 %; a site's power cap is shared
/// among its charging slots. Functions compute *when* a SoC is reached under a constant
/// allocation, so a simulator schedules one event instead of ticking.

#include <vector>

namespace swaptwin::twin {

/// One pack on one charger.
struct charge_params {
  double capacity_wh = 0;    ///< usable energy of the pack (capacity x SoH)
  double max_power_w = 0;    ///< the slot charger's power
  double knee_soc = 0.8;     ///< constant power below this SoC
  double taper_floor = 0.1;  ///< accepted power at 100 % as a fraction of max_power_w
};

/// The power the pack accepts at `soc` (W): max power below the knee, tapering linearly above.
double accepted_power_w(const charge_params& p, double soc) noexcept;

/// Seconds to go from `soc_from` to `soc_to` when the site gives this slot `alloc_w` (the pack
/// draws min(alloc_w, accepted_power_w(soc))). Infinite when alloc_w <= 0; 0 when already there.
double seconds_to_soc(const charge_params& p, double alloc_w, double soc_from, double soc_to) noexcept;

/// SoC after charging `seconds` from `soc_from` under `alloc_w` (inverse of seconds_to_soc), at most 1.
double soc_after(const charge_params& p, double alloc_w, double soc_from, double seconds) noexcept;

/// Shares `cap_w` among slots asking for `demand_w` each (max-min fair, "water filling"): nobody
/// gets more than they ask, equal shares otherwise, leftovers go to the others. The sum never
/// exceeds `cap_w`.
std::vector<double> share_power(double cap_w, const std::vector<double>& demand_w);

}  // namespace swaptwin::twin
