#pragma once
/// A simulation that can be stepped: the scenario's actors set up under CAF's deterministic
/// `testing` scheduler, run in virtual time up to any instant the caller asks for, and read
/// between steps. simulate() is a loop over one; the viewer steps one a frame at a time.
/// Same scenario, seed and instants asked for: the same events in the same order, however the
/// run is cut into steps.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "scenarios/sim.hpp"
#include "twin/geo.hpp"
#include "twin/work_order.hpp"

namespace swaptwin::scenarios {

/// A field agent as the simulation has it now.
struct agent_snapshot {
  std::string id;                ///< the agent's id
  twin::geo_point position;      ///< base, or the site of the last order reached
  std::int64_t work_order = 0;   ///< the unresolved order the agent is on; 0: none
  bool on_shift = true;          ///< within the agent's shift hours (the scenario's local time)
};

/// A pack a rider is carrying, as the rider's last cabinet read it.
struct held_pack {
  std::string rider_id;  ///< who carries it
  std::string sn;        ///< the pack's serial number
  std::string model_id;  ///< its battery model
  double soh = 1.0;      ///< state of health in [0, 1]
  double cycles = 0;     ///< equivalent full cycles
};

/// One run of a scenario, stepped by its owner. Not copyable; one thread at a time.
class sim_session {
 public:
  /// Sets up the run of `sc` with `opt` (seed, days and hooks as for simulate(); `progress` is not
  /// used here). Refuses (input.invalid) what simulate() refuses.
  static twin::result<std::unique_ptr<sim_session>> open(const scenario& sc, sim_options opt = {});
  /// Ends the run's actors and its actor system.
  ~sim_session();
  sim_session(const sim_session&) = delete;
  sim_session& operator=(const sim_session&) = delete;

  /// Runs every timer due at or before `unix_ms` (at its exact instant), then stands at `unix_ms`.
  /// Never goes beyond end_ms() nor back before now_ms(): the instant is clamped to [now, end].
  /// Events go to sim_options::on_event as they happen.
  void advance_to(std::int64_t unix_ms);

  std::int64_t start_ms() const noexcept;  ///< the scenario's start (Unix ms)
  std::int64_t end_ms() const noexcept;    ///< start + the run's duration
  std::int64_t now_ms() const noexcept;    ///< where virtual time stands
  std::uint64_t seed() const noexcept;     ///< the run's seed
  const scenario& spec() const noexcept;   ///< the scenario being run
  std::int64_t event_count() const noexcept;  ///< events so far

  // Read access to the twin as it stands now (valid until the next advance_to).
  /// Number of stations, in scenario order.
  std::size_t station_count() const noexcept;
  /// Station `i` (scenario order): slots, link, name.
  const twin::station& station(std::size_t i) const;
  /// The packs in station `i`'s slots, by SN, as their BMS last read.
  const std::map<std::string, twin::battery>& station_packs(std::size_t i) const;
  /// Every rider's account (billing's), by id.
  const std::unordered_map<std::string, twin::rider>& accounts() const;
  /// The packs riders are carrying, in rider set-up order (reads every rider actor: not cheap).
  std::vector<held_pack> held_packs() const;
  /// Every work order the dispatcher opened, by id (resolved ones too).
  const std::map<std::int64_t, twin::work_order>& work_orders() const;
  /// The agents, in scenario order.
  std::vector<agent_snapshot> agents() const;
  /// Billing's ledger so far, in order of posting (append-only).
  const twin::ledger& ledger() const;

  /// Ends the run at end_ms() (advancing there first) and returns what simulate() returns. The
  /// session is spent afterwards: only the destructor may follow.
  twin::result<sim_output> finish();

 private:
  struct impl;
  explicit sim_session(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

}  // namespace swaptwin::scenarios
