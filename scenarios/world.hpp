#pragma once
/// Turning a scenario into actor set-ups: accounts for billing, stations with their packs, and
/// riders with their homes and nearest stations, all drawn from the seed (internal to scenarios/).

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "actors/arrivals.hpp"
#include "actors/billing.hpp"
#include "actors/rider.hpp"
#include "actors/station.hpp"
#include "scenarios/scenario.hpp"

namespace swaptwin::scenarios {

/// A seed for entity `index` of kind `salt`, derived from the run's seed (splitmix64).
std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t salt, std::uint64_t index);

/// The riders of one population, before their actors exist.
struct population_plan {
  /// What its riders share; the simulator adds the station table and the registry and journal
  /// handles before spawning them. Null for a queueing population (no rider actors).
  std::shared_ptr<actors::rider_population> shared;
  std::vector<actors::rider_setup> riders;  ///< riding riders, in order (empty for a queueing population)
  std::vector<std::string> ids;             ///< a queueing population's pool of rider ids
};

/// Every rider of a scenario: billing's accounts and the set-ups of the rider actors.
struct rider_plans {
  std::vector<twin::rider> accounts;            ///< every rider of every population, in order
  std::vector<population_plan> populations;     ///< as scenario::populations
};

/// The scenario time zone's UTC offset at its start, in ms (held for the whole run).
std::int64_t utc_offset_ms(const scenario& sc);

/// The offset of IANA `zone` (empty: the scenario's) at the scenario's start, in ms.
std::int64_t utc_offset_ms(const scenario& sc, const std::string& zone);

/// How many riders a population has: its count, or a pool of 100 walk-ins for a queueing
/// population that gives none (each arrival takes the next rider of the pool).
int riders_in(const population_spec& pop);

/// Billing's accounts (countries, plans; riders are added from `riders`).
actors::billing_setup billing_accounts(const scenario& sc);

/// The set-up of station `i` (without actor handles): packs, charging, heartbeat, and its faults
/// over [start, end) — the scheduled ones and those drawn from the random rates.
actors::station_setup station_for(const scenario& sc, std::size_t i, std::uint64_t seed, std::int64_t end_ms);

/// Every rider of every population, in a deterministic order. Riders' nearby stations index
/// scenario::stations (the simulator's station table follows that order).
rider_plans riders_for(const scenario& sc, std::uint64_t seed);

}  // namespace swaptwin::scenarios
