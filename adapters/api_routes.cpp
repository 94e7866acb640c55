// The operator API's routes (api_server.hpp): authentication, roles, JSON reads and audited actions.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/api_server.hpp"

namespace swaptwin::adapters {

using json = nlohmann::json;
using namespace twin;

namespace {

api_response reply(int status, const json& j) { return {status, j.dump(), false, {}}; }

api_response fail(int status, std::string_view code, const std::string& message, const std::string& field = {}) {
  json j{{"error", code}, {"message", message}};
  if (!field.empty()) j["field"] = field;
  return reply(status, j);
}

// HTTP status of a refusal from the twin or the store.
int status_of(errc e) {
  switch (e) {
    case errc::station_unknown: case errc::model_unknown: case errc::rider_unknown: return 404;
    default: return 400;
  }
}

json opt_instant(const std::optional<unix_ms>& t) { return t ? json(format_instant(*t)) : json(nullptr); }

json station_json(const station& s, bool detail) {
  json ready = json::object();
  for (const auto& sl : s.slots)
    if (sl.state == slot_state::ready && !slot_disabled(s, sl.index)) ready[sl.model_id] = ready.value(sl.model_id, 0) + 1;
  json pending = json::array();
  for (const auto& c : pending_changes(s)) pending.push_back({{"field", c.field}, {"value", c.value}});
  json j{{"sn", s.sn}, {"name", s.name()}, {"registration", to_string(s.reg)}, {"lat", s.location.lat},
         {"lon", s.location.lon}, {"slots", s.slots.size()}, {"enabled", s.desired.enabled},
         {"agent_id", s.agent_id.empty() ? json(nullptr) : json(s.agent_id)}, {"online", s.link.online},
         {"last_seen", opt_instant(s.link.last_seen)}, {"firmware", s.firmware}, {"ready_packs", ready},
         {"free_slots", free_count(s)}, {"pending_changes", pending}};
  if (detail) {
    json slots = json::array();
    for (const auto& sl : s.slots)
      slots.push_back({{"index", sl.index}, {"state", to_string(sl.state)}, {"disabled", slot_disabled(s, sl.index)},
                       {"door_open", sl.door_open},
                       {"battery_sn", sl.battery_sn.empty() ? json(nullptr) : json(sl.battery_sn)},
                       {"model_id", sl.model_id.empty() ? json(nullptr) : json(sl.model_id)}, {"soc", sl.soc}});
    j["slot_list"] = slots;
    j["stale"] = !s.link.online;  // offline: the slots are the last known state
  }
  return j;
}

json work_order_json(const work_order& w, unix_ms now) {
  return {{"id", w.id}, {"station_sn", w.station_sn}, {"alert", to_string(w.alert)}, {"slot", w.slot},
          {"state", to_string(w.state)}, {"agent_id", w.agent_id.empty() ? json(nullptr) : json(w.agent_id)},
          {"opened_at", format_instant(w.opened_at)}, {"due_at", format_instant(w.due_at)},
          {"sla_breached", sla_breached(w, now)}};
}

json rider_json(const rider& r) {
  json deposits = json::object();
  for (const auto& [model, m] : r.deposits) deposits[model] = {{"currency", m.currency}, {"amount_minor", m.minor}};
  json plan = nullptr;
  if (r.plan) plan = {{"plan_id", r.plan->plan_id}, {"kind", to_string(r.plan->kind)}};
  return {{"id", r.id}, {"name", r.name}, {"country", r.country}, {"kyc", to_string(r.kyc)},
          {"balance_minor", r.balance_minor}, {"deposits", deposits},
          {"holding_sn", r.holding_sn.empty() ? json(nullptr) : json(r.holding_sn)}, {"plan", plan}};
}

json dashboard_json(const dashboard& d) {
  json plans = json::array();
  for (const auto& p : d.plan_mix) plans.push_back({{"plan_id", p.plan_id}, {"name", p.name}, {"kind", p.kind}, {"active", p.active}});
  return {{"timezone", d.timezone}, {"day", d.day}, {"revenue_today", d.revenue_today},
          {"revenue_by_plan_kind", d.revenue_by_plan_kind}, {"plans_sold_today", d.plans_sold_today},
          {"deposits_held", d.deposits_held}, {"riders_active_today", d.riders_active_today},
          {"riders_new_today", d.riders_new_today}, {"riders_total", d.riders_total}, {"plan_mix", plans},
          {"swaps_today", d.swaps_today}, {"stations_online", d.stations_online},
          {"stations_offline", d.stations_offline}, {"work_orders_open", d.work_orders_open}};
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

// One action: who does it, what, to what; its body parsed once; recorded with its outcome.
struct action_ctx {
  store& db;
  const token_info& who;
  unix_ms now;
  std::string action, target;
  json body = json::object();

  std::int64_t audit(const std::string& outcome) {
    return db.record_audit({0, now, who.id, std::string{to_string(who.granted)}, action, target, body.dump(), outcome});
  }
};

// Parses `text` as a JSON object into ctx.body; a 400 when it is not one.
std::optional<api_response> parse_body(action_ctx& ctx, const std::string& text) {
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    ctx.body = {{"body", "not a JSON object"}};
    return fail(400, "input.invalid", "the body must be a JSON object", "body");
  }
  ctx.body = std::move(j);
  return std::nullopt;
}

// Runs `effect` and audits its outcome in one transaction. `effect` returns the response.
api_response run_action(action_ctx& ctx, const std::function<api_response()>& effect) {
  api_response out;
  ctx.db.transact([&] {
    out = effect();
    std::string outcome = "ok";
    if (out.status >= 300) outcome = json::parse(out.body, nullptr, false).value("error", "error");
    const auto id = ctx.audit(outcome);
    if (out.status < 300) {
      auto j = json::parse(out.body);
      j["audit_id"] = id;
      out.body = j.dump();
    }
  });
  return out;
}

api_response refused(errc e, const std::string& detail, const std::string& field = {}) {
  return fail(status_of(e), code_string(e), detail.empty() ? std::string{default_message(e)} : detail,
              status_of(e) == 400 ? field : std::string{});
}

api_response station_action(action_ctx& ctx, const std::string& sn, const std::vector<std::string>& p,
                            const std::string& body) {
  const auto& verb = p.back();
  if (verb == "accept" || verb == "reject") {
    return run_action(ctx, [&] {
      const auto r = verb == "accept" ? registration::accepted : registration::rejected;
      if (auto s = ctx.db.set_registration(sn, r); !s) return refused(s.err().code, s.err().detail);
      return reply(200, {{"sn", sn}, {"registration", to_string(r)}});
    });
  }
  if (verb == "rename") {
    if (auto bad = parse_body(ctx, body)) return run_action(ctx, [&] { return *bad; });
    return run_action(ctx, [&] {
      if (!ctx.db.station(sn)) return refused(errc::station_unknown, "station " + sn + " is not known");
      if (!ctx.body.contains("name")) return fail(400, "input.invalid", "\"name\" is required", "name");
      if (!ctx.body["name"].is_string()) return fail(400, "input.invalid", "\"name\" must be a string", "name");
      if (auto s = ctx.db.rename_station(sn, ctx.body["name"].get<std::string>()); !s)
        return refused(s.err().code, s.err().detail, "name");
      auto st = ctx.db.station(sn);
      return reply(200, station_json(*st, false));
    });
  }
  // slots/{n}/disable|enable
  const bool disable = verb == "disable";
  return run_action(ctx, [&] {
    const auto& n = p[5];
    if (n.empty() || n.size() > 4 || n.find_first_not_of("0123456789") != std::string::npos)
      return fail(400, "input.invalid", "the slot must be a number from 1", "slot");
    auto s = ctx.db.station(sn);
    if (!s) return refused(errc::station_unknown, "station " + sn + " is not known");
    const int idx = std::stoi(n);
    if (auto r = set_slot_disabled(*s, idx, disable); !r) return refused(r.err().code, r.err().detail, "slot");
    if (auto r = ctx.db.save_station(*s); !r) return refused(r.err().code, r.err().detail);
    return reply(200, {{"sn", sn}, {"slot", idx}, {"disabled", disable},
                       {"pending_changes", !pending_changes(*s).empty()}});
  });
}

api_response deposit_action(action_ctx& ctx, const std::string& model, const std::string& body) {
  if (auto bad = parse_body(ctx, body)) return run_action(ctx, [&] { return *bad; });
  return run_action(ctx, [&] {
    const auto& b = ctx.body;
    if (!b.contains("currency")) return fail(400, "input.invalid", "\"currency\" is required", "currency");
    if (!b["currency"].is_string()) return fail(400, "input.invalid", "\"currency\" must be a string", "currency");
    if (!b.contains("amount_minor")) return fail(400, "input.invalid", "\"amount_minor\" is required", "amount_minor");
    if (!b["amount_minor"].is_number_integer() || b["amount_minor"].get<std::int64_t>() < 0)
      return fail(400, "input.invalid", "\"amount_minor\" must be a whole number of minor units, 0 or more", "amount_minor");
    money m{b["amount_minor"].get<std::int64_t>(), b["currency"].get<std::string>()};
    if (auto s = ctx.db.set_deposit(model, m); !s)
      return refused(s.err().code, s.err().detail, s.err().code == errc::invalid_argument ? "amount_minor" : "currency");
    return reply(200, {{"model_id", model}, {"currency", m.currency}, {"amount_minor", m.minor}});
  });
}

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
  if (n == 3 && (r == "dashboard" || r == "stations" || r == "work-orders" || r == "alerts" || r == "deposits"))
    return route{"GET", role::viewer, {}};
  if (r == "stations" && n == 4) return route{"GET", role::viewer, {}};
  if (r == "stations" && n == 5 && (p[4] == "accept" || p[4] == "reject" || p[4] == "rename"))
    return route{"POST", role::operator_, "station." + p[4]};
  if (r == "stations" && n == 7 && p[4] == "slots" && (p[6] == "disable" || p[6] == "enable"))
    return route{"POST", role::operator_, "slot." + p[6]};
  if (r == "riders" && n == 4) return route{"GET", role::viewer, {}};
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
    if (rt->action.rfind("slot.", 0) == 0) ctx.target = p[3] + "/" + p[5];
    return station_action(ctx, p[3], p, req.body);
  }

