#include "twin/work_order.hpp"

namespace swaptwin::twin {

std::string_view to_string(agent_state s) noexcept {
  switch (s) {
    case agent_state::off_shift: return "off_shift";
    case agent_state::available: return "available";
    case agent_state::busy: return "busy";
  }
  return "available";
}

bool from_string(std::string_view s, agent_state& out) noexcept {
  for (auto v : {agent_state::off_shift, agent_state::available, agent_state::busy})
    if (to_string(v) == s) {
      out = v;
      return true;
    }
  return false;
}

std::string_view to_string(alert_kind k) noexcept {
  switch (k) {
    case alert_kind::station_offline: return "station_offline";
    case alert_kind::slot_fault: return "slot_fault";
    case alert_kind::over_temperature: return "over_temperature";
    case alert_kind::door_open: return "door_open";
    case alert_kind::low_stock: return "low_stock";
    case alert_kind::pack_retired: return "pack_retired";
  }
  return "station_offline";
}

bool from_string(std::string_view s, alert_kind& out) noexcept {
  for (auto v : {alert_kind::station_offline, alert_kind::slot_fault, alert_kind::over_temperature,
                 alert_kind::door_open, alert_kind::low_stock, alert_kind::pack_retired})
    if (to_string(v) == s) {
      out = v;
      return true;
    }
  return false;
}

std::string_view to_string(wo_state s) noexcept {
  switch (s) {
    case wo_state::open: return "open";
    case wo_state::assigned: return "assigned";
    case wo_state::en_route: return "en_route";
    case wo_state::on_site: return "on_site";
    case wo_state::resolved: return "resolved";
  }
  return "open";
}

bool from_string(std::string_view s, wo_state& out) noexcept {
  for (auto v : {wo_state::open, wo_state::assigned, wo_state::en_route, wo_state::on_site, wo_state::resolved})
    if (to_string(v) == s) {
      out = v;
      return true;
    }
  return false;
}

std::chrono::minutes sla_policy::for_kind(alert_kind k) const noexcept {
  switch (k) {
    case alert_kind::station_offline: return station_offline;
    case alert_kind::slot_fault: return slot_fault;
    case alert_kind::over_temperature: return over_temperature;
    case alert_kind::door_open: return door_open;
    case alert_kind::low_stock: return low_stock;
    case alert_kind::pack_retired: return pack_retired;
  }
  return station_offline;
}

work_order open_work_order(std::int64_t id, std::string station_sn, alert_kind kind, int slot, unix_ms now,
                           const sla_policy& sla) {
  work_order w;
  w.id = id;
  w.station_sn = std::move(station_sn);
  w.alert = kind;
  w.slot = slot;
  w.opened_at = now;
  w.updated_at = now;
  w.due_at = now + sla.for_kind(kind);
  return w;
}

status advance(work_order& w, wo_state to, unix_ms now, const std::string& agent_id) {
  auto refuse = [&](std::string why) {
    return error{errc::work_order_transition, "work order " + std::to_string(w.id) + ": " +
                                                  std::string{to_string(w.state)} + " -> " +
                                                  std::string{to_string(to)} + " " + why};
  };
  const wo_state from = w.state;
  bool ok = false;
  switch (to) {
    case wo_state::assigned: ok = from == wo_state::open; break;
    case wo_state::en_route: ok = from == wo_state::assigned; break;
    case wo_state::on_site: ok = from == wo_state::en_route; break;
    case wo_state::resolved: ok = from != wo_state::resolved; break;
    case wo_state::open: ok = from != wo_state::resolved && from != wo_state::open; break;
  }
  if (!ok) return refuse("is not allowed");
  if (to == wo_state::assigned && agent_id.empty()) return refuse("needs an agent");
  w.state = to;
  w.updated_at = now;
  if (to == wo_state::assigned) w.agent_id = agent_id;
  if (to == wo_state::open) w.agent_id.clear();
  if (to == wo_state::on_site) w.on_site_at = now;
  if (to == wo_state::resolved) w.resolved_at = now;
  return done{};
}

bool sla_breached(const work_order& w, unix_ms now) noexcept {
  if (w.resolved_at) return *w.resolved_at > w.due_at;
  return now >= w.due_at;
}

int escalation_level(const work_order& w, unix_ms now, const sla_policy& sla) noexcept {
  if (w.resolved_at || now < w.due_at) return 0;
  auto every = sla.escalate_every.count() > 0 ? sla.escalate_every : std::chrono::minutes{60};
  return 1 + static_cast<int>((now - w.due_at) / every);
}

}  // namespace swaptwin::twin
