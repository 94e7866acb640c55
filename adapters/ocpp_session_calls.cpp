// Our CALLs to a cabinet (see ocpp_session.hpp): one outstanding at a time, matched by message
// id, timed out, and the desired-state push built on them.
#include <chrono>
#include <utility>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "adapters/ocpp_frame.hpp"
#include "adapters/ocpp_schema.hpp"
#include "adapters/ocpp_session.hpp"

namespace swaptwin::adapters::session_calls {

namespace {
using json = nlohmann::json;

const std::string& sn_of(self_ptr self) { return self->state.setup.conn->station_id(); }
void log(self_ptr self, const std::string& line) { self->state.setup.log(sn_of(self) + ": " + line); }

caf::error call_failed(const std::string& why) { return caf::make_error(caf::sec::runtime_error, why); }

void send_next(self_ptr self) {
  auto& st = self->state;
  if (st.in_flight || st.outbox.empty() || st.quiet) return;
  st.in_flight = std::move(st.outbox.front());
  st.outbox.pop_front();
  auto& c = *st.in_flight;
  ++st.setup.counters->sent;
  if (!st.setup.conn->send(ocpp::call(c.id, c.action, json::parse(c.payload)))) {
    auto failed = std::move(*st.in_flight);
    st.in_flight.reset();
    if (failed.has_promise) failed.promise.deliver(call_failed("connection closed"));
    return send_next(self);
  }
  self->delayed_send(self, std::chrono::milliseconds{st.setup.call_timeout_ms}, actors::calltime_atom::value, c.id);
}

// The cabinet answered a desired-state push: record what it now runs with.
void settle_push(self_ptr self, const outbound_call& c, bool accepted, const std::string& status) {
  if (!accepted) {
    log(self, "cabinet did not apply " + c.setting_field + "=" + c.setting_value + " (" + status + ")");
    return;
  }
  log(self, "cabinet applied " + c.setting_field + "=" + c.setting_value);
  self->request(self->state.setup.store, std::chrono::seconds{5}, actors::reported_atom::value, sn_of(self),
                c.setting_field, c.setting_value)
      .then([](bool) {}, [=](caf::error& e) { log(self, "recording a reported setting failed: " + caf::to_string(e)); });
}

// The CALL that makes the cabinet apply `field` = `value`, or none for a setting OCPP cannot push.
std::optional<std::pair<std::string, json>> call_for(const std::string& field, const std::string& value) {
  const char* status = value == "true" ? "Operative" : "Inoperative";
  if (field == "enabled") return std::make_pair(std::string{"ChangeAvailability"}, json{{"operationalStatus", status}});
  if (field.rfind("slot.", 0) == 0) {
    const int slot = std::stoi(field.substr(5));
    return std::make_pair(std::string{"ChangeAvailability"},
                          json{{"operationalStatus", status}, {"evse", {{"id", slot}}}});
  }
  return std::nullopt;
}
}  // namespace

void enqueue(self_ptr self, outbound_call call) {
  auto& st = self->state;
  call.id = "cs-" + std::to_string(++st.calls);
  if (auto v = ocpp::validate(call.action, ocpp::direction::request, json::parse(call.payload))) {
    const auto why = call.action + " payload breaks its schema at '" + v->pointer + "': " + v->message;
    log(self, "refused to send: " + why);
    if (call.has_promise) call.promise.deliver(call_failed(why));
    return;
  }
  st.outbox.push_back(std::move(call));
  send_next(self);
}

void on_reply(self_ptr self, int type, const std::string& id, const std::string& payload_or_code,
              const std::string& description) {
  auto& st = self->state;
  if (!st.in_flight || st.in_flight->id != id) {
    log(self, "ignored an answer to no outstanding call of ours (id " + id + ")");
    return;
  }
  auto c = std::move(*st.in_flight);
  st.in_flight.reset();
  if (type == static_cast<int>(ocpp::message_type::call_result)) {
    auto payload = json::parse(payload_or_code, nullptr, false);
    std::string status = payload.is_object() ? payload.value("status", std::string{}) : std::string{};
    if (!c.setting_field.empty()) settle_push(self, c, status == "Accepted" || status == "Scheduled", status);
    if (c.has_promise) c.promise.deliver(payload_or_code);
  } else {
    log(self, c.action + " answered " + payload_or_code + ": " + description);
    if (!c.setting_field.empty()) settle_push(self, c, false, payload_or_code);
    if (c.has_promise) c.promise.deliver(call_failed(c.action + ": " + payload_or_code + ": " + description));
  }
  send_next(self);
}

void on_timeout(self_ptr self, const std::string& id) {
  auto& st = self->state;
  if (!st.in_flight || st.in_flight->id != id) return;  // answered in time
  auto c = std::move(*st.in_flight);
  st.in_flight.reset();
  log(self, c.action + " unanswered after " + std::to_string(st.setup.call_timeout_ms) + " ms");
  if (c.has_promise) c.promise.deliver(call_failed(c.action + ": no answer within the timeout"));
  send_next(self);
}

void push_desired(self_ptr self, const actors::cabinet_record& rec) {
  auto& st = self->state;
  for (std::size_t i = 0; i < rec.change_fields.size() && i < rec.change_values.size(); ++i) {
    const auto& field = rec.change_fields[i];
    const auto& value = rec.change_values[i];
    if (!st.pushed.insert(field + "=" + value).second) continue;  // pushed in this session already
    auto call = call_for(field, value);
    if (!call) continue;  // the name and the power cap are the back office's: no OCPP message carries them
    outbound_call c;
    c.action = call->first;
    c.payload = call->second.dump();
    c.setting_field = field;
    c.setting_value = value;
    log(self, "pushing desired " + field + "=" + value);
    enqueue(self, std::move(c));
  }
}

void fail_all(self_ptr self, const std::string& why) {
  auto& st = self->state;
  if (st.in_flight && st.in_flight->has_promise) st.in_flight->promise.deliver(call_failed(why));
  st.in_flight.reset();
  for (auto& c : st.outbox)
    if (c.has_promise) c.promise.deliver(call_failed(why));
  st.outbox.clear();
}

}  // namespace swaptwin::adapters::session_calls
