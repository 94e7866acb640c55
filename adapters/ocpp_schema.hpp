#pragma once
/// Payload validation for the OCPP 2.1 messages swaptwin uses, against a small declarative
/// description of their JSON schemas written in C++ (ocpp_schema_messages.cpp mirrors the OCA
/// schemas as shipped by typed-ocpp 1.6.2; docs/ocpp-research.md §1). It checks what the OCA
/// schemas check: types, required properties, `additionalProperties: false` on every object
/// (customData, open, allowed on each), string maxLength (in code points) and enums, integer and
/// number ranges, array minItems/maxItems and RFC 3339 date-times (with a time zone, as
/// ajv-formats' "date-time" demands). tests/conformance/validate.mjs checks our samples against
/// the official schemas with ajv, so this table and the OCA's cannot drift apart silently.
///
/// Error codes (OCPP-J table 9; which code fits which case is convention, see the research):
/// - a required property missing, an array with too few or too many items ->
///   OccurrenceConstraintViolation (cardinality is what "occurrence" means in the OCPP tables);
/// - a value of the wrong JSON type -> TypeConstraintViolation;
/// - an enum, minimum/maximum, maxLength or date-time violation -> PropertyConstraintViolation;
/// - a property the schema does not define -> FormatViolation (the payload is not the message's
///   syntax; mobilityhouse/ocpp does the same, ocpp-rpc says PropertyConstraintViolation).
/// The first violation found is reported: in an object, unknown properties first, then missing
/// required ones, then each defined property in the schema's order; array items in order.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/ocpp_frame.hpp"

namespace swaptwin::adapters::ocpp {

/// Which half of an exchange a payload is.
enum class direction {
  request,   ///< the CALL's payload
  response,  ///< the CALLRESULT's payload
};

/// Which side sends an action's request.
enum class origin {
  station,  ///< charging station (cabinet) -> back end (CSMS)
  csms,     ///< back end -> charging station
};

/// Why a payload does not conform to its schema.
struct violation {
  error_code code = error_code::format_violation;  ///< the CALLERROR code to answer with
  std::string pointer;  ///< RFC 6901 JSON pointer of the field ("" = the payload itself)
  std::string message;  ///< a short human explanation
};

/// JSON types of the schema description.
enum class schema_kind { object, string, integer, number, boolean, array };

struct schema;
/// Schema nodes are shared: a definition (IdTokenType, ...) is built once and used everywhere.
using schema_ref = std::shared_ptr<const schema>;

/// One property of an object schema.
struct schema_property {
  std::string name;        ///< property name
  schema_ref type;         ///< its schema
  bool required = false;   ///< listed in the object's `required`
};

/// One node of a JSON schema: only the keywords the OCPP 2.1 messages use.
struct schema {
  schema_kind kind = schema_kind::object;    ///< `type`
  std::optional<std::size_t> max_length;     ///< string: `maxLength`, in code points
  std::vector<std::string> enum_values;      ///< string: `enum` when not empty
  bool date_time = false;                    ///< string: `format: date-time`
  std::optional<double> minimum;             ///< integer, number: `minimum` (inclusive)
  std::optional<double> maximum;             ///< integer, number: `maximum` (inclusive)
  schema_ref items;                          ///< array: `items`
  std::size_t min_items = 0;                 ///< array: `minItems`
  std::optional<std::size_t> max_items;      ///< array: `maxItems`
  std::vector<schema_property> properties;   ///< object: `properties` (and `required`)
  bool additional_properties = false;        ///< object: anything else allowed (customData only)
};

/// Builders for the message table: short enough that a table entry reads like its schema.
namespace schema_build {
/// A string of at most `max_length` code points (none: unbounded).
schema_ref string_of(std::optional<std::size_t> max_length = std::nullopt);
/// A string that is one of `values`.
schema_ref enum_of(std::vector<std::string> values);
/// An integer within [minimum, maximum] where given.
schema_ref integer(std::optional<double> minimum = std::nullopt,
                   std::optional<double> maximum = std::nullopt);
/// A number within [minimum, maximum] where given.
schema_ref number(std::optional<double> minimum = std::nullopt,
                  std::optional<double> maximum = std::nullopt);
/// true or false.
schema_ref boolean();
/// A string in RFC 3339 date-time form.
schema_ref date_time();
/// An array of `items` with `min_items`..`max_items` elements.
schema_ref array_of(schema_ref items, std::size_t min_items = 0,
                    std::optional<std::size_t> max_items = std::nullopt);
/// A closed object (additionalProperties false) with `properties` plus the optional
/// `customData` every OCPP 2.1 object allows.
schema_ref object(std::vector<schema_property> properties);
/// CustomDataType: `vendorId` (string <= 255) required, any other property allowed.
schema_ref custom_data();
/// A required property.
schema_property req(std::string name, schema_ref type);
/// An optional property.
schema_property opt(std::string name, schema_ref type);
}  // namespace schema_build

/// The schemas of one action.
struct message_schemas {
  std::string action;   ///< e.g. "BatterySwap"
  origin sent_by = origin::station;  ///< who sends the request
  schema_ref request;   ///< `<action>Request`
  schema_ref response;  ///< `<action>Response`
};

/// Every action swaptwin validates, built from the description (ocpp_schema_messages.cpp).
/// validate() uses one copy built on first use; call this only to walk the table.
std::vector<message_schemas> ocpp21_messages();

/// Whether `action` is one of the messages of ocpp21_messages(). The caller answers an unknown
/// action with NotImplemented (and a known one sent the wrong way with NotSupported: sent_by()).
bool known_action(std::string_view action);

/// Who sends `action`'s request, or nothing for an unknown action.
std::optional<origin> sent_by(std::string_view action);

/// Checks a payload against `action`'s request or response schema; nothing when it conforms.
/// An unknown action gives NotImplemented (check known_action() first to tell it apart).
std::optional<violation> validate(std::string_view action, direction dir,
                                  const nlohmann::json& payload);

/// Checks `value` against one schema node, reporting pointers under `pointer`.
std::optional<violation> validate(const schema& s, const nlohmann::json& value,
                                  const std::string& pointer = "");

/// Whether `text` is an RFC 3339 date-time as ajv-formats 3 (full mode) accepts it: a date, 'T',
/// 't' or a space, a time with seconds, optional fraction, and a zone (Z, +hh, +hhmm, +hh:mm).
bool is_date_time(std::string_view text);

}  // namespace swaptwin::adapters::ocpp
