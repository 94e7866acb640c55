#pragma once
/// A field agent: takes one work order at a time, travels to the station at its speed, repairs
/// for its repair time, tells the station it is fixed and the dispatcher it is done.

#include <cstdint>
#include <string>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/protocol.hpp"
#include "twin/geo.hpp"

namespace swaptwin::actors {

/// Who the agent is.
struct agent_setup {
  std::string id;
  twin::geo_point base;
  double speed_mps = 7;
  double repair_s = 1800;
  caf::actor dispatcher, journal;
};

/// The agent's state.
struct agent_state {
  agent_setup setup;
  twin::geo_point position;
  assignment current;       ///< the order being worked on
  caf::actor station;       ///< its station
  static inline const char* name = "agent";
};

/// Handles `assign_atom, assignment, station handle`.
caf::behavior agent(caf::stateful_actor<agent_state>* self, agent_setup setup);

}  // namespace swaptwin::actors
