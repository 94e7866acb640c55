#pragma once
/// The SQLite back office of a finished simulation run: what an operator's database would hold at
/// the end of it, so every `swaptwin admin` command (the dashboard first) works on a run. It lives
/// in app/ because it joins scenarios/ (the run) and adapters/ (the store), which do not know each
/// other.

#include <string>

#include "adapters/store.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/sim.hpp"
#include "twin/errors.hpp"

namespace swaptwin::app {

/// The rows of the run's back office:
/// - settings: the operator's time zone is the scenario's;
/// - the scenario's battery models, countries, deposits, plans and agents;
/// - stations as they ended (slots, online or not) and the packs in their slots;
/// - riders as they ended (KYC, deposits, plan, wallet, pack held), created at the run's start;
/// - the ledger: one `deposit_in` posting per deposit riders held when the run started (key
///   "open:deposit:RIDER:MODEL", memo "held when the run started"; plans bought before the run are
///   not in it, their sale is not revenue of the run), then every posting of the run in order;
/// - one swap per "swap" event (key "sim:K", K the event's index in the journal): returned pack
///   (the pack the rider held before), its slot (where that pack became ready, else where it
///   ended), issued pack and slot, energy and km, and the net and tax of the event's "charge"
///   (zero when the plan charges nothing per swap). The returned pack's SoC is not in the events
///   and is stored as 0;
/// - work orders rebuilt from the "alert", "assigned", "on_site" and "resolved" events.
adapters::back_office_rows run_backoffice_rows(const scenarios::scenario& sc, const scenarios::sim_output& run);

/// Writes the run's back office to a fresh SQLite file at `path`, replacing any file there (and
/// its -wal and -shm). It is built beside `path` and renamed into place when complete, so a
/// reader never sees half of it.
twin::status write_backoffice(const std::string& path, const scenarios::scenario& sc,
                              const scenarios::sim_output& run);

}  // namespace swaptwin::app
