#pragma once
/// A scenario: everything a simulation run starts from, as plain values (no protobuf beyond the
/// loader). Loaded from a text-format `swaptwin.v1.Scenario` file (proto/swaptwin/v1/scenario.proto).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "twin/battery.hpp"
#include "twin/country.hpp"
#include "twin/errors.hpp"
#include "twin/geo.hpp"
#include "twin/money.hpp"
#include "twin/plan.hpp"
#include "twin/time.hpp"
#include "twin/work_order.hpp"

namespace swaptwin::scenarios {

/// A pack placed in a slot at the start.
struct pack_spec {
  int slot = 0;              ///< 1-based
  std::string model_id;
  double soc = 1.0;
  double soh = 1.0;
  std::string sn;            ///< generated "<station SN>-P<slot>" when the file gives none
};

/// A station at the start of the run.
struct station_spec {
  std::string sn;
  std::string name;
  twin::geo_point location;
  int slots = 0;
  int charger_power_w = 0;   ///< per slot
  int power_cap_w = 0;       ///< site cap shared by the slots
  std::string agent_id;      ///< may be empty
  std::vector<pack_spec> packs;
};

/// A disc on the map.
struct zone {
  twin::geo_point centre;
  double radius_m = 0;
};

/// Share of a population on a plan.
struct plan_share {
  std::string plan_id;
  double share = 0;          ///< shares of a population sum to 1
};

/// A population of riders generated from the seed.
struct population_spec {
  std::string name;
  int count = 0;
  std::string country;
  std::string model_id;            ///< pack model they ride with
  zone home, work;
  double km_per_day_mean = 0, km_per_day_sd = 0;
  int wh_per_km = 20;
  double swap_threshold_soc = 0.2; ///< they look for a station below this SoC
  std::vector<plan_share> plan_mix;
  double kyc_verified_share = 1.0; ///< the rest are unverified (refused with kyc.*)
  double patience_min = 30;        ///< give up after walking/waiting this long
  double walk_speed_kmh = 15;      ///< riding to a station
  /// Queueing mode: instead of riding, riders arrive at `station_sn` as a Poisson process with
  /// this rate, swap (or leave when refused) and are gone. 0 = riding mode.
  double arrivals_per_hour = 0;
  std::string station_sn;
  /// Riding mode: riders ride (and drain their pack) only in [ride_start_h, ride_end_h) local time.
  int ride_start_h = 6, ride_end_h = 22;
  std::string time_zone;           ///< IANA zone of those hours; empty: the scenario's
};

/// A field agent.
struct agent_spec {
  std::string id, name, region;
  twin::geo_point base;
  double speed_kmh = 25;
  int shift_start_h = 0, shift_end_h = 24;  ///< local hours on duty
  double repair_min = 30;                   ///< time on site to fix a fault
};

/// Kinds of injected faults.
enum class fault_kind { link_outage, slot_fault, over_temperature };

/// A fault: scheduled (`at` set) at one station, or random at `rate_per_station_day` everywhere.
struct fault_spec {
  fault_kind kind = fault_kind::link_outage;
  std::string station_sn;               ///< empty for random faults
  int slot = 0;                         ///< slot faults: 1-based slot (0 = chosen by the seed)
  std::optional<twin::unix_ms> at;
  double duration_min = 0;              ///< link outage: how long the link is down (0 = until repaired)
  double rate_per_station_day = 0;
};

/// How packs charge.
enum class charge_model {
  two_phase,    ///< constant power to the knee, then tapering; ready at `ready_soc`
  exponential,  ///< ready after an exponential time with mean `exp_mean_min` (queueing checks)
};

/// Charging parameters.
struct charging_spec {
  charge_model model = charge_model::two_phase;
  double ready_soc = 0.95;
  double knee_soc = 0.8;       ///< constant power up to here
  double taper_floor = 0.1;    ///< power at 100 % SoC as a fraction of full power (linear taper)
  double exp_mean_min = 60;
};

/// Battery ageing.
struct ageing_spec {
  double soh_loss_per_cycle = 0.0002;  ///< per equivalent full cycle
  double retire_below_soh = 0.7;
};

/// A deposit price for a model in one currency.
struct deposit_spec {
  std::string model_id;
  twin::money amount;
};

/// A whole scenario.
struct scenario {
  std::string name;
  std::string file;                        ///< path it was loaded from
  std::string digest;                      ///< FNV-1a 64 of the file text, hex
  std::string text;                        ///< the file text itself (journals embed it for replay)
  twin::unix_ms start{};                   ///< UTC instant the run starts
  std::string time_zone = "UTC";           ///< riders' day follows this zone
  std::chrono::milliseconds duration{};
  std::uint64_t seed = 1;
  int heartbeat_interval_s = 60;
  int offline_after_beats = 3;             ///< deadline = interval x beats
  std::vector<twin::battery_model> models;
  std::vector<twin::country_policy> countries;
  std::vector<twin::plan> plans;
  std::vector<deposit_spec> deposits;
  std::vector<station_spec> stations;
  std::vector<population_spec> populations;
  std::vector<agent_spec> agents;
  std::vector<fault_spec> faults;
  charging_spec charging;
  ageing_spec ageing;
  twin::sla_policy sla;
};

/// How a scenario is to be run, for the checks that depend on it.
struct load_options {
  /// The simulated days of the run when they are not the file's duration_days (`swaptwin sim
  /// --days`): the projected size of the run is checked for these days.
  std::optional<double> days;
  /// The memory the run may use, in bytes; unset: this machine's physical memory.
  std::optional<double> memory_bytes;
};

/// Loads and validates a scenario file, within the limits of scenarios/README.md (its size is
/// checked before it is read). On failure, one error whose detail is a single line
/// "FILE:LINE: FIELD: what is expected" (LINE is 0 when not known).
twin::result<scenario> load_scenario(const std::string& path, const load_options& opt = {});

/// Parses and validates scenario text; `name` stands for the file in messages.
twin::result<scenario> parse_scenario(const std::string& text, const std::string& name, const load_options& opt = {});

/// The size of a run, estimated from the scenario before it runs (scenarios/README.md, "Limits").
struct run_projection {
  double days = 0;           ///< simulated days
  double swaps = 0;          ///< riding riders' swaps: riders x the swaps a day their km need x days
  double arrivals = 0;       ///< queueing arrivals: rate x hours
  double faults = 0;         ///< random (rate x stations x days) and scheduled
  double heartbeats = 0;     ///< stations x seconds / heartbeat_interval_s
  double journal_events = 0; ///< events the journal records (swaps and arrivals, faults and their work)
  double events = 0;         ///< simulated events: journal events and heartbeats
  double journal_bytes = 0;  ///< journal.bin of `swaptwin sim --out`
  double station_hours = 0;  ///< hourly station samples the run keeps for its report
  double memory_bytes = 0;   ///< the run's memory: riders, slots and their packs, swaps, hourly samples
};

/// The projected size of a run of a valid `sc` lasting `days`.
run_projection project_run(const scenario& sc, double days);

/// FNV-1a 64 of `text` as 16 lower-case hex digits (the scenario digest, state digests).
std::string digest_of(std::string_view text);

}  // namespace swaptwin::scenarios
