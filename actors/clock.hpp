#pragma once
/// Reading time in actors: only through the actor clock, so the same code runs live and in
/// virtual time. The simulator sets the test clock to the scenario's Unix epoch at start, so the
/// clock's time since its epoch is Unix time. (Live mode adds a system-steady offset: later issue.)

#include <chrono>
#include <cstdint>

#include <caf/actor_clock.hpp>

namespace swaptwin::actors {

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
  return to_unix_ms(self->clock().now());
}

}  // namespace swaptwin::actors
