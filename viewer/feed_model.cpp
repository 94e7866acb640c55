// The operator feed applied to a view model (see feed_model.hpp).
#include "viewer/feed_model.hpp"

#include <algorithm>
#include <string>

#include "viewer/format.hpp"

namespace swaptwin::viewer {

namespace {

slot_state slot_state_of(v1::FeedSlotState s) {
  switch (s) {
    case v1::FEED_SLOT_STATE_CHARGING: return slot_state::charging;
    case v1::FEED_SLOT_STATE_READY: return slot_state::ready;
    case v1::FEED_SLOT_STATE_RESERVED: return slot_state::reserved;
    case v1::FEED_SLOT_STATE_FAULT: return slot_state::fault;
    case v1::FEED_SLOT_STATE_DISABLED: return slot_state::disabled;
    default: return slot_state::empty;
  }
}

alert_severity severity_of(v1::FeedSeverity s) {
  switch (s) {
    case v1::FEED_SEVERITY_WARNING: return alert_severity::warning;
    case v1::FEED_SEVERITY_CRITICAL: return alert_severity::critical;
    default: return alert_severity::info;
  }
}

agent_state agent_state_of(const std::string& s) {
  if (s == "travelling") return agent_state::travelling;
  if (s == "working") return agent_state::working;
  if (s == "offline") return agent_state::offline;
  return agent_state::idle;
}

// "slot_fault" -> "slot fault", "en_route" -> "en route": as the other sources show them.
std::string words(std::string s) {
  std::replace(s.begin(), s.end(), '_', ' ');
  return s;
}

money_amount money_of(const v1::Money& m) { return {m.currency(), m.minor()}; }

work_order_view work_order_of(const v1::FeedWorkOrder& w) {
  return {w.id(), w.station_sn(), words(w.kind()), words(w.state()), w.agent_id(), w.sla_due_ms()};
}

agent_view agent_of(const v1::FeedAgent& a) {
  return {a.id(), a.position().lat(), a.position().lon(), agent_state_of(a.state()), a.work_order_id()};
}

alert_view alert_of(const v1::FeedAlert& a) { return {a.at_ms(), severity_of(a.severity()), a.station_sn(), a.text()}; }

dashboard_view dashboard_of(const v1::FeedDashboard& d) {
  dashboard_view out;
  for (const auto& m : d.revenue_today()) out.revenue_today.push_back(money_of(m));
  out.riders_today = d.riders_today();
  for (const auto& p : d.plans_sold_today()) out.plans_sold_today.push_back({p.kind(), p.count()});
  const int hours = std::min(d.swaps_per_hour_size(), static_cast<int>(out.swaps_per_hour.size()));
  for (int h = 0; h < hours; ++h) out.swaps_per_hour[static_cast<std::size_t>(h)] = static_cast<float>(d.swaps_per_hour(h));
  out.stations_online = d.stations_online();
  out.stations_offline = d.stations_offline();
  out.open_work_orders = d.open_work_orders();
  return out;
}

void cap_alerts(view_model& vm) {
  if (vm.alerts.size() > max_feed_alerts)
    vm.alerts.erase(vm.alerts.begin(), vm.alerts.end() - static_cast<std::ptrdiff_t>(max_feed_alerts));
}

bool by_sn(const station_view& a, const station_view& b) { return a.sn < b.sn; }

void put_station(view_model& vm, station_view s) {
  auto it = std::lower_bound(vm.stations.begin(), vm.stations.end(), s, by_sn);
  if (it != vm.stations.end() && it->sn == s.sn) *it = std::move(s);
  else vm.stations.insert(it, std::move(s));
}

void remove_station(view_model& vm, const std::string& sn) {
  vm.stations.erase(std::remove_if(vm.stations.begin(), vm.stations.end(), [&](const station_view& s) { return s.sn == sn; }),
                    vm.stations.end());
}

void put_work_order(view_model& vm, const v1::FeedWorkOrder& w) {
  auto it = std::find_if(vm.work_orders.begin(), vm.work_orders.end(), [&](const work_order_view& v) { return v.id == w.id(); });
  if (w.state() == "resolved") {  // the model lists work orders not done
    if (it != vm.work_orders.end()) vm.work_orders.erase(it);
    return;
  }
  if (it != vm.work_orders.end()) *it = work_order_of(w);
  else vm.work_orders.push_back(work_order_of(w));
}

void put_agent(view_model& vm, const v1::FeedAgent& a) {
  auto it = std::find_if(vm.agents.begin(), vm.agents.end(), [&](const agent_view& v) { return v.id == a.id(); });
  if (it != vm.agents.end()) *it = agent_of(a);
  else vm.agents.push_back(agent_of(a));
}

}  // namespace

station_view station_from_feed(const v1::FeedStation& s) {
  station_view v;
  v.sn = s.sn();
  v.name = s.name();
  v.lat = s.location().lat();
  v.lon = s.location().lon();
  v.online = s.online();
  v.pending = s.pending();
  v.last_seen_ms = s.last_seen_ms();
  v.ready_packs = s.ready_packs();
  bool fault = false;
  for (const auto& sl : s.slots()) {
    slot_view slot;
    slot.index = sl.index();
    slot.state = slot_state_of(sl.state());
    slot.pack_sn = sl.pack_sn();
    slot.soc_percent = std::clamp(sl.soc_percent(), 0, 100);
    slot.temperature_c = sl.temperature_c();
    fault = fault || slot.state == slot_state::fault;
    v.slots.push_back(std::move(slot));
  }
  v.category = category_of(v.online, fault, v.ready_packs);
  return v;
}

void apply_snapshot(const v1::FeedSnapshot& snap, view_model& vm) {
  vm.stations.clear();
  vm.stations.reserve(static_cast<std::size_t>(snap.stations_size()));
  for (const auto& s : snap.stations()) vm.stations.push_back(station_from_feed(s));
  std::stable_sort(vm.stations.begin(), vm.stations.end(), by_sn);
  vm.dashboard = dashboard_of(snap.dashboard());
  vm.work_orders.clear();
  for (const auto& w : snap.work_orders())
    if (w.state() != "resolved") vm.work_orders.push_back(work_order_of(w));
  vm.agents.clear();
  for (const auto& a : snap.agents()) vm.agents.push_back(agent_of(a));
  vm.alerts.clear();
  for (const auto& a : snap.alerts()) vm.alerts.push_back(alert_of(a));
  cap_alerts(vm);
  vm.currencies.clear();
  for (const auto& c : snap.currencies())
    vm.currencies.push_back({c.code(), c.symbol(), c.decimals()});  // format_money falls back to the code
  vm.time_zone_name = snap.time_zone();
  vm.utc_offset_minutes = snap.utc_offset_minutes();
}

void apply_deltas(const v1::FeedDeltas& deltas, view_model& vm) {
  for (const auto& d : deltas.deltas()) {
    switch (d.change_case()) {
      case v1::FeedDelta::kStation: put_station(vm, station_from_feed(d.station())); break;
      case v1::FeedDelta::kStationRemoved: remove_station(vm, d.station_removed()); break;
      case v1::FeedDelta::kWorkOrder: put_work_order(vm, d.work_order()); break;
      case v1::FeedDelta::kAgent: put_agent(vm, d.agent()); break;
      case v1::FeedDelta::kAlert: vm.alerts.push_back(alert_of(d.alert())); break;
      case v1::FeedDelta::kDashboard: vm.dashboard = dashboard_of(d.dashboard()); break;
      default: break;  // a change this viewer does not know yet
    }
  }
  cap_alerts(vm);
}

feed_step feed_follower::apply(const v1::FeedMessage& m, view_model& vm) {
  feed_step step;
  if (m.has_snapshot()) {
    apply_snapshot(m.snapshot(), vm);
    synced_ = true;
    gap_reported_ = false;
    last_seq_ = m.seq();
    step.applied = step.snapshot = true;
    step.server_now_ms = m.snapshot().now_ms();
    return step;
  }
  if (!m.has_deltas()) return step;
  if (!synced_ || m.seq() != last_seq_ + 1) {
    step.gap = !gap_reported_;
    step.expected_seq = synced_ ? last_seq_ + 1 : 1;
    synced_ = false;
    gap_reported_ = true;
    return step;
  }
  apply_deltas(m.deltas(), vm);
  last_seq_ = m.seq();
  step.applied = true;
  step.server_now_ms = m.deltas().now_ms();
  return step;
}

}  // namespace swaptwin::viewer
