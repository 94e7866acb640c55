// `swaptwin admin check`: the back office's invariants (adapters/store_check.hpp), each violation
// with what to do; and `swaptwin admin anomaly list|close`: the custody anomalies an operator
// resolves.
#include <iostream>

#include <CLI/CLI.hpp>

#include "adapters/store_check.hpp"
#include "app/cli.hpp"
#include "app/output.hpp"

namespace swaptwin::app {

using namespace twin;

namespace {
json to_json(const adapters::check_report& r) {
  json v = json::array();
  for (const auto& x : r.violations)
    v.push_back({{"invariant", x.invariant}, {"subject", x.subject}, {"detail", x.detail}, {"fix", x.fix}});
  json checked = json::object();
  for (const auto& id : adapters::check_invariant_ids()) checked[id] = r.checked.count(id) ? r.checked.at(id) : 0;
  return {{"ok", r.violations.empty()}, {"violations", v}, {"checked", checked}};
}

void print_report(std::ostream& os, const adapters::check_report& r) {
  for (const auto& id : adapters::check_invariant_ids()) {
    std::size_t n = 0;
    for (const auto& x : r.violations) n += x.invariant == id ? 1 : 0;
    const auto rows = r.checked.count(id) ? r.checked.at(id) : 0;
    os << (n == 0 ? "  ok    " : "  FAIL  ") << id << "  (" << rows << " checked" << (n ? ", " + std::to_string(n) + " violation(s)" : "")
       << ")\n";
  }
  for (const auto& x : r.violations)
    os << "\n" << x.invariant << ": " << x.subject << ": " << x.detail << "\n  what to do: " << x.fix << '\n';
  os << '\n'
     << (r.violations.empty() ? "no violations" : std::to_string(r.violations.size()) + " violation(s)") << '\n';
}

json to_json(const adapters::anomaly& a) {
  return {{"id", a.id},           {"kind", a.kind},
          {"station_sn", a.station_sn}, {"rider_id", a.rider_id},
          {"pack_sn", a.pack_sn}, {"detail", a.detail},
          {"opened_at", format_instant(a.opened_at)},
          {"closed_at", a.closed_at ? json(format_instant(*a.closed_at)) : json(nullptr)},
          {"closed_note", a.closed_note}};
}
}  // namespace

void add_check_commands(CLI::App& admin, command& chosen) {
  {
    auto* c = admin.add_subcommand("check",
                                   "Verify the back office's invariants (wallets = postings, one place per pack, each "
                                   "swap billed once, ...); exit 1 when any is violated");
    auto json_out = std::make_shared<bool>(false);
    c->add_flag("--json", *json_out, "Print JSON: {ok, violations: [{invariant, subject, detail, fix}], checked}");
    c->callback([json_out, &chosen] {
      chosen = [json_out](cli_context& ctx) {
        auto report = adapters::check_invariants(ctx.db());
        if (*json_out) print_json(std::cout, to_json(report));
        else print_report(std::cout, report);
        return report.violations.empty() ? 0 : 1;
      };
    });
  }
  auto* an = admin.add_subcommand("anomaly", "Custody anomalies: reports that contradict where a pack is");
  an->require_subcommand(1);
  {
    auto* c = an->add_subcommand("list", "List open anomalies (all with --all)");
    auto all = std::make_shared<bool>(false), json_out = std::make_shared<bool>(false);
    c->add_flag("--all", *all, "Closed ones too");
    c->add_flag("--json", *json_out, "Print JSON");
    c->callback([all, json_out, &chosen] {
      chosen = [all, json_out](cli_context& ctx) {
        auto list = ctx.db().anomalies(!*all);
        if (*json_out) {
          json j = json::array();
          for (const auto& a : list) j.push_back(to_json(a));
          print_json(std::cout, j);
          return 0;
        }
        table t{{"ID", "KIND", "STATION", "RIDER", "PACK", "OPENED", "CLOSED", "DETAIL"}};
        for (const auto& a : list)
          t.add({std::to_string(a.id), a.kind, a.station_sn, a.rider_id, a.pack_sn, format_instant(a.opened_at),
                 when(a.closed_at, "open"), a.detail});
        t.print(std::cout);
        return 0;
      };
    });
  }
  {
    auto* c = an->add_subcommand("close", "Close an anomaly with what was found");
    auto id = std::make_shared<std::int64_t>(0);
    auto note = std::make_shared<std::string>();
    c->add_option("id", *id, "Anomaly id (see admin anomaly list)")->required();
    c->add_option("--note", *note, "What the operator found and did")->required();
    c->callback([id, note, &chosen] {
      chosen = [id, note](cli_context& ctx) {
        if (int rc = check(ctx.db().close_anomaly(*id, ctx.now(), *note))) return rc;
        std::cout << "anomaly " << *id << " closed\n";
        return 0;
      };
    });
  }
}

}  // namespace swaptwin::app
