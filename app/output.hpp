#pragma once
/// How back-office objects look on the terminal (aligned tables) and in --json (stable keys,
/// documented in README.md). Money in JSON is always minor units plus a currency code.

#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/store.hpp"

namespace swaptwin::app {

/// JSON with keys in insertion order, so output is stable and readable.
using json = nlohmann::ordered_json;

/// A text table with aligned columns.
class table {
 public:
  explicit table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  /// Adds a row (as many cells as headers).
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  /// Prints headers, a rule and the rows; "(none)" when empty.
  void print(std::ostream& os) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

/// Prints `j` indented by two spaces, with a final newline.
void print_json(std::ostream& os, const json& j);

/// "2026-11-23T08:30:00Z", or "never" / null-ish text for an empty optional.
std::string when(const std::optional<twin::unix_ms>& t, const char* none = "never");

json to_json(const twin::station& s, bool with_slots);
json to_json(const twin::rider& r, const std::optional<twin::country_policy>& policy, twin::unix_ms now);
json to_json(const twin::plan& p);
json to_json(const twin::country_policy& p);
json to_json(const adapters::dashboard& d);

/// The dashboard for people: money with symbols, counts, the plan mix.
void print_dashboard(std::ostream& os, const adapters::dashboard& d);

}  // namespace swaptwin::app
