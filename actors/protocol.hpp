#pragma once
/// Every atom and message the actors exchange, and the registration of their types. Messages are
/// plain structs of strings and numbers (no protobuf, no twin types with std::optional) so they
/// serialise across processes once the twin is sharded; each has an `inspect` overload.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>

namespace caf { class actor_system_config; }

namespace swaptwin::actors {

// ---- atoms (at most 10 characters) ---------------------------------------------------------
using swap_atom = caf::atom_constant<caf::atom("swap")>;          ///< rider -> station: swap me
using authorize_atom = caf::atom_constant<caf::atom("authorize")>;  ///< station -> billing
using settle_atom = caf::atom_constant<caf::atom("settle")>;      ///< station -> billing
using charged_atom = caf::atom_constant<caf::atom("charged")>;    ///< station -> itself: next charging event
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

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, swap_request& x) {
  return f(caf::meta::type_name("swap_request"), x.rider_id, x.model_id, x.returned_sn, x.returned_soc, x.taken_soc,
           x.key, x.returned_soh, x.returned_cycles);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, swap_result& x) {
  return f(caf::meta::type_name("swap_result"), x.station_sn, x.reason, x.detail, x.issued_sn, x.issued_soc, x.issued_soh, x.issued_cycles,
           x.net_minor, x.tax_minor, x.currency);
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

/// Registers every message type above (needed before messages cross a process boundary).
void register_types(caf::actor_system_config& cfg);

}  // namespace swaptwin::actors
