// OCPP 2.1 payload validation: every valid sample passes, and each kind of violation gives the
// documented CALLERROR code and the offending field's JSON pointer.

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "adapters/ocpp_frame.hpp"
#include "adapters/ocpp_schema.hpp"
#include "ocpp_samples.hpp"

using namespace swaptwin::adapters::ocpp;
using nlohmann::json;

namespace {

const auto req = direction::request;
const auto res = direction::response;
const auto occurrence = error_code::occurrence_constraint_violation;
const auto type = error_code::type_constraint_violation;
const auto property = error_code::property_constraint_violation;
const auto format = error_code::format_violation;

TEST(OcppSchema, EveryValidSamplePassesAndIsCaptured) {
  std::vector<std::string> frames;
  for (const auto& s : test_data::valid_samples()) {
    const auto v = validate(s.action, s.dir, s.payload);
    EXPECT_FALSE(v) << s.name << ": " << v->pointer << " " << v->message;
    // Each response goes out paired with a request sample of its action, so the conformance
    // check can find which schema the CALLRESULT answers.
    const std::string id = "sample-" + s.name;
    if (s.dir == req) {
      frames.push_back(call(id, s.action, s.payload));
    } else {
      frames.push_back(call(id, s.action, test_data::sample_of(s.action, req)));
      frames.push_back(call_result(id, s.payload));
    }
  }
  test_data::capture(frames);
}

TEST(OcppSchema, EveryActionHasARequestAndAResponseSample) {
  std::set<std::pair<std::string, direction>> covered;
  for (const auto& s : test_data::valid_samples()) covered.insert({s.action, s.dir});
  const auto table = ocpp21_messages();
  EXPECT_EQ(table.size(), 11u);
  for (const auto& m : table) {
    EXPECT_TRUE(covered.count({m.action, req})) << m.action;
    EXPECT_TRUE(covered.count({m.action, res})) << m.action;
  }
}

TEST(OcppSchema, KnownActionsAndWhoSendsThem) {
  for (const char* a : {"BootNotification", "Heartbeat", "StatusNotification", "Authorize",
                        "BatterySwap", "NotifyEvent"}) {
    EXPECT_TRUE(known_action(a)) << a;
    EXPECT_EQ(sent_by(a), origin::station) << a;
  }
  for (const char* a : {"RequestBatterySwap", "ChangeAvailability", "Reset", "SetVariables",
                        "TriggerMessage"}) {
    EXPECT_TRUE(known_action(a)) << a;
    EXPECT_EQ(sent_by(a), origin::csms) << a;
  }
  for (const char* a : {"", "heartbeat", "MeterValues", "BatterySwapRequest"}) {
    EXPECT_FALSE(known_action(a)) << a;
    EXPECT_FALSE(sent_by(a)) << a;
    const auto v = validate(a, req, json::object());
    ASSERT_TRUE(v) << a;
    EXPECT_EQ(v->code, error_code::not_implemented);
  }
}

// One change to a valid sample and what it must be refused with.
struct bad_case {
  std::string action;
  direction dir;
  std::string target;            // JSON pointer changed in the sample
  std::optional<json> value;     // nothing: remove the target
  error_code code;
  std::string pointer;           // expected violation pointer (empty: same as target)
};

std::string str(std::size_t n) { return std::string(n, 'a'); }

TEST(OcppSchema, EachViolationGivesItsCodeAndPointer) {
  const std::vector<bad_case> cases = {
      // BootNotification
      {"BootNotification", req, "/chargingStation/model", std::nullopt, occurrence, ""},
      {"BootNotification", req, "/chargingStation", std::nullopt, occurrence, ""},
      {"BootNotification", req, "/reason", 5, type, ""},
      {"BootNotification", req, "/reason", "Booted", property, ""},
      {"BootNotification", req, "/chargingStation/model", str(21), property, ""},
      {"BootNotification", req, "/chargingStation/model", str(20) + "\xC3\xA9", property, ""},
      {"BootNotification", req, "/bogus", 1, format, ""},
      {"BootNotification", req, "/chargingStation/modem", json{{"iccid", "1"}, {"x", 1}}, format,
       "/chargingStation/modem/x"},
      {"BootNotification", req, "/chargingStation", "CAB-1", type, ""},
      {"BootNotification", req, "/customData", json{{"id", "acme"}}, occurrence,
       "/customData/vendorId"},
      {"BootNotification", req, "/customData", json{{"vendorId", str(256)}}, property,
       "/customData/vendorId"},
      {"BootNotification", res, "/currentTime", "yesterday", property, ""},
      {"BootNotification", res, "/currentTime", "2026-05-01T08:00:00", property, ""},
      {"BootNotification", res, "/currentTime", "2026-02-29T08:00:00Z", property, ""},
      {"BootNotification", res, "/interval", "30", type, ""},
      {"BootNotification", res, "/interval", 30.5, type, ""},
      {"BootNotification", res, "/interval", std::nullopt, occurrence, ""},
      {"BootNotification", res, "/status", "OK", property, ""},
      {"BootNotification", res, "/statusInfo", json{{"additionalInfo", "x"}}, occurrence,
       "/statusInfo/reasonCode"},
      // Heartbeat, StatusNotification
      {"Heartbeat", req, "/x", 1, format, ""},
      {"Heartbeat", res, "/currentTime", 1714550400, type, ""},
      {"StatusNotification", req, "/evseId", -1, property, ""},
      {"StatusNotification", req, "/evseId", 1.5, type, ""},
      {"StatusNotification", req, "/connectorStatus", "Charging", property, ""},
      {"StatusNotification", req, "/timestamp", "2026-05-01T25:00:00Z", property, ""},
      {"StatusNotification", res, "/status", "Accepted", format, ""},
      // Authorize
      {"Authorize", req, "/idToken/idToken", str(256), property, ""},
      {"Authorize", req, "/idToken/additionalInfo", json::array(), occurrence, ""},
      {"Authorize", res, "/idTokenInfo/status", "Rejected", property, ""},
      {"Authorize", res, "/idTokenInfo/evseId", json::array({1, -1}), property,
       "/idTokenInfo/evseId/1"},
      // BatterySwap
      {"BatterySwap", req, "/batteryData/0/soC", 101, property, ""},
      {"BatterySwap", req, "/batteryData/0/soH", -0.5, property, ""},
      {"BatterySwap", req, "/batteryData/0/soC", "17", type, ""},
      {"BatterySwap", req, "/batteryData/0/serialNumber", str(51), property, ""},
      {"BatterySwap", req, "/batteryData/0/productionDate", "2026-02-30T00:00:00Z", property, ""},
      {"BatterySwap", req, "/batteryData/0/bogus", true, format, ""},
      {"BatterySwap", req, "/batteryData/0/evseId", std::nullopt, occurrence, ""},
      {"BatterySwap", req, "/batteryData", json::array(), occurrence, ""},
      {"BatterySwap", req, "/batteryData", json::object(), type, ""},
      {"BatterySwap", req, "/eventType", "Swap", property, ""},
      {"BatterySwap", req, "/requestId", "42", type, ""},
      {"BatterySwap", req, "/idToken/type", std::nullopt, occurrence, ""},
      {"BatterySwap", req, "/idToken/type", str(21), property, ""},
      {"BatterySwap", res, "/accepted", true, format, ""},
      // NotifyEvent
      {"NotifyEvent", req, "/eventData/0/component/evse", json{{"connectorId", 1}}, occurrence,
       "/eventData/0/component/evse/id"},
      {"NotifyEvent", req, "/tbc", "yes", type, ""},
      {"NotifyEvent", req, "/tbc", nullptr, type, ""},  // null for an optional field is invalid
      {"NotifyEvent", req, "/eventData/0/actualValue", str(2501), property, ""},
      {"NotifyEvent", req, "/eventData/0/trigger", "Manual", property, ""},
      {"NotifyEvent", req, "/seqNo", -1, property, ""},
      // back end -> station
      {"RequestBatterySwap", req, "/requestId", std::nullopt, occurrence, ""},
      {"RequestBatterySwap", res, "/status", "Scheduled", property, ""},
      {"ChangeAvailability", req, "/operationalStatus", "Disabled", property, ""},
      {"ChangeAvailability", req, "/evse/id", -3, property, ""},
      {"ChangeAvailability", res, "/status", "NotImplemented", property, ""},
      {"Reset", req, "/type", "Hard", property, ""},
      {"Reset", res, "/status", std::nullopt, occurrence, ""},
      {"SetVariables", req, "/setVariableData/0/attributeValue", 30, type, ""},
      {"SetVariables", req, "/setVariableData/0/attributeType", "Minimum", property, ""},
      {"SetVariables", res, "/setVariableResult/0/attributeStatus", "Ok", property, ""},
      {"SetVariables", res, "/setVariableResult/0/variable/name", str(51), property, ""},
      {"TriggerMessage", req, "/requestedMessage", "BatterySwap", property, ""},
      {"TriggerMessage", req, "/customTrigger", str(51), property, ""},
      {"TriggerMessage", res, "/status", "Done", property, ""},
  };
  std::vector<std::string> bad_frames, context;
  int n = 0;
  for (const auto& c : cases) {
    json payload = test_data::sample_of(c.action, c.dir);
    const json::json_pointer target(c.target);
    if (c.value)
      payload[target] = *c.value;
    else
      payload[target.parent_pointer()].erase(target.back());
    const std::string where = c.action + (c.dir == req ? " request " : " response ") + c.target;
    const auto v = validate(c.action, c.dir, payload);
    ASSERT_TRUE(v) << where;
    EXPECT_EQ(to_string(v->code), to_string(c.code)) << where << ": " << v->message;
    EXPECT_EQ(v->pointer, c.pointer.empty() ? c.target : c.pointer) << where;
    EXPECT_FALSE(v->message.empty());
    // The official schemas must reject it too (checked by scripts/conformance.sh).
    const std::string id = "bad-" + std::to_string(n++);
    if (c.dir == req) {
      bad_frames.push_back(call(id, c.action, payload));
    } else {
      context.push_back(call(id, c.action, test_data::sample_of(c.action, req)));
      bad_frames.push_back(call_result(id, payload));
    }
  }
  test_data::capture(context);
  test_data::capture_invalid(bad_frames);
}

TEST(OcppSchema, CustomDataIsOpenAndAllowedOnEveryObject) {
  json swap = test_data::sample_of("BatterySwap", req);
  const json custom = {{"vendorId", "com.acme"}, {"anything", {{"goes", json::array({1})}}}};
  swap["customData"] = custom;
  swap["idToken"]["customData"] = custom;
  swap["batteryData"][0]["customData"] = custom;
  EXPECT_FALSE(validate("BatterySwap", req, swap));
  test_data::capture({call("custom-1", "BatterySwap", swap),
                      call_result("custom-1", {{"customData", custom}})});
}

TEST(OcppSchema, IntegersMayBeWrittenWithAZeroFraction) {
  // JSON Schema (and ajv) count 3.0 as an integer; the wire may carry either spelling.
  json status = test_data::sample_of("StatusNotification", req);
  status["evseId"] = 3.0;
  EXPECT_FALSE(validate("StatusNotification", req, status));
}

TEST(OcppSchema, PointersEscapeSlashAndTilde) {
  const auto v = validate("Heartbeat", req, {{"a/b~c", 1}});
  ASSERT_TRUE(v);
  EXPECT_EQ(v->pointer, "/a~1b~0c");
  EXPECT_EQ(v->code, format);
}

TEST(OcppSchema, PayloadThatIsNotAnObject) {
  const auto v = validate("Heartbeat", req, json::array());
  ASSERT_TRUE(v);
  EXPECT_EQ(v->code, type);
  EXPECT_EQ(v->pointer, "");
}

TEST(OcppSchema, DateTimesAsAjvFormatsReadThem) {
  // Each one also goes to the captures as a Heartbeat's currentTime, so the conformance check
  // confirms that ajv-formats draws the line where is_date_time does.
  std::vector<std::string> good, context, bad_frames;
  int n = 0;
  auto heartbeat = [&n](const char* time, std::vector<std::string>& calls,
                        std::vector<std::string>& results) {
    const std::string id = "time-" + std::to_string(n++);
    calls.push_back(call(id, "Heartbeat", json::object()));
    results.push_back(call_result(id, {{"currentTime", time}}));
  };
  for (const char* ok :
       {"2026-05-01T12:00:00Z", "2026-05-01t12:00:00z", "2026-05-01 12:00:00.123+02:00",
        "2026-05-01T12:00:00+0530", "2026-05-01T12:00:00-05", "2024-02-29T00:00:00Z",
        "2000-02-29T00:00:00Z", "2016-12-31T23:59:60Z", "2016-12-31T23:59:60.5Z",
        "2017-01-01T00:59:60+01:00", "2026-05-01T12:00:00.000000001Z"}) {
    EXPECT_TRUE(is_date_time(ok)) << ok;
    heartbeat(ok, good, good);
  }
  for (const char* bad :
       {"", "yesterday", "2026-05-01", "2026-05-01T12:00:00", "2023-02-29T00:00:00Z",
        "1900-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z",
        "2026-04-31T00:00:00Z", "2026-05-01T24:00:00Z", "2026-05-01T12:60:00Z",
        "2026-05-01T12:00:60Z", "2026-05-01T12:00:00+24:00", "2026-05-01T12:00:00+05:60",
        "2026-05-01T12:00:00+05:", "2026-05-01T12:00Z", "2026-05-01TT12:00:00Z",
        "2026-05-01T12:00:00.Z", "2026-5-01T12:00:00Z", "26-05-01T12:00:00Z",
        "2026-05-01T12:00:00 Z", "2026-05-01T12:00:00ZZ", "2026-05-01T12:00:00+5"}) {
    EXPECT_FALSE(is_date_time(bad)) << bad;
    heartbeat(bad, context, bad_frames);
  }
  test_data::capture(good);
  test_data::capture(context);
  test_data::capture_invalid(bad_frames);
}

}  // namespace
