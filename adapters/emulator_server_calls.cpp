// The server's CALLs to an emulated cabinet (see emulator_cabinet_impl.hpp): validated, answered
// at once, and their effect (a swap, StatusNotifications, a reboot, a new heartbeat interval, a
// triggered message) queued after the answer, so the server sees the answer first.
#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "adapters/emulator_cabinet_impl.hpp"
#include "adapters/ocpp_schema.hpp"

namespace swaptwin::adapters::emulation {

namespace {
// The slots a server CALL's optional `evse` names: [from, to], all of them without one (or id 0).
// False when the id is beyond the cabinet's slots.
bool slot_range(const json& p, int slots, int& from, int& to) {
  from = 1;
  to = slots;
  if (!p.contains("evse") || p["evse"].value("id", 0) == 0) return true;
  const int id = p["evse"].value("id", 0);
  if (id > slots) return false;
  from = to = id;
  return true;
}
}  // namespace

void cabinet_impl::answer_server_call(const ocpp::frame& f) {
  s_.counters.add_server_call(f.action);
  emit("server_call", f.action);
  if (!ocpp::known_action(f.action)) {
    send_reply(ocpp::call_error(f.message_id, ocpp::error_code::not_implemented, "unknown action " + f.action));
    return;
  }
  if (auto v = ocpp::validate(f.action, ocpp::direction::request, f.payload)) {
    send_reply(ocpp::call_error(f.message_id, v->code, v->pointer + ": " + v->message));
    return;
  }
  std::function<void()> after;  // the effect, once the answer is on its way
  json answer;
  const auto& p = f.payload;
  if (f.action == "RequestBatterySwap") {
    answer = request_battery_swap(p, after);
  } else if (f.action == "ChangeAvailability") {
    answer = change_availability(p, after);
  } else if (f.action == "Reset") {
    answer = json{{"status", "Accepted"}};
    after = [this] {
      // Reboot: close cleanly, reconnect at once, boot with RemoteReset (handle_close).
      emit("reset", "RemoteReset");
      boot_reason_ = "RemoteReset";
      resetting_ = true;
      client_->close(1000, "reset");
    };
  } else if (f.action == "SetVariables") {
    answer = set_variables(p);
  } else if (f.action == "TriggerMessage") {
    answer = trigger_message(p, after);
  } else {
    // A station's own message sent to us (BootNotification, ...): the wrong direction.
    send_reply(ocpp::call_error(f.message_id, ocpp::error_code::not_supported, f.action + " is sent by stations"));
    return;
  }
  auto text = ocpp::call_result(f.message_id, answer);
  if (auto v = ocpp::validate(f.action, ocpp::direction::response, answer)) {
    ++s_.counters.invalid_sent;
    emit("invalid", f.action + " answer: " + v->pointer + ": " + v->message);
  }
  send_reply(std::move(text));
  if (after) after();
  pump();
}

json cabinet_impl::request_battery_swap(const json& p, std::function<void()>& after) {
  const auto rider_id = p["idToken"].value("idToken", std::string{});
  const auto request_id = p.value("requestId", std::int64_t{0});
  const auto it = std::find_if(state_.riders.begin(), state_.riders.end(),
                               [&](const rider_state& r) { return r.id == rider_id; });
  if (it == state_.riders.end() || rider_busy(rider_id)) return json{{"status", "Rejected"}};
  const auto rider = static_cast<std::size_t>(it - state_.riders.begin());
  charge_now();
  if (!swap_possible(rider)) return json{{"status", "Rejected"}};
  after = [this, rider, request_id] {
    // The server authorised it: no Authorize, straight to the slots.
    ++s_.counters.swaps_started;
    if (!commit_swap(rider, request_id)) ++s_.counters.swaps_abandoned;
  };
  return json{{"status", "Accepted"}};
}

json cabinet_impl::change_availability(const json& p, std::function<void()>& after) {
  const bool unavailable = p.value("operationalStatus", std::string{}) == "Inoperative";
  int from = 0, to = 0;
  if (!slot_range(p, static_cast<int>(state_.slots.size()), from, to)) return json{{"status", "Rejected"}};
  after = [this, from, to, unavailable] {
    for (int slot = from; slot <= to; ++slot) {
      auto& x = state_.slots[static_cast<std::size_t>(slot - 1)];
      if (x.unavailable == unavailable) continue;
      const auto before = state_.status(slot);
      x.unavailable = unavailable;
      if (state_.status(slot) != before) push_status(slot);
    }
    save();
  };
  return json{{"status", "Accepted"}};
}

json cabinet_impl::set_variables(const json& p) {
  json results = json::array();
  for (const auto& item : p["setVariableData"]) {
    json r{{"component", item["component"]}, {"variable", item["variable"]}};
    if (item.contains("attributeType")) r["attributeType"] = item["attributeType"];
    const auto component = item["component"].value("name", std::string{});
    const auto variable = item["variable"].value("name", std::string{});
    if (component != "OCPPCommCtrlr") {
      r["attributeStatus"] = "UnknownComponent";
    } else if (variable != "HeartbeatInterval") {
      r["attributeStatus"] = "UnknownVariable";
    } else {
      const auto value = item.value("attributeValue", std::string{});
      char* end = nullptr;
      errno = 0;
      const long s = std::strtol(value.c_str(), &end, 10);
      if (value.empty() || *end || errno || s <= 0 || s > 86400) {
        r["attributeStatus"] = "Rejected";
      } else {
        r["attributeStatus"] = "Accepted";
        heartbeat_interval_ = ms{s * 1000};
        if (reg_ == reg::accepted) arm_heartbeat();  // the next heartbeat is one new interval from now
        emit("server_call", "HeartbeatInterval " + value + " s");
      }
    }
    results.push_back(std::move(r));
  }
  return json{{"setVariableResult", results}};
}

json cabinet_impl::trigger_message(const json& p, std::function<void()>& after) {
  const auto what = p.value("requestedMessage", std::string{});
  if (what == "BootNotification") {
    after = [this] {
      boot_reason_ = "Triggered";
      boot_due_ = true;
    };
  } else if (what == "Heartbeat") {
    after = [this] { queue_plain("Heartbeat", json::object()); };
  } else if (what == "StatusNotification") {
    int from = 0, to = 0;
    if (!slot_range(p, static_cast<int>(state_.slots.size()), from, to)) return json{{"status", "Rejected"}};
    after = [this, from, to] {
      for (int slot = from; slot <= to; ++slot) queue_plain("StatusNotification", status_payload(slot, state_.status(slot)));
    };
  } else {
    return json{{"status", "NotImplemented"}};
  }
  return json{{"status", "Accepted"}};
}

}  // namespace swaptwin::adapters::emulation
