#pragma once
/// The dispatcher: alerts become work orders (twin/work_order.hpp) and go to agents — the free
/// agent assigned to the station, else the nearest free agent of its region; when none is free
/// the order waits (escalated) until one is. Tracks each order through
/// open -> assigned -> en_route -> on_site -> resolved and its SLA.

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/protocol.hpp"
#include "twin/geo.hpp"
#include "twin/work_order.hpp"

namespace swaptwin::actors {

/// An agent as the dispatcher sees it.
struct agent_info {
  std::string id;
  std::string region;
  int shift_start_h = 0, shift_end_h = 24;  ///< local hours on duty
  twin::geo_point base;                     ///< where the agent starts
  caf::actor handle;
};

/// A station as the dispatcher sees it.
struct station_info {
  std::string sn;
  twin::geo_point location;
  std::string agent_id;   ///< responsible agent, may be empty
  std::string region;     ///< the region of its agent (empty when none)
  caf::actor handle;
};

/// What the dispatcher starts with.
struct dispatcher_setup {
  std::vector<agent_info> agents;
  std::vector<station_info> stations;
  twin::sla_policy sla;
  std::int64_t utc_offset_ms = 0;  ///< local time = UTC + offset (shifts)
  caf::actor journal;
};

/// The dispatcher's state.
struct dispatcher_state {
  dispatcher_setup setup;
  std::map<std::string, agent_info> agents;
  std::map<std::string, bool> busy;                 ///< by agent id
  std::map<std::string, twin::geo_point> position;  ///< where each agent is (base, then last site)
  std::map<std::string, station_info> stations;
  std::map<std::int64_t, twin::work_order> orders;
  std::deque<std::int64_t> waiting;                 ///< orders no agent could take yet, oldest first
  std::int64_t next_id = 1;
  bool retry_pending = false;
  static inline const char* name = "dispatcher";
};

/// Handles `put_atom, id, handle` (an agent's or a station's handle), `alert_atom, alert`, `online_atom, sn, at_ms`, `onsite_atom, order, agent, at_ms` and
/// `done_atom, order, agent, at_ms` (from agents).
caf::behavior dispatcher(caf::stateful_actor<dispatcher_state>* self, dispatcher_setup setup);

/// True when agent `a` is on shift at `now_ms` (local hours: UTC + `offset_ms`; a shift may run
/// over midnight).
bool on_shift(const agent_info& a, std::int64_t now_ms, std::int64_t offset_ms);

/// The agent for order `w` at `sn`: the station's own agent if free and on shift, else the nearest
/// free agent on shift in the station's region; empty when none.
std::string choose_agent(const dispatcher_state& st, const std::string& sn, std::int64_t now_ms);

}  // namespace swaptwin::actors
