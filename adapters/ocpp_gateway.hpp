#pragma once
/// The OCPP 2.1 gateway (first slice): real cabinets connect over WebSocket (ws_server), are
/// admitted by SN and HTTP Basic password, and each connection gets a session actor
/// (ocpp_session.hpp) that speaks OCPP-J and drives the cabinet's station actor. What works:
/// BootNotification (Pending / Rejected / Accepted from the store, read fresh at every boot),
/// Heartbeat, StatusNotification, liveness (every message beats the station; a closed socket is
/// offline at once), Authorize (the rider's side of the swap decision), BatterySwap (answered
/// only once durable, duplicates recognised: adapters/cabinet_events.hpp), NotifyEvent (alarms
/// to the dispatcher), and our CALLs to cabinets (call(); desired settings pushed at boot and
/// heartbeats).
///
/// Admission (ocpp_gateway_admission.hpp): a station id that is not an OCPP identity, or not an
/// SN swaptwin can store, is refused 400 at the upgrade; a cabinet is admitted without credentials
/// only when its station is marked `--no-password` (never with `refuse_unauthenticated`); an
/// unknown SN is held pending at its upgrade within caps per source address and in total.
///
/// Threads: the ws_server's I/O threads only hand messages to actors (`anon_send`); admission
/// (a store look-up and a ~3 ms PBKDF2 check) runs in a short-lived actor per upgrade, never on an
/// I/O thread. A `gateway` actor owns the station actors and knows which session is each
/// station's current one, so an old socket closing after a reconnect does not mark it offline.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "actors/protocol.hpp"
#include "adapters/log_limiter.hpp"
#include "adapters/ws_server.hpp"

namespace swaptwin::adapters {

/// One line of the gateway's log (no newline). The default writes to stderr.
using gateway_log_fn = std::function<void(const std::string& line)>;

/// Whom the gateway admits besides cabinets whose password it checked.
struct admission_policy {
  /// Refuse every cabinet that did not present a checked password: a station marked
  /// `--no-password` is refused 401, an unknown SN 404 (nothing is held pending).
  bool refuse_unauthenticated = false;
  std::size_t max_pending_per_address = 10;  ///< pending stations held from one source address; an unknown SN beyond: 429
  std::size_t max_pending_total = 1000;      ///< pending stations in all; an unknown SN beyond: 503
  int pending_retry_after_s = 300;           ///< the Retry-After of those two refusals (an operator has to act first)
};

/// How the gateway runs.
struct gateway_config {
  ws_server_options server;          ///< where to listen, limits (address 127.0.0.1, port 0 by default)
  std::int64_t heartbeat_s = 60;     ///< the interval told to cabinets at boot (also the retry interval of Pending/Rejected)
  int offline_after_beats = 3;       ///< a silent cabinet is offline after heartbeat_s x this
  caf::actor dispatcher;             ///< told about alerts: offline (station actors) and cabinet alarms (NotifyEvent); may be null
  std::int64_t call_timeout_ms = 30000;  ///< our CALL to a cabinet unanswered this long has failed
  caf::actor journal;                ///< told by station actors about online/offline (may be null)
  gateway_log_fn log;                ///< where log lines go (stderr when unset)
  admission_policy admission;        ///< whom it admits without a checked password; the caps on pending stations
  log_limit refusal_log{20, 10000};  ///< lines about refused upgrades, gateway-wide: 20, then 1 per 10 s
  log_limit bad_frame_log{10, 10000};  ///< lines about bad frames, per connection: 10, then 1 per 10 s
};

/// Counters shared by the gateway's actors (thread-safe; read by tests and `serve`).
struct gateway_counters {
  std::atomic<std::size_t> admitted{0};            ///< upgrades accepted
  std::atomic<std::size_t> refused{0};             ///< upgrades refused by admission (400, 401, 404, 429, 503)
  std::atomic<std::size_t> refused_pending_cap{0};  ///< of those, unknown SNs beyond a cap on pending stations (429, 503)
  std::atomic<std::size_t> sent{0};                ///< frames sent to cabinets
  std::atomic<std::size_t> invalid_sent{0};        ///< CALLRESULT payloads that failed their own schema (must stay 0)
};

/// The gateway: a ws_server, the `gateway` actor and one session actor per connection.
class ocpp_gateway {
 public:
  /// A gateway on `sys` that reads cabinets through `store` (adapters/store_actor.hpp). Nothing
  /// listens until start().
  ocpp_gateway(caf::actor_system& sys, actors::store_api store, gateway_config cfg);
  /// Stops if running.
  ~ocpp_gateway();
  ocpp_gateway(const ocpp_gateway&) = delete;
  ocpp_gateway& operator=(const ocpp_gateway&) = delete;

  /// Spawns a station actor for every accepted station of the store (each offline until its
  /// cabinet boots), then listens. False with the reason in *error when the store does not answer
  /// or the address cannot be bound.
  bool start(std::string* error = nullptr);
  /// Stops listening and closes every connection (1001), then ends the sessions, the station
  /// actors and the gateway actor. Idempotent. Call it before the actor system is destroyed.
  void stop();
  /// The bound port (0 before start()).
  std::uint16_t port() const noexcept;
  /// The station actor of `sn`, null when the gateway has none (blocking, for tests and tools).
  caf::actor station(const std::string& sn);
  /// Sends our CALL `action` (RequestBatterySwap, ChangeAvailability, Reset, SetVariables,
  /// TriggerMessage) with `payload` (JSON text) to cabinet `sn` and waits up to `timeout` for its
  /// answer (blocking, for tools and tests). The response payload as JSON text, or the reason it
  /// failed in *error (not connected, schema violation, CALLERROR, no answer) and nullopt.
  std::optional<std::string> call(const std::string& sn, const std::string& action, const std::string& payload,
                                  std::chrono::milliseconds timeout, std::string* error = nullptr);
  /// The gateway's counters.
  const gateway_counters& counters() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// The gateway's default log sink: "swaptwin gateway: <line>" on stderr.
void log_to_stderr(const std::string& line);

}  // namespace swaptwin::adapters
