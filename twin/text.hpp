#pragma once
/// Checks for names people type (stations, riders, agents): they end up in tables, JSON and logs.

#include <string>
#include <string_view>

#include "twin/errors.hpp"

namespace swaptwin::twin {

/// `raw` trimmed of surrounding blanks, if it is valid UTF-8 without control characters and has
/// 1..`max_chars` characters. An empty name is refused with `empty_code`, anything else with
/// input.invalid; `what` names the field in the message ("station name").
result<std::string> clean_name(std::string_view raw, std::string_view what, errc empty_code = errc::invalid_argument,
                               std::size_t max_chars = 64);

/// True when `s` is well-formed UTF-8 (no overlong forms, no surrogates).
bool valid_utf8(std::string_view s) noexcept;

}  // namespace swaptwin::twin
