#pragma once
/// Turning a scenario into actor set-ups: accounts for billing, stations with their packs, and
/// riders with their homes and nearest stations, all drawn from the seed (internal to scenarios/).

#include <cstdint>
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

/// A rider of a population, before its actor exists.
struct rider_plan {
  twin::rider account;
  actors::rider_setup setup;       ///< nearby without handles yet (filled by the simulator)
  std::vector<std::size_t> nearby; ///< indices into scenario::stations, nearest first
};

/// The scenario time zone's UTC offset at its start, in ms (held for the whole run).
std::int64_t utc_offset_ms(const scenario& sc);

/// How many riders a population has: its count, or a pool of 100 walk-ins for a queueing
/// population that gives none (each arrival takes the next rider of the pool).
int riders_in(const population_spec& pop);

/// Billing's accounts (countries, plans; riders are added from `riders`).
actors::billing_setup billing_accounts(const scenario& sc);

/// The set-up of station `i` (without actor handles): packs, charging, heartbeat, and its faults
/// over [start, end) — the scheduled ones and those drawn from the random rates.
actors::station_setup station_for(const scenario& sc, std::size_t i, std::uint64_t seed, std::int64_t end_ms);

/// Every rider of every population, in a deterministic order.
std::vector<rider_plan> riders_for(const scenario& sc, std::uint64_t seed);

}  // namespace swaptwin::scenarios
