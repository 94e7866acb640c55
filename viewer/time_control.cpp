#include "viewer/time_control.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace swaptwin::viewer {

std::int64_t advance(time_control& control, double real_dt_s) {
  std::int64_t virtual_ms = 0;
  if (control.step_requested) {
    control.step_requested = false;
    virtual_ms += control.step_ms;
  }
  if (control.paused || !std::isfinite(real_dt_s) || real_dt_s <= 0) return virtual_ms;

  const double capped_s = std::min(real_dt_s, 86'400.0);  // keeps real_ns * speed within int64
  const auto real_ns = static_cast<std::int64_t>(std::llround(capped_s * 1e9));
  const int speed = std::clamp(control.speed, time_speeds[0], time_speeds[std::size(time_speeds) - 1]);
  const std::int64_t virtual_ns = real_ns * speed + control.carry_ns;
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
