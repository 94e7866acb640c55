// swaptwin: the command line. The composition root that wires the folders together.
#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>

#include "adapters/sqlite.hpp"
#include "app/cli.hpp"
#include "app/emulate_command.hpp"
#include "twin/time.hpp"

int main(int argc, char** argv) {
  using namespace swaptwin::app;
  CLI::App app{"swaptwin: back end and digital twin of battery-swap networks"};
  app.set_version_flag("--version", "swaptwin 0.1.0");
  app.fallthrough();  // global options may follow the subcommand: `admin station list --db x.db`
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return std::string{"swaptwin: usage: "} + e.what() + " (see --help)\n";
  });
  cli_globals globals;
  command chosen;
  add_admin_commands(app, globals, chosen);
  add_demo_command(app, globals, chosen);
  add_sim_command(app, chosen);
  add_replay_command(app, chosen);
  add_serve_command(app, chosen);
  add_emulate_command(app, chosen);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (!chosen) {  // stopped at a command group: say which, and how to see its commands
    std::string path = "swaptwin";
    for (const CLI::App* at = &app; !at->get_subcommands().empty();) {
      at = at->get_subcommands().front();
      path += " " + at->get_name();
    }
    std::cerr << "swaptwin: usage: `" << path << "` needs a command (see " << path << " --help)\n";
    return 2;
  }
  if (!globals.now_text.empty() && !swaptwin::twin::parse_instant(globals.now_text)) {
    std::cerr << "swaptwin: usage: --now: \"" << globals.now_text << "\" is not an instant like 2026-11-23T08:30:00Z\n";
    return 2;
  }
  try {
    cli_context ctx{globals};
    return chosen(ctx);
  } catch (const CLI::Error& e) {
    std::cerr << "swaptwin: usage: " << e.what() << '\n';
    return 2;
  } catch (const swaptwin::adapters::sql::store_error& e) {
    std::cerr << "swaptwin: store: " << e.what() << '\n';
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "swaptwin: " << e.what() << '\n';
    return 1;
  }
}
