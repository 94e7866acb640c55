#pragma once
/// The viewer's view model: plain values the UI draws. A feed (simulation, live server, replay) fills
/// it; the UI only reads it. No ImGui, no protobuf, no actors here.
///
/// Conventions: money is an integer count of minor units with an ISO 4217 code; instants are Unix
/// milliseconds (UTC); the operator's time zone is a fixed offset from UTC in minutes.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace swaptwin::viewer {

/// An amount of money: `minor` units (cents, fen) of the currency with ISO code `currency`.
struct money_amount {
  std::string currency;    ///< ISO 4217 code, e.g. "KES"
  std::int64_t minor = 0;  ///< signed count of minor units
};

/// How to show a currency to a human.
struct currency_format {
  std::string code;    ///< ISO 4217 code, e.g. "KES"
  std::string symbol;  ///< e.g. "KSh"; empty: the code is shown instead
  int decimals = 2;    ///< digits after the decimal point (2 for KES, 0 for RWF)
};

/// The colour category of a station on the map and in lists.
enum class station_category {
  online_stocked,    ///< online with enough ready packs
  online_low_stock,  ///< online, ready packs at or below the low-stock threshold
  offline,           ///< not connected (its details are a stale, last known state)
  fault,             ///< connected but reporting a fault
};

/// An online station with at most this many ready packs is `online_low_stock` (amber on the map).
/// Every source (database, simulation, live feed) categorises stations with this one threshold.
inline constexpr int low_stock_threshold = 2;

/// The category of a station: offline when not connected, fault when connected with a faulted slot,
/// low stock at `low_stock_threshold` ready packs or fewer, else stocked.
station_category category_of(bool online, bool any_slot_fault, int ready_packs);

/// The state of one slot (door) of a station cabinet.
enum class slot_state {
  empty,     ///< no pack
  charging,  ///< a pack charging
  ready,     ///< a charged pack, ready to swap
  reserved,  ///< a ready pack held for a rider
  fault,     ///< a slot fault
  disabled,  ///< taken out of service by an operator
};

/// One slot of a station.
struct slot_view {
  int index = 0;                             ///< slot number as the cabinet counts, from 1
  slot_state state = slot_state::empty;      ///< what the slot is doing
  std::string pack_sn;                       ///< serial number of the pack inside; empty when none
  int soc_percent = 0;                       ///< pack state of charge, 0..100 (ignored when empty)
  double temperature_c = 0;                  ///< the pack's temperature in degrees Celsius (ignored when empty)
};

/// One swap station (cabinet).
struct station_view {
  std::string sn;                            ///< serial number, the station's identity
  std::string name;                          ///< operator-given name
  double lat = 0;                            ///< latitude in degrees
  double lon = 0;                            ///< longitude in degrees
  bool online = false;                       ///< connected now
  bool pending = false;                      ///< connected but not yet accepted by an operator
  std::int64_t last_seen_ms = 0;             ///< last message from the cabinet (Unix ms); 0: never
  station_category category = station_category::offline;  ///< map colour
  int ready_packs = 0;                       ///< packs ready to swap
  std::vector<slot_view> slots;              ///< in slot order
};

/// One battery pack.
struct battery_view {
  std::string sn;           ///< pack serial number
  std::string model;        ///< e.g. "72V 30Ah"
  int soh_percent = 100;    ///< state of health, 0..100
  int cycles = 0;           ///< full charge cycles so far
  std::string where;        ///< "station SN slot 3", "rider R-12", "agent A-1"
};

/// A rider's real-name verification state.
enum class kyc_state {
  unverified,  ///< nothing submitted
  pending,     ///< submitted, waiting for an operator
  verified,    ///< may use the network
  rejected,    ///< refused
};

/// One rider.
struct rider_view {
  std::string id;              ///< rider id
  kyc_state kyc = kyc_state::unverified;  ///< real-name verification state
  std::string plan;            ///< name of the active plan; empty: none
  money_amount deposit;        ///< deposit held
};

/// One plan on sale.
struct plan_view {
  std::string id;      ///< plan id
  std::string kind;    ///< "week", "month", "year", "per km", "per swap"
  std::string name;    ///< shown to riders
  money_amount price;  ///< per period, per km or per swap, as `kind` says
};

/// The deposit asked for one battery model.
struct deposit_view {
  std::string battery_model;  ///< e.g. "72V"
  money_amount amount;        ///< deposit per pack
};

