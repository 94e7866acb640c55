#pragma once
/// The viewer's time controls (pause, step, speed 1x..10000x, jump) and the exact conversion of a
/// frame's real time into virtual time. Pure; the shell reads the requests and drives the source.

#include <cstdint>
#include <optional>

namespace swaptwin::viewer {

/// The speeds the Time panel offers, as multiples of real time (the lowest and highest are the limits).
inline constexpr int time_speeds[] = {1, 10, 100, 1000, 10000};

/// What the operator asked of virtual time. The UI writes it; the shell reads it every frame.
struct time_control {
  bool paused = false;                     ///< virtual time stands still (except for a step)
  int speed = 1;                           ///< virtual seconds per real second, 1..10000
  std::int64_t step_ms = 60'000;           ///< how far one "step" moves virtual time
  bool step_requested = false;             ///< one step asked for; advance() consumes it
  std::optional<std::int64_t> jump_to_ms;  ///< a jump asked for (Unix ms); the shell consumes it
  std::int64_t carry_ns = 0;               ///< virtual time not yet handed out (below 1 ms)
};

/// Virtual milliseconds to add for a frame that took `real_dt_s` real seconds: 0 when paused, else
/// speed x real_dt_s (real_dt_s rounded to the nanosecond, the sub-millisecond rest carried to the
/// next frame so nothing is lost or invented), plus `step_ms` once when a step was requested.
/// Negative or non-finite `real_dt_s` counts as 0; more than a day (a stalled frame) counts as a day;
/// `speed` is taken within 1..10000.
std::int64_t advance(time_control& control, double real_dt_s);

/// The requested jump, if any, cleared from `control` (for the shell).
std::optional<std::int64_t> take_jump(time_control& control);

}  // namespace swaptwin::viewer
