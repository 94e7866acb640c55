#pragma once
/// Internal to the OCPP gateway (ocpp_gateway.hpp): the session actor of one cabinet connection
/// and the gateway actor that owns the station actors. Included by ocpp_gateway.cpp and tests.
///
/// A session takes the connection's text messages in order (`wstext_atom`), answers at most one
/// CALL at a time (a store or gateway request is awaited, so later frames wait in the mailbox),
/// and ends at `wsclose_atom`, telling the gateway so (`unbind_atom`).
///
/// Our own CALLs to the cabinet (ocpp_session_calls.cpp) wait in `outbox` while one is
/// outstanding (OCPP-J: one per direction), are matched to their CALLRESULT / CALLERROR by message
/// id, and fail after `call_timeout_ms`. They come from the gateway (`command_atom`: an operator or
/// a test) and from the desired-state push: at an accepted boot and at every heartbeat the session
/// reads the settings the cabinet has not reported back (cabinet_record::change_fields) and pushes
/// them (ChangeAvailability for the station or a slot), recording each one the cabinet accepts.

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/response_promise.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/protocol.hpp"
#include "adapters/log_limiter.hpp"
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
  caf::actor alerts;                           ///< told about cabinet alarms (NotifyEvent) as actors::alert; may be null
  std::int64_t call_timeout_ms = 30000;        ///< our CALL unanswered this long has failed
  bool refuse_unauthenticated = false;         ///< admission_policy::refuse_unauthenticated (checked again at boot)
  log_limit bad_frame_log;                     ///< how many lines about bad frames this connection may write
};

/// One of our CALLs to the cabinet.
struct outbound_call {
  std::string id;                 ///< message id (unique per session)
  std::string action;
  std::string payload;            ///< JSON text
  std::string setting_field;      ///< a desired-state push: the field it applies ("" otherwise)
  std::string setting_value;
  caf::response_promise promise;  ///< answered with the response payload (JSON text) or an error
  bool has_promise = false;
};

/// A session's state.
struct session_state {
  session_setup setup;
  bool accepted = false;  ///< a boot of this connection was answered Accepted
  caf::actor station;     ///< the station actor, once accepted
  bool quiet = false;     ///< shutting down: nothing more is sent on the connection
  std::string boot_id;    ///< of the cabinet's accepted boot
  std::deque<outbound_call> outbox;        ///< our CALLs waiting for the outstanding one
  std::optional<outbound_call> in_flight;  ///< our outstanding CALL
  std::uint64_t calls = 0;                 ///< our CALLs so far (message ids)
  std::set<std::string> pushed;            ///< "field=value" pushed in this session (each once)
  log_limiter bad_frames;                  ///< limits the lines about this connection's bad frames
  static inline const char* name = "ocpp_session";
};

/// The session actor of one connection. Spawn with its setup. `(quiesce) -> ok` makes it send
/// nothing more: the gateway asks every session before it stops the server, so no actor thread is
/// inside `connection::send` while the transport tears its sessions down.
/// `(command, action, payload JSON text) -> response payload JSON text` sends our CALL `action`
/// to the cabinet (queued behind an outstanding one) and answers with the cabinet's CALLRESULT
/// payload; a CALLERROR, a timeout, a closed connection or an invalid payload is an error.
caf::behavior ocpp_session(caf::stateful_actor<session_state>* self, session_setup setup);

namespace session_calls {
using self_ptr = caf::stateful_actor<session_state>*;
/// Queues our CALL (sent at once when none is outstanding).
void enqueue(self_ptr self, outbound_call call);
/// A CALLRESULT or CALLERROR frame from the cabinet: completes our outstanding CALL if ids match.
void on_reply(self_ptr self, int type, const std::string& id, const std::string& payload_or_code,
              const std::string& description);
/// Our CALL `id` timed out (ignored when it was answered).
void on_timeout(self_ptr self, const std::string& id);
/// Pushes the desired settings the cabinet has not applied (from its cabinet_record).
void push_desired(self_ptr self, const actors::cabinet_record& rec);
/// Fails every queued and outstanding CALL (the connection ended).
void fail_all(self_ptr self, const std::string& why);
}  // namespace session_calls

/// What the gateway actor starts with.
struct gateway_setup {
  std::vector<std::string> accepted;  ///< SNs whose station actors are spawned at once
  std::int64_t heartbeat_ms = 60000;
  int offline_after_beats = 3;
  caf::actor dispatcher, journal;
  gateway_log_fn log;                 ///< never null
  actors::store_api store;            ///< told about online/offline changes (link_record)
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
/// `disconnect`; (get, sn) -> the station actor or null; (command, sn, action, payload) -> the
/// cabinet's response payload, through its current session (an error when it is not connected).
/// An exit message ends its stations too.
caf::behavior gateway_actor(caf::stateful_actor<gateway_state>* self, gateway_setup setup);

}  // namespace swaptwin::adapters
