// `swaptwin admin model|plan|country ...`: the catalogue, deposits, plans and country policies.
#include <iostream>

#include <CLI/CLI.hpp>

#include "app/cli.hpp"
#include "app/output.hpp"

namespace swaptwin::app {

using namespace twin;

namespace {
// "13%", "13.5%", "13" -> basis points (1300, 1350, 1300).
result<int> parse_percent_bp(std::string text) {
  if (!text.empty() && text.back() == '%') text.pop_back();
  auto dot = text.find('.');
  std::string whole = text.substr(0, dot), frac = dot == std::string::npos ? "" : text.substr(dot + 1);
  auto digits = [](const std::string& s) { return s.find_first_not_of("0123456789") == std::string::npos; };
  if (whole.empty() || whole.size() > 3 || !digits(whole) || !digits(frac) || frac.size() > 2)
    return error{errc::invalid_argument, "--tax: expected a percentage like 13% or 7.5%"};
  frac.resize(2, '0');
  return std::stoi(whole) * 100 + std::stoi(frac);
}

std::string percent(int bp) {
  std::string s = std::to_string(bp / 100);
  if (bp % 100) s += "." + std::string(bp % 100 < 10 ? "0" : "") + std::to_string(bp % 100);
  return s + "%";
}
}  // namespace

void add_catalogue_commands(CLI::App& admin, command& chosen) {
  // ---- model ----
  auto* model_cmd = admin.add_subcommand("model", "Battery pack models and their deposits");
  {
    auto* c = model_cmd->add_subcommand("list", "List pack models with their deposits");
    auto json_out = std::make_shared<bool>(false);
    c->add_flag("--json", *json_out, "Print JSON");
    c->callback([json_out, &chosen] {
      chosen = [json_out](cli_context& ctx) {
        auto deposits = ctx.db().deposits();
        json j = json::array();
        table t{{"MODEL", "VOLTAGE", "CAPACITY", "CHEMISTRY", "DEPOSITS"}};
        for (const auto& m : ctx.db().models()) {
          json d = json::object();
          std::string text;
          for (const auto& dp : deposits)
            if (dp.model_id == m.id) {
              d[dp.amount.currency] = dp.amount.minor;
              text += (text.empty() ? "" : ", ") + format_money(dp.amount);
            }
          j.push_back({{"id", m.id}, {"nominal_v", m.nominal_v}, {"capacity_wh", m.capacity_wh},
                       {"chemistry", m.chemistry}, {"deposits", d}});
          t.add({m.id, std::to_string(m.nominal_v) + " V", std::to_string(m.capacity_wh) + " Wh", m.chemistry,
                 text.empty() ? "-" : text});
        }
        if (*json_out) print_json(std::cout, j);
        else t.print(std::cout);
        return 0;
      };
    });
  }
  {
    auto* c = model_cmd->add_subcommand("set-deposit", "Set the deposit for a model in a currency");
    auto id = std::make_shared<std::string>();
    auto amount = std::make_shared<std::string>();
    c->add_option("model", *id, "Model id: 48V, 60V or 72V")->required();
    c->add_option("amount", *amount, "Amount in major units and currency, e.g. \"300.00 CNY\"")->required();
    c->callback([id, amount, &chosen] {
      chosen = [id, amount](cli_context& ctx) {
        auto m = parse_amount(*amount, "amount");
        if (!m) return fail(m.err());
        if (auto r = ctx.db().set_deposit(*id, *m); !r) return fail(r.err());
        std::cout << "deposit for " << *id << " set to " << format_money(*m) << '\n';
        return 0;
      };
    });
  }

  // ---- plan ----
  auto* plan_cmd = admin.add_subcommand("plan", "Plans (packages) riders buy");
  {
    auto* c = plan_cmd->add_subcommand("add", "Create a plan");
    struct args_t {
      std::string id, name, kind, period = "month", price, per_km, per_swap, per_kwh;
      int swap_cap = 0, km = 0, swaps = 0;
    };
    auto a = std::make_shared<args_t>();
    c->add_option("id", a->id, "Plan id")->required();
    c->add_option("--name", a->name, "Name shown to riders")->required();
    c->add_option("--kind", a->kind, "period | distance | cycles | energy")
        ->required()
        ->check(CLI::IsMember({"period", "distance", "cycles", "energy"}));
    c->add_option("--period", a->period, "period plans: week | month | year")
        ->check(CLI::IsMember({"week", "month", "year"}))
        ->capture_default_str();
    c->add_option("--price", a->price, "Price of the period or bundle, e.g. \"299.00 CNY\" (net of tax)");
    c->add_option("--swap-cap", a->swap_cap, "period plans: swaps per period (0 = unlimited)");
    c->add_option("--km", a->km, "distance plans: km in the bundle");
    c->add_option("--per-km", a->per_km, "distance plans: price per km (or per km over the bundle)");
    c->add_option("--swaps", a->swaps, "cycles plans: swaps in the bundle");
    c->add_option("--per-swap", a->per_swap, "cycles plans: price per swap");
    c->add_option("--per-kwh", a->per_kwh, "energy plans: price per kWh");
    c->callback([a, &chosen] {
      chosen = [a](cli_context& ctx) {
        plan p;
        p.id = a->id;
        p.name = a->name;
        from_string(a->kind, p.kind);
        from_string(a->period, p.period);
        p.swap_cap = a->swap_cap;
        p.bundle_km = a->km;
        p.bundle_swaps = a->swaps;
        std::string currency;
        auto take = [&](const std::string& text, const char* option, std::int64_t& out) -> status {
          if (text.empty()) return done{};
          auto m = parse_amount(text, option);
          if (!m) return m.err();
          if (!currency.empty() && m->currency != currency)
            return error{errc::currency_mismatch, std::string{option} + ": all prices of a plan share one currency"};
          currency = m->currency;
          out = m->minor;
          return done{};
        };
        const std::string& unit = !a->per_km.empty() ? a->per_km : !a->per_swap.empty() ? a->per_swap : a->per_kwh;
        const char* unit_option = !a->per_km.empty() ? "--per-km" : !a->per_swap.empty() ? "--per-swap" : "--per-kwh";
        if (auto r = take(a->price, "--price", p.price_minor); !r) return fail(r.err());
        if (auto r = take(unit, unit_option, p.unit_price_minor); !r) return fail(r.err());
        if (currency.empty()) return fail({errc::invalid_argument, "give --price or a unit price (--per-km, --per-swap, --per-kwh)"});
        p.currency = currency;
        if (auto r = ctx.db().add_plan(p); !r) return fail(r.err());
        std::cout << "plan " << p.id << " added: " << describe(p) << '\n';
        return 0;
      };
    });
  }
  {
    auto* c = plan_cmd->add_subcommand("list", "List plans");
    auto json_out = std::make_shared<bool>(false);
    c->add_flag("--json", *json_out, "Print JSON");
    c->callback([json_out, &chosen] {
      chosen = [json_out](cli_context& ctx) {
        json j = json::array();
        table t{{"ID", "KIND", "NAME", "PRICE", "STATUS"}};
        for (const auto& p : ctx.db().plans()) {
          j.push_back(to_json(p));
          t.add({p.id, std::string{to_string(p.kind)}, p.name, describe(p), p.retired ? "retired" : "on sale"});
        }
        if (*json_out) print_json(std::cout, j);
        else t.print(std::cout);
        return 0;
      };
    });
  }
  {
    auto* c = plan_cmd->add_subcommand("retire", "Stop selling a plan (current holders keep it)");
    auto id = std::make_shared<std::string>();
    c->add_option("id", *id, "Plan id")->required();
    c->callback([id, &chosen] {
      chosen = [id](cli_context& ctx) {
        if (auto r = ctx.db().retire_plan(*id); !r) return fail(r.err());
        std::cout << "plan " << *id << " retired\n";
        return 0;
      };
    });
  }

  // ---- country ----
  auto* country_cmd = admin.add_subcommand("country", "Country policies: KYC, payment terms, tax");
  {
    auto* c = country_cmd->add_subcommand("set-policy", "Create or replace a country's policy");
    struct args_t {
      std::string code, currency, terms = "prepaid", tax = "0%";
      std::vector<std::string> docs;
      int min_age = 16, grace_days = 0;
    };
    auto a = std::make_shared<args_t>();
    c->add_option("code", a->code, "ISO 3166 alpha-2 code, e.g. CN")->required();
    c->add_option("--currency", a->currency, "ISO 4217 currency riders pay in")->required();
    c->add_option("--docs", a->docs, "KYC documents required, comma separated")->delimiter(',');
    c->add_option("--min-age", a->min_age, "Minimum rider age in years")->capture_default_str();
    c->add_option("--terms", a->terms, "prepaid | postpaid")
        ->check(CLI::IsMember({"prepaid", "postpaid"}))
        ->capture_default_str();
    c->add_option("--grace-days", a->grace_days, "postpaid: days dues may stay unpaid")->capture_default_str();
    c->add_option("--tax", a->tax, "Tax added to prices, e.g. 13% or 7.5%")->capture_default_str();
    c->callback([a, &chosen] {
      chosen = [a](cli_context& ctx) {
        country_policy p;
        p.country = a->code;
        p.currency = a->currency;
        p.kyc_documents = a->docs;
        p.min_age_years = a->min_age;
        from_string(a->terms, p.terms);
        p.grace_days = a->grace_days;
        auto bp = parse_percent_bp(a->tax);
        if (!bp) return fail(bp.err());
        p.tax_rate_bp = *bp;
        if (!find_currency(p.currency))
          return fail({errc::currency_unknown, "--currency: unknown ISO 4217 code \"" + p.currency + "\""});
        if (auto r = ctx.db().set_country(p); !r) return fail(r.err());
        std::cout << "policy for " << p.country << " set\n";
        return 0;
      };
    });
  }
  {
    auto* c = country_cmd->add_subcommand("list", "List country policies");
    auto json_out = std::make_shared<bool>(false);
    c->add_flag("--json", *json_out, "Print JSON");
    c->callback([json_out, &chosen] {
      chosen = [json_out](cli_context& ctx) {
        json j = json::array();
        table t{{"CODE", "CURRENCY", "KYC DOCUMENTS", "MIN AGE", "TERMS", "TAX"}};
        for (const auto& p : ctx.db().countries()) {
          j.push_back(to_json(p));
          std::string docs;
          for (const auto& d : p.kyc_documents) docs += (docs.empty() ? "" : ",") + d;
          std::string terms{to_string(p.terms)};
          if (p.terms == payment_terms::postpaid) terms += " (" + std::to_string(p.grace_days) + " days grace)";
          t.add({p.country, p.currency, docs.empty() ? "-" : docs, std::to_string(p.min_age_years), terms,
                 percent(p.tax_rate_bp)});
        }
        if (*json_out) print_json(std::cout, j);
        else t.print(std::cout);
        return 0;
      };
    });
  }
}

}  // namespace swaptwin::app
