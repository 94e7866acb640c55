// `swaptwin admin dashboard` and `swaptwin admin config`: today's numbers and operator settings.
#include <chrono>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>

#include "app/cli.hpp"
#include "app/output.hpp"

namespace swaptwin::app {

using namespace twin;

void add_dashboard_commands(CLI::App& admin, command& chosen) {
  {
    auto* c = admin.add_subcommand(
        "dashboard",
        "Today's numbers: revenue, riders, plans, swaps, stations online/offline, work orders. Reads the database, "
        "so it works while `swaptwin serve` runs on it; --watch refreshes it");
    auto json_out = std::make_shared<bool>(false);
    auto tz = std::make_shared<std::string>();
    auto watch_s = std::make_shared<double>(0);
    auto times = std::make_shared<int>(0);
    c->add_flag("--json", *json_out, "Print JSON (one object per line with --watch)");
    c->add_option("--tz", *tz, "Time zone of \"today\" (default: the timezone setting, else UTC)");
    c->add_option("--watch", *watch_s, "Print it again every this many seconds, until interrupted")
        ->check(CLI::PositiveNumber);
    c->add_option("--times", *times, "With --watch: stop after printing it this many times (default: never)")
        ->check(CLI::PositiveNumber);
    c->callback([json_out, tz, watch_s, times, &chosen] {
      chosen = [json_out, tz, watch_s, times](cli_context& ctx) {
        for (int printed = 0;;) {
          auto d = ctx.db().dashboard_at(ctx.now(), tz->empty() ? ctx.timezone() : *tz);
          if (!d) return fail(d.err());
          if (*json_out) {
            if (*watch_s > 0) std::cout << to_json(*d).dump() << std::endl;
            else print_json(std::cout, to_json(*d));
          } else {
            if (*watch_s > 0 && printed > 0) std::cout << '\n';
            print_dashboard(std::cout, *d);
            std::cout << std::flush;
          }
          if (*watch_s <= 0 || (*times > 0 && ++printed >= *times)) return 0;
          if (*times == 0) ++printed;
          // A terminal tool's refresh, not model code: the wall clock paces it.
          std::this_thread::sleep_for(std::chrono::duration<double>(*watch_s));
        }
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
