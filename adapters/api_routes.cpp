// The operator API's routes (api_server.hpp): authentication, roles, then the read or the
// audited action (api_reads.cpp, api_actions.cpp).
#include <cstdio>
#include <iostream>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/api_internal.hpp"
#include "adapters/sqlite.hpp"

namespace swaptwin::adapters {

using namespace twin;
using namespace api_detail;

namespace api_detail {

api_response reply(int status, const json& j) {
  return {status, j.dump(-1, ' ', false, json::error_handler_t::replace), false, {}, false};
}

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

void log_line(const api_log_fn& log, const std::string& line) {
  std::string clean = line;
  for (auto& c : clean)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  if (log) return log(clean);
  std::cerr << "swaptwin api: " << clean << '\n';
}

api_response internal_error(const api_log_fn& log, const std::string& detail) {
  // Random, not a counter: ids stay distinct across restarts and across the API's processes.
  std::random_device rd;
  std::uniform_int_distribution<std::uint32_t> draw{0, 0xFFFFFF};
  char id[24];
  std::snprintf(id, sizeof id, "err-%06x%06x", draw(rd), draw(rd));
  log_line(log, std::string{"error "} + id + ": " + detail);
  return reply(500, {{"error", "internal"},
                     {"message", std::string{"internal error; quote error id "} + id + " to the operator"},
                     {"error_id", id}});
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

// What an action acts on, as the audit names it: the SN, rider, work order or model; SN/n for a slot.
std::string action_target(const std::vector<std::string>& p, const route& rt) {
  if (rt.action.rfind("slot.", 0) == 0) return p[3] + "/" + p[5];
  return p[3];
}

std::string error_code_of(const api_response& r) {
  auto j = json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j.contains("error") || !j["error"].is_string()) return "error";
  return j["error"].get<std::string>();
}

// Audits the refusal `r` of an action before it ran; a failure to write is logged, `r` stands.
void audit_refused(action_ctx& ctx, const api_response& r, const api_log_fn& log) {
  try {
    ctx.audit(error_code_of(r));
  } catch (const std::exception& e) {
    log_line(log, "audit of a refused " + ctx.action + " by " + ctx.who.id + " not written: " + e.what());
  }
}

// A 401 on an action whose bearer names a token that exists (revoked, or the secret wrong) is
// audited under that token's public id, with no role (nothing was granted). An id no token has
// cannot be tied to anyone and is not written: unknown bearers cannot fill the trail.
void audit_unauthenticated(store& db, std::string_view bearer, const std::vector<std::string>& p, const route& rt,
                           const std::string& body, unix_ms now, const api_log_fn& log) {
  const auto id = std::string{bearer.substr(0, bearer.find('.'))};
  try {
    if (id.empty() || id.size() > 64 || !db.token(id)) return;
    const auto detail = body_summary(body, "not read: the token did not authenticate").dump();
    db.record_audit({0, now, id, "", rt.action, action_target(p, rt), detail, "auth.invalid"});
  } catch (const std::exception& e) {
    log_line(log, "audit of a refused " + rt.action + " by " + id + " not written: " + e.what());
  }
}

api_response route_request(store& db, const api_request& req, unix_ms now, const api_limits& limits,
                           const api_log_fn& log) {
  const std::string_view target{req.target};
  const auto q = target.find('?');
  const auto raw_path = target.substr(0, q);
  const auto raw_query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
  const auto path = split_path(raw_path);
  const auto& p = path.segments;
  const auto rt = path.problem.empty() ? find_route(p) : std::nullopt;
  const bool is_action = rt && !rt->action.empty();

  // Authentication first: nothing under the API answers without a valid token.
  if (req.authorization.empty()) {
    auto r = fail(401, "auth.required", "send Authorization: Bearer <token id>.<secret>");
    r.bearer_challenge = true;
    return r;
  }
  const auto bearer = bearer_of(req.authorization);
  std::optional<token_info> who;
  if (bearer) who = db.authenticate(*bearer);
  if (!who) {
    auto r = bearer ? fail(401, "auth.invalid", "the token is malformed, unknown or revoked; ask an admin for a new one")
                    : fail(401, "auth.invalid", "use the Bearer scheme: Authorization: Bearer <token id>.<secret>");
    r.bearer_challenge = true;
    if (bearer && is_action) audit_unauthenticated(db, *bearer, p, *rt, req.body, now, log);
    return r;
  }

  if (!path.problem.empty()) return fail(400, "input.invalid", path.problem, "path");
  if (!rt) return fail(404, "route.unknown", "no such endpoint: " + std::string{raw_path.substr(0, 256)});
  action_ctx ctx{db, *who, now, rt->action, is_action ? action_target(p, *rt) : std::string{}};
  ctx.json_depth = limits.json_depth;
  ctx.log = &log;
  // Refused attempts at acting are part of the trail, whatever refused them.
  auto refuse = [&](api_response r) {
    if (is_action) audit_refused(ctx, r, log);
    return r;
  };
  if (req.method != rt->method) {
    auto r = fail(405, "method.not_allowed", req.method.substr(0, 32) + " is not allowed here; use " + rt->method);
    r.allow = rt->method;
    return refuse(r);
  }
  if (!role_allows(who->granted, rt->need)) {
    const std::string need{to_string(rt->need)};
    if (is_action) {
      auto b = parse_object(req.body, limits.json_depth);
      ctx.body = b.object ? std::move(*b.object) : body_summary(req.body, b.problem);
    }
    return refuse(reply(403, {{"error", "auth.forbidden"}, {"message", "this needs the role " + need}, {"need", need}}));
  }
  std::string query_problem;
  const auto query = parse_query(raw_query, &query_problem);
  if (!query) return refuse(fail(400, "input.invalid", query_problem, "query"));

  if (is_action) {
    if (p[2] == "deposits") return deposit_action(ctx, p[3], req.body);
    if (p[2] == "riders") return rider_action(ctx, p, req.body);
    if (p[2] == "work-orders") return work_order_action(ctx, p, req.body);
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
  read_ctx rc{db, p, *query, now};
  return read(rc);
}

}  // namespace

api_response handle_api_request(store& db, const api_request& req, unix_ms now, const api_limits& limits,
                                const api_log_fn& log) {
  try {
    return route_request(db, req, now, limits, log);
  } catch (const std::exception& e) {
    return internal_error(log, req.method.substr(0, 16) + " " + req.target.substr(0, 256) + ": " + e.what());
  }
}

namespace api_detail {

void audit_refusal(store& db, const api_request& head, const api_response& refusal, unix_ms now,
                   const api_log_fn& log) {
  try {
    const auto bearer = bearer_of(head.authorization);
    if (!bearer) return;
    const auto target = std::string_view{head.target}.substr(0, head.target.find('?'));
    const auto path = split_path(target);
    const auto rt = path.problem.empty() ? find_route(path.segments) : std::nullopt;
    if (!rt || rt->action.empty()) return;
    auto who = db.authenticate(*bearer);
    if (!who) return;
    action_ctx ctx{db, *who, now, rt->action, action_target(path.segments, *rt)};
    ctx.body = {{"body_error", "not read: " + error_code_of(refusal)}};
    audit_refused(ctx, refusal, log);
  } catch (const std::exception& e) {
    log_line(log, std::string{"audit of a refused request not written: "} + e.what());
  }
}

}  // namespace api_detail

}  // namespace swaptwin::adapters
