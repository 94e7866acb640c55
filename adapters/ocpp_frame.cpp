#include "adapters/ocpp_frame.hpp"

#include <algorithm>
#include <array>

namespace swaptwin::adapters::ocpp {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 12> error_names{
    "FormatViolation",
    "GenericError",
    "InternalError",
    "MessageTypeNotSupported",
    "NotImplemented",
    "NotSupported",
    "OccurrenceConstraintViolation",
    "PropertyConstraintViolation",
    "ProtocolError",
    "RpcFrameworkError",
    "SecurityError",
    "TypeConstraintViolation",
};

// Text may come from a peer as invalid UTF-8 only through our own callers (parsed JSON is valid
// UTF-8); replacing instead of throwing keeps every serialiser exception-free.
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// Cut to at most `max` code points without splitting a UTF-8 sequence.
std::string_view cut(std::string_view text, std::size_t max) {
  std::size_t points = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (points == max) return text.substr(0, i);
      ++points;
    }
  }
  return text;
}

std::string error_frame(int type, std::string_view id, std::string_view code,
                        std::string_view description, const json& details) {
  json details_obj = details.is_object() ? details : json::object();
  return dump(json::array({type, id, code, cut(description, max_error_description_length),
                           std::move(details_obj)}));
}

refusal refuse(std::string id, std::optional<message_type> type, error_code code,
               std::string description) {
  return refusal{std::move(id), type, code, std::move(description)};
}

std::size_t expected_size(message_type t) {
  switch (t) {
    case message_type::call:
    case message_type::send:
      return 4;
    case message_type::call_result:
      return 3;
    case message_type::call_error:
    case message_type::call_result_error:
      return 5;
  }
  return 0;
}

// Deepest nesting of arrays and objects in `text`, strings skipped; exact for valid JSON (the only
// text it is asked about).
std::size_t nesting_depth(std::string_view text) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

std::string_view to_string(error_code code) {
  return error_names[static_cast<std::size_t>(code)];
}

std::optional<error_code> error_code_from_string(std::string_view text) {
  for (std::size_t i = 0; i < error_names.size(); ++i)
    if (error_names[i] == text) return static_cast<error_code>(i);
  return std::nullopt;
}

std::size_t utf8_length(std::string_view text) {
  std::size_t n = 0;
  for (char c : text)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

parsed parse_frame(std::string_view text) {
  const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return refuse("-1", {}, error_code::rpc_framework_error, "not JSON");
  if (!doc.is_array()) return refuse("-1", {}, error_code::rpc_framework_error, "not a JSON array");
  if (doc.empty()) return refuse("-1", {}, error_code::rpc_framework_error, "empty array");

  // The id is read before the type so that even a frame of an unknown type is answered with it.
  std::string id = "-1";
  bool id_readable = false;
  if (doc.size() >= 2 && doc[1].is_string()) {
    const auto& s = doc[1].get_ref<const std::string&>();
    if (utf8_length(s) <= max_message_id_length) {
      id = s;
      id_readable = true;
    }
  }

  if (!doc[0].is_number())
    return refuse(id, {}, error_code::rpc_framework_error, "message type is not a number");
  const double type_number = doc[0].get<double>();
  if (!(type_number == 2 || type_number == 3 || type_number == 4 || type_number == 5 ||
        type_number == 6))
    return refuse(id, {}, error_code::message_type_not_supported,
                  "message type " + doc[0].dump() + " is not supported");
  const auto type = static_cast<message_type>(static_cast<int>(type_number));

  if (!id_readable) {
    const char* why = doc.size() < 2            ? "message id missing"
                      : !doc[1].is_string()     ? "message id is not a string"
                                                : "message id longer than 36 characters";
    return refuse("-1", type, error_code::rpc_framework_error, why);
  }
  // Parsing and destroying nlohmann values is iterative, but copying, comparing and writing them
  // recurse once per level: a 64 KiB frame of brackets nests 32,000 deep and overflowed the stack
  // (seen under tests/fuzz). So nothing deeper than the limit leaves this function.
  if (nesting_depth(text) > max_nesting_depth)
    return refuse(id, type, error_code::protocol_error,
                  "nested deeper than " + std::to_string(max_nesting_depth) + " levels");
  if (doc.size() != expected_size(type))
    return refuse(id, type, error_code::protocol_error,
                  "expected " + std::to_string(expected_size(type)) + " elements, got " +
                      std::to_string(doc.size()));

  frame f;
  f.type = type;
  f.message_id = std::move(id);
  switch (type) {
    case message_type::call:
    case message_type::send:
      if (!doc[2].is_string())
        return refuse(f.message_id, type, error_code::protocol_error, "action is not a string");
      if (!doc[3].is_object())
        return refuse(f.message_id, type, error_code::protocol_error, "payload is not an object");
      f.action = doc[2].get<std::string>();
      f.payload = doc[3];
      break;
    case message_type::call_result:
      if (!doc[2].is_object())
        return refuse(f.message_id, type, error_code::protocol_error, "payload is not an object");
      f.payload = doc[2];
      break;
    case message_type::call_error:
    case message_type::call_result_error:
      if (!doc[2].is_string() || !doc[3].is_string())
        return refuse(f.message_id, type, error_code::protocol_error,
                      "error code or description is not a string");
      if (!doc[4].is_object())
        return refuse(f.message_id, type, error_code::protocol_error,
                      "error details is not an object");
      f.error_code = doc[2].get<std::string>();
      f.error_description = doc[3].get<std::string>();
      f.error_details = doc[4];
      break;
  }
  return f;
}

std::string call(std::string_view id, std::string_view action, const json& payload) {
  return dump(json::array({2, id, action, payload}));
}

std::string call_result(std::string_view id, const json& payload) {
  return dump(json::array({3, id, payload}));
}

std::string call_error(std::string_view id, error_code code, std::string_view description,
                       const json& details) {
  return error_frame(4, id, to_string(code), description, details);
}

std::string call_result_error(std::string_view id, error_code code, std::string_view description,
                              const json& details) {
  return error_frame(5, id, to_string(code), description, details);
}

std::string send(std::string_view id, std::string_view action, const json& payload) {
  return dump(json::array({6, id, action, payload}));
}

std::string to_text(const frame& f) {
  switch (f.type) {
    case message_type::call:
      return call(f.message_id, f.action, f.payload);
    case message_type::send:
      return send(f.message_id, f.action, f.payload);
    case message_type::call_result:
      return call_result(f.message_id, f.payload);
    case message_type::call_error:
    case message_type::call_result_error:
      return error_frame(static_cast<int>(f.type), f.message_id, f.error_code,
                         f.error_description, f.error_details);
  }
  return {};
}

std::optional<std::string> answer(const refusal& r, bool ocpp21) {
  if (!r.type || *r.type == message_type::call)
    return call_error(r.message_id, r.code, r.description);
  if (*r.type == message_type::call_result && ocpp21)
    return call_result_error(r.message_id, r.code, r.description);
  return std::nullopt;
}

}  // namespace swaptwin::adapters::ocpp
