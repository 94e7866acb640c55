// The operator API's routes (api_server.hpp): authentication, roles, then the read or the
// audited action (api_reads.cpp, api_actions.cpp).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/api_internal.hpp"
#include "adapters/sqlite.hpp"

namespace swaptwin::adapters {

using namespace twin;
using namespace api_detail;

namespace api_detail {

api_response reply(int status, const json& j) { return {status, j.dump(), false, {}}; }

api_response fail(int status, std::string_view code, const std::string& message, const std::string& field) {
  json j{{"error", code}, {"message", message}};
  if (!field.empty()) j["field"] = field;
  return reply(status, j);
}

namespace {
// HTTP status of a refusal from the twin or the store.
int status_of(errc e) {
  switch (e) {
    case errc::station_unknown: case errc::model_unknown: case errc::rider_unknown: case errc::agent_unknown:
      return 404;
    case errc::kyc_not_pending: case errc::kyc_documents_missing: case errc::kyc_underage:
    case errc::work_order_transition: case errc::country_unknown:
      return 409;
    default: return 400;
  }
}
}  // namespace

api_response refused(errc e, const std::string& detail, const std::string& field) {
  return fail(status_of(e), code_string(e), detail.empty() ? std::string{default_message(e)} : detail,
              status_of(e) == 400 ? field : std::string{});
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    const auto j = path.find('/', i);
    const auto end = j == std::string_view::npos ? path.size() : j;
    if (end > i) out.emplace_back(path.substr(i, end - i));
    i = end;
  }
  return out;
}

std::optional<std::string> query_param(const std::string& query, std::string_view name) {
  std::size_t i = 0;
  while (i <= query.size()) {
    auto amp = query.find('&', i);
    if (amp == std::string::npos) amp = query.size();
    std::string_view part{query.data() + i, amp - i};
    const auto eq = part.find('=');
    if (part.substr(0, eq) == name) return std::string{eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1)};
    i = amp + 1;
  }
  return std::nullopt;
}

}  // namespace api_detail

namespace {

struct route {
  std::string method;  // the allowed one
  role need = role::viewer;
  std::string action;  // non-empty for audited actions
};

// The route `p` names, nullopt when none.
std::optional<route> find_route(const std::vector<std::string>& p) {
  if (p.size() < 3 || p[0] != "api" || p[1] != "v1") return std::nullopt;
  const auto n = p.size();
  const auto& r = p[2];
  const bool listable = r == "dashboard" || r == "stations" || r == "work-orders" || r == "alerts" || r == "deposits" ||
                        r == "riders" || r == "packs" || r == "plans" || r == "agents";
  if (n == 3 && listable) return route{"GET", role::viewer, {}};
  if (n == 4 && (r == "stations" || r == "riders" || r == "packs" || r == "work-orders"))
    return route{"GET", role::viewer, {}};
  if (r == "stations" && n == 5 && (p[4] == "accept" || p[4] == "reject" || p[4] == "rename"))
    return route{"POST", role::operator_, "station." + p[4]};
  if (r == "stations" && n == 7 && p[4] == "slots" && (p[6] == "disable" || p[6] == "enable"))
    return route{"POST", role::operator_, "slot." + p[6]};
  if (r == "riders" && n == 5 && (p[4] == "verify" || p[4] == "reject"))
    return route{"POST", role::operator_, "rider." + p[4]};
  if (r == "work-orders" && n == 5 && (p[4] == "assign" || p[4] == "acknowledge"))
    return route{"POST", role::operator_, "work_order." + p[4]};
  if (r == "deposits" && n == 4) return route{"PUT", role::admin, "deposit.set"};
  return std::nullopt;
}

}  // namespace

api_response handle_api_request(store& db, const api_request& req, unix_ms now) {
  const auto q = req.target.find('?');
  const std::string path = req.target.substr(0, q);
  const std::string query = q == std::string::npos ? std::string{} : req.target.substr(q + 1);

  // Authentication first: nothing under the API answers without a valid token.
  constexpr std::string_view scheme = "Bearer ";
  if (req.authorization.empty()) {
    auto r = fail(401, "auth.required", "send Authorization: Bearer <token id>.<secret>");
    r.bearer_challenge = true;
    return r;
  }
  std::optional<token_info> who;
  if (req.authorization.size() > scheme.size() && req.authorization.compare(0, scheme.size(), scheme) == 0)
    who = db.authenticate(std::string_view{req.authorization}.substr(scheme.size()));
  if (!who) {
    auto r = fail(401, "auth.invalid", "the token is malformed, unknown or revoked");
    r.bearer_challenge = true;
    return r;
  }

  const auto p = split_path(path);
  const auto rt = find_route(p);
  if (!rt) return fail(404, "route.unknown", "no such endpoint: " + path);
  if (req.method != rt->method) {
    auto r = fail(405, "method.not_allowed", req.method + " is not allowed here; use " + rt->method);
    r.allow = rt->method;
    return r;
  }
  if (!role_allows(who->granted, rt->need)) {
    const std::string need{to_string(rt->need)};
    if (!rt->action.empty()) {  // refused attempts at acting are part of the trail
      action_ctx ctx{db, *who, now, rt->action, p[3]};
      if (json::accept(req.body)) ctx.body = json::parse(req.body);
      if (!ctx.body.is_object()) ctx.body = json::object();
      ctx.audit("auth.forbidden");
    }
    auto r = reply(403, {{"error", "auth.forbidden"}, {"message", "this needs the role " + need}, {"need", need}});
    return r;
  }

  if (!rt->action.empty()) {
    action_ctx ctx{db, *who, now, rt->action, p[3]};
    if (p[2] == "deposits") return deposit_action(ctx, p[3], req.body);
    if (p[2] == "riders") return rider_action(ctx, p, req.body);
    if (p[2] == "work-orders") return work_order_action(ctx, p, req.body);
    if (rt->action.rfind("slot.", 0) == 0) ctx.target = p[3] + "/" + p[5];
    return station_action(ctx, p, req.body);
  }
  // One read snapshot for the whole GET: a rider's row, deposits and plan (or a page of them) from
  // the same instant, whatever the store actor commits meanwhile.
  struct read_snapshot {
    sql::database& db;
    explicit read_snapshot(sql::database& d) : db{d} { db.exec("BEGIN"); }
    ~read_snapshot() {
      try {
        db.exec("COMMIT");
      } catch (const std::exception&) {  // a read-only transaction: nothing to lose
      }
    }
  } snapshot{db.db()};
  read_ctx ctx{db, p, query, now};
  return read(ctx);
}

}  // namespace swaptwin::adapters
