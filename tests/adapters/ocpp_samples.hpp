#pragma once
// Valid OCPP 2.1 payloads of every message swaptwin uses, shared by the frame and schema tests,
// and the capture of frames for the conformance check against the official schemas.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/ocpp_schema.hpp"

namespace swaptwin::adapters::ocpp::test_data {

/// One valid payload.
struct sample {
  std::string name;       ///< unique, used in message ids of captured frames
  std::string action;     ///< e.g. "BatterySwap"
  direction dir;          ///< request or response
  nlohmann::json payload; ///< conforms to the OCA schema
};

/// At least one request and one response per action of ocpp21_messages(), minimal and full.
std::vector<sample> valid_samples();

/// The first sample of `action` in `dir` (tests mutate copies of it).
nlohmann::json sample_of(const std::string& action, direction dir);

/// Appends `frames` (one per line, in one write so pairs stay together across test processes)
/// to the file named by SWAPTWIN_OCPP_CAPTURE, when it is set; otherwise does nothing.
void capture(const std::vector<std::string>& frames);

/// The same for frames that must NOT conform (SWAPTWIN_OCPP_CAPTURE_INVALID): the conformance
/// script checks that the official schemas reject each of them too.
void capture_invalid(const std::vector<std::string>& frames);

}  // namespace swaptwin::adapters::ocpp::test_data
