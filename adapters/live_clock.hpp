#pragma once
/// The one place a live process reads the wall clock: the offset of CAF's live actor clock (steady
/// time since boot) from Unix time, captured once at start and put in actors::system_config, so
/// that actors (which never read the wall clock) see Unix time through actors::now_ms.

#include <chrono>
#include <cstdint>

namespace swaptwin::adapters {

/// system_clock - steady_clock now, in ms. Call once, before the actor system starts.
inline std::int64_t live_unix_offset_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count() -
         duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace swaptwin::adapters
