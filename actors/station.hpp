#pragma once
/// The station actor: one cabinet. Decides the station's side of a swap, asks billing for the
/// rider's side and moves the packs. It is the site's power controller: it shares the site cap
/// among its charging slots and plans the single next charging event (a pack turning ready),
/// recomputed when the site's load changes; never a tick. Each slot is a `slot` actor and each
/// pack a `battery` actor, told what happens to them.

#include <cstdint>
#include <deque>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/protocol.hpp"
#include "twin/battery.hpp"
#include "twin/charging.hpp"
#include "twin/station.hpp"

namespace swaptwin::actors {

/// How packs charge in this run.
struct charging_config {
  bool exponential = false;   ///< ready after an exponential time (queueing checks) instead of the power curve
  double ready_soc = 0.95;
  double knee_soc = 0.8;
  double taper_floor = 0.1;
  double exp_mean_s = 3600;
};

/// What a station starts with.
struct station_setup {
  twin::station station;                  ///< slots with their packs, online
  std::vector<twin::battery> packs;       ///< the packs in its slots
  std::map<std::string, int> capacity_wh; ///< by model id
  int charger_power_w = 1000;             ///< per slot
  charging_config charging;
  std::uint64_t seed = 1;                 ///< for exponential charge times
  caf::actor registry;                    ///< told about stock changes (may be null)
  caf::actor dispatcher;                  ///< told about alerts and recoveries (may be null)
  std::int64_t heartbeat_ms = 60000;      ///< the cabinet's heartbeat interval
  int offline_after_beats = 3;            ///< liveness deadline = interval x beats after the last message
  bool simulate_cabinet = true;           ///< the station beats for its cabinet (sim); live beats come from the gateway
  std::vector<std::pair<std::int64_t, fault>> faults;  ///< scheduled faults (Unix ms, fault)
  double soh_loss_per_cycle = 0;          ///< ageing of returned packs
  double retire_below_soh = 0;            ///< packs below this SoH leave service (0 = never)
};

/// A charging slot: where its pack was at the last change of the site's load, and the share of
/// the cap it was given since.
struct slot_charge {
  twin::charge_params params;    ///< of the pack in the slot, fixed while it charges
  double soc_at = 0;
  std::int64_t at_ms = 0;
  double alloc_w = 0;
  std::int64_t ready_at_ms = 0;  ///< exponential mode
  std::uint64_t order = 0;       ///< the charge order its slot actor was given
  double energy_wh = 0;          ///< charged under this order so far
};

/// A swap answered, kept a while so a resent request gets the same answer.
struct answered_swap {
  std::string key;
  swap_result result;
  std::int64_t at_ms = 0;
};

/// The station's state (readable by tests and the simulator's sampler under `testing`).
struct station_state {
  twin::station st;
  std::map<std::string, twin::battery> packs;   ///< packs in the slots, by SN (as their BMS read)
  std::map<std::string, caf::actor> pack_actors;  ///< their battery actors, by SN
  std::vector<caf::actor> slot_actors;          ///< slot i at [i - 1]
  std::map<int, slot_charge> charging;          ///< by slot index
  std::uint64_t orders = 0;                     ///< charge orders given so far
  std::uint64_t generation = 0;                 ///< of the pending charging event
  std::map<std::string, int> capacity_wh;
  int charger_power_w = 0;
  charging_config cfg;
  std::mt19937_64 rng;
  double site_power_w = 0;                      ///< drawn since the last event (non-increasing until the next)
  int peak_power_w = 0;
  double energy_wh = 0;                         ///< into packs since the start
  std::map<std::string, answered_swap> answered;  ///< rider -> last answer, for `answer_window_ms`
  std::deque<std::pair<std::int64_t, std::string>> answered_order;  ///< (time, rider), oldest first
  twin::battery last_issued;                    ///< the pack handed out by the last swap
  caf::actor last_issued_actor;                 ///< and its battery actor
  double soh_loss_per_cycle = 0, retire_below_soh = 0;
  std::map<std::string, int> published;         ///< ready packs per model last told to the registry
  bool published_online = true;
  std::int64_t stockout_ms = 0;                 ///< time online with no ready pack of any model, so far
  std::int64_t stockout_since_ms = -1;          ///< start of the current stock-out, -1 when none
  caf::actor registry, dispatcher;
  // Liveness: the cabinet's link, the last message from it, and the one pending deadline.
  bool link_up = true;
  std::int64_t heartbeat_ms = 60000;
  std::int64_t timeout_ms = 180000;
  std::int64_t last_seen_ms = 0;
  std::int64_t link_down_at_ms = -1;
  std::int64_t link_changed_ms = 0;             ///< last online/offline change (0: none yet)
  std::uint64_t deadline_generation = 0;
  std::map<int, twin::slot_state> faulted;      ///< slots out of order, with their state before
  caf::actor billing, journal;
  static inline const char* name = "station";
};

/// The charging parameters of the pack in a slot.
twin::charge_params charge_params_for(const station_state& st, const twin::slot& sl);

/// How long a station remembers its answer to a rider's swap (a resent request within it gets the
/// same answer; later the key is billing's and the ledger's to recognise).
constexpr std::int64_t answer_window_ms = 15 * 60 * 1000;

/// Answers `swap_atom, swap_request` with a swap_result; spawns its slot actors and the battery
/// actors of its packs; handles its own `charged_atom` events and `retire_atom, sn` from its packs.
/// Live (simulate_cabinet false), the gateway sends `beat_atom` for every message of its cabinet
/// and `disconnect_atom` when the cabinet's socket closed (offline at once); `status_atom` answers
/// a station_status.
caf::behavior station(caf::stateful_actor<station_state>* self, station_setup setup, caf::actor billing,
                      caf::actor journal);

}  // namespace swaptwin::actors
