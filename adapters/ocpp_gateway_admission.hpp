#pragma once
/// Internal to the OCPP gateway (ocpp_gateway.cpp): who is admitted at the WebSocket upgrade.
///
/// The transport has refused ids that are not OCPP identities (400, ws_server.hpp). Then, in order:
/// - an id that is an OCPP identity but not an SN swaptwin stores (twin::validate_sn: letters,
///   digits, '-', '_', '.') -> 400 at once, on the I/O thread (it could never be held or served);
/// - the rest in a short-lived actor per upgrade (a store look-up, maybe PBKDF2):
///   - a station with a password: HTTP Basic user = SN and the password, else 401;
///   - no password: admitted only when marked `--no-password` and the policy does not
///     `refuse_unauthenticated` (else 401); a station marked neither (`missing`) is refused 401
///     once accepted, and admitted while pending or rejected only to be told so at its boot;
///   - an unknown SN: 404 with `refuse_unauthenticated`, else held pending at once by the store
///     (`hold`), within the caps: 429 beyond the per-address cap, 503 beyond the total, both with
///     Retry-After.
/// Every refusal is counted; its log line goes through a gateway-wide log_limiter.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>

#include "actors/protocol.hpp"
#include "adapters/ocpp_gateway.hpp"
#include "adapters/password.hpp"

namespace swaptwin::adapters {

/// What every admission of one gateway shares (held by shared_ptr: admit actors may outlive a stop).
class admission_context {
 public:
  /// The context of a gateway reading cabinets through `store`.
  admission_context(actors::store_api store, std::shared_ptr<gateway_counters> counters, gateway_log_fn log,
                    admission_policy policy, log_limit refusal_log);

  actors::store_api store;                     ///< the store actor
  std::shared_ptr<gateway_counters> counters;  ///< the gateway's counters
  gateway_log_fn log;                          ///< never null
  admission_policy policy;                     ///< whom to admit without a checked password, the caps
  password_cache passwords;                    ///< verified passwords (thread-safe)

  /// Counts a refusal and logs `line` through the refusal limiter (thread-safe).
  void refused(const std::string& line);
  /// Logs the refusals the limiter held back since its last line, if any (at stop).
  void flush_suppressed();

 private:
  std::mutex m_;
  log_limiter refusals_;
};

/// The synchronous part, on the I/O thread: an id swaptwin could never store is refused 400
/// (counted and logged). True when it was refused (`decide` has been called).
bool refuse_unstorable_id(admission_context& ctx, const upgrade_request& req,
                          const std::function<void(admission)>& decide);

/// The admit actor of one upgrade: asks the store, decides once (calls `decide`), quits.
caf::behavior admit_actor(caf::event_based_actor* self, std::shared_ptr<admission_context> ctx, upgrade_request req,
                          std::function<void(admission)> decide);

/// Whether a connection admitted with (or without) a checked password may have an accepted boot
/// of the station `rec` describes now: its credential may have changed since the upgrade (an
/// operator set a password, or accepted a pending station that has none). Empty when it may,
/// else why not (for the log).
std::string boot_credential_problem(const actors::cabinet_record& rec, bool authenticated, bool refuse_unauthenticated);

}  // namespace swaptwin::adapters
