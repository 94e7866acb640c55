#include "adapters/ocpp_session.hpp"

#include <chrono>
#include <exception>
#include <utility>
#include <variant>

#include <caf/all.hpp>

#include "actors/clock.hpp"
#include "actors/station.hpp"
#include "adapters/ocpp_frame.hpp"
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
            if (!rec.known) {
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
              answer_boot(self, id, rec.registration == "rejected" ? "Rejected" : "Pending");
              return;
            }
            self->request(self->state.setup.gateway, lookup_timeout, actors::bind_atom::value, sn)
                .await(
                    [=](caf::actor station) {
                      self->state.station = std::move(station);
                      self->state.accepted = true;
                      beat(self);  // online now: the accepted boot is a message from the cabinet
                      answer_boot(self, id, "Accepted");
                    },
                    store_failed);
          },
          store_failed);
}

void on_call(self_ptr self, const ocpp::frame& f) {
  auto& st = self->state;
  if (!ocpp::known_action(f.action))
    return reply_error(self, f.message_id, ocpp::error_code::not_implemented, "unknown action " + f.action);
  if (ocpp::sent_by(f.action) != ocpp::origin::station)
    return reply_error(self, f.message_id, ocpp::error_code::not_supported, f.action + " is sent by the CSMS, not a station");
  if (auto v = ocpp::validate(f.action, ocpp::direction::request, f.payload)) {
    log(self, f.action + " refused: " + std::string{ocpp::to_string(v->code)} + " at '" + v->pointer + "'");
    return reply_error(self, f.message_id, v->code,
                       (v->pointer.empty() ? std::string{"payload"} : v->pointer) + ": " + v->message);
  }
  if (f.action == "BootNotification") return on_boot(self, f.message_id, f.payload);
  if (!st.accepted) return reply_error(self, f.message_id, ocpp::error_code::security_error, "boot not accepted");
  if (f.action == "Heartbeat") return reply(self, f.message_id, "Heartbeat", json{{"currentTime", now_text(self)}});
  // Slot states are recorded by a later slice; the message still proves the cabinet alive.
  if (f.action == "StatusNotification") return reply(self, f.message_id, "StatusNotification", json::object());
  reply_error(self, f.message_id, ocpp::error_code::not_supported, f.action + " is not yet supported by this gateway");
}

void on_text(self_ptr self, const std::string& text) {
  beat(self);  // any message from a bound cabinet, even a bad one, proves it alive
  auto parsed = ocpp::parse_frame(text);
  if (auto* r = std::get_if<ocpp::refusal>(&parsed)) {
    log(self, "bad frame: " + std::string{ocpp::to_string(r->code)} + ": " + r->description);
    if (auto a = ocpp::answer(*r, self->state.setup.conn->subprotocol() == "ocpp2.1")) send_text(self, *a);
    return;
  }
  const auto& f = std::get<ocpp::frame>(parsed);
  if (f.type == ocpp::message_type::call) return on_call(self, f);
  // The gateway sends no CALLs yet, so results and errors answer nothing of ours; SEND is never answered.
  log(self, "ignored an unsolicited frame of type " + std::to_string(static_cast<int>(f.type)));
}

}  // namespace

caf::behavior ocpp_session(caf::stateful_actor<session_state>* self, session_setup setup) {
  self->state.setup = std::move(setup);
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
      [=](actors::wsclose_atom) {
        if (self->state.station) self->send(self->state.setup.gateway, actors::unbind_atom::value, sn_of(self));
        self->quit();
      },
  };
}

// ---- gateway actor ------------------------------------------------------------------------------

namespace {

using gw_ptr = caf::stateful_actor<gateway_state>*;

caf::actor station_of(gw_ptr self, const std::string& sn) {
  auto& st = self->state;
  if (auto it = st.stations.find(sn); it != st.stations.end()) return it->second;
  actors::station_setup s;
  s.station.sn = sn;
  s.station.desired.name = sn;
  s.station.link.online = false;  // live: offline until its cabinet's first accepted message
  s.heartbeat_ms = st.setup.heartbeat_ms;
  s.offline_after_beats = st.setup.offline_after_beats;
  s.simulate_cabinet = false;
  s.dispatcher = st.setup.dispatcher;
  auto a = self->spawn(actors::station, std::move(s), caf::actor{}, st.setup.journal);
  st.stations.emplace(sn, a);
  return a;
}

}  // namespace

caf::behavior gateway_actor(caf::stateful_actor<gateway_state>* self, gateway_setup setup) {
  self->state.setup = std::move(setup);
  for (const auto& sn : self->state.setup.accepted) station_of(self, sn);
  // Station actors live as long as the gateway: at its exit they end too (their pending liveness
  // timers would otherwise keep the actor system waiting at shutdown).
  self->set_exit_handler([=](const caf::exit_msg& msg) {
    for (auto& [sn, a] : self->state.stations) self->send_exit(a, msg.reason);
    self->state.stations.clear();
    self->quit(msg.reason);
  });
  return {
      [=](actors::bind_atom, const std::string& sn) -> caf::actor {
        auto a = station_of(self, sn);
        self->state.current[sn] = caf::actor_cast<caf::actor_addr>(self->current_sender());
        return a;
      },
      [=](actors::unbind_atom, const std::string& sn) {
        auto& st = self->state;
        auto it = st.current.find(sn);
        // A reconnected cabinet has a newer session: the old socket closing must not mark it offline.
        if (it == st.current.end() || it->second != caf::actor_cast<caf::actor_addr>(self->current_sender())) return;
        st.current.erase(it);
        if (auto s = st.stations.find(sn); s != st.stations.end()) self->send(s->second, actors::disconnect_atom::value);
        st.setup.log(sn + ": connection closed: offline");
      },
      [=](caf::get_atom, const std::string& sn) -> caf::actor {
        auto it = self->state.stations.find(sn);
        return it == self->state.stations.end() ? caf::actor{} : it->second;
      },
  };
}

}  // namespace swaptwin::adapters
