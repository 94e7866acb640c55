// OCPP-J framing: every kind of bad frame is refused with the documented code and id, every
// frame type round-trips, and the serialisers write what the 2.x spec says.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "adapters/ocpp_frame.hpp"
#include "ocpp_samples.hpp"

using namespace swaptwin::adapters::ocpp;
using nlohmann::json;

namespace {

const std::string id36(36, 'x');

TEST(OcppErrorCode, ExactTwoXSpellings) {
  const std::vector<std::pair<error_code, std::string>> all = {
      {error_code::format_violation, "FormatViolation"},
      {error_code::generic_error, "GenericError"},
      {error_code::internal_error, "InternalError"},
      {error_code::message_type_not_supported, "MessageTypeNotSupported"},
      {error_code::not_implemented, "NotImplemented"},
      {error_code::not_supported, "NotSupported"},
      {error_code::occurrence_constraint_violation, "OccurrenceConstraintViolation"},
      {error_code::property_constraint_violation, "PropertyConstraintViolation"},
      {error_code::protocol_error, "ProtocolError"},
      {error_code::rpc_framework_error, "RpcFrameworkError"},
      {error_code::security_error, "SecurityError"},
      {error_code::type_constraint_violation, "TypeConstraintViolation"},
  };
  for (const auto& [code, text] : all) {
    EXPECT_EQ(to_string(code), text);
    EXPECT_EQ(error_code_from_string(text), code) << text;
  }
  // OCPP 1.6's misspellings are not 2.x codes.
  EXPECT_FALSE(error_code_from_string("FormationViolation"));
  EXPECT_FALSE(error_code_from_string("OccurenceConstraintViolation"));
  EXPECT_FALSE(error_code_from_string("formatviolation"));
}

struct bad_frame {
  std::string text;
  error_code code;
  std::string id;
  std::optional<message_type> type;
};

TEST(OcppFrame, EveryBadFrameKindIsRefusedWithItsCodeAndId) {
  const auto rpc = error_code::rpc_framework_error;
  const auto mtns = error_code::message_type_not_supported;
  const auto proto = error_code::protocol_error;
  const auto call = message_type::call;
  const std::vector<bad_frame> cases = {
      {"", rpc, "-1", {}},
      {"not json", rpc, "-1", {}},
      {"[2,\"m1\",\"Heartbeat\",{}", rpc, "-1", {}},  // truncated
      {"{\"messageId\":\"m1\"}", rpc, "-1", {}},
      {"42", rpc, "-1", {}},
      {"\"[2,\\\"m1\\\"]\"", rpc, "-1", {}},  // a string holding a frame
      {"[]", rpc, "-1", {}},
      {"[\"2\",\"m1\",\"Heartbeat\",{}]", rpc, "m1", {}},  // type not a number, id readable
      {"[null,\"m1\",\"Heartbeat\",{}]", rpc, "m1", {}},
      {"[2]", rpc, "-1", call},
      {"[2,17,\"Heartbeat\",{}]", rpc, "-1", call},
      {"[2,null,\"Heartbeat\",{}]", rpc, "-1", call},
      {"[2,\"" + id36 + "y\",\"Heartbeat\",{}]", rpc, "-1", call},  // 37 characters
      {"[0,\"m1\",\"Heartbeat\",{}]", mtns, "m1", {}},
      {"[7,\"m1\",\"Heartbeat\",{}]", mtns, "m1", {}},
      {"[2.5,\"m1\",\"Heartbeat\",{}]", mtns, "m1", {}},
      {"[-3,17]", mtns, "-1", {}},
      {"[2,\"m1\",\"Heartbeat\"]", proto, "m1", call},
      {"[2,\"m1\",\"Heartbeat\",{},{}]", proto, "m1", call},
      {"[2,\"m1\",\"Heartbeat\",[]]", proto, "m1", call},
      {"[2,\"m1\",\"Heartbeat\",null]", proto, "m1", call},
      {"[2,\"m1\",5,{}]", proto, "m1", call},
      {"[3,\"m1\"]", proto, "m1", message_type::call_result},
      {"[3,\"m1\",\"ok\"]", proto, "m1", message_type::call_result},
      {"[3,\"m1\",{},{}]", proto, "m1", message_type::call_result},
      {"[4,\"m1\",\"GenericError\",\"x\"]", proto, "m1", message_type::call_error},
      {"[4,\"m1\",1,\"x\",{}]", proto, "m1", message_type::call_error},
      {"[4,\"m1\",\"GenericError\",null,{}]", proto, "m1", message_type::call_error},
      {"[4,\"m1\",\"GenericError\",\"x\",[]]", proto, "m1", message_type::call_error},
      {"[5,\"m1\",\"GenericError\",\"x\"]", proto, "m1", message_type::call_result_error},
      {"[6,\"m1\",\"NotifyPeriodicEventStream\",1]", proto, "m1", message_type::send},
  };
  std::vector<std::string> answers;
  for (const auto& c : cases) {
    const parsed p = parse_frame(c.text);
    ASSERT_TRUE(std::holds_alternative<refusal>(p)) << c.text;
    const auto& r = std::get<refusal>(p);
    EXPECT_EQ(to_string(r.code), to_string(c.code)) << c.text;
    EXPECT_EQ(r.message_id, c.id) << c.text;
    EXPECT_EQ(r.type, c.type) << c.text;
    EXPECT_FALSE(r.description.empty()) << c.text;
    if (auto a = answer(r)) answers.push_back(*a);
  }
  test_data::capture(answers);
}

TEST(OcppFrame, LongestIdsAreAccepted) {
  // 36 characters, counted in code points as JSON Schema counts them.
  std::string wide;
  for (int i = 0; i < 36; ++i) wide += "\xC3\xA9";  // 'é', two bytes each
  for (const std::string& id : {id36, wide, std::string{}}) {
    const parsed p = parse_frame(call(id, "Heartbeat", json::object()));
    ASSERT_TRUE(std::holds_alternative<frame>(p)) << id;
    EXPECT_EQ(std::get<frame>(p).message_id, id);
  }
}

TEST(OcppFrame, AnswersFollowTheFrameTypeOfTheRefusal) {
  auto refused = [](const std::string& text) { return std::get<refusal>(parse_frame(text)); };
  EXPECT_EQ(answer(refused("garbage")), R"([4,"-1","RpcFrameworkError","not JSON",{}])");
  EXPECT_EQ(answer(refused(R"([9,"m9"])")),
            R"([4,"m9","MessageTypeNotSupported","message type 9 is not supported",{}])");
  const auto bad_call = answer(refused(R"([2,"m2","Heartbeat",[]])"));
  ASSERT_TRUE(bad_call);
  EXPECT_EQ(json::parse(*bad_call)[0], 4);
  // A bad CALLRESULT gets a CALLRESULTERROR in 2.1 and nothing in 2.0.1 (which has none).
  const auto bad_result = answer(refused(R"([3,"m3",[]])"));
  ASSERT_TRUE(bad_result);
  EXPECT_EQ(json::parse(*bad_result)[0], 5);
  EXPECT_EQ(json::parse(*bad_result)[1], "m3");
  EXPECT_FALSE(answer(refused(R"([3,"m3",[]])"), /*ocpp21=*/false));
  // Errors and SENDs are never answered.
  EXPECT_FALSE(answer(refused(R"([4,"m4","GenericError","x",[]])")));
  EXPECT_FALSE(answer(refused(R"([5,"m5","GenericError","x",[]])")));
  EXPECT_FALSE(answer(refused(R"([6,"m6","NotifyPeriodicEventStream",[]])")));
}

TEST(OcppFrame, SerialisersWriteCompactJson) {
  EXPECT_EQ(call("m1", "Heartbeat", json::object()), R"([2,"m1","Heartbeat",{}])");
  EXPECT_EQ(call_result("m1", {{"currentTime", "2026-05-01T08:00:00Z"}}),
            R"([3,"m1",{"currentTime":"2026-05-01T08:00:00Z"}])");
  EXPECT_EQ(call_error("m1", error_code::format_violation, "bad"),
            R"([4,"m1","FormatViolation","bad",{}])");
  EXPECT_EQ(call_result_error("m1", error_code::internal_error, "", {{"why", "db"}}),
            R"([5,"m1","InternalError","",{"why":"db"}])");
  EXPECT_EQ(send("m1", "NotifyPeriodicEventStream", {{"id", 1}}),
            R"([6,"m1","NotifyPeriodicEventStream",{"id":1}])");
  // Details must be an object: anything else becomes {}.
  EXPECT_EQ(call_error("m1", error_code::generic_error, "x", json::array()),
            R"([4,"m1","GenericError","x",{}])");
}

TEST(OcppFrame, ErrorDescriptionsAreCutTo255CharactersOnACharacterBoundary) {
  std::string long_text;
  for (int i = 0; i < 300; ++i) long_text += "\xE2\x82\xAC";  // '€', three bytes
  const auto text = call_error("m1", error_code::generic_error, long_text);
  const auto f = std::get<frame>(parse_frame(text));  // still valid UTF-8 JSON
  EXPECT_EQ(utf8_length(f.error_description), max_error_description_length);
  EXPECT_EQ(f.error_description.size(), 3 * max_error_description_length);
  test_data::capture({text});
}

TEST(OcppFrame, EveryFrameTypeRoundTrips) {
  const json payload = test_data::sample_of("BatterySwap", direction::request);
  const std::vector<std::string> texts = {
      call("c-1", "BatterySwap", payload),
      call_result("c-1", json::object()),
      call_error("c-2", error_code::not_implemented, "unknown action 'Foo'", {{"action", "Foo"}}),
      call_result_error("c-3", error_code::property_constraint_violation, "soC", json::object()),
      send("c-4", "NotifyPeriodicEventStream", {{"id", 1}, {"pending", 0}}),
  };
  const std::vector<message_type> types = {message_type::call, message_type::call_result,
                                           message_type::call_error,
                                           message_type::call_result_error, message_type::send};
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const parsed p = parse_frame(texts[i]);
    ASSERT_TRUE(std::holds_alternative<frame>(p)) << texts[i];
    const auto& f = std::get<frame>(p);
    EXPECT_EQ(f.type, types[i]);
    EXPECT_EQ(to_text(f), texts[i]);
  }
  const auto c = std::get<frame>(parse_frame(texts[0]));
  EXPECT_EQ(c.message_id, "c-1");
  EXPECT_EQ(c.action, "BatterySwap");
  EXPECT_EQ(c.payload, payload);
  const auto e = std::get<frame>(parse_frame(texts[2]));
  EXPECT_EQ(e.error_code, "NotImplemented");
  EXPECT_EQ(e.error_description, "unknown action 'Foo'");
  EXPECT_EQ(e.error_details, json({{"action", "Foo"}}));
  // A peer's unknown (1.6) code is kept as sent: logging it is the caller's business.
  const auto old = std::get<frame>(parse_frame(R"([4,"x","FormationViolation","",{}])"));
  EXPECT_EQ(old.error_code, "FormationViolation");
  EXPECT_FALSE(error_code_from_string(old.error_code));
  // The CALL/CALLRESULT pair and the errors are frames we would send: conformance material.
  test_data::capture({texts[0], texts[1], texts[2], texts[3]});
}

