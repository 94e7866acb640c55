#include "viewer/time_control.hpp"

#include <cmath>

namespace swaptwin::viewer {

std::int64_t advance(time_control& control, double real_dt_s) {
  std::int64_t virtual_ms = 0;
  if (control.step_requested) {
    control.step_requested = false;
    virtual_ms += control.step_ms;
  }
  if (control.paused || !std::isfinite(real_dt_s) || real_dt_s <= 0) return virtual_ms;

  const auto real_ns = static_cast<std::int64_t>(std::llround(real_dt_s * 1e9));
  const std::int64_t virtual_ns = real_ns * control.speed + control.carry_ns;
  virtual_ms += virtual_ns / 1'000'000;
  control.carry_ns = virtual_ns % 1'000'000;
  return virtual_ms;
}

std::optional<std::int64_t> take_jump(time_control& control) {
  std::optional<std::int64_t> jump = control.jump_to_ms;
  control.jump_to_ms.reset();
  return jump;
}

}  // namespace swaptwin::viewer
