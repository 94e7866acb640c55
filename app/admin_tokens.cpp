// `swaptwin admin token add|list|revoke` and `swaptwin admin audit`: the operator API's bearer
// tokens with roles, and the trail of who did what. Token changes made here are audited as
// token "cli" with role admin (whoever can open the database file is its administrator).
#include <iostream>

#include <CLI/CLI.hpp>

#include "adapters/tokens.hpp"
#include "app/cli.hpp"
#include "app/output.hpp"

namespace swaptwin::app {

using namespace twin;
using adapters::audit_entry;

namespace {
// An error whose code twin::errc does not have (tokens live in adapters): same one-line format as fail().
int fail_code(const std::string& code, const std::string& detail) {
  std::cerr << "swaptwin: " << code << ": " << detail << '\n';
  return 1;
}

audit_entry cli_entry(twin::unix_ms now, const std::string& action, const std::string& target, const json& detail,
                      const std::string& outcome = "ok") {
  audit_entry e;
  e.at = now;
  e.token_id = std::string{adapters::cli_actor};
  e.role = std::string{to_string(adapters::role::admin)};
  e.action = action;
  e.target = target;
  e.detail = detail.dump();
  e.outcome = outcome;
  return e;
}

json to_json(const adapters::token_info& t) {
  return {{"id", t.id}, {"name", t.name}, {"role", std::string{to_string(t.granted)}},
          {"created_at", format_instant(t.created_at)},
          {"revoked_at", t.revoked_at ? json(format_instant(*t.revoked_at)) : json(nullptr)}};
}

json to_json(const audit_entry& e) {
  auto detail = json::parse(e.detail, nullptr, false);  // the store only holds JSON; keep the text if not
  return {{"id", e.id},         {"at", format_instant(e.at)}, {"token_id", e.token_id}, {"role", e.role},
          {"action", e.action}, {"target", e.target},         {"detail", detail.is_discarded() ? json(e.detail) : detail},
          {"outcome", e.outcome}};
}

// --role: a usage error (exit 2) naming the allowed values.
CLI::Validator role_check() {
  return CLI::Validator(
      [](std::string& v) -> std::string {
        if (adapters::parse_role(v)) return {};
        return "\"" + v + "\" is not a role: expected one of " + std::string{adapters::role_names};
      },
      "viewer|operator|admin");
}

void add_token_add(CLI::App* token_cmd, command& chosen) {
  auto* c = token_cmd->add_subcommand("add", "Create an API token and print its bearer string (shown once)");
  struct args_t {
    std::string name, role;
    bool json_out = false;
  };
  auto a = std::make_shared<args_t>();
  c->add_option("name", a->name, "Who or what will use it, e.g. bi-export")->required();
  c->add_option("--role", a->role, "viewer (reads), operator (acts on stations, riders, work orders), admin (all)")
      ->required()
      ->check(role_check());
  c->add_flag("--json", a->json_out, "Print JSON (the bearer included)");
  c->callback([a, &chosen] {
    chosen = [a](cli_context& ctx) {
      const auto r = *adapters::parse_role(a->role);  // checked while parsing
      const auto now = ctx.now();
      std::optional<adapters::issued_token> issued;
      std::optional<twin::error> refused;
      ctx.db().transact([&] {  // the token and its audit entry, together or not at all
        auto t = ctx.db().add_token(a->name, r, now);
        if (!t) {
          refused = t.err();
          return;
        }
        issued = t.value();
        const auto name = ctx.db().token(issued->id)->name;  // as stored: trimmed
        ctx.db().record_audit(cli_entry(now, "token.add", issued->id, {{"name", name}, {"role", a->role}}));
      });
      if (refused) return fail(*refused);
      const auto info = ctx.db().token(issued->id);
      if (a->json_out) {
        auto j = to_json(*info);
        j["bearer"] = issued->bearer();
        print_json(std::cout, j);
        return 0;
      }
      std::cout << "token " << issued->id << " \"" << info->name << "\" (" << to_string(r) << ") created\n"
                << "bearer: " << issued->bearer() << '\n'
                << "Copy it now: it cannot be shown again (only a hash of its secret is stored).\n"
                << "Use it as the HTTP header `Authorization: Bearer <bearer>`.\n";
      return 0;
    };
  });
}

void add_token_list(CLI::App* token_cmd, command& chosen) {
  auto* c = token_cmd->add_subcommand("list", "List API tokens (never their secrets)");
  auto json_out = std::make_shared<bool>(false);
  c->add_flag("--json", *json_out, "Print JSON");
  c->callback([json_out, &chosen] {
    chosen = [json_out](cli_context& ctx) {
      const auto all = ctx.db().tokens();
      if (*json_out) {
        json j = json::array();
        for (const auto& t : all) j.push_back(to_json(t));
        print_json(std::cout, j);
        return 0;
      }
      table t{{"ID", "NAME", "ROLE", "CREATED", "REVOKED"}};
      for (const auto& tok : all)
        t.add({tok.id, tok.name, std::string{to_string(tok.granted)}, format_instant(tok.created_at),
               when(tok.revoked_at, "-")});
      t.print(std::cout);
      return 0;
    };
  });
}

void add_token_revoke(CLI::App* token_cmd, command& chosen) {
  auto* c = token_cmd->add_subcommand("revoke", "Revoke an API token: it never authenticates again");
  auto id = std::make_shared<std::string>();
  c->add_option("id", *id, "Token id (tok_...), as `token list` shows it")->required();
  c->callback([id, &chosen] {
    chosen = [id](cli_context& ctx) {
      const auto now = ctx.now();
      adapters::revoke_outcome done{};
      ctx.db().transact([&] {
        done = ctx.db().revoke_token(*id, now);
        const char* outcome = done == adapters::revoke_outcome::revoked           ? "ok"
                              : done == adapters::revoke_outcome::already_revoked ? "token.already_revoked"
                                                                                  : "token.unknown";
        ctx.db().record_audit(cli_entry(now, "token.revoke", *id, json::object(), outcome));
      });
      switch (done) {
        case adapters::revoke_outcome::unknown:
          return fail_code("token.unknown", "no token has id \"" + *id + "\" (see `swaptwin admin token list`)");
        case adapters::revoke_outcome::already_revoked:
          std::cout << "token " << *id << " was already revoked at " << when(ctx.db().token(*id)->revoked_at) << '\n';
          return 0;
        case adapters::revoke_outcome::revoked: break;
      }
      std::cout << "token " << *id << " revoked: it no longer authenticates\n";
      return 0;
    };
  });
}

void add_audit_command(CLI::App& admin, command& chosen) {
  auto* c = admin.add_subcommand("audit", "The audit trail: who (token, role) did what, to what, when, and the outcome");
  struct args_t {
    std::string since;
    int limit = 100;
    bool json_out = false;
  };
  auto a = std::make_shared<args_t>();
  c->add_option("--since", a->since, "Entries at or after this UTC instant, e.g. 2026-11-23T00:00:00Z (default: all)");
  c->add_option("--limit", a->limit, "At most this many entries, oldest first")->check(CLI::PositiveNumber)->capture_default_str();
  c->add_flag("--json", a->json_out, "Print JSON");
  c->callback([a, &chosen] {
    chosen = [a](cli_context& ctx) {
      std::optional<twin::unix_ms> since;
      if (!a->since.empty()) {
        since = parse_instant(a->since);
        if (!since) throw CLI::ValidationError("--since", "\"" + a->since + "\" is not an instant like 2026-11-23T08:30:00Z");
      }
      const auto entries = ctx.db().audit(since, static_cast<std::size_t>(a->limit));
      if (a->json_out) {
        json j = json::array();
        for (const auto& e : entries) j.push_back(to_json(e));
        print_json(std::cout, j);
        return 0;
      }
      table t{{"AT", "TOKEN", "ROLE", "ACTION", "TARGET", "OUTCOME", "DETAIL"}};
      for (const auto& e : entries)
        t.add({format_instant(e.at), e.token_id, e.role.empty() ? "-" : e.role, e.action,
               e.target.empty() ? "-" : e.target, e.outcome, e.detail});
      t.print(std::cout);
      return 0;
    };
  });
}
}  // namespace

void add_token_commands(CLI::App& admin, command& chosen) {
  auto* token_cmd = admin.add_subcommand("token", "Bearer tokens of the operator API, with roles viewer < operator < admin");
  add_token_add(token_cmd, chosen);
  add_token_list(token_cmd, chosen);
  add_token_revoke(token_cmd, chosen);
  add_audit_command(admin, chosen);
}

}  // namespace swaptwin::app
