#include "adapters/ocpp_schema.hpp"

#include <cmath>
#include <map>

namespace swaptwin::adapters::ocpp {
namespace {

using nlohmann::json;

struct table {
  std::map<std::string, message_schemas, std::less<>> by_action;
};

// Built once on first use and never changed: a constant, like a literal table would be.
const table& messages() {
  static const table t = [] {
    table built;
    for (auto& m : ocpp21_messages()) {
      std::string key = m.action;
      built.by_action.emplace(std::move(key), std::move(m));
    }
    return built;
  }();
  return t;
}

// RFC 6901: '~' and '/' inside a key are escaped so the pointer stays unambiguous.
std::string child(const std::string& pointer, std::string_view key) {
  std::string out = pointer;
  out += '/';
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

std::string_view type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::object: return "object";
    case json::value_t::array: return "array";
    case json::value_t::string: return "string";
    case json::value_t::boolean: return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "integer";
    case json::value_t::number_float: return "number";
    default: return "value";
  }
}

std::string_view kind_name(schema_kind k) {
  switch (k) {
    case schema_kind::object: return "object";
    case schema_kind::string: return "string";
    case schema_kind::integer: return "integer";
    case schema_kind::number: return "number";
    case schema_kind::boolean: return "boolean";
    case schema_kind::array: return "array";
  }
  return "value";
}

// JSON Schema's "integer" is a mathematical integer: ajv accepts 5.0 (JavaScript cannot tell it
// from 5), so a float with no fraction passes here too.
bool is_integer(const json& v) {
  if (v.is_number_integer()) return true;
  if (!v.is_number_float()) return false;
  const double d = v.get<double>();
  return std::isfinite(d) && std::floor(d) == d;
}

bool has_kind(schema_kind k, const json& v) {
  switch (k) {
    case schema_kind::object: return v.is_object();
    case schema_kind::string: return v.is_string();
    case schema_kind::integer: return is_integer(v);
    case schema_kind::number: return v.is_number();
    case schema_kind::boolean: return v.is_boolean();
    case schema_kind::array: return v.is_array();
  }
  return false;
}

std::string number_text(double d) {
  json j = d;
  if (std::floor(d) == d && std::fabs(d) < 1e15) j = static_cast<long long>(d);
  return j.dump();
}

violation make(error_code code, std::string pointer, std::string message) {
  return violation{code, std::move(pointer), std::move(message)};
}

std::optional<violation> check_string(const schema& s, const std::string& text,
                                      const std::string& pointer) {
  if (!s.enum_values.empty()) {
    for (const auto& e : s.enum_values)
      if (e == text) return std::nullopt;
    std::string allowed;
    for (const auto& e : s.enum_values) allowed += (allowed.empty() ? "" : ", ") + e;
    return make(error_code::property_constraint_violation, pointer,
                "'" + text + "' is not one of " + allowed);
  }
  if (s.max_length && utf8_length(text) > *s.max_length)
    return make(error_code::property_constraint_violation, pointer,
                "longer than " + std::to_string(*s.max_length) + " characters");
  if (s.date_time && !is_date_time(text))
    return make(error_code::property_constraint_violation, pointer,
                "'" + text + "' is not an RFC 3339 date-time");
  return std::nullopt;
}

std::optional<violation> check_object(const schema& s, const json& value,
                                      const std::string& pointer) {
  if (!s.additional_properties) {
    for (const auto& item : value.items()) {
      bool defined = false;
      for (const auto& p : s.properties) defined = defined || p.name == item.key();
      if (!defined)
        return make(error_code::format_violation, child(pointer, item.key()),
                    "property '" + item.key() + "' is not allowed");
    }
  }
  for (const auto& p : s.properties)
    if (p.required && !value.contains(p.name))
      return make(error_code::occurrence_constraint_violation, child(pointer, p.name),
                  "required property '" + p.name + "' is missing");
  for (const auto& p : s.properties) {
    const auto it = value.find(p.name);
    if (it == value.end()) continue;
    if (auto v = validate(*p.type, *it, child(pointer, p.name))) return v;
  }
  return std::nullopt;
}

// Reads exactly `n` ASCII digits at `pos` (JavaScript's \d without the u flag is ASCII only).
bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

bool is_date(std::string_view s) {
  static constexpr int days[] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int y = 0, m = 0, d = 0;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  if (!digits(s, 0, 4, y) || !digits(s, 5, 2, m) || !digits(s, 8, 2, d)) return false;
  const bool leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
  return m >= 1 && m <= 12 && d >= 1 && d <= (m == 2 && leap ? 29 : days[m]);
}

// ajv-formats' time with a required zone, leap second rule included.
bool is_time(std::string_view s) {
  int hr = 0, min = 0, sec_whole = 0;
  if (s.size() < 9 || s[2] != ':' || s[5] != ':') return false;
  if (!digits(s, 0, 2, hr) || !digits(s, 3, 2, min) || !digits(s, 6, 2, sec_whole)) return false;
  std::size_t pos = 8;
  if (pos < s.size() && s[pos] == '.') {
    const std::size_t start = ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == start) return false;
  }
  // Only whether the seconds are below 60 or 61 matters, and a fraction never lifts 59 or 60 over.
  const int sec = sec_whole;
  if (pos >= s.size()) return false;  // strict: a zone is required
  int sign = 1, tz_h = 0, tz_m = 0;
  if (s[pos] == 'z' || s[pos] == 'Z') {
    if (pos + 1 != s.size()) return false;
  } else if (s[pos] == '+' || s[pos] == '-') {
    sign = s[pos] == '-' ? -1 : 1;
    if (!digits(s, pos + 1, 2, tz_h)) return false;
    std::size_t rest = pos + 3;
    if (rest < s.size() && s[rest] == ':') ++rest;
    if (rest < s.size()) {
      if (!digits(s, rest, 2, tz_m) || rest + 2 != s.size()) return false;
    } else if (s[rest - 1] == ':') {
      return false;
    }
  } else {
    return false;
  }
  if (tz_h > 23 || tz_m > 59) return false;
  if (hr <= 23 && min <= 59 && sec < 60) return true;
  const int utc_min = min - tz_m * sign;
  const int utc_hr = hr - tz_h * sign - (utc_min < 0 ? 1 : 0);
  return (utc_hr == 23 || utc_hr == -1) && (utc_min == 59 || utc_min == -1) && sec < 61;
}

