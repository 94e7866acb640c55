#pragma once
/// The simulator: the scenario's stations, riders and services as actors under CAF's
/// deterministic `testing` scheduler, driven from timer to timer in virtual time. Same scenario
/// and seed, same events in the same order.

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "actors/protocol.hpp"
#include "twin/battery.hpp"
#include "twin/ledger.hpp"
#include "twin/rider.hpp"
#include "twin/station.hpp"
#include "scenarios/report.hpp"
#include "scenarios/scenario.hpp"

namespace caf { class actor_system; }

namespace swaptwin::scenarios {

/// Overrides and hooks for one run.
struct sim_options {
  std::optional<std::uint64_t> seed;        ///< instead of the scenario's
  std::optional<double> days;               ///< instead of the scenario's duration
  std::function<void(double)> progress;     ///< called with the fraction of simulated time done
  bool feed = false;                        ///< run the feed actor (for an in-process viewer); off, events skip it
  /// Keep every event in sim_output::events (tests, replay, the run's back office). Off, the run
  /// streams: events go to `on_event`, the KPIs and the digest as they happen, and none is kept.
  bool keep_events = false;
  /// Called with each event as the journal receives it, in journal order (e.g. journal.bin).
  std::function<void(const actors::sim_event&)> on_event;
  /// Spawns the store the ledger's postings go to during the run (the caller's, e.g. adapters'
  /// store actor: scenarios does not know SQLite). Called once, in the run's actor system, before
  /// billing exists; the run ends by flushing it. Unset: the ledger stays in memory (sim_output::ledger).
  std::function<actors::store_api(caf::actor_system&)> make_store;
};

/// The wallet a rider of a prepaid country starts a run with (200.00 in minor units). The run's
/// back office posts it as an opening top-up ("open:wallet:RIDER"), so every wallet equals the sum
/// of its postings there too.
inline constexpr std::int64_t prepaid_opening_wallet_minor = 20000;

/// What a run produced: the report, and every event in order when they were kept.
struct sim_output {
  run_report report;
  std::vector<actors::sim_event> events;  ///< only with sim_options::keep_events
  std::int64_t event_count = 0;           ///< events of the run (kept or not)
  std::string events_digest;              ///< event_digest of every event in order (kept or not)
  std::string final_digest;  ///< digest of every station's slots and every rider's account at the end
  double days = 0;           ///< simulated days
  // The twin as it ended, for the run's back-office database.
  std::vector<twin::station> stations;   ///< in scenario order
  std::vector<twin::battery> packs;      ///< packs in the stations' slots
  std::vector<twin::rider> riders;       ///< sorted by id
  std::vector<twin::posting> ledger;     ///< in order of posting
  /// Postings the store made durable (its answer to the final flush); empty when no store ran.
  std::optional<std::int64_t> stored_postings;
};

/// The simulated days a run of `sc` with `opt` lasts (sim_output::days, before it runs).
double simulated_days(const scenario& sc, const sim_options& opt);

/// Runs `sc`. Refuses (input.invalid) what the simulator cannot run yet, and fails (input.invalid,
/// "store: ...") when the store of `opt.make_store` cannot commit the run's ledger at its end.
twin::result<sim_output> simulate(const scenario& sc, const sim_options& opt = {});

/// The report of a run from its events and hourly samples (exposed for tests).
run_report build_report(const scenario& sc, std::uint64_t seed, twin::unix_ms end,
                        const std::vector<actors::sim_event>& events, std::vector<hourly_sample> hours,
                        std::vector<station_kpi> stations, std::int64_t messages);

}  // namespace swaptwin::scenarios
