#pragma once
/// Replay: run a journal's recorded inputs again and check that every event and the final state
/// come out the same.

#include <cstddef>
#include <string>

#include "scenarios/journal_file.hpp"
#include "scenarios/sim.hpp"

namespace swaptwin::scenarios {

/// The outcome of a replay.
struct replay_result {
  bool identical = false;
  std::size_t events_compared = 0;
  std::string first_difference;  ///< empty when identical; else the differing event with context
  sim_output run;                ///< the re-run
};

/// Re-runs `j`'s scenario text with its seed and days and compares events one by one, then the
/// final state digest. Fails (an error, not a mismatch) when the embedded scenario does not load.
twin::result<replay_result> replay(const journal_contents& j);

/// One event as a line for people: "2026-11-23T08:00:01Z swap SZ-0003 rider=R-1 code=60V 3 812 P7".
std::string describe(const actors::sim_event& e);

}  // namespace swaptwin::scenarios