// `depth` arrays around an empty one: with the frame's own array and the payload object, the
// frame nests depth + 3 levels.
std::string nested(std::size_t depth) { return std::string(depth, '[') + "[]" + std::string(depth, ']'); }

TEST(OcppFrame, NestingUpToTheLimitIsAcceptedAndDeeperIsRefusedWithTheId) {
  const std::string at_limit = R"([2,"m1","DataTransfer",{"data":)" + nested(max_nesting_depth - 3) + "}]";
  const parsed ok = parse_frame(at_limit);
  ASSERT_TRUE(std::holds_alternative<frame>(ok));
  EXPECT_EQ(to_text(std::get<frame>(ok)), at_limit);

  const parsed deep = parse_frame(R"([2,"m1","DataTransfer",{"data":)" + nested(max_nesting_depth - 2) + "}]");
  ASSERT_TRUE(std::holds_alternative<refusal>(deep));
  const auto& r = std::get<refusal>(deep);
  EXPECT_EQ(r.code, error_code::protocol_error);
  EXPECT_EQ(r.message_id, "m1");
  EXPECT_EQ(r.type, message_type::call);
  EXPECT_EQ(answer(r), R"([4,"m1","ProtocolError","nested deeper than 64 levels",{}])");

  // Brackets inside strings are text, not nesting.
  const std::string brackets = R"([2,"m[","DataTransfer",{"data":")" + std::string(200, '[') + R"(\"{"}])";
  EXPECT_TRUE(std::holds_alternative<frame>(parse_frame(brackets)));
}

