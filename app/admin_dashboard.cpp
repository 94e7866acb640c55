// `swaptwin admin dashboard` and `swaptwin admin config`: today's numbers and operator settings.
#include <iostream>

#include <CLI/CLI.hpp>

#include "app/cli.hpp"
#include "app/output.hpp"

namespace swaptwin::app {

using namespace twin;

void add_dashboard_commands(CLI::App& admin, command& chosen) {
  {
    auto* c = admin.add_subcommand("dashboard", "Today's numbers: revenue, riders, plans, swaps, stations, work orders");
    auto json_out = std::make_shared<bool>(false);
    auto tz = std::make_shared<std::string>();
    c->add_flag("--json", *json_out, "Print JSON");
    c->add_option("--tz", *tz, "Time zone of \"today\" (default: the timezone setting, else UTC)");
    c->callback([json_out, tz, &chosen] {
      chosen = [json_out, tz](cli_context& ctx) {
        auto d = ctx.db().dashboard_at(ctx.now(), tz->empty() ? ctx.timezone() : *tz);
        if (!d) return fail(d.err());
        if (*json_out) print_json(std::cout, to_json(*d));
        else print_dashboard(std::cout, *d);
        return 0;
      };
    });
  }
  {
    auto* c = admin.add_subcommand("config", "Operator settings");
    auto* t = c->add_subcommand("timezone", "Show or set the operator's time zone (IANA name, e.g. Asia/Shanghai)");
    auto zone = std::make_shared<std::string>();
    t->add_option("zone", *zone, "New time zone");
    t->callback([zone, &chosen] {
      chosen = [zone](cli_context& ctx) {
        if (zone->empty()) {
          std::cout << ctx.timezone() << '\n';
          return 0;
        }
        if (!adapters::known_timezone(*zone))
          return fail({errc::invalid_argument, "unknown time zone \"" + *zone + "\" (use an IANA name like Asia/Shanghai)"});
        ctx.db().set_setting("timezone", *zone);
        std::cout << "time zone set to " << *zone << '\n';
        return 0;
      };
    });
  }
}

}  // namespace swaptwin::app
