// `swaptwin admin authorize` and `swaptwin admin swap`: the swap decision and an operator-assisted swap.
#include <iostream>

#include <CLI/CLI.hpp>

#include "app/backoffice.hpp"
#include "app/cli.hpp"
#include "app/output.hpp"

namespace swaptwin::app {

using namespace twin;

namespace {
// Exit code of a refused swap, so scripts can tell a refusal (3) from an error (1).
constexpr int refused_exit = 3;

json decision_json(const decision& d, const std::string& rider, const std::string& sn, const std::string& model) {
  return json{{"allowed", d.allowed()},
              {"reason", code_string(d.reason)},
              {"message", d.allowed() ? std::string{} : (d.detail.empty() ? std::string{default_message(d.reason)} : d.detail)},
              {"rider", rider},
              {"station", sn},
              {"model", model}};
}
}  // namespace

void add_swap_commands(CLI::App& admin, command& chosen) {
  struct args_t {
    std::string rider, sn, model, key;
    double returned_soc = 0.2;
    bool json_out = false;
  };
  {
    auto* c = admin.add_subcommand("authorize", "May this rider swap for this model at this station now? (exit 3 if refused)");
    auto a = std::make_shared<args_t>();
    c->add_option("rider", a->rider, "Rider id")->required();
    c->add_option("sn", a->sn, "Station SN")->required();
    c->add_option("model", a->model, "Model id: 48V, 60V or 72V")->required();
    c->add_flag("--json", a->json_out, "Print JSON");
    c->callback([a, &chosen] {
      chosen = [a](cli_context& ctx) {
        auto d = authorize(ctx.db(), a->rider, a->sn, a->model, ctx.now());
        if (!d) return fail(d.err());
        if (a->json_out) print_json(std::cout, decision_json(*d, a->rider, a->sn, a->model));
        else if (d->allowed()) std::cout << "allowed: rider " << a->rider << " may swap a " << a->model << " pack at " << a->sn << '\n';
        else std::cout << "refused: " << code_string(d->reason) << " - " << d->detail << '\n';
        return d->allowed() ? 0 : refused_exit;
      };
    });
  }
  {
    auto* c = admin.add_subcommand("swap", "Operator-assisted swap at an online station (exit 3 if refused)");
    auto a = std::make_shared<args_t>();
    c->add_option("rider", a->rider, "Rider id")->required();
    c->add_option("sn", a->sn, "Station SN")->required();
    c->add_option("model", a->model, "Model id")->required();
    c->add_option("--returned-soc", a->returned_soc, "State of charge of the pack handed back, 0..1")->capture_default_str();
    c->add_option("--key", a->key, "Idempotency key (default: derived from rider, station and time)");
    c->add_flag("--json", a->json_out, "Print JSON");
    c->callback([a, &chosen] {
      chosen = [a](cli_context& ctx) {
        auto now = ctx.now();
        auto key = a->key.empty() ? default_key("swap", a->rider + ":" + a->sn, now) : a->key;
        auto out = perform_swap(ctx.db(), a->rider, a->sn, a->model, a->returned_soc, now, key);
        if (!out) return fail(out.err());
        const auto& rec = out->record;
        if (a->json_out) {
          auto j = decision_json(out->decision, a->rider, a->sn, a->model);
          if (out->decision.allowed())
            j["swap"] = {{"key", rec.key},           {"recorded", out->recorded}, {"slot_in", rec.slot_in},
                         {"returned_sn", rec.returned_sn}, {"slot_out", rec.slot_out}, {"issued_sn", rec.issued_sn},
                         {"energy_wh", rec.energy_wh}, {"km", rec.km_m / 1000.0},   {"net_minor", rec.net.minor},
                         {"tax_minor", rec.tax.minor}, {"currency", rec.net.currency}};
          print_json(std::cout, j);
        } else if (!out->decision.allowed()) {
          std::cout << "refused: " << code_string(out->decision.reason) << " - " << out->decision.detail << '\n';
        } else if (!out->recorded) {
          std::cout << "already recorded (idempotency key " << key << "): nothing changed\n";
        } else {
          std::cout << "swap done: pack " << rec.issued_sn << " out of slot " << rec.slot_out;
          if (!rec.returned_sn.empty())
            std::cout << ", " << rec.returned_sn << " into slot " << rec.slot_in << " (" << rec.energy_wh << " Wh, "
                      << rec.km_m / 1000.0 << " km)";
          std::cout << ", charged " << format_money(rec.net) << " + tax " << format_money(rec.tax) << '\n';
        }
        return out->decision.allowed() ? 0 : refused_exit;
      };
    });
  }
  {
    auto* c = admin.add_subcommand("return", "A rider hands their pack back without taking another (exit 3 if refused)");
    auto a = std::make_shared<args_t>();
    c->add_option("rider", a->rider, "Rider id")->required();
    c->add_option("sn", a->sn, "Station SN")->required();
    c->add_option("--returned-soc", a->returned_soc, "State of charge of the pack handed back, 0..1")->capture_default_str();
    c->add_option("--key", a->key, "Idempotency key (default: derived from rider, station and time)");
    c->callback([a, &chosen] {
      chosen = [a](cli_context& ctx) {
        auto now = ctx.now();
        auto key = a->key.empty() ? default_key("return", a->rider + ":" + a->sn, now) : a->key;
        auto out = perform_return(ctx.db(), a->rider, a->sn, a->returned_soc, now, key);
        if (!out) return fail(out.err());
        const auto& rec = out->record;
        if (!out->decision.allowed())
          std::cout << "refused: " << code_string(out->decision.reason) << " - " << out->decision.detail << '\n';
        else if (!out->recorded)
          std::cout << "already recorded (idempotency key " << key << "): nothing changed\n";
        else
          std::cout << "pack " << rec.returned_sn << " returned into slot " << rec.slot_in << " (" << rec.energy_wh
                    << " Wh, " << rec.km_m / 1000.0 << " km), charged " << format_money(rec.net) << " + tax "
                    << format_money(rec.tax) << '\n';
        return out->decision.allowed() ? 0 : refused_exit;
      };
    });
  }
}

}  // namespace swaptwin::app
