#pragma once
/// Internals of the scenario loader (loader*.cpp only): where a value sits in the file, how an
/// error line is built, and the steps that turn a parsed `swaptwin.v1.Scenario` into a `scenario`.
/// Nothing outside scenarios/loader*.cpp includes this header.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/text_format.h>

#include "scenarios/scenario.hpp"
#include "swaptwin/v1/scenario.pb.h"

namespace swaptwin::scenarios::detail {

namespace pb = google::protobuf;
using info_tree = pb::TextFormat::ParseInfoTree;

/// Bounds on what a scenario file can make big. scenarios/README.md ("Limits") says why each is
/// what it is; tests/scenarios/loader_limits_test.cpp holds the error of each.
namespace limit {
inline constexpr std::size_t file_bytes = 16u << 20;  ///< checked before the file is read
inline constexpr std::size_t file_entries = 1'000'000;  ///< messages ("{"), checked before the text is parsed
inline constexpr std::size_t id_chars = 64;           ///< ids, codes, kinds, instants, money text
inline constexpr std::size_t name_chars = 200;        ///< display names
inline constexpr std::size_t sn_chars = 50;           ///< station and pack SNs (OCPP identifiers)
inline constexpr std::size_t population_name_chars = 30;  ///< rider ids and pack SNs derive from it
inline constexpr int slots = 4096;                    ///< per station
inline constexpr long long riders = 2'000'000;        ///< in all populations
inline constexpr long long total_slots = 1'000'000;   ///< in all stations
inline constexpr double days = 3660;                  ///< duration_days, --days: ten years, far from ms overflow
inline constexpr double events = 1e9;                 ///< simulated events of a run (projected)
inline constexpr double station_hours = 1e8;          ///< hourly station samples a run keeps (projected)
}  // namespace limit

/// Keeps the first error of a file: the one with the smallest line (unknown lines, 0, come last),
/// so a file with several mistakes always reports the same, earliest one.
class error_sink {
 public:
  explicit error_sink(std::string file) : file_(std::move(file)) {}
  /// Records "FILE:LINE: PATH: WHAT"; `line` is 1-based, 0 when unknown.
  void add(int line, twin::errc code, const std::string& path, const std::string& what);
  /// True while nothing was recorded.
  bool ok() const noexcept { return !first_; }
  /// The kept error; ok() must be false.
  twin::error get() const { return first_->err; }

 private:
  struct entry {
    int line;
    twin::error err;
  };
  std::string file_;
  std::optional<entry> first_;
};

/// One message of the parsed file: its descriptor, its part of the location tree, its path
/// ("stations[3]", empty at the top) and its 1-based line.
class node {
 public:
  node(const pb::Descriptor* desc, const info_tree* tree, std::string path, int line, error_sink& sink)
      : desc_(desc), tree_(tree), path_(std::move(path)), line_(line), sink_(&sink) {}

  /// The 1-based line of `field` (entry `index` when repeated), or this message's line.
  int line_of(std::string_view field, int index = -1) const;
  /// True when the file wrote `field` (for proto3 scalars, where 0 and "not given" look alike).
  bool given(std::string_view field) const;
  /// "stations[3].lat" for field "lat"; "stations[3].packs[1]" for ("packs", 1).
  std::string path_of(std::string_view field, int index = -1) const;
  /// The node of message field `field` (entry `index` when repeated).
  node child(std::string_view field, int index = -1) const;
  /// Records an error about `field` (entry `index`) at its line.
  void fail(std::string_view field, const std::string& what, twin::errc code = twin::errc::invalid_argument,
            int index = -1) const;
  /// Records an error about this whole message at its line.
  void fail_here(const std::string& what, twin::errc code = twin::errc::invalid_argument) const;
  /// Reports `message` from a twin::validate function ("field: what" or a sentence), mapping its
  /// field to ours through `renames` ("tax" -> "tax_percent"); unknown fields blame the entry.
  void fail_twin(const std::string& message, std::initializer_list<std::pair<std::string_view, std::string_view>> renames) const;

