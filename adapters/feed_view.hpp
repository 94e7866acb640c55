#pragma once
/// What an operator sees of the back office (issue 5): the rules that turn stored stations, work
/// orders, agents and the day's numbers into the operator's view, and the operator feed's messages
/// (proto/swaptwin/v1/feed.proto) built with them. One set of rules for the viewer's database source
/// (app/viewer_model_from_db) and the live feed (feed_hub): a slot the operator disabled shows
/// disabled, a station's ready stock counts its ready slots, an agent on a work order travels or works.

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/store.hpp"
#include "swaptwin/v1/feed.pb.h"
#include "twin/time.hpp"

namespace swaptwin::adapters {

/// A slot as the operator sees it: disabled when the operator asked for it (even before the cabinet
/// applied it) or the cabinet reports it so; otherwise its stored state.
twin::slot_state shown_slot_state(const twin::station& s, const twin::slot& sl);

/// Slots of `s` shown ready (shown_slot_state).
int ready_packs(const twin::station& s);

/// An enum name as people read it: "station_offline" -> "station offline".
std::string words(std::string_view name);

/// How urgent an alert is.
enum class alert_severity { info, warning, critical };

/// Offline stations, slot faults and over-temperature are critical; an open door and low stock are
/// warnings; the rest is information.
alert_severity severity_of(twin::alert_kind k);

/// "WO-12": how operators name work order 12.
std::string work_order_label(std::int64_t id);

/// The alert line of an open work order: "Slot fault (slot 3), work order WO-12 open".
std::string alert_text(const twin::work_order& w);

/// What an agent is doing as the operator sees it.
enum class shown_agent_state { idle, travelling, working, offline };

/// An agent's shown state and the work order they are on (the earliest open one assigned to them,
/// by opening time then id; none: 0). Off shift -> offline; on site -> working; assigned or en
/// route -> travelling; otherwise busy -> working, else idle.
std::pair<shown_agent_state, std::int64_t> agent_activity(const twin::agent& a,
                                                          const std::vector<twin::work_order>& open_sorted);

/// Open work orders sorted by opening time, then id (the order alerts are listed in).
std::vector<twin::work_order> open_work_orders_sorted(store& db);

/// UTC offset of time zone `tz` at `now`, in minutes (east positive). Throws std::invalid_argument
/// when `tz` is unknown.
int utc_offset_minutes(const std::string& tz, twin::unix_ms now);

/// Swaps recorded in each local hour [0, 23] of the day [day_start, day_end) (one query).
std::array<int, 24> swaps_per_hour(store& db, twin::unix_ms day_start, twin::unix_ms day_end);

/// The operator's time zone: the `timezone` setting, "UTC" when unset or unknown.
std::string operator_timezone(store& db);

// ---- feed.proto messages ----

/// A station as the feed shows it, with its slots; `temperature_c` gives a pack's last temperature
/// by pack SN (missing: 0).
v1::FeedStation feed_station(const twin::station& s, const std::map<std::string, double>& temperature_c);

/// Station `sn` read from `db` with its packs' temperatures; nullopt when it is unknown or rejected
/// (a rejected station is not shown).
std::optional<v1::FeedStation> read_feed_station(store& db, const std::string& sn);

/// Every shown station (rejected ones left out), by SN.
std::map<std::string, v1::FeedStation> read_feed_stations(store& db);

/// A work order as the feed shows it: id "WO-<n>", kind and state as twin spells them
/// ("station_offline", "en_route").
v1::FeedWorkOrder feed_work_order(const twin::work_order& w);

/// The alert of an open work order (at its opening time).
v1::FeedAlert feed_alert(const twin::work_order& w);

/// Every agent with its shown state, by id.
std::map<std::string, v1::FeedAgent> feed_agents(store& db, const std::vector<twin::work_order>& open_sorted);

/// The dashboard of the local day containing `now` in `tz`, and the currencies it uses (added to
/// `currencies`). Throws std::invalid_argument when `tz` is unknown.
v1::FeedDashboard read_feed_dashboard(store& db, twin::unix_ms now, const std::string& tz,
                                      std::set<std::string>* currencies = nullptr);

/// How to show currency `code`: its symbol (UTF-8, empty when the code is the usual symbol) and
/// decimals (2 when swaptwin does not know it).
v1::FeedCurrency feed_currency(const std::string& code);

/// Currencies of the plans, deposits and countries in `db`.
std::set<std::string> used_currencies(store& db);

}  // namespace swaptwin::adapters
