#pragma once
/// What a live cabinet's events do to the back office: a BatterySwap event (BatteryIn,
/// BatteryOut, BatteryOutTimeout) and an Authorize, applied to the store with the twin's rules.
/// The store actor calls these inside its group-commit transaction; each event is all-or-nothing
/// (a savepoint) and is recorded under its key (station, "swap:<requestId>:<eventType>"), so a
/// resent event changes nothing and is answered as before.
///
/// The swap in OCPP 2.1 terms: the cabinet authorises the rider (Authorize), the rider docks
/// their pack (BatteryIn, same requestId as what follows), the cabinet releases a charged pack
/// (BatteryOut), or the rider leaves it (BatteryOutTimeout). The cabinet has acted by the time
/// it tells us (BatterySwapResponse has no status), so an event is always recorded; billing
/// problems (no plan, unknown rider) are recorded without a charge and reported in `problem`.

#include <string>

#include "actors/protocol.hpp"
#include "adapters/store.hpp"

namespace swaptwin::adapters {

/// The key under which `e` is recorded in cabinet_events.
std::string cabinet_event_key(const actors::cabinet_swap& e);

/// The idempotency key of the swap record and ledger postings of request `request_id` at `sn`.
std::string cabinet_swap_key(const std::string& sn, std::int64_t request_id);

/// Applies `e` to `db` in one transaction (a savepoint inside an open one), or recognises it as
/// applied before (`duplicate`). Throws sql::store_error when the database fails (nothing of `e`
/// is written then).
actors::cabinet_answer apply_cabinet_swap(store& db, const actors::cabinet_swap& e);

/// A cabinet's Authorize of `rider_id` at station `sn`: the rider's side of the swap decision
/// (twin::authorize_rider) for the model of the pack they hold, or of their first deposit.
actors::authorize_result authorize_cabinet_rider(store& db, const std::string& rider_id, const std::string& sn,
                                                 std::int64_t at_ms);

/// Opens a work order for alert `a` unless one is open for the same station, kind and slot
/// (twin::open_work_order). Its id, or 0 when one was open already or the kind is unknown.
std::int64_t open_alert(store& db, const actors::alert& a);

/// Records that station `sn`'s cabinet now runs with setting `field` = `value` (a field of
/// twin::pending_changes: "name", "power_cap_w", "enabled", "slot.N.enabled"). False when the
/// station or the field is unknown.
bool record_reported(store& db, const std::string& sn, const std::string& field, const std::string& value);

}  // namespace swaptwin::adapters