bool is_separator(char c) {
  return c == 'T' || c == 't' || c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
         c == '\r';
}

}  // namespace

bool is_date_time(std::string_view text) {
  // ajv-formats splits on every separator and wants exactly two parts.
  std::size_t at = std::string_view::npos;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!is_separator(text[i])) continue;
    if (at != std::string_view::npos) return false;
    at = i;
  }
  if (at == std::string_view::npos) return false;
  return is_date(text.substr(0, at)) && is_time(text.substr(at + 1));
}

std::optional<violation> validate(const schema& s, const json& value, const std::string& pointer) {
  if (!has_kind(s.kind, value))
    return make(error_code::type_constraint_violation, pointer,
                "expected " + std::string(kind_name(s.kind)) + ", got " +
                    std::string(type_name(value)));
  switch (s.kind) {
    case schema_kind::object:
      return check_object(s, value, pointer);
    case schema_kind::string:
      return check_string(s, value.get_ref<const std::string&>(), pointer);
    case schema_kind::integer:
    case schema_kind::number: {
      const double d = value.get<double>();
      if (s.minimum && d < *s.minimum)
        return make(error_code::property_constraint_violation, pointer,
                    "below the minimum " + number_text(*s.minimum));
      if (s.maximum && d > *s.maximum)
        return make(error_code::property_constraint_violation, pointer,
                    "above the maximum " + number_text(*s.maximum));
      return std::nullopt;
    }
    case schema_kind::boolean:
      return std::nullopt;
    case schema_kind::array: {
      if (value.size() < s.min_items)
        return make(error_code::occurrence_constraint_violation, pointer,
                    "at least " + std::to_string(s.min_items) + " item(s) required");
      if (s.max_items && value.size() > *s.max_items)
        return make(error_code::occurrence_constraint_violation, pointer,
                    "at most " + std::to_string(*s.max_items) + " item(s) allowed");
      for (std::size_t i = 0; i < value.size(); ++i)
        if (auto v = validate(*s.items, value[i], child(pointer, std::to_string(i)))) return v;
      return std::nullopt;
    }
  }
  return std::nullopt;
}

bool known_action(std::string_view action) {
  return messages().by_action.count(action) != 0;
}

std::optional<origin> sent_by(std::string_view action) {
  const auto& m = messages().by_action;
  const auto it = m.find(action);
  if (it == m.end()) return std::nullopt;
  return it->second.sent_by;
}

std::optional<violation> validate(std::string_view action, direction dir, const json& payload) {
  const auto& m = messages().by_action;
  const auto it = m.find(action);
  if (it == m.end())
    return make(error_code::not_implemented, "", "unknown action '" + std::string(action) + "'");
  const auto& s = dir == direction::request ? it->second.request : it->second.response;
  return validate(*s, payload);
}

namespace schema_build {

schema_ref string_of(std::optional<std::size_t> max_length) {
  auto s = std::make_shared<schema>();
  s->kind = schema_kind::string;
  s->max_length = max_length;
  return s;
}

schema_ref enum_of(std::vector<std::string> values) {
  auto s = std::make_shared<schema>();
  s->kind = schema_kind::string;
  s->enum_values = std::move(values);
  return s;
}

namespace {
schema_ref ranged(schema_kind kind, std::optional<double> minimum, std::optional<double> maximum) {
  auto s = std::make_shared<schema>();
  s->kind = kind;
  s->minimum = minimum;
  s->maximum = maximum;
  return s;
}
}  // namespace

schema_ref integer(std::optional<double> minimum, std::optional<double> maximum) {
  return ranged(schema_kind::integer, minimum, maximum);
}

schema_ref number(std::optional<double> minimum, std::optional<double> maximum) {
  return ranged(schema_kind::number, minimum, maximum);
}

schema_ref boolean() {
  auto s = std::make_shared<schema>();
  s->kind = schema_kind::boolean;
  return s;
}

schema_ref date_time() {
  auto s = std::make_shared<schema>();
  s->kind = schema_kind::string;
  s->date_time = true;
  return s;
}

schema_ref array_of(schema_ref items, std::size_t min_items, std::optional<std::size_t> max_items) {
  auto s = std::make_shared<schema>();
  s->kind = schema_kind::array;
  s->items = std::move(items);
  s->min_items = min_items;
  s->max_items = max_items;
  return s;
}

schema_ref custom_data() {
  auto s = std::make_shared<schema>();
  s->kind = schema_kind::object;
  s->properties.push_back(req("vendorId", string_of(255)));
  s->additional_properties = true;
  return s;
}

schema_ref object(std::vector<schema_property> properties) {
  auto s = std::make_shared<schema>();
  s->kind = schema_kind::object;
  s->properties = std::move(properties);
  s->properties.push_back(opt("customData", custom_data()));
  return s;
}

schema_property req(std::string name, schema_ref type) {
  return schema_property{std::move(name), std::move(type), true};
}

schema_property opt(std::string name, schema_ref type) {
  return schema_property{std::move(name), std::move(type), false};
}

}  // namespace schema_build
}  // namespace swaptwin::adapters::ocpp
