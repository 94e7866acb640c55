#pragma once
/// Internal to the operator API (api_routes.cpp, api_reads.cpp, api_actions.cpp, api_input.cpp,
/// api_http.cpp, feed_session.cpp): the JSON answers, the checks of untrusted input, the audited
/// action context, and one handler per read and per action. Not for use outside adapters/.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/api_request.hpp"
#include "adapters/tokens.hpp"

namespace swaptwin::adapters::api_detail {

using json = nlohmann::json;

/// A JSON answer with `status` (text that is not UTF-8 is written with U+FFFD: never a throw).
api_response reply(int status, const json& j);
/// A JSON error {"error": code, "message": ..., "field": ...} (field only when given).
api_response fail(int status, std::string_view code, const std::string& message, const std::string& field = {});
/// The answer to a refusal from the twin or the store: 404 for unknown things, 409 for a state that
/// does not allow it, else 400 naming `field`.
api_response refused(twin::errc e, const std::string& detail, const std::string& field = {});
/// A 500 that shows no internals: `detail` goes to `log` with a fresh error id, the answer is
/// {"error":"internal","message":"internal error; quote error id <id> to the operator","error_id":<id>}.
api_response internal_error(const api_log_fn& log, const std::string& detail);
/// Writes `line` to `log` (stderr, "swaptwin api: ", when unset), control characters as spaces.
void log_line(const api_log_fn& log, const std::string& line);

// ---- untrusted input (api_input.cpp) ----
/// `text` with its %XX escapes decoded, and '+' as a space when `plus_is_space` (query strings);
/// nullopt when an escape is malformed ("%", "%4", "%zz").
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);
/// The path's segments, each percent-decoded after the split (so %2F stays inside its segment),
/// empty ones dropped: "/api/v1/riders/R-%E5%BC%A0" -> {api, v1, riders, R-张}. `problem` is set
/// (and the segments are empty) when an escape is malformed or a segment is not UTF-8 without
/// control characters once decoded.
struct decoded_path {
  std::vector<std::string> segments;
  std::string problem;  ///< non-empty: answer 400 input.invalid, field "path"
};
/// See decoded_path.
decoded_path split_path(std::string_view path);
/// A query string's name=value pairs, both percent-decoded ('+' is a space), in order.
using query_params = std::vector<std::pair<std::string, std::string>>;
/// The pairs of `query` ("a=1&b=%20"); nullopt with `*problem` set when an escape is malformed or a
/// decoded name or value is not UTF-8.
std::optional<query_params> parse_query(std::string_view query, std::string* problem);
/// The value of `name` in `q`, nullopt when absent (the first one when repeated).
std::optional<std::string> query_param(const query_params& q, std::string_view name);
/// The token of an Authorization value "Bearer <token>": the scheme in any case (RFC 7235), one or
/// more spaces or tabs before the token; nullopt for another scheme or no token.
std::optional<std::string_view> bearer_of(std::string_view authorization);
/// True when arrays and objects nest deeper than `depth_max` in `text` (strings skipped; `text`
/// need not be valid JSON). Checked before nlohmann parses, whose structures recurse.
bool json_deeper_than(std::string_view text, std::size_t depth_max);
/// What `text` is as a request body: a JSON object within `depth_max` levels, or why not.
struct parsed_body {
  std::optional<json> object;
  std::string problem;  ///< when not: "not a JSON object" or "nested deeper than N levels"
};
/// See parsed_body.
parsed_body parse_object(std::string_view text, std::size_t depth_max);
/// An audit detail for a body not kept as is: {"body_bytes": n, "body_sha256": hex, "body_error": problem}.
json body_summary(std::string_view raw, const std::string& problem);
/// The audit detail of `body`: its compact JSON when at most audit_detail_max bytes, else body_summary
/// of that JSON. Always valid JSON that SQLite's json_valid accepts.
std::string audit_detail(const json& body);
/// The longest audit detail kept verbatim.
inline constexpr std::size_t audit_detail_max = 4096;

/// One request as the handlers see it: the store, the path segments, the query and the time.
struct read_ctx {
  store& db;
  const std::vector<std::string>& path;  ///< decoded segments of the target
  const query_params& query;             ///< decoded pairs after '?'
  twin::unix_ms now;
};

/// One audited action: who does it, what, to what; its body parsed once; recorded with its outcome.
struct action_ctx {
  store& db;
  const token_info& who;
  twin::unix_ms now;
  std::string action, target;
  json body = json::object();
  std::size_t json_depth = 32;  ///< api_limits::json_depth
  const api_log_fn* log = nullptr;

  /// Appends the audit row with `outcome` ("ok" or the error code); returns its id. Throws when
  /// the store cannot write it.
  std::int64_t audit(const std::string& outcome);
};

/// Parses `text` as a JSON object into ctx.body; a 400 naming "body" when it is not one or nests
/// deeper than ctx.json_depth (ctx.body then holds a body_summary for the audit).
std::optional<api_response> parse_body(action_ctx& ctx, const std::string& text);
/// Runs `effect` and audits its outcome in one transaction; a success gets the audit id. When the
/// audit row of a refusal cannot be written, the refusal is still the answer (the failure is logged);
/// when that of a success cannot, the action is rolled back and the failure thrown.
api_response run_action(action_ctx& ctx, const std::function<api_response()>& effect);
/// Audits a request refused before its route ran (413: only its header was read) when its target
/// is an action and its bearer a valid token: outcome = the refusal's code. Never throws (logs).
void audit_refusal(store& db, const api_request& head, const api_response& refusal, twin::unix_ms now,
                   const api_log_fn& log);

/// GET handlers, by the resource of path[2]: dashboard, stations, riders, packs, plans, deposits,
/// agents, work-orders, alerts.
api_response read(read_ctx& ctx);

/// POST accept|reject|rename of a station, POST slots/{n}/disable|enable.
api_response station_action(action_ctx& ctx, const std::vector<std::string>& p, const std::string& body);
/// PUT deposits/{model} {"currency", "amount_minor"}.
api_response deposit_action(action_ctx& ctx, const std::string& model, const std::string& body);
/// POST riders/{id}/verify, POST riders/{id}/reject {"reason"}.
api_response rider_action(action_ctx& ctx, const std::vector<std::string>& p, const std::string& body);
/// POST work-orders/{id}/assign {"agent_id"}, POST work-orders/{id}/acknowledge.
api_response work_order_action(action_ctx& ctx, const std::vector<std::string>& p, const std::string& body);

/// JSON of a station (with its slot list and `stale` when `detail`).
json station_json(const twin::station& s, bool detail);
/// JSON of a work order, `sla_breached` as of `now`.
json work_order_json(const twin::work_order& w, twin::unix_ms now);
/// JSON of a rider: KYC, balance, deposits, plan, the pack held.
json rider_json(const twin::rider& r);

}  // namespace swaptwin::adapters::api_detail