/// What a field agent is doing.
enum class agent_state {
  idle,        ///< waiting for work
  travelling,  ///< on the way to a work order's station
  working,     ///< at a station
  offline,     ///< not on duty
};

/// One field agent.
struct agent_view {
  std::string id;                          ///< agent id
  double lat = 0;                          ///< current latitude in degrees
  double lon = 0;                          ///< current longitude in degrees
  agent_state state = agent_state::idle;   ///< what the agent is doing
  std::string work_order_id;               ///< the work order the agent is routed to; empty: none
};

/// One work order (a visit to a station).
struct work_order_view {
  std::string id;               ///< work order id
  std::string station_sn;       ///< the station to visit
  std::string kind;             ///< "fault", "rebalance", "maintenance"
  std::string state;            ///< "open", "assigned", "acknowledged", "done"
  std::string agent_id;         ///< assigned agent; empty: none
  std::int64_t sla_due_ms = 0;  ///< when it must be done (Unix ms)
};

/// How serious an alert is.
enum class alert_severity { info, warning, critical };

/// One alert.
struct alert_view {
  std::int64_t at_ms = 0;                          ///< when it was raised (Unix ms)
  alert_severity severity = alert_severity::info;  ///< how serious
  std::string station_sn;                          ///< station concerned; empty: the network
  std::string text;                                ///< what happened
};

/// The number of plans sold today of one kind.
struct plans_sold {
  std::string kind;  ///< plan kind, as plan_view::kind
  int count = 0;     ///< plans of that kind sold today
};

/// The dashboard's numbers (the seed's "revenues, how many users today, what kind of packages").
struct dashboard_view {
  std::vector<money_amount> revenue_today;  ///< one amount per currency
  int riders_today = 0;                     ///< distinct riders who swapped today
  std::vector<plans_sold> plans_sold_today; ///< by plan kind
  std::array<float, 24> swaps_per_hour{};   ///< swaps in each hour of the operator's day, 0..23
  int stations_online = 0;                  ///< connected stations
  int stations_offline = 0;                 ///< stations not connected
  int open_work_orders = 0;                 ///< work orders not done
};

/// Where the model comes from and how that is going: shown under the clock in the navigation bar,
/// and the Time panel's slider when the source has a timeline (a replay).
struct source_view {
  std::string label;               ///< "simulation metro", "live 127.0.0.1:8090", "replay run.journal", "database back.db"
  std::string status;              ///< "connected", "connection lost (...), retrying in 2 s"; empty: nothing to say
  bool degraded = false;           ///< the status is a warning (shown in amber): stale data, lost link
  bool read_only = true;           ///< operator actions cannot be sent from this source (no API, or a viewer token)
  std::string last_action;         ///< the outcome of the last action sent ("renamed SZ-0001", "403: needs operator")
  std::int64_t timeline_start_ms = 0;  ///< with timeline_end_ms > timeline_start_ms: a slider over [start, end]
  std::int64_t timeline_end_ms = 0;    ///< end of the timeline (Unix ms); 0: no timeline
};

/// Everything the viewer shows in one frame.
struct view_model {
  std::int64_t now_ms = 0;               ///< the (virtual or real) current time, Unix ms
  int utc_offset_minutes = 0;            ///< the operator's time zone as a fixed offset from UTC
  std::string time_zone_name;            ///< shown next to times, e.g. "Africa/Nairobi"; may be empty
  std::vector<currency_format> currencies;  ///< formats of the currencies used; others: code, 2 decimals
  dashboard_view dashboard;              ///< the dashboard's numbers
  std::vector<station_view> stations;    ///< all stations
  std::vector<battery_view> batteries;   ///< all packs
  std::vector<rider_view> riders;        ///< all riders
  std::vector<plan_view> plans;          ///< plans on sale
  std::vector<deposit_view> deposits;    ///< deposits by battery model
  std::vector<agent_view> agents;        ///< field agents
  std::vector<work_order_view> work_orders;  ///< work orders
  std::vector<alert_view> alerts;        ///< alerts, newest last
  source_view source;                    ///< where all this comes from, and its state
};

/// The station with serial number `sn`, or nullptr.
const station_view* find_station(const view_model& vm, const std::string& sn);

/// The work order with id `id`, or nullptr.
const work_order_view* find_work_order(const view_model& vm, const std::string& id);

/// The format of currency `code`: the view model's entry, or the code itself with 2 decimals.
currency_format find_currency_format(const view_model& vm, const std::string& code);

}  // namespace swaptwin::viewer
