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

namespace swaptwin::scenarios {

/// Overrides and hooks for one run.
struct sim_options {
  std::optional<std::uint64_t> seed;        ///< instead of the scenario's
  std::optional<double> days;               ///< instead of the scenario's duration
  std::function<void(double)> progress;     ///< called with the fraction of simulated time done
  bool feed = false;                        ///< run the feed actor (for an in-process viewer); off, events skip it
};

/// What a run produced: the report and every event in order.
struct sim_output {
  run_report report;
  std::vector<actors::sim_event> events;
  std::string final_digest;  ///< digest of every station's slots and every rider's account at the end
  double days = 0;           ///< simulated days
  // The twin as it ended, for the run's back-office database.
  std::vector<twin::station> stations;   ///< in scenario order
  std::vector<twin::battery> packs;      ///< packs in the stations' slots
  std::vector<twin::rider> riders;       ///< sorted by id
  std::vector<twin::posting> ledger;     ///< in order of posting
};

/// Runs `sc`. Refuses (input.invalid) what the simulator cannot run yet.
twin::result<sim_output> simulate(const scenario& sc, const sim_options& opt = {});

/// The report of a run from its events and hourly samples (exposed for tests).
run_report build_report(const scenario& sc, std::uint64_t seed, twin::unix_ms end,
                        const std::vector<actors::sim_event>& events, std::vector<hourly_sample> hours,
                        std::vector<station_kpi> stations, std::int64_t messages);

}  // namespace swaptwin::scenarios
