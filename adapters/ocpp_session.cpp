#include "adapters/ocpp_session.hpp"

#include <chrono>
#include <exception>
#include <utility>
#include <variant>

#include <caf/all.hpp>

#include "actors/clock.hpp"
#include "actors/station.hpp"
#include "adapters/ocpp_frame.hpp"
#include "adapters/ocpp_gateway_admission.hpp"
#include "adapters/ocpp_schema.hpp"
#include "twin/time.hpp"

namespace swaptwin::adapters {

namespace {

using self_ptr = caf::stateful_actor<session_state>*;
using json = nlohmann::json;
// A store or gateway look-up that takes longer than this is answered InternalError: the cabinet
// retries, which is better than holding its CALL past its own timeout.
constexpr auto lookup_timeout = std::chrono::seconds{5};

const std::string& sn_of(self_ptr self) { return self->state.setup.conn->station_id(); }

void log(self_ptr self, const std::string& line) { self->state.setup.log(sn_of(self) + ": " + line); }

// A cabinet can send bad frames as fast as it likes: their lines go through the connection's
// limiter (the answers to them do not).
void log_bad(self_ptr self, const std::string& line) {
  std::size_t suppressed = 0;
  if (self->state.bad_frames.allow(actors::now_ms(self), &suppressed)) log(self, line + log_limiter::suffix(suppressed));
}

void send_text(self_ptr self, std::string text) {
  if (self->state.quiet) return;
  ++self->state.setup.counters->sent;
  if (!self->state.setup.conn->send(std::move(text))) log(self, "send failed (connection closed or reader too slow)");
}

// Every payload we send is checked against its own schema: a violation is our bug, counted (the
// tests assert none) and logged, and still sent, as the cabinet may cope with it.
void reply(self_ptr self, const std::string& id, const std::string& action, const json& payload) {
  if (auto v = ocpp::validate(action, ocpp::direction::response, payload)) {
    ++self->state.setup.counters->invalid_sent;
    log(self, "BUG: our " + action + " response breaks its schema at '" + v->pointer + "': " + v->message);
  }
  send_text(self, ocpp::call_result(id, payload));
}

void reply_error(self_ptr self, const std::string& id, ocpp::error_code code, const std::string& description) {
  send_text(self, ocpp::call_error(id, code, description));
}

std::string now_text(self_ptr self) { return twin::format_instant(twin::from_ms(actors::now_ms(self))); }

void beat(self_ptr self) {
  if (self->state.station) self->send(self->state.station, actors::beat_atom::value);
}

// A boot that is not (or no longer) accepted: the connection stops driving the station.
void unbind(self_ptr self) {
  auto& st = self->state;
  if (st.station) self->send(st.setup.gateway, actors::unbind_atom::value, sn_of(self));
  st.station = nullptr;
  st.accepted = false;
}

void answer_boot(self_ptr self, const std::string& id, const std::string& status) {
  reply(self, id, "BootNotification",
        json{{"currentTime", now_text(self)}, {"interval", self->state.setup.heartbeat_s}, {"status", status}});
  log(self, "boot " + status);
}

void on_boot(self_ptr self, const std::string& id, const json& payload) {
  auto& st = self->state;
  const std::string sn = sn_of(self);
  std::string firmware;
  if (auto cs = payload.find("chargingStation"); cs != payload.end())
    firmware = cs->value("firmwareVersion", std::string{});
  auto store_failed = [=](caf::error& e) {
    log(self, "boot: store failed: " + caf::to_string(e));
    reply_error(self, id, ocpp::error_code::internal_error, "back end store unavailable, retry later");
  };
  // Read fresh at every boot: an operator may have accepted the SN from another process.
  self->request(st.setup.store, lookup_timeout, actors::cabinet_atom::value, sn)
      .await(
          [=](actors::cabinet_record& rec) {
            if (!rec.known || rec.registration == "pending") {
              // Held pending at the upgrade; this records its firmware (or holds it again when an
              // operator deleted the row meanwhile).
              unbind(self);
              self->request(self->state.setup.store, lookup_timeout, actors::pending_atom::value, sn, firmware,
                            actors::now_ms(self))
                  .await(
                      [=](bool added) {
                        if (added) log(self, "unknown SN held as pending until an operator accepts it");
                        answer_boot(self, id, "Pending");
                      },
                      store_failed);
              return;
            }
            if (rec.registration != "accepted") {
              unbind(self);
              answer_boot(self, id, "Rejected");
              return;
            }
            // Admitted while pending (no credential needed to be told Pending), or before an
            // operator set a password: an accepted boot needs the credential the station has now.
            const auto& conn = *self->state.setup.conn;
            if (auto why = boot_credential_problem(rec, conn.authenticated(), self->state.setup.refuse_unauthenticated);
                !why.empty()) {
              unbind(self);
              answer_boot(self, id, "Rejected");
              log(self, "accepted, but " + why + ": closed, to reconnect through admission");
              self->state.setup.conn->close(1008, "reconnect with the station's credentials");
              return;
            }
            self->request(self->state.setup.gateway, lookup_timeout, actors::bind_atom::value, sn)
                .await(
                    [=](caf::actor station) {
                      self->state.station = std::move(station);
                      self->state.accepted = true;
                      self->state.boot_id = std::to_string(actors::now_ms(self)) + "-" + id;
                      self->state.pushed.clear();  // a new boot forgets what it was told
                      caf::anon_send(self->state.setup.store, actors::link_atom::value,
                                     actors::link_record{sn, true, actors::now_ms(self), self->state.boot_id});
                      beat(self);  // online now: the accepted boot is a message from the cabinet
                      answer_boot(self, id, "Accepted");
                      session_calls::push_desired(self, rec);
                    },
                    store_failed);
          },
          store_failed);
}

// Billing's refusal codes as OCPP's AuthorizationStatus (twin::errc code strings).
std::string authorization_status(const std::string& reason) {
  if (reason == "ok") return "Accepted";
  if (reason == "rider.unknown") return "Unknown";
  if (reason.rfind("plan.expired", 0) == 0) return "Expired";
  if (reason.rfind("payment.", 0) == 0) return "NoCredit";
  if (reason == "rider.other_model") return "NotAllowedTypeEVSE";
  if (reason == "country.unknown") return "Invalid";
  return "Blocked";  // KYC, deposit, no plan or a used-up one: the rider must see the operator
}

void on_authorize(self_ptr self, const std::string& id, const json& payload) {
  const std::string rider = payload["idToken"].value("idToken", std::string{});
  self->request(self->state.setup.store, lookup_timeout, actors::authorize_atom::value, rider, sn_of(self),
                actors::now_ms(self))
      .await(
          [=](actors::authorize_result& r) {
            const auto status = authorization_status(r.reason);
            if (status != "Accepted") log(self, "rider " + rider + " refused: " + r.reason + " (" + r.detail + ")");
            reply(self, id, "Authorize", json{{"idTokenInfo", {{"status", status}}}});
          },
          [=](caf::error& e) {
            log(self, "Authorize: store failed: " + caf::to_string(e));
            reply_error(self, id, ocpp::error_code::internal_error, "back end store unavailable, retry later");
          });
}

// Answered only once the store has committed the event's effects; a store failure is an
// InternalError, so the cabinet keeps the event and sends it again.
void on_battery_swap(self_ptr self, const std::string& id, const json& payload) {
  actors::cabinet_swap e;
  e.station_sn = sn_of(self);
  e.event_type = payload.value("eventType", std::string{});
  e.request_id = payload.value("requestId", std::int64_t{0});
  e.rider_id = payload["idToken"].value("idToken", std::string{});
  for (const auto& b : payload["batteryData"])
    e.packs.push_back(actors::pack_reading{b.value("evseId", 0), b.value("serialNumber", std::string{}),
                                           b.value("soC", 0.0) / 100.0, b.value("soH", 100.0) / 100.0});
  e.at_ms = actors::now_ms(self);
  const auto what = e.event_type + " " + std::to_string(e.request_id);
  self->request(self->state.setup.store, lookup_timeout, actors::swapevt_atom::value, std::move(e))
      .await(
          [=](actors::cabinet_answer& a) {
            if (a.duplicate) log(self, what + ": resent, answered again without a second effect");
            else if (!a.summary.empty()) log(self, what + ": " + a.summary);
            if (!a.problem.empty()) log(self, what + ": NEEDS AN OPERATOR: " + a.problem);
            reply(self, id, "BatterySwap", json::object());
          },
          [=](caf::error& err) {
            log(self, what + ": not recorded, the cabinet will resend: " + caf::to_string(err));
            reply_error(self, id, ocpp::error_code::internal_error, "not recorded, send it again later");
          });
}

// An alarm's kind (twin::alert_kind as text) from the reported variable; empty when it is none.
std::string alarm_kind(const json& ev) {
  const auto variable = ev["variable"].value("name", std::string{});
  const auto value = ev.value("actualValue", std::string{});
  if (ev.value("cleared", false) || value == "false") return {};
  if (variable == "Problem" || variable == "Fault") return "slot_fault";
  if (variable == "Temperature" || variable == "OverTemperature") return "over_temperature";
  if (variable == "DoorOpen" || variable == "Door") return "door_open";
  return {};
}

void on_notify_event(self_ptr self, const std::string& id, const json& payload) {
  for (const auto& ev : payload["eventData"]) {
    const auto kind = alarm_kind(ev);
    const auto& component = ev["component"];
    const int slot = component.contains("evse") ? component["evse"].value("id", 0) : 0;
    const auto what = component.value("name", std::string{}) + (slot ? " " + std::to_string(slot) : std::string{}) +
                      " " + ev["variable"].value("name", std::string{}) + "=" + ev.value("actualValue", std::string{});
    if (kind.empty()) {
      log(self, "event " + what);
      continue;
    }
    log(self, "ALARM " + kind + ": " + what);
    if (self->state.setup.alerts)
      self->send(self->state.setup.alerts, actors::alert_atom::value,
                 actors::alert{sn_of(self), kind, slot, actors::now_ms(self)});
  }
  reply(self, id, "NotifyEvent", json::object());
}

// Reads the cabinet's record and pushes the desired settings it has not applied yet.
void check_desired(self_ptr self) {
  self->request(self->state.setup.store, lookup_timeout, actors::cabinet_atom::value, sn_of(self))
      .then([=](actors::cabinet_record& rec) { session_calls::push_desired(self, rec); },
            [=](caf::error& e) { log(self, "desired state: store failed: " + caf::to_string(e)); });
}

void on_call(self_ptr self, const ocpp::frame& f) {
  auto& st = self->state;
  if (!ocpp::known_action(f.action))
    return reply_error(self, f.message_id, ocpp::error_code::not_implemented, "unknown action " + f.action);
  if (ocpp::sent_by(f.action) != ocpp::origin::station)
    return reply_error(self, f.message_id, ocpp::error_code::not_supported, f.action + " is sent by the CSMS, not a station");
  if (auto v = ocpp::validate(f.action, ocpp::direction::request, f.payload)) {
    log_bad(self, f.action + " refused: " + std::string{ocpp::to_string(v->code)} + " at '" + v->pointer + "'");
    return reply_error(self, f.message_id, v->code,
                       (v->pointer.empty() ? std::string{"payload"} : v->pointer) + ": " + v->message);
  }
  if (f.action == "BootNotification") return on_boot(self, f.message_id, f.payload);
  if (!st.accepted) return reply_error(self, f.message_id, ocpp::error_code::security_error, "boot not accepted");
  if (f.action == "Heartbeat") {
    reply(self, f.message_id, "Heartbeat", json{{"currentTime", now_text(self)}});
    return check_desired(self);  // an operator may have changed a setting from another process
  }
  if (f.action == "StatusNotification") {
    caf::anon_send(st.setup.store, actors::status_atom::value,
                   actors::slot_status{sn_of(self), f.payload.value("evseId", 0),
                                       f.payload.value("connectorStatus", std::string{})});
    return reply(self, f.message_id, "StatusNotification", json::object());
  }
  if (f.action == "Authorize") return on_authorize(self, f.message_id, f.payload);
  if (f.action == "BatterySwap") return on_battery_swap(self, f.message_id, f.payload);
  if (f.action == "NotifyEvent") return on_notify_event(self, f.message_id, f.payload);
  reply_error(self, f.message_id, ocpp::error_code::not_supported, f.action + " is not supported by this gateway");
}

void on_text(self_ptr self, const std::string& text) {
  beat(self);  // any message from a bound cabinet, even a bad one, proves it alive
  auto parsed = ocpp::parse_frame(text);
  if (auto* r = std::get_if<ocpp::refusal>(&parsed)) {
    log_bad(self, "bad frame: " + std::string{ocpp::to_string(r->code)} + ": " + r->description);
    if (auto a = ocpp::answer(*r, self->state.setup.conn->subprotocol() == "ocpp2.1")) send_text(self, *a);
    return;
  }
  const auto& f = std::get<ocpp::frame>(parsed);
  if (f.type == ocpp::message_type::call) return on_call(self, f);
  if (f.type == ocpp::message_type::call_result)
    return session_calls::on_reply(self, static_cast<int>(f.type), f.message_id, f.payload.dump(), {});
  if (f.type == ocpp::message_type::call_error)
    return session_calls::on_reply(self, static_cast<int>(f.type), f.message_id, f.error_code, f.error_description);
  log_bad(self, "ignored a frame of type " + std::to_string(static_cast<int>(f.type)));  // SEND is never answered
}

}  // namespace

caf::behavior ocpp_session(caf::stateful_actor<session_state>* self, session_setup setup) {
  self->state.setup = std::move(setup);
  self->state.bad_frames = log_limiter{self->state.setup.bad_frame_log};
  return {
      [=](actors::wstext_atom, const std::string& text) {
        try {
          on_text(self, text);
        } catch (const std::exception& e) {  // no exception escapes an actor: answer and go on
          log(self, std::string{"internal error: "} + e.what());
        }
      },
      [=](actors::quiesce_atom) {
        self->state.quiet = true;
        return caf::ok_atom::value;
      },
      [=](actors::command_atom, const std::string& action, const std::string& payload) {
        auto rp = self->make_response_promise();
        auto fail = [&](const std::string& why) { rp.deliver(caf::make_error(caf::sec::runtime_error, why)); };
        auto body = json::parse(payload, nullptr, false);
        if (!self->state.accepted) fail(sn_of(self) + " has no accepted boot on this connection");
        else if (!body.is_object()) fail("payload of " + action + " is not a JSON object");
        else if (!ocpp::known_action(action) || ocpp::sent_by(action) != ocpp::origin::csms)
          fail(action + " is not a CALL the back end sends");
        if (rp.pending()) {
          outbound_call c;
          c.action = action;
          c.payload = body.dump();
          c.promise = rp;
          c.has_promise = true;
          session_calls::enqueue(self, std::move(c));
        }
        return rp;
      },
      [=](actors::calltime_atom, const std::string& id) { session_calls::on_timeout(self, id); },
      [=](actors::wsclose_atom) {
        if (const auto n = self->state.bad_frames.take_suppressed())
          log(self, std::to_string(n) + " similar line" + (n == 1 ? "" : "s") + " about bad frames suppressed before the "
                    "connection ended");
        session_calls::fail_all(self, "connection to " + sn_of(self) + " closed");
        if (self->state.station) self->send(self->state.setup.gateway, actors::unbind_atom::value, sn_of(self));
        self->quit();
      },
  };
}

}  // namespace swaptwin::adapters
