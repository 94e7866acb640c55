// The operator's view of the back office and the feed's messages (feed_view.hpp).
#include "adapters/feed_view.hpp"

#include <algorithm>
#include <stdexcept>

#include <date/tz.h>

#include "adapters/sqlite.hpp"
#include "twin/money.hpp"

namespace swaptwin::adapters {

using namespace twin;

twin::slot_state shown_slot_state(const station& s, const slot& sl) {
  const auto& off = s.desired.disabled_slots;
  if (sl.state == slot_state::disabled || std::find(off.begin(), off.end(), sl.index) != off.end())
    return slot_state::disabled;
  return sl.state;
}

int ready_packs(const station& s) {
  int n = 0;
  for (const auto& sl : s.slots)
    if (shown_slot_state(s, sl) == slot_state::ready) ++n;
  return n;
}

std::string words(std::string_view name) {
  std::string out{name};
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

alert_severity severity_of(alert_kind k) {
  switch (k) {
    case alert_kind::station_offline:
    case alert_kind::slot_fault:
    case alert_kind::over_temperature: return alert_severity::critical;
    case alert_kind::door_open:
    case alert_kind::low_stock: return alert_severity::warning;
    default: return alert_severity::info;
  }
}

std::string work_order_label(std::int64_t id) { return "WO-" + std::to_string(id); }

std::string alert_text(const work_order& w) {
  std::string what;
  switch (w.alert) {
    case alert_kind::station_offline: what = "Station offline"; break;
    case alert_kind::slot_fault: what = "Slot fault"; break;
    case alert_kind::over_temperature: what = "Over temperature"; break;
    case alert_kind::door_open: what = "Door left open"; break;
    case alert_kind::low_stock: what = "Low stock of ready packs"; break;
    default: what = "Pack due for retirement"; break;
  }
  if (w.slot > 0) what += " (slot " + std::to_string(w.slot) + ")";
  return what + ", work order " + work_order_label(w.id) + " " + words(to_string(w.state));
}

std::pair<shown_agent_state, std::int64_t> agent_activity(const agent& a, const std::vector<work_order>& open_sorted) {
  auto state = a.state == agent_state::off_shift ? shown_agent_state::offline
               : a.state == agent_state::busy    ? shown_agent_state::working
                                                 : shown_agent_state::idle;
  for (const auto& w : open_sorted) {
    if (w.agent_id != a.id) continue;
    if (w.state == wo_state::on_site) state = shown_agent_state::working;
    else if (w.state == wo_state::en_route || w.state == wo_state::assigned) state = shown_agent_state::travelling;
    return {state, w.id};
  }
  return {state, 0};
}

std::vector<work_order> open_work_orders_sorted(store& db) {
  auto open = db.work_orders(true);
  std::sort(open.begin(), open.end(), [](const work_order& a, const work_order& b) {
    return a.opened_at != b.opened_at ? a.opened_at < b.opened_at : a.id < b.id;
  });
  return open;
}

int utc_offset_minutes(const std::string& tz, unix_ms now) {
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(tz);
  } catch (const std::exception&) {
    throw std::invalid_argument("unknown time zone \"" + tz + "\" (use an IANA name like Africa/Nairobi or UTC)");
  }
  auto info = zone->get_info(std::chrono::time_point_cast<std::chrono::seconds>(now));
  return static_cast<int>(info.offset.count() / 60);
}

std::array<int, 24> swaps_per_hour(store& db, unix_ms day_start, unix_ms day_end) {
  std::array<int, 24> out{};
  auto q = db.db().prepare("SELECT (at_ms - ?1) / 3600000, count(*) FROM swaps WHERE at_ms >= ?1 AND at_ms < ?2 GROUP BY 1");
  q->bind_all(to_ms(day_start), to_ms(day_end));
  while (q->step()) out[static_cast<std::size_t>(std::clamp<std::int64_t>(q->int64(0), 0, 23))] += q->integer(1);
  return out;
}

std::string operator_timezone(store& db) {
  auto tz = db.setting("timezone");
  if (!tz || tz->empty() || !known_timezone(*tz)) return "UTC";
  return *tz;
}

v1::FeedStation feed_station(const station& s, const std::map<std::string, double>& temperature_c) {
  v1::FeedStation v;
  v.set_sn(s.sn);
  v.set_name(s.name());
  v.mutable_location()->set_lat(s.location.lat);
  v.mutable_location()->set_lon(s.location.lon);
  v.set_online(s.link.online);
  v.set_pending(s.reg == registration::pending);
  v.set_last_seen_ms(s.link.last_seen ? to_ms(*s.link.last_seen) : 0);
  int ready = 0;
  for (const auto& sl : s.slots) {
    auto* f = v.add_slots();
    f->set_index(sl.index);
    const auto shown = shown_slot_state(s, sl);
    switch (shown) {
      case slot_state::charging: f->set_state(v1::FEED_SLOT_STATE_CHARGING); break;
      case slot_state::ready: f->set_state(v1::FEED_SLOT_STATE_READY); ++ready; break;
      case slot_state::fault: f->set_state(v1::FEED_SLOT_STATE_FAULT); break;
      case slot_state::disabled: f->set_state(v1::FEED_SLOT_STATE_DISABLED); break;
      default: f->set_state(v1::FEED_SLOT_STATE_EMPTY); break;
    }
    if (sl.battery_sn.empty()) continue;
    f->set_pack_sn(sl.battery_sn);
    f->set_model(sl.model_id);
    f->set_soc_percent(static_cast<int>(sl.soc * 100 + 0.5));
    auto t = temperature_c.find(sl.battery_sn);
    if (t != temperature_c.end()) f->set_temperature_c(t->second);
  }
  v.set_ready_packs(ready);
  return v;
}

std::optional<v1::FeedStation> read_feed_station(store& db, const std::string& sn) {
  auto s = db.station(sn);
  if (!s || s->reg == registration::rejected) return std::nullopt;
  std::map<std::string, double> temperature;
  for (const auto& sl : s->slots) {
    if (sl.battery_sn.empty()) continue;
    if (auto b = db.battery(sl.battery_sn)) temperature[b->sn] = b->temperature_c;
  }
  return feed_station(*s, temperature);
}

std::map<std::string, v1::FeedStation> read_feed_stations(store& db) {
  std::map<std::string, double> temperature;  // of the packs in slots: two columns, not whole batteries
  {
    auto q = db.db().prepare("SELECT sn, temperature_c FROM batteries WHERE place = 'slot'");
    while (q->step()) temperature.emplace(q->text(0), q->real(1));
  }
  std::map<std::string, v1::FeedStation> out;
  for (const auto& s : db.stations())
    if (s.reg != registration::rejected) out.emplace(s.sn, feed_station(s, temperature));
  return out;
}

v1::FeedWorkOrder feed_work_order(const work_order& w) {
  v1::FeedWorkOrder v;
  v.set_id(work_order_label(w.id));
  v.set_station_sn(w.station_sn);
  v.set_kind(std::string{to_string(w.alert)});
  v.set_state(std::string{to_string(w.state)});
  v.set_agent_id(w.agent_id);
  v.set_sla_due_ms(to_ms(w.due_at));
  return v;
}

v1::FeedAlert feed_alert(const work_order& w) {
  v1::FeedAlert v;
  v.set_at_ms(to_ms(w.opened_at));
  switch (severity_of(w.alert)) {
    case alert_severity::critical: v.set_severity(v1::FEED_SEVERITY_CRITICAL); break;
    case alert_severity::warning: v.set_severity(v1::FEED_SEVERITY_WARNING); break;
    default: v.set_severity(v1::FEED_SEVERITY_INFO); break;
  }
  v.set_station_sn(w.station_sn);
  v.set_text(alert_text(w));
  return v;
}

std::map<std::string, v1::FeedAgent> feed_agents(store& db, const std::vector<work_order>& open_sorted) {
  std::map<std::string, v1::FeedAgent> out;
  for (const auto& a : db.agents()) {
    v1::FeedAgent v;
    v.set_id(a.id);
    v.mutable_position()->set_lat(a.base.lat);
    v.mutable_position()->set_lon(a.base.lon);
    const auto [state, order] = agent_activity(a, open_sorted);
    switch (state) {
      case shown_agent_state::travelling: v.set_state("travelling"); break;
      case shown_agent_state::working: v.set_state("working"); break;
      case shown_agent_state::offline: v.set_state("offline"); break;
      default: v.set_state("idle"); break;
    }
    if (order > 0) v.set_work_order_id(work_order_label(order));
    out.emplace(a.id, std::move(v));
  }
  return out;
}

v1::FeedDashboard read_feed_dashboard(store& db, unix_ms now, const std::string& tz, std::set<std::string>* currencies) {
  auto d = db.dashboard_at(now, tz);
  if (!d) throw std::invalid_argument(d.err().what());
  v1::FeedDashboard v;
  for (const auto& [cur, minor] : d->revenue_today) {
    auto* m = v.add_revenue_today();
    m->set_currency(cur);
    m->set_minor(minor);
    if (currencies) currencies->insert(cur);
  }
  v.set_riders_today(static_cast<int>(d->riders_active_today));
  for (const auto& [kind, count] : d->plans_sold_today) {
    auto* p = v.add_plans_sold_today();
    p->set_kind(kind);
    p->set_count(static_cast<int>(count));
  }
  for (int n : swaps_per_hour(db, d->day_start, d->day_end)) v.add_swaps_per_hour(n);
  v.set_stations_online(static_cast<int>(d->stations_online));
  v.set_stations_offline(static_cast<int>(d->stations_offline));
  v.set_open_work_orders(static_cast<int>(d->work_orders_open));
  return v;
}

v1::FeedCurrency feed_currency(const std::string& code) {
  v1::FeedCurrency v;
  v.set_code(code);
  v.set_decimals(2);
  if (auto info = find_currency(code)) {
    v.set_decimals(info->minor_digits);
    v.set_symbol(std::string{info->symbol});
  }
  return v;
}

std::set<std::string> used_currencies(store& db) {
  std::set<std::string> out;
  for (const auto& p : db.plans())
    if (!p.retired) out.insert(p.currency);
  for (const auto& d : db.deposits()) out.insert(d.amount.currency);
  for (const auto& c : db.countries()) out.insert(c.currency);
  return out;
}

}  // namespace swaptwin::adapters
