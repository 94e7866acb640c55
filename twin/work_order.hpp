#pragma once
/// Field agents, alerts and the work orders that send agents to stations.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "twin/errors.hpp"
#include "twin/geo.hpp"
#include "twin/time.hpp"

namespace swaptwin::twin {

/// What an agent is doing.
enum class agent_state : std::uint8_t { off_shift, available, busy };
/// "off_shift", "available", "busy".
std::string_view to_string(agent_state s) noexcept;
/// Inverse of to_string.
bool from_string(std::string_view s, agent_state& out) noexcept;

/// A field agent who looks after stations of a region.
struct agent {
  std::string id;
  std::string name;
  std::string region;
  std::string phone;
  geo_point base;                 ///< where they start from
  agent_state state = agent_state::available;
};

/// Why a work order was opened.
enum class alert_kind : std::uint8_t { station_offline, slot_fault, over_temperature, door_open, low_stock, pack_retired };
/// "station_offline", "slot_fault", ...
std::string_view to_string(alert_kind k) noexcept;
/// Inverse of to_string.
bool from_string(std::string_view s, alert_kind& out) noexcept;

/// Life of a work order: open -> assigned -> en_route -> on_site -> resolved.
enum class wo_state : std::uint8_t { open, assigned, en_route, on_site, resolved };
/// "open", "assigned", "en_route", "on_site", "resolved".
std::string_view to_string(wo_state s) noexcept;
/// Inverse of to_string.
bool from_string(std::string_view s, wo_state& out) noexcept;

/// How long each kind of alert may stay unresolved, and how often an overdue one escalates.
struct sla_policy {
  std::chrono::minutes station_offline{120};
  std::chrono::minutes slot_fault{480};
  std::chrono::minutes over_temperature{30};
  std::chrono::minutes door_open{60};
  std::chrono::minutes low_stock{240};
  std::chrono::minutes pack_retired{24 * 60};
  std::chrono::minutes escalate_every{60};
  /// The resolution time allowed for `k`.
  std::chrono::minutes for_kind(alert_kind k) const noexcept;
};

/// A work order for one alert at one station (and slot, when the alert is about one).
struct work_order {
  std::int64_t id = 0;
  std::string station_sn;
  alert_kind alert = alert_kind::station_offline;
  int slot = 0;                   ///< 1-based slot, 0 when the whole station
  wo_state state = wo_state::open;
  std::string agent_id;           ///< empty while open
  unix_ms opened_at{};
  unix_ms due_at{};               ///< SLA deadline
  unix_ms updated_at{};
  std::optional<unix_ms> on_site_at;
  std::optional<unix_ms> resolved_at;
};

/// Opens a work order at `now` with its SLA deadline from `sla`.
work_order open_work_order(std::int64_t id, std::string station_sn, alert_kind kind, int slot, unix_ms now,
                           const sla_policy& sla = {});

/// Moves `w` to `to` at `now`. Allowed: open->assigned (needs `agent_id`), assigned->en_route,
/// en_route->on_site, on_site->resolved, any unresolved state -> open (agent released) and
/// open/assigned/en_route -> resolved (the fault cleared itself). Anything else is refused with
/// work_order.bad_transition and `w` is unchanged.
status advance(work_order& w, wo_state to, unix_ms now, const std::string& agent_id = {});

/// True when `w` missed its deadline: still unresolved at or after `due_at`, or resolved after it.
bool sla_breached(const work_order& w, unix_ms now) noexcept;

/// 0 before the deadline, then 1 + one level per `escalate_every` overdue (unresolved orders only).
int escalation_level(const work_order& w, unix_ms now, const sla_policy& sla = {}) noexcept;

}  // namespace swaptwin::twin
