#pragma once
/// OCPP-J framing (OCPP 2.0.1 / 2.1 Part 4): the JSON arrays that travel in WebSocket text
/// messages, parsed into a `frame` or refused with the CALLERROR code the protocol asks for, and
/// serialised back to compact JSON text. No sockets and no CAF here: the gateway and the emulator
/// share it, and it is tested as plain functions.
///
/// Refusal rules (docs/ocpp-research.md §3; the spec names the codes, which code fits which case
/// is convention, chosen here as ocpp-rpc does where the spec is silent):
/// - not JSON, not an array, empty array, message type not a number, message id missing, not a
///   string or longer than 36 characters -> RpcFrameworkError with message id "-1" ("MessageId
///   could not be read"; an over-long id is not echoed because a reply carrying it would itself
///   break the string[36] rule);
/// - a number that is not one of 2..6 -> MessageTypeNotSupported (the 2.0.1 rule; 2.1 says
///   ignore, and an answer is harmless there), with the id when readable;
/// - wrong element count, action not a string, payload or error details not an object, error
///   code or description not a string, arrays and objects nested deeper than
///   max_nesting_depth -> ProtocolError ("not conform the PDU structure").

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

namespace swaptwin::adapters::ocpp {

/// The RPC error codes of OCPP-J 2.0.1 and 2.1 (Part 4, table 9). OCPP 1.6's misspelt
/// "FormationViolation" is deliberately absent: 2.x stations and validators expect FormatViolation.
enum class error_code {
  format_violation,                 ///< FormatViolation: payload syntactically incorrect
  generic_error,                    ///< GenericError
  internal_error,                   ///< InternalError: the receiver failed while processing
  message_type_not_supported,       ///< MessageTypeNotSupported: unknown message type number
  not_implemented,                  ///< NotImplemented: action not known by the receiver
  not_supported,                    ///< NotSupported: action known but not supported here
  occurrence_constraint_violation,  ///< OccurrenceConstraintViolation: a required field missing
  property_constraint_violation,    ///< PropertyConstraintViolation: a field has an invalid value
  protocol_error,                   ///< ProtocolError: not the PDU structure
  rpc_framework_error,              ///< RpcFrameworkError: not a valid RPC (id unreadable)
  security_error,                   ///< SecurityError
  type_constraint_violation,        ///< TypeConstraintViolation: a field has the wrong JSON type
};

/// The exact OCPP 2.x spelling of `code` ("FormatViolation", ...).
std::string_view to_string(error_code code);

/// The code spelt `text` exactly (case-sensitive), or nothing when it is not a 2.x code.
std::optional<error_code> error_code_from_string(std::string_view text);

/// OCPP-J message type numbers (2.1 adds CALLRESULTERROR and SEND).
enum class message_type : int {
  call = 2,               ///< [2, id, action, payload]
  call_result = 3,        ///< [3, id, payload]
  call_error = 4,         ///< [4, id, code, description, details]
  call_result_error = 5,  ///< [5, id, code, description, details]: answer to a bad CALLRESULT (2.1)
  send = 6,               ///< [6, id, action, payload]: never answered (2.1)
};

/// Longest message id the protocol allows (string[36], room for a UUID).
inline constexpr std::size_t max_message_id_length = 36;
/// Longest CALLERROR description the protocol allows; longer ones are cut by the serialisers.
inline constexpr std::size_t max_error_description_length = 255;
/// Deepest nesting of arrays and objects a frame may have, the frame's own array counting as 1
/// (the OCPP 2.1 messages need fewer than 10). A frame is refused beyond it: copying or writing a
/// JSON value recurses once per level, and a 64 KiB message can nest 32,000 deep.
inline constexpr std::size_t max_nesting_depth = 64;

/// One well-formed OCPP-J frame. Which members are meaningful depends on `type`.
struct frame {
  message_type type = message_type::call;  ///< which of the five frames
  std::string message_id;                  ///< at most 36 characters
  std::string action;                      ///< CALL and SEND: e.g. "BootNotification"
  nlohmann::json payload = nlohmann::json::object();  ///< CALL, CALLRESULT, SEND: an object
  std::string error_code;         ///< CALLERROR/CALLRESULTERROR: as sent, maybe not a 2.x code
  std::string error_description;  ///< CALLERROR/CALLRESULTERROR: as sent
  nlohmann::json error_details = nlohmann::json::object();  ///< CALLERROR/CALLRESULTERROR
};

/// A text that is not a well-formed frame, with what to answer.
struct refusal {
  std::string message_id = "-1";      ///< id to answer with: "-1" when it could not be read
  std::optional<message_type> type;   ///< the refused frame's type when it was one of 2..6
  error_code code = error_code::rpc_framework_error;  ///< the CALLERROR code
  std::string description;            ///< a short human explanation (fits the 255 limit)
};

/// Either a frame or a refusal.
using parsed = std::variant<frame, refusal>;

/// Parses one WebSocket text message. Never throws on bad input: a malformed one is a refusal.
parsed parse_frame(std::string_view text);

/// `[2,"id","action",payload]` as compact JSON.
std::string call(std::string_view id, std::string_view action, const nlohmann::json& payload);
/// `[3,"id",payload]` as compact JSON.
std::string call_result(std::string_view id, const nlohmann::json& payload);
/// `[4,"id","code","description",details]`; the description is cut to 255 characters.
std::string call_error(std::string_view id, error_code code, std::string_view description,
                       const nlohmann::json& details = nlohmann::json::object());
/// `[5,"id","code","description",details]` (2.1): the answer to a CALLRESULT that has errors.
std::string call_result_error(std::string_view id, error_code code, std::string_view description,
                              const nlohmann::json& details = nlohmann::json::object());
/// `[6,"id","action",payload]` (2.1): a message the receiver never answers.
std::string send(std::string_view id, std::string_view action, const nlohmann::json& payload);
/// Any frame back to text (the error code is written as stored, so a received frame round-trips).
std::string to_text(const frame& f);

/// What an OCPP 2.1 endpoint sends back for a refused text: a CALLERROR for a bad CALL, an
/// unknown type or an unreadable frame; a CALLRESULTERROR for a bad CALLRESULT; nothing for a bad
/// CALLERROR, CALLRESULTERROR or SEND (the spec forbids answering those). With `ocpp21` false
/// (a 2.0.1 session, which has no CALLRESULTERROR) a bad CALLRESULT is not answered either.
std::optional<std::string> answer(const refusal& r, bool ocpp21 = true);

/// Number of Unicode code points in UTF-8 `text`: how JSON Schema (and ajv) measure maxLength.
std::size_t utf8_length(std::string_view text);

}  // namespace swaptwin::adapters::ocpp
