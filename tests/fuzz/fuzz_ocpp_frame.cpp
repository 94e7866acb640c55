// libFuzzer target: one WebSocket text message through the OCPP-J frame parser
// (adapters/ocpp_frame.hpp), then the OCPP 2.1 schema check of its payload (adapters/ocpp_schema.hpp)
// as the gateway does it.
//
// Properties held beyond what ASan and UBSan catch (a breach aborts, so libFuzzer keeps the input):
// - a frame written back with to_text parses again to the same frame (the CALLERROR description
//   cut to 255 characters);
// - the answer to a refusal is itself a well-formed CALLERROR / CALLRESULTERROR carrying the
//   refusal's id, and no refusal echoes an id over 36 characters;
// - a schema violation's pointer is a valid RFC 6901 pointer, and one that names a value the
//   payload has unless the violation is a missing required property.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "adapters/ocpp_schema.hpp"

namespace {

namespace ocpp = swaptwin::adapters::ocpp;
using nlohmann::json;

[[noreturn]] void broken(const char* what, std::string_view text) {
  std::fprintf(stderr, "OCPP-J property broken: %s\n  text: %.*s\n", what, static_cast<int>(text.size()), text.data());
  std::abort();
}

void check_violation(const std::optional<ocpp::violation>& v, const json& payload) {
  if (!v) return;
  json::json_pointer ptr;
  try {
    ptr = json::json_pointer{v->pointer};
  } catch (const json::exception&) {
    broken("a violation's pointer is not RFC 6901", v->pointer);
  }
  const bool missing = v->message.rfind("required property", 0) == 0 || v->code == ocpp::error_code::not_implemented;
  if (!missing && !payload.contains(ptr)) broken("a violation's pointer names nothing in the payload", v->pointer);
}

void check_schemas(const ocpp::frame& f) {
  switch (f.type) {
    case ocpp::message_type::call:
    case ocpp::message_type::send:
      check_violation(ocpp::validate(f.action, ocpp::direction::request, f.payload), f.payload);
      break;
    case ocpp::message_type::call_result:
      // The action of a CALLRESULT is the pending CALL's: try every response schema.
      for (const auto& m : ocpp::ocpp21_messages())
        check_violation(ocpp::validate(*m.response, f.payload), f.payload);
      break;
    default:
      break;
  }
}

void check_round_trip(const ocpp::frame& f) {
  const std::string text = ocpp::to_text(f);
  const auto again = ocpp::parse_frame(text);
  const auto* g = std::get_if<ocpp::frame>(&again);
  if (g == nullptr) broken("to_text of a parsed frame is refused", text);
  // A description over 255 characters comes back as its first 255.
  const bool cut = ocpp::utf8_length(f.error_description) > ocpp::max_error_description_length;
  const bool description_ok =
      cut ? f.error_description.compare(0, g->error_description.size(), g->error_description) == 0 &&
                ocpp::utf8_length(g->error_description) == ocpp::max_error_description_length
          : g->error_description == f.error_description;
  if (g->type != f.type || g->message_id != f.message_id || g->action != f.action || g->payload != f.payload ||
      g->error_code != f.error_code || g->error_details != f.error_details || !description_ok)
    broken("to_text of a parsed frame parses to another frame", text);
}

void check_answer(const ocpp::refusal& r) {
  if (ocpp::utf8_length(r.message_id) > ocpp::max_message_id_length)
    broken("a refusal echoes an over-long id", r.message_id);
  for (const bool ocpp21 : {true, false}) {
    const auto reply = ocpp::answer(r, ocpp21);
    if (!reply) continue;
    const auto parsed = ocpp::parse_frame(*reply);
    const auto* g = std::get_if<ocpp::frame>(&parsed);
    if (g == nullptr) broken("the answer to a refusal is not a well-formed frame", *reply);
    if (g->message_id != r.message_id || !ocpp::error_code_from_string(g->error_code) ||
        (g->type != ocpp::message_type::call_error && g->type != ocpp::message_type::call_result_error))
      broken("the answer to a refusal is not an error frame with its id", *reply);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text{reinterpret_cast<const char*>(data), size};
  const auto parsed = ocpp::parse_frame(text);
  if (const auto* r = std::get_if<ocpp::refusal>(&parsed)) {
    check_answer(*r);
    return 0;
  }
  const auto& f = std::get<ocpp::frame>(parsed);
  check_round_trip(f);
  check_schemas(f);
  (void)ocpp::known_action(f.action);
  (void)ocpp::sent_by(f.action);
  return 0;
}
