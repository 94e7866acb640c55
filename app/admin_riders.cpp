// `swaptwin admin rider ...`: riders, real-name verification, deposits, wallet and plans.
#include <functional>
#include <iostream>
#include <optional>

#include <CLI/CLI.hpp>

#include "app/cli.hpp"
#include "app/output.hpp"
#include "twin/billing.hpp"

namespace swaptwin::app {

using namespace twin;

namespace {
struct loaded {
  rider r;
  country_policy policy;
};

result<loaded> load_rider(cli_context& ctx, const std::string& id) {
  auto r = ctx.db().rider(id);
  if (!r) return error{errc::rider_unknown, "rider " + id + " is not known"};
  auto p = ctx.db().country(r->country);
  if (!p) return error{errc::country_unknown, "no policy for country " + r->country};
  return loaded{std::move(*r), std::move(*p)};
}

// Decides and applies a billing rule on rider `id` under the store's write lock
// (store::change_rider): the rider, their country's policy and whatever `rule` reads are read after
// the lock is taken, so two commands (or a command and `serve`) at once cannot lose each other's
// change. Says what happened, in `what`'s words.
int apply(cli_context& ctx, const std::string& id, const std::function<result<rider_change>(const loaded&)>& rule,
          const std::function<std::string(const rider_change&)>& what) {
  auto& db = ctx.db();
  auto done = db.change_rider(id, [&](const rider& r) -> result<rider_change> {
    auto p = db.country(r.country);
    if (!p) return error{errc::country_unknown, "no policy for country " + r.country};
    return rule(loaded{r, std::move(*p)});
  });
  if (!done) return fail(done.err());
  const auto& c = done->change;
  switch (done->outcome) {
    case adapters::commit_outcome::applied: break;
    case adapters::commit_outcome::duplicate:
      std::cout << "already applied (idempotency key " << c.postings.front().key << "): nothing changed\n";
      return 0;
    case adapters::commit_outcome::conflict:
      return fail({errc::key_conflict, "idempotency key " + c.postings.front().key +
                                           " was already used for a different operation; nothing changed"});
  }
  std::cout << what(c) << '\n';
  return 0;
}

void print_rider(std::ostream& os, const rider& r, const country_policy* policy, unix_ms now,
                 const std::vector<posting>& postings) {
  const std::string cur = policy ? policy->currency : "";
  os << "Rider " << r.id << "  \"" << r.name << "\"  (" << r.country << ")\n"
     << "  KYC         " << to_string(r.kyc);
  if (!r.kyc_documents.empty()) {
    os << " [";
    for (size_t i = 0; i < r.kyc_documents.size(); ++i) os << (i ? ", " : "") << r.kyc_documents[i];
    os << "]";
  }
  if (!r.kyc_note.empty()) os << " - " << r.kyc_note;
  os << "\n  born        " << (r.birth_date ? format_date(*r.birth_date) : "-") << '\n'
     << "  wallet      " << format_money_human(money{r.balance_minor, cur});
  if (r.owed_since) os << " (owed since " << format_instant(*r.owed_since) << ")";
  os << "\n  deposits    ";
  if (r.deposits.empty()) os << "none";
  bool first = true;
  for (const auto& [model, m] : r.deposits) {
    os << (first ? "" : ", ") << model << " " << format_money_human(m);
    first = false;
  }
  os << "\n  holding     " << (r.holding_sn.empty() ? "-" : r.holding_sn + " (" + r.holding_model + ")") << '\n';
  os << "  plan        ";
  if (!r.plan) os << "none";
  else {
    const auto& s = *r.plan;
    os << s.plan_id << " (" << to_string(s.kind) << ", " << to_string(status_at(s, now)) << ")";
    if (s.expires_at) os << ", until " << format_instant(*s.expires_at);
    if (s.swap_cap) os << ", " << s.swaps_used << "/" << s.swap_cap << " swaps";
    if (s.kind == plan_kind::distance && !s.metered) os << ", " << s.km_left_m / 1000 << " km left";
    if (s.kind == plan_kind::cycles && !s.metered) os << ", " << s.swaps_left << " swaps left";
  }
  os << "\n\nLedger\n";
  table t{{"AT", "KIND", "AMOUNT", "PLAN", "STATION", "KEY"}};
  for (const auto& p : postings)
    t.add({format_instant(p.at), std::string{to_string(p.kind)}, format_money(p.amount), p.plan_id.empty() ? "-" : p.plan_id,
           p.station_sn.empty() ? "-" : p.station_sn, p.key});
  t.print(os);
}
}  // namespace

void add_rider_commands(CLI::App& admin, command& chosen) {
  auto* rider_cmd = admin.add_subcommand("rider", "Riders: KYC, deposits, wallet, plans");
  {
    auto* c = rider_cmd->add_subcommand("add", "Register a rider");
    struct args_t {
      std::string id, name, country, phone, birth_date;
      int wh_per_km = 20;
    };
    auto a = std::make_shared<args_t>();
    c->add_option("id", a->id, "Rider id")->required();
    c->add_option("--name", a->name, "Real name")->required();
    c->add_option("--country", a->country, "ISO 3166 alpha-2 code; its policy must exist")->required();
    c->add_option("--phone", a->phone, "Phone number");
    c->add_option("--birth-date", a->birth_date, "YYYY-MM-DD");
    c->add_option("--wh-per-km", a->wh_per_km, "Vehicle consumption, Wh per km")->capture_default_str();
    c->callback([a, &chosen] {
      chosen = [a](cli_context& ctx) {
        rider r;
        r.id = a->id;
        r.name = a->name;
        r.country = a->country;
        r.phone = a->phone;
        r.wh_per_km = a->wh_per_km;
        r.created_at = ctx.now();
        if (!a->birth_date.empty()) {
          r.birth_date = parse_date(a->birth_date);
          if (!r.birth_date) return fail({errc::invalid_argument, "--birth-date: expected YYYY-MM-DD, got \"" + a->birth_date + "\""});
        }
        if (auto s = ctx.db().add_rider(r); !s) return fail(s.err());
        std::cout << "rider " << r.id << " added (KYC unverified)\n";
        return 0;
      };
    });
  }
  {
    auto* c = rider_cmd->add_subcommand("list", "List riders");
    auto json_out = std::make_shared<bool>(false);
    c->add_flag("--json", *json_out, "Print JSON");
    c->callback([json_out, &chosen] {
      chosen = [json_out](cli_context& ctx) {
        auto now = ctx.now();
        json j = json::array();
        table t{{"ID", "NAME", "COUNTRY", "KYC", "PLAN", "DEPOSITS", "WALLET", "HOLDING"}};
        std::map<std::string, std::optional<country_policy>> policies;
        for (const auto& r : ctx.db().riders()) {
          if (!policies.count(r.country)) policies[r.country] = ctx.db().country(r.country);
          const auto& policy = policies[r.country];
          j.push_back(to_json(r, policy, now));
          std::string deps;
          for (const auto& [m, _] : r.deposits) deps += (deps.empty() ? "" : ",") + m;
          std::string plan = r.plan ? r.plan->plan_id + " (" + std::string{to_string(status_at(*r.plan, now))} + ")" : "-";
          t.add({r.id, r.name, r.country, std::string{to_string(r.kyc)}, plan, deps.empty() ? "-" : deps,
                 format_money_human(money{r.balance_minor, policy ? policy->currency : ""}),
                 r.holding_sn.empty() ? "-" : r.holding_sn});
        }
        if (*json_out) print_json(std::cout, j);
        else t.print(std::cout);
        return 0;
      };
    });
  }
  {
    auto* c = rider_cmd->add_subcommand("show", "Show a rider with their ledger");
    auto id = std::make_shared<std::string>();
    auto json_out = std::make_shared<bool>(false);
    c->add_option("id", *id, "Rider id")->required();
    c->add_flag("--json", *json_out, "Print JSON");
    c->callback([id, json_out, &chosen] {
      chosen = [id, json_out](cli_context& ctx) {
        auto r = ctx.db().rider(*id);
        if (!r) return fail({errc::rider_unknown, "rider " + *id + " is not known"});
        auto policy = ctx.db().country(r->country);
        auto postings = ctx.db().postings(*id);
        if (*json_out) {
          auto j = to_json(*r, policy, ctx.now());
          json ledger = json::array();
          for (const auto& p : postings)
            ledger.push_back({{"key", p.key}, {"at", format_instant(p.at)}, {"kind", to_string(p.kind)},
                              {"amount_minor", p.amount.minor}, {"currency", p.amount.currency},
                              {"plan_id", p.plan_id}, {"station_sn", p.station_sn}, {"memo", p.memo}});
          j["ledger"] = ledger;
          print_json(std::cout, j);
        } else {
          print_rider(std::cout, *r, policy ? &*policy : nullptr, ctx.now(), postings);
        }
        return 0;
      };
    });
  }
  {
    auto* c = rider_cmd->add_subcommand("kyc", "Real-name verification: submit documents, approve, reject");
    struct args_t {
      std::string id, action, birth_date, reason;
      std::vector<std::string> docs;
    };
    auto a = std::make_shared<args_t>();
    c->add_option("id", a->id, "Rider id")->required();
    c->add_option("action", a->action, "submit | approve | reject")
        ->required()
        ->check(CLI::IsMember({"submit", "approve", "reject"}));
    c->add_option("--doc", a->docs, "submit: a document given (repeat, or comma separated)")->delimiter(',');
    c->add_option("--birth-date", a->birth_date, "submit: YYYY-MM-DD");
    c->add_option("--reason", a->reason, "reject: reason shown to the rider");
    c->callback([a, &chosen] {
      chosen = [a](cli_context& ctx) {
        std::optional<civil_day> born;
        if (a->action == "submit" && !a->birth_date.empty() && !(born = parse_date(a->birth_date)))
          return fail({errc::invalid_argument, "--birth-date: expected YYYY-MM-DD"});
        if (a->action == "reject" && a->reason.empty()) return fail({errc::invalid_argument, "reject needs --reason"});
        // Read, decide and write under the write lock, so two reviewers at once cannot both decide
        // from the same pending state.
        status s = done{};
        rider r;
        ctx.db().transact([&] {
          auto l = load_rider(ctx, a->id);
          if (!l) {
            s = l.err();
            return;
          }
          r = std::move(l->r);
          if (a->action == "submit") s = submit_kyc(r, a->docs, born);
          else if (a->action == "approve") s = approve_kyc(r, l->policy, utc_day(ctx.now()));
          else s = reject_kyc(r, a->reason);
          if (s) ctx.db().save_rider(r);
        });
        if (!s) return fail(s.err());
        std::cout << "rider " << r.id << " KYC " << to_string(r.kyc) << '\n';
        return 0;
      };
    });
  }
  {
    auto* c = rider_cmd->add_subcommand("pay-deposit", "Take the deposit for a pack model");
    auto id = std::make_shared<std::string>(), model = std::make_shared<std::string>(), key = std::make_shared<std::string>();
    c->add_option("id", *id, "Rider id")->required();
    c->add_option("model", *model, "Model id: 48V, 60V or 72V")->required();
    c->add_option("--key", *key, "Idempotency key (default: derived from the rider, model and time)");
    c->callback([id, model, key, &chosen] {
      chosen = [id, model, key](cli_context& ctx) {
        if (!ctx.db().model(*model)) return fail({errc::model_unknown, "no battery model \"" + *model + "\" (try 48V, 60V, 72V)"});
        auto now = ctx.now();
        auto k = key->empty() ? default_key("deposit", *id + ":" + *model, now) : *key;
        std::optional<money> price;
        return apply(
            ctx, *id,
            [&](const loaded& l) -> result<rider_change> {
              price = ctx.db().deposit(*model, l.policy.currency);
              if (!price)
                return error{errc::deposit_not_set, "no " + *model + " deposit set in " + l.policy.currency +
                                                        " (admin model set-deposit)"};
              return pay_deposit(l.r, l.policy, *model, *price, now, k);
            },
            [&](const rider_change&) { return "rider " + *id + " paid the " + *model + " deposit of " + format_money(*price); });
      };
    });
  }
  {
    auto* c = rider_cmd->add_subcommand("refund-deposit", "Refund a deposit, netting unpaid dues");
    auto id = std::make_shared<std::string>(), model = std::make_shared<std::string>(), key = std::make_shared<std::string>();
    c->add_option("id", *id, "Rider id")->required();
    c->add_option("model", *model, "Model id")->required();
    c->add_option("--key", *key, "Idempotency key");
    c->callback([id, model, key, &chosen] {
      chosen = [id, model, key](cli_context& ctx) {
        auto now = ctx.now();
        auto k = key->empty() ? default_key("refund", *id + ":" + *model, now) : *key;
        return apply(
            ctx, *id, [&](const loaded& l) { return refund_deposit(l.r, *model, now, k); },
            [&](const rider_change& c) {
              std::int64_t paid = 0;
              for (const auto& p : c.postings) paid -= p.amount.minor;
              return "refunded " + format_money(money{paid, c.postings.front().amount.currency}) + " to rider " + *id;
            });
      };
    });
  }
  {
    auto* c = rider_cmd->add_subcommand("top-up", "Put money in a rider's wallet");
    auto id = std::make_shared<std::string>(), amount = std::make_shared<std::string>(), key = std::make_shared<std::string>();
    c->add_option("id", *id, "Rider id")->required();
    c->add_option("amount", *amount, "e.g. \"50.00 CNY\"")->required();
    c->add_option("--key", *key, "Idempotency key");
    c->callback([id, amount, key, &chosen] {
      chosen = [id, amount, key](cli_context& ctx) {
        auto m = parse_amount(*amount, "amount");
        if (!m) return fail(m.err());
        auto now = ctx.now();
        auto k = key->empty() ? default_key("topup", *id, now) : *key;
        return apply(
            ctx, *id, [&](const loaded& l) { return top_up(l.r, l.policy, *m, now, k); },
            [&](const rider_change&) { return "wallet of rider " + *id + " topped up by " + format_money(*m); });
      };
    });
  }
  {
    auto* c = rider_cmd->add_subcommand("buy-plan", "Sell a plan to a rider (buying the same plan renews it)");
    auto id = std::make_shared<std::string>(), plan_id = std::make_shared<std::string>(), key = std::make_shared<std::string>();
    auto replace = std::make_shared<bool>(false);
    c->add_option("id", *id, "Rider id")->required();
    c->add_option("plan", *plan_id, "Plan id")->required();
    c->add_flag("--replace", *replace, "Replace another plan that is still active");
    c->add_option("--key", *key, "Idempotency key");
    c->callback([id, plan_id, key, replace, &chosen] {
      chosen = [id, plan_id, key, replace](cli_context& ctx) {
        auto p = ctx.db().plan(*plan_id);
        if (!p) return fail({errc::plan_unknown, "plan " + *plan_id + " is not known"});
        auto now = ctx.now();
        auto k = key->empty() ? default_key("plan", *id + ":" + *plan_id, now) : *key;
        return apply(
            ctx, *id, [&](const loaded& l) { return buy_plan(l.r, *p, l.policy, now, k, *replace); },
            [&](const rider_change& c) {
              if (c.postings.empty())  // pay-as-you-go enrolment: nothing to post
                return "rider " + *id + " is on plan " + *plan_id + " (" + describe(*p) + ")";
              std::string what = "rider " + *id + " bought " + *plan_id + " (" + describe(*p) + ")";
              if (c.after.plan && c.after.plan->expires_at) what += ", valid until " + format_instant(*c.after.plan->expires_at);
              return what;
            });
      };
    });
  }
}

}  // namespace swaptwin::app
