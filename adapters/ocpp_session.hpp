#pragma once
/// Internal to the OCPP gateway (ocpp_gateway.hpp): the session actor of one cabinet connection
/// and the gateway actor that owns the station actors. Included by ocpp_gateway.cpp and tests.
///
/// A session takes the connection's text messages in order (`wstext_atom`), answers at most one
/// CALL at a time (a store or gateway request is awaited, so later frames wait in the mailbox),
/// and ends at `wsclose_atom`, telling the gateway so (`unbind_atom`).

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/protocol.hpp"
#include "adapters/ocpp_gateway.hpp"
#include "adapters/ws_server.hpp"

namespace swaptwin::adapters {

/// What a session needs.
struct session_setup {
  connection_ptr conn;                         ///< the cabinet's connection (thread-safe handle)
  caf::actor gateway;                          ///< the gateway actor
  actors::store_api store;                     ///< the store actor
  std::int64_t heartbeat_s = 60;               ///< interval told at boot
  std::shared_ptr<gateway_counters> counters;  ///< shared with the gateway
  gateway_log_fn log;                          ///< never null
};

/// A session's state.
struct session_state {
  session_setup setup;
  bool accepted = false;  ///< a boot of this connection was answered Accepted
  caf::actor station;     ///< the station actor, once accepted
  bool quiet = false;     ///< shutting down: nothing more is sent on the connection
  static inline const char* name = "ocpp_session";
};

/// The session actor of one connection. Spawn with its setup. `(quiesce) -> ok` makes it send
/// nothing more: the gateway asks every session before it stops the server, so no actor thread is
/// inside `connection::send` while the transport tears its sessions down.
caf::behavior ocpp_session(caf::stateful_actor<session_state>* self, session_setup setup);

/// What the gateway actor starts with.
struct gateway_setup {
  std::vector<std::string> accepted;  ///< SNs whose station actors are spawned at once
  std::int64_t heartbeat_ms = 60000;
  int offline_after_beats = 3;
  caf::actor dispatcher, journal;
  gateway_log_fn log;                 ///< never null
};

/// The gateway actor's state: station actors by SN, and each station's current session.
struct gateway_state {
  gateway_setup setup;
  std::map<std::string, caf::actor> stations;
  std::map<std::string, caf::actor_addr> current;
  static inline const char* name = "ocpp_gateway";
};

/// The gateway actor: (bind, sn) -> the station actor (spawned on first use), the sender becoming
/// its current session; (unbind, sn) from the current session -> the station is told
/// `disconnect`; (get, sn) -> the station actor or null. An exit message ends its stations too.
caf::behavior gateway_actor(caf::stateful_actor<gateway_state>* self, gateway_setup setup);

}  // namespace swaptwin::adapters
