#pragma once
/// Every atom and message the actors exchange, and the registration of their types. Messages are
/// plain structs of strings and numbers (no protobuf, no twin types with std::optional) so they
/// serialise across processes once the twin is sharded; each has an `inspect` overload.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>


namespace swaptwin::actors {

// ---- atoms (at most 10 characters) ---------------------------------------------------------
using swap_atom = caf::atom_constant<caf::atom("swap")>;          ///< rider -> station: swap me
using authorize_atom = caf::atom_constant<caf::atom("authorize")>;  ///< station -> billing
using settle_atom = caf::atom_constant<caf::atom("settle")>;      ///< station -> billing
using arrive_atom = caf::atom_constant<caf::atom("arrive")>;      ///< arrivals -> itself: next rider
using event_atom = caf::atom_constant<caf::atom("event")>;        ///< anyone -> journal
using sample_atom = caf::atom_constant<caf::atom("sample")>;      ///< driver -> station: report state now
using stock_atom = caf::atom_constant<caf::atom("stock")>;        ///< station -> registry: ready packs changed
using find_atom = caf::atom_constant<caf::atom("find")>;          ///< rider -> registry: where can I swap?
using need_atom = caf::atom_constant<caf::atom("need")>;          ///< rider -> itself: pack is low
using retry_atom = caf::atom_constant<caf::atom("retry")>;        ///< registry -> rider: stock appeared, look again
using wait_atom = caf::atom_constant<caf::atom("wait")>;          ///< rider -> registry: tell me when stock appears
using beat_atom = caf::atom_constant<caf::atom("beat")>;          ///< cabinet -> station: I am alive
using deadline_atom = caf::atom_constant<caf::atom("deadline")>;  ///< station -> itself: liveness deadline
using disconnect_atom = caf::atom_constant<caf::atom("disconnect")>;  ///< gateway -> station: its cabinet's socket closed
using status_atom = caf::atom_constant<caf::atom("status")>;      ///< anyone -> station: liveness now (station_status)
using fault_atom = caf::atom_constant<caf::atom("fault")>;        ///< fault injection -> station
using link_atom = caf::atom_constant<caf::atom("link")>;          ///< station -> itself: link comes back
using repair_atom = caf::atom_constant<caf::atom("repair")>;      ///< agent -> station: fixed
using alert_atom = caf::atom_constant<caf::atom("alert")>;        ///< station -> dispatcher
using online_atom = caf::atom_constant<caf::atom("online")>;      ///< station -> dispatcher: back online
using assign_atom = caf::atom_constant<caf::atom("assign")>;      ///< dispatcher -> agent
using onsite_atom = caf::atom_constant<caf::atom("onsite")>;      ///< agent -> itself / dispatcher
using done_atom = caf::atom_constant<caf::atom("done")>;          ///< agent -> dispatcher: work order resolved
using subscribe_atom = caf::atom_constant<caf::atom("subscribe")>;    ///< viewer -> feed
using unsubscribe_atom = caf::atom_constant<caf::atom("unsub")>;      ///< viewer -> feed
using snapshot_atom = caf::atom_constant<caf::atom("snapshot")>;      ///< feed -> subscriber, first message
using charged_atom = caf::atom_constant<caf::atom("charged")>;    ///< station -> itself: the next charging event
using charge_atom = caf::atom_constant<caf::atom("charge")>;      ///< station -> slot: a pack starts charging
using stop_atom = caf::atom_constant<caf::atom("stop")>;          ///< station -> slot: charging cut off (fault, retired)
using ready_atom = caf::atom_constant<caf::atom("ready")>;        ///< station -> slot: its pack is ready
using release_atom = caf::atom_constant<caf::atom("release")>;    ///< station -> slot: its pack was taken out
using pack_atom = caf::atom_constant<caf::atom("pack")>;          ///< station or slot -> battery: a reading and where it is
using retire_atom = caf::atom_constant<caf::atom("retire")>;      ///< battery -> station: take me out of service

// ---- swap ----------------------------------------------------------------------------------

/// A rider at a station asks for a pack of `model_id`, handing back `returned_sn` (empty on a first
/// pick-up) at `returned_soc`. `key` makes a resent request harmless.
struct swap_request {
  std::string rider_id;
  std::string model_id;
  std::string returned_sn;
  double returned_soc = 0;
  double taken_soc = 0;     ///< SoC the returned pack had when the rider took it (energy drawn = the difference)
  std::string key;
  double returned_soh = 1;  ///< as the cabinet reads it from the pack's BMS
  double returned_cycles = 0;
  caf::actor returned_pack; ///< the returned pack's battery actor (null: the station makes one on first sight)
};

/// The station's answer. `reason` is a twin::errc code string: "ok" or the refusal.
struct swap_result {
  std::string station_sn;
  std::string reason;
  std::string detail;
  std::string issued_sn;
  double issued_soc = 0;
  double issued_soh = 1;
  double issued_cycles = 0;
  std::int64_t net_minor = 0;
  std::int64_t tax_minor = 0;
  std::string currency;
  caf::actor issued_pack;   ///< the issued pack's battery actor
};

/// Station -> billing: the rider's side of the swap decision (twin::authorize_rider).
struct authorize_request {
  std::string rider_id;
  std::string model_id;
  std::int64_t at_ms = 0;
};

/// Billing's answer: "ok" or the refusal code, with a detail for people.
struct authorize_result {
  std::string reason;
  std::string detail;
};

/// Station -> billing: price the swap that just happened (twin::settle_swap) and post it.
struct settle_request {
  std::string rider_id;
  std::string station_sn;
  std::string model_id;
  std::string returned_sn;
  std::int64_t energy_wh = 0;
  std::string issued_sn;
  std::int64_t at_ms = 0;
  std::string key;
};

/// Billing's answer: what it cost.
struct settle_result {
  std::string reason;  ///< "ok" or an error code
  std::int64_t net_minor = 0;
  std::int64_t tax_minor = 0;
  std::string currency;
  std::string plan_kind;
  std::int64_t km_m = 0;
};

// ---- registry ------------------------------------------------------------------------------

/// A station's visible stock, as the riders' app shows it.
struct stock_update {
  std::string sn;
  std::string model_id;
  int ready = 0;
  bool online = true;
};

/// Rider -> registry: of these stations (nearest first), which is the first showing a ready pack
/// of the model? Answered with the station's index in `candidates`, or -1.
struct find_request {
  std::string model_id;
  std::vector<std::string> candidates;
};

// ---- faults, alerts, work orders ----------------------------------------------------------------

/// A fault injected into a station: kind "link_outage" (duration_ms 0 = until repaired),
/// "slot_fault" or "over_temperature" (slot 1-based).
struct fault {
  std::string kind;
  int slot = 0;
  std::int64_t duration_ms = 0;
};

/// Station -> dispatcher: something needs an agent.
struct alert {
  std::string station_sn;
  std::string kind;          ///< twin::alert_kind as text
  int slot = 0;
  std::int64_t at_ms = 0;
};

/// Dispatcher -> agent: go and fix this.
struct assignment {
  std::int64_t work_order = 0;
  std::string station_sn;
  double lat = 0, lon = 0;
  std::string kind;
  int slot = 0;
};

// ---- slots and packs ----------------------------------------------------------------------

/// Station -> slot: the pack just put in the slot charges from `soc` under order `order`.
struct charge_order {
  std::uint64_t order = 0;
  std::string pack_sn;
  caf::actor pack;                 ///< its battery actor, told what it was charged (may be null)
  double soc = 0;
};

/// Station -> slot: the pack of `order` stopped charging, ready (`ready_atom`) or cut off by a
/// fault or its retirement (`stop_atom`), after taking `energy_wh` from the charger.
struct slot_ready {
  int slot = 0;
  std::uint64_t order = 0;
  double soc = 0;
  std::int64_t energy_wh = 0;
};

/// A reading of a pack and where it is now: station -> battery when a cabinet takes a pack back
/// ("docked") or hands it out ("released"), slot -> battery when it stops charging ("charged").
struct pack_report {
  std::string kind;
  std::string station_sn;
  int slot = 0;
  std::string rider_id;
  double soc = 0, soh = 1, cycles = 0;
  std::int64_t energy_wh = 0;      ///< drawn by the rider (docked) or charged into it (charged)
  std::int64_t at_ms = 0;
};

// ---- journal -------------------------------------------------------------------------------

/// One thing that happened, as the journal records it. `kind` names it ("swap", "refused",
/// "charged", "offline", ...); the other fields are filled as the kind needs.
struct sim_event {
  std::int64_t at_ms = 0;
  std::string kind;
  std::string station_sn;
  std::string rider_id;
  std::string code;         ///< reason code, plan kind, pack SN...
  std::int64_t value = 0;   ///< minor units, Wh, W, slot...
  std::int64_t value2 = 0;
  std::string text;         ///< currency, detail
};

/// A station's state at a sampling instant (for hourly time series).
struct station_sample {
  std::string sn;
  int ready = 0;            ///< ready packs, all models
  int charging = 0;
  int site_power_w = 0;
  bool online = true;
  std::int64_t energy_wh = 0;  ///< drawn from the grid since the start
  int peak_power_w = 0;
};

/// A station's link as the gateway and tests read it live (status_atom -> station_status).
struct station_status {
  std::string sn;
  bool online = false;
  std::int64_t last_seen_ms = 0;   ///< Unix ms of the last message from its cabinet (the actor's start before any)
  std::int64_t changed_at_ms = 0;  ///< Unix ms of the last online/offline change (0: none yet)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, station_status& x) {
  return f(caf::meta::type_name("station_status"), x.sn, x.online, x.last_seen_ms, x.changed_at_ms);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, swap_request& x) {
  return f(caf::meta::type_name("swap_request"), x.rider_id, x.model_id, x.returned_sn, x.returned_soc, x.taken_soc,
           x.key, x.returned_soh, x.returned_cycles, x.returned_pack);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, swap_result& x) {
  return f(caf::meta::type_name("swap_result"), x.station_sn, x.reason, x.detail, x.issued_sn, x.issued_soc, x.issued_soh, x.issued_cycles,
           x.net_minor, x.tax_minor, x.currency, x.issued_pack);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, authorize_request& x) {
  return f(caf::meta::type_name("authorize_request"), x.rider_id, x.model_id, x.at_ms);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, authorize_result& x) {
  return f(caf::meta::type_name("authorize_result"), x.reason, x.detail);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, settle_request& x) {
  return f(caf::meta::type_name("settle_request"), x.rider_id, x.station_sn, x.model_id, x.returned_sn, x.energy_wh,
           x.issued_sn, x.at_ms, x.key);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, settle_result& x) {
  return f(caf::meta::type_name("settle_result"), x.reason, x.net_minor, x.tax_minor, x.currency, x.plan_kind, x.km_m);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sim_event& x) {
  return f(caf::meta::type_name("sim_event"), x.at_ms, x.kind, x.station_sn, x.rider_id, x.code, x.value, x.value2,
           x.text);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, station_sample& x) {
  return f(caf::meta::type_name("station_sample"), x.sn, x.ready, x.charging, x.site_power_w, x.online, x.energy_wh,
           x.peak_power_w);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stock_update& x) {
  return f(caf::meta::type_name("stock_update"), x.sn, x.model_id, x.ready, x.online);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, find_request& x) {
  return f(caf::meta::type_name("find_request"), x.model_id, x.candidates);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fault& x) {
  return f(caf::meta::type_name("fault"), x.kind, x.slot, x.duration_ms);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, alert& x) {
  return f(caf::meta::type_name("alert"), x.station_sn, x.kind, x.slot, x.at_ms);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, assignment& x) {
  return f(caf::meta::type_name("assignment"), x.work_order, x.station_sn, x.lat, x.lon, x.kind, x.slot);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, charge_order& x) {
  return f(caf::meta::type_name("charge_order"), x.order, x.pack_sn, x.pack, x.soc);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, slot_ready& x) {
  return f(caf::meta::type_name("slot_ready"), x.slot, x.order, x.soc, x.energy_wh);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, pack_report& x) {
  return f(caf::meta::type_name("pack_report"), x.kind, x.station_sn, x.slot, x.rider_id, x.soc, x.soh, x.cycles,
           x.energy_wh, x.at_ms);
}

// ---- store ---------------------------------------------------------------------------------
// The store (adapters/store_actor.hpp) is the only owner of the SQLite connection. It buffers what
// it is sent and commits it in batches (one transaction per batch: group commit).

using persist_atom = caf::atom_constant<caf::atom("persist")>;    ///< anyone -> store: make these rows durable
using flush_atom = caf::atom_constant<caf::atom("flush")>;        ///< anyone -> store: commit the buffer now
using flushdue_atom = caf::atom_constant<caf::atom("flushdue")>;  ///< store -> itself: the batch timer fired

/// One ledger posting as it travels to the store: every field of twin::posting, in plain types.
struct ledger_entry {
  std::string key;           ///< idempotency key: a resent entry is written once
  std::int64_t at_ms = 0;
  std::string rider_id;
  std::string kind;          ///< twin::posting_kind as text ("usage_charge", "tax", ...)
  std::int64_t amount_minor = 0;
  std::string currency;
  std::string plan_kind;     ///< twin::plan_kind as text, empty when the posting has none
  std::string plan_id;
  std::string station_sn;
  std::string memo;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ledger_entry& x) {
  return f(caf::meta::type_name("ledger_entry"), x.key, x.at_ms, x.rider_id, x.kind, x.amount_minor, x.currency,
           x.plan_kind, x.plan_id, x.station_sn, x.memo);
}

// ---- live cabinets (adapters/ocpp_session -> store) --------------------------------------------
using swapevt_atom = caf::atom_constant<caf::atom("swapevt")>;    ///< session -> store: apply a cabinet's BatterySwap event

/// One pack as a cabinet reports it in a BatterySwap event (OCPP batteryData).
struct pack_reading {
  int evse_id = 0;          ///< the slot (1-based)
  std::string sn;
  double soc = 0, soh = 1;  ///< in [0, 1] (OCPP sends percent)
};

/// A cabinet's BatterySwap event. (station_sn, request_id, event_type) identifies it: a resent
/// event is recognised by it and answered again without a second effect.
struct cabinet_swap {
  std::string station_sn;
  std::string event_type;   ///< "BatteryIn", "BatteryOut" or "BatteryOutTimeout"
  std::int64_t request_id = 0;
  std::string rider_id;     ///< the idToken
  std::vector<pack_reading> packs;
  std::int64_t at_ms = 0;   ///< when the back end received it
};

/// What the store did with a cabinet_swap, answered once it is durable.
struct cabinet_answer {
  bool duplicate = false;   ///< applied before: nothing changed now
  std::string summary;      ///< for the log: what moved, what was charged
  std::string problem;      ///< set when the event was applied but something needs an operator (unbilled swap, unknown slot)
  std::int64_t net_minor = 0, tax_minor = 0;
  std::string currency;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, pack_reading& x) {
  return f(caf::meta::type_name("pack_reading"), x.evse_id, x.sn, x.soc, x.soh);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cabinet_swap& x) {
  return f(caf::meta::type_name("cabinet_swap"), x.station_sn, x.event_type, x.request_id, x.rider_id, x.packs,
           x.at_ms);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cabinet_answer& x) {
  return f(caf::meta::type_name("cabinet_answer"), x.duplicate, x.summary, x.problem, x.net_minor, x.tax_minor,
           x.currency);
}

/// A station's link as the gateway last saw it, for the database (operators read it there).
struct link_record {
  std::string sn;
  bool online = false;
  std::int64_t last_seen_ms = 0;
  std::string boot_id;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, link_record& x) {
  return f(caf::meta::type_name("link_record"), x.sn, x.online, x.last_seen_ms, x.boot_id);
}

/// A slot's state as its cabinet reported it (StatusNotification), for the database.
struct slot_status {
  std::string sn;
  int slot = 0;
  std::string connector_status;  ///< OCPP: Available, Occupied, Reserved, Unavailable, Faulted
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, slot_status& x) {
  return f(caf::meta::type_name("slot_status"), x.sn, x.slot, x.connector_status);
}

using cabinet_atom = caf::atom_constant<caf::atom("cabinet")>;    ///< gateway -> store: what do we know of this cabinet?
using pending_atom = caf::atom_constant<caf::atom("pending")>;    ///< gateway -> store: hold this unknown cabinet as pending
using reported_atom = caf::atom_constant<caf::atom("reported")>;  ///< session -> store: the cabinet applied a desired setting
using hold_atom = caf::atom_constant<caf::atom("hold")>;          ///< gateway -> store: hold an unknown cabinet pending at its upgrade, within caps

/// Answers of the store's (hold, ...) request (store::hold_pending_station).
namespace hold_answer {
constexpr std::int64_t held = 0;          ///< a new pending station
constexpr std::int64_t exists = 1;        ///< the SN is known already
constexpr std::int64_t address_full = 2;  ///< the cap of pending stations from that address is reached
constexpr std::int64_t total_full = 3;    ///< the cap of pending stations in all is reached
}  // namespace hold_answer

/// What the store knows of a cabinet's SN, read fresh from the database (an operator may have
/// accepted it from another process since the last boot).
struct cabinet_record {
  bool known = false;          ///< the SN is in `stations`
  std::string registration;    ///< "accepted", "pending" or "rejected" (twin::registration as text)
  std::string password_hash;   ///< adapters/password.hpp hash, empty when no password was set
  bool no_password = false;    ///< no hash, and the operator chose to admit it without credentials (`--no-password`)
  std::string name;            ///< display name
  /// Desired settings the cabinet has not reported back (twin::pending_changes): field and value,
  /// e.g. ("slot.3.enabled", "false"), pushed to the cabinet at its boot and while it is online.
  std::vector<std::string> change_fields, change_values;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cabinet_record& x) {
  return f(caf::meta::type_name("cabinet_record"), x.known, x.registration, x.password_hash, x.no_password, x.name,
           x.change_fields, x.change_values);
}

/// The store's interface.
/// - (persist, entries) -> number of them appended (the others' keys were in the ledger already),
///   answered only once they are committed; an error (rows kept buffered, retried later) otherwise.
///   Send it with anon_send for fire-and-forget: with a sender, the answer would come back to it.
/// - (flush) -> rows appended since the store started, answered after the buffer is committed.
/// - (flushdue, generation) and (swapevt, generation): its own batch timers; a stale generation is ignored.
/// - (swapevt, cabinet_swap) -> cabinet_answer once the event's effects (packs, station, swap
///   record, ledger postings, the event's key) are committed, in one transaction with the other
///   events of its batch; a resent event is answered `duplicate` with no effect.
/// - (authorize, rider, sn, at_ms) -> authorize_result of a cabinet's Authorize, read fresh.
/// - (reported, sn, field, value) -> true once the cabinet's reported setting `field` (as in
///   cabinet_record::change_fields) is recorded as `value`.
/// - (status, slot_status): records a slot's reported state (fire-and-forget, batched like links).
/// - (alert, alert): opens a work order for it in the database unless one is open for the same
///   station, kind and slot (fire-and-forget; live alarms and offline alerts).
/// - (link, link_record): records a station's online state and last message (fire-and-forget).
/// - (cabinet, sn) -> cabinet_record of that SN (known = false when there is none).
/// - (cabinet) -> SNs of every accepted station (the gateway spawns their actors at start).
/// - (pending, sn, firmware, at_ms) -> true when the SN was added as pending, false when it
///   exists already (a pending one takes the firmware); an error when the SN is not a valid one.
/// - (hold, sn, address, at_ms, per_address_max, total_max) -> a hold_answer: the unknown SN is
///   held pending from `address` unless a cap on pending stations is reached (counted in the
///   database, so the check and the insert are one step of the store actor).
using store_api = caf::typed_actor<caf::replies_to<persist_atom, std::vector<ledger_entry>>::with<std::int64_t>,
                                   caf::replies_to<flush_atom>::with<std::int64_t>,
                                   caf::replies_to<cabinet_atom, std::string>::with<cabinet_record>,
                                   caf::replies_to<cabinet_atom>::with<std::vector<std::string>>,
                                   caf::replies_to<pending_atom, std::string, std::string, std::int64_t>::with<bool>,
                                   caf::replies_to<hold_atom, std::string, std::string, std::int64_t, std::int64_t,
                                                   std::int64_t>::with<std::int64_t>,
                                   caf::reacts_to<flushdue_atom, std::uint64_t>,
                                   caf::replies_to<swapevt_atom, cabinet_swap>::with<cabinet_answer>,
                                   caf::reacts_to<swapevt_atom, std::uint64_t>,
                                   caf::replies_to<authorize_atom, std::string, std::string, std::int64_t>::with<authorize_result>,
                                   caf::replies_to<reported_atom, std::string, std::string, std::string>::with<bool>,
                                   caf::reacts_to<link_atom, link_record>,
                                   caf::reacts_to<alert_atom, alert>,
                                   caf::reacts_to<status_atom, slot_status>>;

// ---- OCPP gateway (adapters/ocpp_gateway) ------------------------------------------------------
using bind_atom = caf::atom_constant<caf::atom("bind")>;          ///< session -> gateway: boot accepted, give me my station
using unbind_atom = caf::atom_constant<caf::atom("unbind")>;      ///< session -> gateway: my socket closed
using wstext_atom = caf::atom_constant<caf::atom("wstext")>;      ///< transport -> session: a text message arrived
using wsclose_atom = caf::atom_constant<caf::atom("wsclose")>;    ///< transport -> session: the connection ended
using quiesce_atom = caf::atom_constant<caf::atom("quiesce")>;    ///< gateway -> session: send nothing more (shutdown)
using command_atom = caf::atom_constant<caf::atom("command")>;    ///< operator -> gateway -> session: send this CALL to the cabinet
using calltime_atom = caf::atom_constant<caf::atom("calltime")>;  ///< session -> itself: our CALL's deadline

struct system_config;

/// Registers every message type above (needed before messages cross a process boundary).
void register_types(system_config& cfg);

}  // namespace swaptwin::actors