  const std::string& path() const noexcept { return path_; }
  int line() const noexcept { return line_; }
  error_sink& sink() const noexcept { return *sink_; }

 private:
  const pb::FieldDescriptor* field(std::string_view name) const;

  const pb::Descriptor* desc_;
  const info_tree* tree_;  // null when the parser recorded nothing for this message
  std::string path_;
  int line_;
  error_sink* sink_;
};

/// Shortest text for a number in messages: 95, 0.5, 1e-07.
std::string num(double v);
/// `s` in double quotes; a long `s` is cut (its start, "...", its length), so no error line
/// repeats a huge value of the file.
std::string quoted(std::string_view s);
/// Characters (UTF-8 code points) of `s`.
std::size_t chars(std::string_view s) noexcept;
/// True when `v` lies in [lo, hi] (false for NaN).
inline bool within(double v, double lo, double hi) noexcept { return v >= lo && v <= hi; }

/// Ids already seen in one list, with the path and line of their first use.
class id_set {
 public:
  /// Adds `id` found at `where`; when it was there already, records an error at `where`'s
  /// `field` naming the first use, and returns false.
  bool add(const std::string& id, const node& where, std::string_view field, twin::errc code,
           std::string_view what);
  /// True when `id` was added.
  bool has(const std::string& id) const { return seen_.count(id) != 0; }

 private:
  struct first_use {
    std::string path;
    int line;
  };
  std::unordered_map<std::string, first_use> seen_;
};

/// Checks a latitude/longitude pair given as `lat`/`lon` fields of `n`; returns the point.
twin::geo_point read_point(const node& n, bool has_lat, double lat, bool has_lon, double lon);

/// Records, unless `ok`, "V is not NOUN (expected EXPECT)" at `field`; when `required` and the file
/// did not write the field, "missing (expected NOUN, EXPECT)". Returns whether all was fine.
bool check(const node& n, std::string_view field, double v, bool ok, std::string_view noun, std::string_view expect,
           bool required = false);

/// Records, when `v` is more than `max` (infinity included), "V is over the limit (expected at
/// most MAX UNIT; ADVICE)" at `field`. NaN passes: the range check beside it refuses NaN. Returns
/// whether `v` was within the limit.
bool at_most(const node& n, std::string_view field, double v, double max, std::string_view unit,
             std::string_view advice);

/// "one of: a, b, c" (at most eight shown) or "none defined".
std::string one_of(const std::vector<std::string>& ids);

/// What the steps know of the scenario built so far.
struct context {
  const v1::Scenario& msg;
  node root;
  scenario& out;
  id_set models, countries, plans, agents, stations, packs, populations, deposits;
};

/// "one of: 48V, 60V, 72V": the model ids defined so far.
std::string model_ids(const context& c);
/// True when `id` names a defined battery model; else records the error at `field`.
bool known_model(const context& c, const node& n, std::string_view field, const std::string& id);

/// The limits first (loader_limits.cpp): entries of every list, characters of every text, riders
/// and slots in all. Runs before any other step, on the parsed message only; returns whether the
/// file is within them (the other steps run only then, so nothing is expanded from a file over them).
bool read_limits(context& c);

/// Refuses, at the line of its biggest driver, a run of the scenario built so far whose projected
/// size passes limit::events, limit::station_hours or the memory of `opt` (loader_projection.cpp),
/// for the days of `opt` when given (their range is checked here too).
void check_run_size(context& c, const load_options& opt);

/// Run fields, catalogue, policies, prices, charging, ageing and SLA (loader_catalogue.cpp).
void read_run(context& c);
void read_catalogue(context& c);
void read_physics(context& c);
/// Agents, stations with their packs, populations and faults (loader_network.cpp, loader_demand.cpp).
void read_agents(context& c);
void read_stations(context& c);
void read_populations(context& c);
void read_faults(context& c);

/// FNV-1a 64 of `text` as 16 lower-case hex digits.
std::string fnv1a_hex(std::string_view text);
/// FNV-1a 64 of `text`.
std::uint64_t fnv1a(std::string_view text) noexcept;

}  // namespace swaptwin::scenarios::detail
