#pragma once
/// Internal to the operator API (api_routes.cpp, api_reads.cpp, api_actions.cpp): the JSON
/// answers, the audited action context, and one handler per read and per action. Not for use
/// outside adapters/.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/api_server.hpp"

namespace swaptwin::adapters::api_detail {

using json = nlohmann::json;

/// A JSON answer with `status`.
api_response reply(int status, const json& j);
/// A JSON error {"error": code, "message": ..., "field": ...} (field only when given).
api_response fail(int status, std::string_view code, const std::string& message, const std::string& field = {});
/// The answer to a refusal from the twin or the store: 404 for unknown things, 409 for a state that
/// does not allow it, else 400 naming `field`.
api_response refused(twin::errc e, const std::string& detail, const std::string& field = {});

/// The path split at '/', empty segments dropped: "/api/v1/stations/SN-1" -> {api, v1, stations, SN-1}.
std::vector<std::string> split_path(std::string_view path);
/// The value of `name` in query string `query` ("a=1&b=2"), nullopt when absent.
std::optional<std::string> query_param(const std::string& query, std::string_view name);

/// One request as the handlers see it: the store, the path segments, the query and the time.
struct read_ctx {
  store& db;
  const std::vector<std::string>& path;  ///< split_path of the target
  const std::string& query;              ///< after '?', may be empty
  twin::unix_ms now;
};

/// One audited action: who does it, what, to what; its body parsed once; recorded with its outcome.
struct action_ctx {
  store& db;
  const token_info& who;
  twin::unix_ms now;
  std::string action, target;
  json body = json::object();

  /// Appends the audit row with `outcome` ("ok" or the error code); returns its id.
  std::int64_t audit(const std::string& outcome);
};

/// Parses `text` as a JSON object into ctx.body; a 400 naming "body" when it is not one.
std::optional<api_response> parse_body(action_ctx& ctx, const std::string& text);
/// Runs `effect` and audits its outcome in one transaction; a success gets the audit id.
api_response run_action(action_ctx& ctx, const std::function<api_response()>& effect);

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
