// The operator API's audited actions (api_internal.hpp): each runs in one transaction with its audit row.
#include "adapters/api_internal.hpp"

namespace swaptwin::adapters::api_detail {

using namespace twin;

std::int64_t action_ctx::audit(const std::string& outcome) {
  return db.record_audit({0, now, who.id, std::string{to_string(who.granted)}, action, target, audit_detail(body), outcome});
}

std::optional<api_response> parse_body(action_ctx& ctx, const std::string& text) {
  auto b = parse_object(text, ctx.json_depth);
  if (!b.object) {
    ctx.body = body_summary(text, b.problem);
    return fail(400, "input.invalid",
                b.problem == "not a JSON object"
                    ? "the body must be a JSON object"
                    : "the body nests arrays and objects deeper than " + std::to_string(ctx.json_depth) + " levels",
                "body");
  }
  ctx.body = std::move(*b.object);
  return std::nullopt;
}

api_response run_action(action_ctx& ctx, const std::function<api_response()>& effect) {
  api_response out;
  bool decided = false;  // the effect ran and gave its answer
  try {
    ctx.db.transact([&] {
      out = effect();
      decided = true;
      std::string outcome = "ok";
      if (out.status >= 300) {
        auto j = json::parse(out.body, nullptr, false);
        outcome = j.is_object() && j.contains("error") && j["error"].is_string() ? j["error"].get<std::string>() : "error";
      }
      const auto id = ctx.audit(outcome);
      if (out.status < 300) {
        auto j = json::parse(out.body);
        j["audit_id"] = id;
        out = reply(out.status, j);
      }
    });
  } catch (const std::exception& e) {
    // A refusal changed nothing: it stays the answer, and the lost audit row is logged. A success
    // whose audit row cannot be written is rolled back: no action goes unaudited.
    if (!decided || out.status < 300) throw;
    log_line(ctx.log ? *ctx.log : api_log_fn{},
             "audit of a refused " + ctx.action + " by " + ctx.who.id + " not written: " + e.what());
  }
  return out;
}

namespace {

// The non-empty string field `name` of the body, or a 400 naming it in *bad.
std::optional<std::string> text_field(const action_ctx& ctx, const char* name, api_response& bad) {
  const auto& b = ctx.body;
  if (!b.contains(name)) bad = fail(400, "input.invalid", std::string{"\""} + name + "\" is required", name);
  else if (!b[name].is_string() || b[name].get<std::string>().empty())
    bad = fail(400, "input.invalid", std::string{"\""} + name + "\" must be a non-empty string", name);
  else return b[name].get<std::string>();
  return std::nullopt;
}

}  // namespace

api_response station_action(action_ctx& ctx, const std::vector<std::string>& p, const std::string& body) {
  const auto& sn = p[3];
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

api_response rider_action(action_ctx& ctx, const std::vector<std::string>& p, const std::string& body) {
  const auto& id = p[3];
  const bool verify = p[4] == "verify";
  if (!verify) {
    if (auto bad = parse_body(ctx, body)) return run_action(ctx, [&] { return *bad; });
  }
  return run_action(ctx, [&] {
    auto r = ctx.db.rider(id);
    if (!r) return refused(errc::rider_unknown, "rider " + id + " is not known");
    status s = done{};
    if (verify) {
      // Approved under the rider's country policy: the documents it asks for, the minimum age.
      auto policy = ctx.db.country(r->country);
      if (!policy) return refused(errc::country_unknown, "country " + r->country + " has no policy");
      s = approve_kyc(*r, *policy, utc_day(ctx.now));
    } else {
      api_response bad;
      auto reason = text_field(ctx, "reason", bad);
      if (!reason) return bad;
      s = reject_kyc(*r, *reason);
    }
    if (!s) return refused(s.err().code, s.err().detail);
    ctx.db.save_rider(*r);
    return reply(200, rider_json(*r));
  });
}

api_response work_order_action(action_ctx& ctx, const std::vector<std::string>& p, const std::string& body) {
  const auto& id = p[3];
  const bool assign = p[4] == "assign";
  if (assign) {
    if (auto bad = parse_body(ctx, body)) return run_action(ctx, [&] { return *bad; });
  }
  return run_action(ctx, [&] {
    if (id.empty() || id.size() > 18 || id.find_first_not_of("0123456789") != std::string::npos)
      return fail(400, "input.invalid", "a work order id is a whole number", "id");
    auto w = ctx.db.find_work_order(std::stoll(id));
    if (!w) return fail(404, "work_order.unknown", "work order " + id + " is not known");
    status s = done{};
    if (assign) {
      api_response bad;
      auto agent = text_field(ctx, "agent_id", bad);
      if (!agent) return bad;
      if (!ctx.db.agent(*agent)) return fail(400, "agent.unknown", "agent " + *agent + " is not known", "agent_id");
      s = advance(*w, wo_state::assigned, ctx.now, *agent);
    } else {
      // The assigned agent has taken the job and is on the way.
      s = advance(*w, wo_state::en_route, ctx.now);
    }
    if (!s) return refused(s.err().code, s.err().detail);
    ctx.db.save_work_order(*w);
    return reply(200, work_order_json(*w, ctx.now));
  });
}

}  // namespace swaptwin::adapters::api_detail
