#include "ocpp_samples.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

namespace swaptwin::adapters::ocpp::test_data {
namespace {

using nlohmann::json;

json id_token() { return {{"idToken", "RIDER-0001"}, {"type", "Central"}}; }

json component_with_evse() {
  return {{"name", "EVSE"}, {"instance", "slot-3"}, {"evse", {{"id", 3}, {"connectorId", 1}}}};
}

void append(const char* variable, const std::vector<std::string>& frames) {
  const char* path = std::getenv(variable);
  if (path == nullptr || *path == '\0' || frames.empty()) return;
  std::string text;
  for (const auto& f : frames) text += f + "\n";
  const int fd = ::open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd < 0) return;
  // O_APPEND and a single write keep a call and its result adjacent when tests run in parallel.
  const ssize_t written = ::write(fd, text.data(), text.size());
  (void)written;
  ::close(fd);
}

}  // namespace

std::vector<sample> valid_samples() {
  const auto req = direction::request;
  const auto res = direction::response;
  const json status_info = {{"reasonCode", "NoStock"}, {"additionalInfo", "no charged 60V pack"}};
  return {
      {"boot-min", "BootNotification", req,
       {{"reason", "PowerUp"}, {"chargingStation", {{"model", "SC-12"}, {"vendorName", "Acme"}}}}},
      {"boot-full", "BootNotification", req,
       {{"reason", "Watchdog"},
        {"chargingStation",
         {{"model", "SC-12"}, {"vendorName", "Acme"}, {"serialNumber", "CAB-0001"},
          {"firmwareVersion", "2.4.1"},
          {"modem", {{"iccid", "8986001234567890123"}, {"imsi", "460001234567890"}}}}},
        {"customData", {{"vendorId", "com.acme"}, {"boardTemp", 41.5}}}}},
      {"boot-accepted", "BootNotification", res,
       {{"currentTime", "2026-05-01T08:00:00Z"}, {"interval", 30}, {"status", "Accepted"}}},
      {"boot-pending", "BootNotification", res,
       {{"currentTime", "2026-05-01T08:00:00.123+08:00"}, {"interval", 60}, {"status", "Pending"},
        {"statusInfo", {{"reasonCode", "Unknown"}, {"additionalInfo", "awaiting operator"}}}}},
      {"heartbeat", "Heartbeat", req, json::object()},
      {"heartbeat-now", "Heartbeat", res, {{"currentTime", "2026-05-01T08:00:30Z"}}},
      {"status", "StatusNotification", req,
       {{"timestamp", "2026-05-01T08:00:01Z"}, {"connectorStatus", "Occupied"}, {"evseId", 3},
        {"connectorId", 1}}},
      {"status-ok", "StatusNotification", res, json::object()},
      {"authorize", "Authorize", req, {{"idToken", id_token()}}},
      {"authorize-extra", "Authorize", req,
       {{"idToken",
         {{"idToken", "04A2B3C4D5"}, {"type", "ISO14443"},
          {"additionalInfo", json::array({{{"additionalIdToken", "RIDER-0001"},
                                            {"type", "rider"}}})}}}}},
      {"authorize-ok", "Authorize", res, {{"idTokenInfo", {{"status", "Accepted"}}}}},
      {"authorize-full", "Authorize", res,
       {{"idTokenInfo",
         {{"status", "NoCredit"}, {"cacheExpiryDateTime", "2026-05-02T00:00:00Z"},
          {"language1", "en"}, {"evseId", json::array({1, 2})},
          {"groupIdToken", {{"idToken", "FLEET-7"}, {"type", "Central"}}},
          {"personalMessage", {{"format", "UTF8"}, {"content", "Top up your wallet"}}}}},
        {"tariff",
         {{"tariffId", "swap-60V"}, {"currency", "KES"},
          {"energy", {{"prices", json::array({{{"priceKwh", 25.0}}})}}},
          {"fixedFee",
           {{"prices", json::array({{{"priceFixed", 150},
                                     {"conditions", {{"dayOfWeek", json::array({"Monday"})}}}}})},
            {"taxRates", json::array({{{"type", "VAT"}, {"tax", 16}}})}}}}}}},
      {"swap-in", "BatterySwap", req,
       {{"eventType", "BatteryIn"}, {"requestId", 42}, {"idToken", id_token()},
        {"batteryData", json::array({{{"evseId", 3}, {"serialNumber", "PK-60-0001"},
                                      {"soC", 17.5}, {"soH", 96}}})}}},
      {"swap-out", "BatterySwap", req,
       {{"eventType", "BatteryOut"}, {"requestId", 42}, {"idToken", id_token()},
        {"batteryData",
         json::array({{{"evseId", 7}, {"serialNumber", "PK-60-0009"}, {"soC", 100}, {"soH", 0},
                       {"productionDate", "2024-02-29T00:00:00Z"},
                       {"vendorInfo", "cells: 16S"}}})}}},
      {"swap-ok", "BatterySwap", res, json::object()},
      {"event", "NotifyEvent", req,
       {{"generatedAt", "2026-05-01T08:01:00Z"}, {"seqNo", 0}, {"tbc", false},
        {"eventData",
         json::array({{{"eventId", 1}, {"timestamp", "2026-05-01T08:00:59Z"},
                       {"trigger", "Alerting"}, {"actualValue", "71.5"},
                       {"eventNotificationType", "HardWiredMonitor"},
                       {"component", component_with_evse()},
                       {"variable", {{"name", "Temperature"}}},
                       {"severity", 2}, {"cleared", false}, {"techCode", "OT-1"}}})}}},
      {"event-ok", "NotifyEvent", res, json::object()},
      {"request-swap", "RequestBatterySwap", req, {{"requestId", 43}, {"idToken", id_token()}}},
      {"request-swap-ok", "RequestBatterySwap", res, {{"status", "Accepted"}}},
      {"request-swap-no", "RequestBatterySwap", res,
       {{"status", "Rejected"}, {"statusInfo", status_info}}},
      {"availability", "ChangeAvailability", req,
       {{"operationalStatus", "Inoperative"}, {"evse", {{"id", 3}}}}},
      {"availability-ok", "ChangeAvailability", res, {{"status", "Scheduled"}}},
      {"reset", "Reset", req, {{"type", "OnIdle"}}},
      {"reset-evse", "Reset", req, {{"type", "Immediate"}, {"evseId", 2}}},
      {"reset-ok", "Reset", res, {{"status", "Accepted"}}},
      {"set-variables", "SetVariables", req,
       {{"setVariableData",
         json::array({{{"attributeValue", "30"}, {"attributeType", "Actual"},
                       {"component", {{"name", "OCPPCommCtrlr"}}},
                       {"variable", {{"name", "HeartbeatInterval"}}}}})}}},
      {"set-variables-ok", "SetVariables", res,
       {{"setVariableResult",
         json::array({{{"attributeStatus", "RebootRequired"},
                       {"component", {{"name", "OCPPCommCtrlr"}}},
                       {"variable", {{"name", "HeartbeatInterval"}}},
                       {"attributeStatusInfo", {{"reasonCode", "Reboot"}}}}})}}},
      {"trigger", "TriggerMessage", req, {{"requestedMessage", "StatusNotification"},
                                          {"evse", {{"id", 3}}}}},
      {"trigger-custom", "TriggerMessage", req,
       {{"requestedMessage", "CustomTrigger"}, {"customTrigger", "BatterySwap"}}},
      {"trigger-ok", "TriggerMessage", res, {{"status", "NotImplemented"}}},
  };
}

json sample_of(const std::string& action, direction dir) {
  for (auto& s : valid_samples())
    if (s.action == action && s.dir == dir) return s.payload;
  throw std::invalid_argument("no sample for " + action);
}

void capture(const std::vector<std::string>& frames) { append("SWAPTWIN_OCPP_CAPTURE", frames); }

void capture_invalid(const std::vector<std::string>& frames) {
  append("SWAPTWIN_OCPP_CAPTURE_INVALID", frames);
}

}  // namespace swaptwin::adapters::ocpp::test_data
