#include "app/cli.hpp"

#include <chrono>
#include <iostream>

#include <CLI/CLI.hpp>

namespace swaptwin::app {

twin::unix_ms cli_context::now() {
  if (!g_.now_text.empty()) {
    if (auto t = twin::parse_instant(g_.now_text)) return *t;
    throw CLI::ValidationError("--now", "\"" + g_.now_text + "\" is not an instant like 2026-11-23T08:30:00Z");
  }
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

adapters::store& cli_context::db() {
  if (!db_) db_ = std::make_unique<adapters::store>(g_.db_path);
  return *db_;
}

std::string cli_context::timezone() { return db().setting("timezone").value_or("UTC"); }

int fail(const twin::error& e) {
  std::cerr << "swaptwin: " << e.what() << '\n';
  return 1;
}

int check(const twin::status& s) { return s ? 0 : fail(s.err()); }

twin::result<twin::money> parse_amount(const std::string& text, const std::string& option) {
  auto m = twin::parse_money(text);
  if (!m) return twin::error{m.err().code, option + ": " + m.err().detail};
  return m;
}

std::string default_key(const std::string& op, const std::string& subject, twin::unix_ms now) {
  return op + ":" + subject + ":" + std::to_string(twin::to_ms(now));
}

void add_admin_commands(CLI::App& app, cli_globals& g, command& chosen) {
  auto* admin = app.add_subcommand("admin", "The back office on the command line, against a SQLite file");
  admin->add_option("--db", g.db_path, "Back-office database (created on first use)")
      ->envname("SWAPTWIN_DB")
      ->capture_default_str();
  admin->add_option("--now", g.now_text, "Act as if it were this UTC instant, e.g. 2026-11-23T08:30:00Z (QA, scripts)")
      ->envname("SWAPTWIN_NOW");
  add_station_commands(*admin, chosen);
  add_agent_commands(*admin, chosen);
  add_catalogue_commands(*admin, chosen);
  add_rider_commands(*admin, chosen);
  add_swap_commands(*admin, chosen);
  add_dashboard_commands(*admin, chosen);
  add_provision_command(*admin, chosen);
  add_token_commands(*admin, chosen);
  add_check_commands(*admin, chosen);
}

}  // namespace swaptwin::app