  const auto& r = p[2];
  if (r == "dashboard") {
    const auto tz = db.setting("timezone").value_or("UTC");
    auto d = db.dashboard_at(now, tz);
    if (!d) return fail(500, code_string(d.err().code), d.err().what());
    return reply(200, dashboard_json(*d));
  }
  if (r == "stations" && p.size() == 3) {
    json j = json::array();
    for (const auto& s : db.stations()) j.push_back(station_json(s, false));
    return reply(200, j);
  }
  if (r == "stations") {
    auto s = db.station(p[3]);
    if (!s) return refused(errc::station_unknown, "station " + p[3] + " is not known");
    return reply(200, station_json(*s, true));
  }
  if (r == "riders") {
    auto rd = db.rider(p[3]);
    if (!rd) return refused(errc::rider_unknown, "rider " + p[3] + " is not known");
    return reply(200, rider_json(*rd));
  }
  if (r == "deposits") {
    json j = json::array();
    for (const auto& d : db.deposits())
      j.push_back({{"model_id", d.model_id}, {"currency", d.amount.currency}, {"amount_minor", d.amount.minor}});
    return reply(200, j);
  }
  // work-orders (?open=1) and alerts (= open work orders)
  const bool open_only = r == "alerts" || query.find("open=1") != std::string::npos;
  json j = json::array();
  for (const auto& w : db.work_orders(open_only)) j.push_back(work_order_json(w, now));
  return reply(200, j);
}

}  // namespace swaptwin::adapters