// Seen under tests/fuzz (fuzz_ocpp_frame given a hand-made input): a 60 KB frame of brackets,
// within the gateway's 64 KiB message limit, overflowed the stack while its payload was copied
// into the frame (ASan: stack-overflow in basic_json's copy constructor under parse_frame). Each
// frame type's nested part is refused now, and the answer goes out as for any bad frame.
TEST(OcppFrame, FramesNested30000DeepAreRefusedWithoutOverflowingTheStack) {
  const std::string deep = nested(30000);
  const std::vector<std::pair<std::string, message_type>> cases = {
      {R"([2,"m1","Heartbeat",{"a":)" + deep + "}]", message_type::call},
      {R"([3,"m1",{"a":)" + deep + "}]", message_type::call_result},
      {R"([4,"m1","GenericError","x",{"a":)" + deep + "}]", message_type::call_error},
      {R"([6,"m1","NotifyEvent",{"a":)" + deep + "}]", message_type::send},
  };
  for (const auto& [text, type] : cases) {
    const parsed p = parse_frame(text);
    ASSERT_TRUE(std::holds_alternative<refusal>(p)) << text.substr(0, 40);
    const auto& r = std::get<refusal>(p);
    EXPECT_EQ(r.code, error_code::protocol_error);
    EXPECT_EQ(r.message_id, "m1");
    EXPECT_EQ(r.type, type);
  }
  // Nested where the type should be: not a number, refused as before.
  const parsed p = parse_frame("[" + deep + R"(,"m1"])");
  ASSERT_TRUE(std::holds_alternative<refusal>(p));
  EXPECT_EQ(std::get<refusal>(p).code, error_code::rpc_framework_error);
}

TEST(OcppFrame, WhitespaceAndKeyOrderDoNotMatter) {
  const auto p = parse_frame(" [ 2 , \"m1\" , \"Reset\" , { \"type\" : \"OnIdle\" } ]\n");
  ASSERT_TRUE(std::holds_alternative<frame>(p));
  EXPECT_EQ(std::get<frame>(p).payload["type"], "OnIdle");
}

}  // namespace
