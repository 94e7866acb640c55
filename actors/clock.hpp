#pragma once
/// Reading time in actors: only through the actor clock, so the same code runs live and in
/// virtual time. The simulator sets the test clock to the scenario's Unix epoch at start, so the
/// clock's time since its epoch is Unix time; live, CAF's clock is steady time since boot and the
/// system's configuration carries the offset to Unix time, captured once at start.

#include <chrono>
#include <cstdint>

#include <caf/actor_clock.hpp>
#include <caf/actor_system_config.hpp>

namespace swaptwin::actors {

/// The configuration of every swaptwin actor system (register_types takes only this type, so no
/// system of ours runs with another).
struct system_config : caf::actor_system_config {
  /// Added to the actor clock to get Unix ms: 0 under `testing` (its clock is set to Unix time);
  /// live, system_clock - steady_clock at start (adapters/live_clock.hpp reads it, outside actors).
  std::int64_t unix_offset_ms = 0;
};

/// Unix milliseconds of an actor-clock instant.
inline std::int64_t to_unix_ms(caf::actor_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

/// The actor clock instant of Unix milliseconds `ms` (what the simulator sets its clock to).
inline caf::actor_clock::time_point from_unix_ms(std::int64_t ms) {
  return caf::actor_clock::time_point{std::chrono::duration_cast<caf::actor_clock::duration_type>(std::chrono::milliseconds{ms})};
}

/// Unix milliseconds now, for an actor `self`.
template <class Self>
std::int64_t now_ms(Self* self) {
  return to_unix_ms(self->clock().now()) + static_cast<const system_config&>(self->system().config()).unix_offset_ms;
}

}  // namespace swaptwin::actors
