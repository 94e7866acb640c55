// Admission at the WebSocket upgrade (ocpp_gateway_admission.hpp).
#include "adapters/ocpp_gateway_admission.hpp"

#include <chrono>
#include <exception>
#include <utility>

#include <caf/all.hpp>

#include "actors/clock.hpp"
#include "twin/station.hpp"

namespace swaptwin::adapters {

namespace {

constexpr auto admission_timeout = std::chrono::seconds{5};

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string refused_line(const upgrade_request& req, const admission& a, const std::string& why) {
  return req.station_id + ": refused from " + req.remote + ": HTTP " + std::to_string(a.status) + " " + a.reason +
         (why.empty() ? std::string{} : ": " + why);
}

// How to give a station its credential, for the log lines of refusals.
std::string set_credential_hint(const std::string& sn) {
  return "run `swaptwin admin station set-password " + sn + " --password P` (or --generate), or `... " + sn +
         " --no-password` to admit it without credentials";
}

using decide_fn = std::function<void(admission)>;

void finish(admission_context& ctx, const upgrade_request& req, const decide_fn& decide, admission a,
            const std::string& why = {}) {
  if (a.accepted) ++ctx.counters->admitted;
  else ctx.refused(refused_line(req, a, why));
  decide(std::move(a));
}

// The decision for a station the store knows as `rec` (PBKDF2: a few ms, hence in an actor).
void judge(admission_context& ctx, const upgrade_request& req, const decide_fn& decide,
           const actors::cabinet_record& rec) {
  const auto& sn = req.station_id;
  if (!rec.password_hash.empty()) {
    if (!req.has_credentials) return finish(ctx, req, decide, admission::reject(401, "credentials required"));
    if (req.credentials.user != sn || !ctx.passwords.verify(sn, req.credentials.password, rec.password_hash))
      return finish(ctx, req, decide, admission::reject(401, "wrong user or password"));
    ctx.log(sn + ": admitted from " + req.remote + " (password checked)");
    return finish(ctx, req, decide, admission::accept(req.subprotocol, true));
  }
  if (ctx.policy.refuse_unauthenticated)
    return finish(ctx, req, decide, admission::reject(401, "credentials required"),
                  std::string{rec.no_password ? "marked --no-password" : "no password set"} +
                      ", and this gateway refuses unauthenticated cabinets (--refuse-unauthenticated): run "
                      "`swaptwin admin station set-password " + sn + " --password P` (or --generate)");
  if (rec.no_password) {
    ctx.log(sn + ": admitted from " + req.remote + " without credentials (marked --no-password)");
    return finish(ctx, req, decide, admission::accept(req.subprotocol));
  }
  if (rec.registration == "accepted")
    return finish(ctx, req, decide, admission::reject(401, "no credentials configured for this station"),
                  "it has no password and is not marked --no-password: " + set_credential_hint(sn));
  // Pending or rejected, with no credential yet: admitted only to be told so at its boot.
  ctx.log(sn + ": admitted from " + req.remote + " without credentials while " + rec.registration +
          " (it has no password yet)");
  finish(ctx, req, decide, admission::accept(req.subprotocol));
}

// The store's answer to holding an unknown SN: admitted (held), or refused beyond a cap. False
// when the SN turned out known meanwhile (the caller judges it as a known station).
bool held_or_refused(caf::event_based_actor* self, const std::shared_ptr<admission_context>& ctx,
                     const upgrade_request& req, const decide_fn& decide, std::int64_t answer) {
  auto& c = *ctx;
  const auto& p = c.policy;
  const auto& sn = req.station_id;
  const std::string what_to_do = "accept or reject them (`swaptwin admin station list --pending`, then "
                                 "`swaptwin admin station accept|reject SN`) or raise the cap";
  if (answer == actors::hold_answer::held) {
    c.log(sn + ": unknown SN from " + req.remote + ": held pending until an operator accepts it (`swaptwin admin "
          "station accept " + sn + "`)");
    finish(c, req, decide, admission::accept(req.subprotocol));
  } else if (answer == actors::hold_answer::address_full) {
    ++c.counters->refused_pending_cap;
    finish(c, req, decide, admission::reject(429, "too many pending stations from this address", p.pending_retry_after_s),
           std::to_string(p.max_pending_per_address) + " pending station(s) held from " + req.remote_address +
               " already (cap: serve --max-pending-per-address " + std::to_string(p.max_pending_per_address) + "); " +
               what_to_do);
  } else if (answer == actors::hold_answer::total_full) {
    ++c.counters->refused_pending_cap;
    finish(c, req, decide, admission::reject(503, "too many pending stations", p.pending_retry_after_s),
           std::to_string(p.max_pending_total) + " pending station(s) in all already (cap: serve --max-pending " +
               std::to_string(p.max_pending_total) + "); " + what_to_do);
  } else {
    return false;
  }
  self->quit();
  return true;
}

// Known meanwhile (another connection with this SN was held first, or an operator added it):
// judged as a known station.
void recheck(caf::event_based_actor* self, std::shared_ptr<admission_context> ctx, upgrade_request req,
             decide_fn decide) {
  self->request(ctx->store, admission_timeout, actors::cabinet_atom::value, req.station_id)
      .then(
          [=](actors::cabinet_record& rec) {
            if (rec.known) judge(*ctx, req, decide, rec);
            else finish(*ctx, req, decide, admission::reject(503, "back end busy, retry", 1), "vanished while held");
            self->quit();
          },
          [=](caf::error& e) {
            finish(*ctx, req, decide, admission::reject(503, "back end unavailable"), "store: " + caf::to_string(e));
            self->quit();
          });
}

// An unknown SN: held pending by the store at once, within the caps.
void hold(caf::event_based_actor* self, std::shared_ptr<admission_context> ctx, upgrade_request req, decide_fn decide) {
  const auto& p = ctx->policy;
  self->request(ctx->store, admission_timeout, actors::hold_atom::value, req.station_id, req.remote_address,
                actors::now_ms(self), static_cast<std::int64_t>(p.max_pending_per_address),
                static_cast<std::int64_t>(p.max_pending_total))
      .then(
          [=](std::int64_t answer) {
            if (!held_or_refused(self, ctx, req, decide, answer)) recheck(self, ctx, req, decide);
          },
          [=](caf::error& e) {
            finish(*ctx, req, decide, admission::reject(503, "back end unavailable"), "store: " + caf::to_string(e));
            self->quit();
          });
}

}  // namespace

admission_context::admission_context(actors::store_api s, std::shared_ptr<gateway_counters> c, gateway_log_fn l,
                                     admission_policy p, log_limit refusal_log)
    : store(std::move(s)), counters(std::move(c)), log(std::move(l)), policy(p), refusals_(refusal_log) {}

void admission_context::refused(const std::string& line) {
  ++counters->refused;
  std::size_t suppressed = 0;
  {
    std::lock_guard<std::mutex> lock(m_);
    if (!refusals_.allow(steady_ms(), &suppressed)) return;
  }
  log(line + log_limiter::suffix(suppressed));
}

void admission_context::flush_suppressed() {
  std::size_t n = 0;
  {
    std::lock_guard<std::mutex> lock(m_);
    n = refusals_.take_suppressed();
  }
  if (n) log("refused upgrades: " + std::to_string(n) + " similar line" + (n == 1 ? "" : "s") + " suppressed");
}

bool refuse_unstorable_id(admission_context& ctx, const upgrade_request& req, const decide_fn& decide) {
  const auto why = twin::validate_sn(req.station_id);
  if (why.empty()) return false;
  finish(ctx, req, decide, admission::reject(400, "bad station id: " + why));
  return true;
}

caf::behavior admit_actor(caf::event_based_actor* self, std::shared_ptr<admission_context> ctx, upgrade_request req,
                          std::function<void(admission)> decide) {
  self->request(ctx->store, admission_timeout, actors::cabinet_atom::value, req.station_id)
      .then(
          [=](actors::cabinet_record& rec) {
            try {
              if (rec.known) {
                judge(*ctx, req, decide, rec);
              } else if (ctx->policy.refuse_unauthenticated) {
                finish(*ctx, req, decide, admission::reject(404, "unknown station"),
                       "unknown SN, and --refuse-unauthenticated holds none pending: register it with `swaptwin admin "
                       "station add " + req.station_id + " ... --password P`");
              } else {
                hold(self, ctx, req, decide);
                return;  // quits when the store answers
              }
            } catch (const std::exception& e) {
              finish(*ctx, req, decide, admission::reject(503, "admission failed"), e.what());
            }
            self->quit();
          },
          [=](caf::error& e) {
            finish(*ctx, req, decide, admission::reject(503, "back end unavailable"), "store: " + caf::to_string(e));
            self->quit();
          });
  // A behavior keeps the actor alive until the answers arrive (an empty one would end it now).
  return {[](caf::ok_atom) {}};
}

std::string boot_credential_problem(const actors::cabinet_record& rec, bool authenticated, bool refuse_unauthenticated) {
  if (!rec.password_hash.empty())
    return authenticated ? std::string{} : "the station has a password now and this connection did not present it";
  if (!rec.no_password) return "the station has no password and is not marked --no-password";
  if (refuse_unauthenticated && !authenticated) return "unauthenticated cabinets are refused (--refuse-unauthenticated)";
  return {};
}

}  // namespace swaptwin::adapters
