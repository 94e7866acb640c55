#pragma once
/// The SQLite back office of a finished simulation run: what an operator's database would hold at
/// the end of it, so every `swaptwin admin` command (the dashboard first) works on a run. It lives
/// in app/ because it joins scenarios/ (the run) and adapters/ (the store), which do not know each
/// other.

#include <functional>
#include <string>

#include "adapters/store.hpp"
#include "scenarios/scenario.hpp"
#include "scenarios/sim.hpp"
#include "twin/errors.hpp"

namespace swaptwin::app {

/// The rows known before the run: the settings (time zone) and the scenario's battery models,
/// countries, deposits, plans and agents.
adapters::back_office_rows catalogue_rows(const scenarios::scenario& sc);

/// The rows of the run's back office:
/// - settings: the operator's time zone is the scenario's;
/// - the scenario's battery models, countries, deposits, plans and agents;
/// - stations as they ended (slots, online or not) and the packs in their slots;
/// - riders as they ended (KYC, deposits, plan, wallet, pack held), created at the run's start;
/// - the ledger: one `deposit_in` posting per deposit riders held when the run started (key
///   "open:deposit:RIDER:MODEL", memo "held when the run started"; plans bought before the run are
///   not in it, their sale is not revenue of the run), one `wallet_topup` per rider of a prepaid
///   country for the wallet the run started with (key "open:wallet:RIDER", memo "in the wallet when
///   the run started"), then every posting of the run in order.
///   When a store actor wrote the run's postings during the run (`run.stored_postings` is set),
///   they are not in these rows (the ledger must not be written twice), and the opening deposits,
///   written after the run, follow them in the ledger's order (their time is still the start);
/// - one swap per "swap" event (key: the key of its usage charge when it was charged, as for live
///   swaps, else "sim:K", K the event's index in the journal): returned pack
///   (the pack the rider held before), its slot (where that pack became ready, else where it
///   ended), issued pack and slot, energy and km, and the net and tax of the event's "charge"
///   (zero when the plan charges nothing per swap). The returned pack's SoC is not in the events
///   and is stored as 0;
/// - work orders rebuilt from the "alert", "assigned", "on_site" and "resolved" events.
adapters::back_office_rows run_backoffice_rows(const scenarios::scenario& sc, const scenarios::sim_output& run);

/// Starts the run's back office before the run, at `path` + ".partial" (replacing any file
/// there): schema, settings and catalogue (catalogue_rows), so that the store actor of
/// backoffice_store(path) writes the ledger into it while the run goes on.
twin::status begin_backoffice(const std::string& path, const scenarios::scenario& sc);

/// The simulator's store hook (scenarios::sim_options::make_store) for the back office begun at
/// `path` by begin_backoffice: spawns adapters' store actor on `path` + ".partial". The file is a
/// scratch copy until write_backoffice renames it, so it is written with synchronous = OFF.
std::function<actors::store_api(caf::actor_system&)> backoffice_store(const std::string& path);

/// Removes what begin_backoffice started (the run failed).
void abandon_backoffice(const std::string& path);

/// Writes the run's back office to a SQLite file at `path`, replacing any file there (and its
/// -wal and -shm). It is built beside `path` and renamed into place when complete, so a reader
/// never sees half of it. When a store actor wrote the ledger during the run
/// (`run.stored_postings`), the rest of the rows are added to the file begin_backoffice started;
/// otherwise a fresh file is built with all of them.
twin::status write_backoffice(const std::string& path, const scenarios::scenario& sc,
                              const scenarios::sim_output& run);

}  // namespace swaptwin::app
