#pragma once
/// Shared plumbing of the `swaptwin` commands: global options, the lazily opened store, "now",
/// and one-line error reporting.

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "adapters/store.hpp"
#include "twin/errors.hpp"
#include "twin/money.hpp"
#include "twin/time.hpp"

namespace CLI { class App; }

namespace swaptwin::app {

/// Options every command shares.
struct cli_globals {
  std::string db_path = "swaptwin.db";  ///< --db, or $SWAPTWIN_DB
  std::string now_text;                 ///< --now: pretend it is this instant (QA, scripts)
};

/// What a command runs against.
class cli_context {
 public:
  explicit cli_context(cli_globals& g) : g_(g) {}
  /// The instant of this command: --now if given, else the wall clock (the app is the one place
  /// allowed to read it).
  twin::unix_ms now();
  /// The store, opened (and migrated) on first use.
  adapters::store& db();
  /// The operator's time zone: the `timezone` setting, default "UTC".
  std::string timezone();

 private:
  cli_globals& g_;
  std::unique_ptr<adapters::store> db_;
};

/// A parsed command, run after parsing succeeds. Returns the exit code.
using command = std::function<int(cli_context&)>;

/// Prints "swaptwin: <code>: <detail>" on stderr; returns exit code 1.
int fail(const twin::error& e);
/// Prints `status`'s error if any; returns 0 on success, 1 on error.
int check(const twin::status& s);

/// Parses a money argument; on failure the error names the option.
twin::result<twin::money> parse_amount(const std::string& text, const std::string& option);

/// Default idempotency key of a back-office action: "<op>:<subject>:<now in ms>".
std::string default_key(const std::string& op, const std::string& subject, twin::unix_ms now);

/// Registers `admin` and its subcommands; the one chosen on the command line goes into `chosen`.
void add_admin_commands(CLI::App& app, cli_globals& g, command& chosen);
/// Registers `demo`.
void add_demo_command(CLI::App& app, cli_globals& g, command& chosen);
/// Registers `sim`.
void add_sim_command(CLI::App& app, command& chosen);
/// Registers `replay`.
void add_replay_command(CLI::App& app, command& chosen);
/// Registers `serve` (the live back end: OCPP gateway, actors on the real clock).
void add_serve_command(CLI::App& app, command& chosen);

// Parts of `admin`, one file each.
void add_station_commands(CLI::App& admin, command& chosen);
void add_agent_commands(CLI::App& admin, command& chosen);
void add_catalogue_commands(CLI::App& admin, command& chosen);
void add_rider_commands(CLI::App& admin, command& chosen);
void add_swap_commands(CLI::App& admin, command& chosen);
void add_dashboard_commands(CLI::App& admin, command& chosen);
/// Registers `admin provision` (the emulator's cabinets, packs and riders; app/admin_provision.cpp).
void add_provision_command(CLI::App& admin, command& chosen);
/// Registers `admin check` (the back office's invariants) and `admin anomaly list|close`
/// (app/admin_check.cpp).
void add_check_commands(CLI::App& admin, command& chosen);
/// Registers `admin token add|list|revoke` (the operator API's bearer tokens) and `admin audit`
/// (app/admin_tokens.cpp).
void add_token_commands(CLI::App& admin, command& chosen);

}  // namespace swaptwin::app
