// The viewer's view model from the back-office database (see viewer_model_from_db.hpp).
#include "app/viewer_model_from_db.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include "twin/money.hpp"
#include "viewer/format.hpp"

namespace swaptwin::app {

namespace {

using namespace twin;
namespace vw = viewer;

std::int64_t ms(unix_ms t) { return t.time_since_epoch().count(); }

vw::money_amount amount(std::int64_t minor, const std::string& currency) { return vw::money_amount{currency, minor}; }

}  // namespace

// The rules the other sources share (declared in the header).

vw::slot_state slot_view_state(const station& s, const slot& sl) {
  switch (adapters::shown_slot_state(s, sl)) {
    case slot_state::disabled: return vw::slot_state::disabled;
    case slot_state::charging: return vw::slot_state::charging;
    case slot_state::ready: return vw::slot_state::ready;
    case slot_state::fault: return vw::slot_state::fault;
    default: return vw::slot_state::empty;
  }
}

// "station SZ-0001 slot 3", "rider R-12", "warehouse", "in transit".
std::string where(const battery& b) {
  switch (b.place) {
    case pack_place::slot: {
      auto colon = b.place_ref.rfind(':');
      if (colon == std::string::npos) return "station " + b.place_ref;
      return "station " + b.place_ref.substr(0, colon) + " slot " + b.place_ref.substr(colon + 1);
    }
    case pack_place::rider: return "rider " + b.place_ref;
    case pack_place::transit: return b.place_ref.empty() ? "in transit" : "in transit: " + b.place_ref;
    default: return "warehouse";
  }
}

vw::kyc_state kyc_of(kyc_status k) {
  switch (k) {
    case kyc_status::pending: return vw::kyc_state::pending;
    case kyc_status::verified: return vw::kyc_state::verified;
    case kyc_status::rejected: return vw::kyc_state::rejected;
    default: return vw::kyc_state::unverified;
  }
}

// "month", "per km", "km bundle", "per swap", "swap bundle", "per kWh".
std::string plan_kind_text(const plan& p) {
  switch (p.kind) {
    case plan_kind::period: return std::string{to_string(p.period)};
    case plan_kind::distance: return p.bundle_km > 0 ? "km bundle" : "per km";
    case plan_kind::cycles: return p.bundle_swaps > 0 ? "swap bundle" : "per swap";
    default: return "per kWh";
  }
}

vw::alert_severity severity_of(alert_kind k) {
  switch (adapters::severity_of(k)) {
    case adapters::alert_severity::critical: return vw::alert_severity::critical;
    case adapters::alert_severity::warning: return vw::alert_severity::warning;
    default: return vw::alert_severity::info;
  }
}

vw::currency_format format_of(const std::string& code) {
  vw::currency_format f{code, {}, 2};
  if (auto info = find_currency(code)) {
    f.decimals = info->minor_digits;
    f.symbol = std::string{info->symbol};  // format_money shows the code when the font lacks a glyph
  }
  return f;
}

namespace {

void fill_stations(adapters::store& db, vw::view_model& vm) {
  std::map<std::string, double> temperature;  // pack SN -> last temperature
  for (auto& b : db.batteries()) {
    temperature[b.sn] = b.temperature_c;
    vw::battery_view v;
    v.sn = b.sn;
    v.model = b.model_id;
    v.soh_percent = static_cast<int>(b.soh * 100 + 0.5);
    v.cycles = static_cast<int>(b.cycles);
    v.where = where(b);
    vm.batteries.push_back(std::move(v));
  }
  for (auto& s : db.stations()) {
    if (s.reg == registration::rejected) continue;
    vw::station_view v;
    v.sn = s.sn;
    v.name = s.name();
    v.lat = s.location.lat;
    v.lon = s.location.lon;
    v.online = s.link.online;
    v.pending = s.reg == registration::pending;
    v.last_seen_ms = s.link.last_seen ? ms(*s.link.last_seen) : 0;
    for (auto& sl : s.slots) {
      vw::slot_view slot;
      slot.index = sl.index;
      slot.state = slot_view_state(s, sl);
      slot.pack_sn = sl.battery_sn;
      slot.soc_percent = static_cast<int>(sl.soc * 100 + 0.5);
      auto t = temperature.find(sl.battery_sn);
      slot.temperature_c = t == temperature.end() ? 0.0 : t->second;
      if (slot.state == vw::slot_state::ready) ++v.ready_packs;
      v.slots.push_back(std::move(slot));
    }
    v.category = station_category_of(s, v.ready_packs);
    vm.stations.push_back(std::move(v));
  }
}

void fill_people(adapters::store& db, vw::view_model& vm, std::set<std::string>& currencies) {
  std::map<std::string, std::string> plan_names;
  for (auto& p : db.plans()) {
    plan_names[p.id] = p.name;
    if (p.retired) continue;
    currencies.insert(p.currency);
    vm.plans.push_back({p.id, plan_kind_text(p), p.name, amount(p.price_minor > 0 ? p.price_minor : p.unit_price_minor, p.currency)});
  }
  for (auto& d : db.deposits()) {
    currencies.insert(d.amount.currency);
    vm.deposits.push_back({d.model_id, amount(d.amount.minor, d.amount.currency)});
  }
  for (auto& r : db.riders()) {
    vw::rider_view v;
    v.id = r.id;
    v.kyc = kyc_of(r.kyc);
    if (r.plan) {
      auto n = plan_names.find(r.plan->plan_id);
      v.plan = n == plan_names.end() ? r.plan->plan_id : n->second;
    }
    for (auto& [model, m] : r.deposits) {  // one currency per rider (their country's)
      if (v.deposit.currency.empty()) v.deposit.currency = m.currency;
      if (v.deposit.currency == m.currency) v.deposit.minor += m.minor;
    }
    if (!v.deposit.currency.empty()) currencies.insert(v.deposit.currency);
    vm.riders.push_back(std::move(v));
  }
}

void fill_work(adapters::store& db, vw::view_model& vm) {
  const auto open = adapters::open_work_orders_sorted(db);
  for (auto& w : open) {
    vw::work_order_view v;
    v.id = adapters::work_order_label(w.id);
    v.station_sn = w.station_sn;
    v.kind = words(to_string(w.alert));
    v.state = words(to_string(w.state));
    v.agent_id = w.agent_id;
    v.sla_due_ms = ms(w.due_at);
    vm.work_orders.push_back(v);
    vm.alerts.push_back({ms(w.opened_at), severity_of(w.alert), w.station_sn, alert_text(w)});
  }
  for (auto& a : db.agents()) {
    vw::agent_view v;
    v.id = a.id;
    v.lat = a.base.lat;
    v.lon = a.base.lon;
    const auto [shown, order] = adapters::agent_activity(a, open);
    switch (shown) {
      case adapters::shown_agent_state::offline: v.state = vw::agent_state::offline; break;
      case adapters::shown_agent_state::working: v.state = vw::agent_state::working; break;
      case adapters::shown_agent_state::travelling: v.state = vw::agent_state::travelling; break;
      default: v.state = vw::agent_state::idle; break;
    }
    if (order != 0) v.work_order_id = adapters::work_order_label(order);
    vm.agents.push_back(std::move(v));
  }
}

void fill_dashboard(adapters::store& db, unix_ms now, const std::string& tz, vw::view_model& vm,
                    std::set<std::string>& currencies) {
  auto d = db.dashboard_at(now, tz);
  if (!d) throw std::invalid_argument(d.err().what());
  auto& out = vm.dashboard;
  for (auto& [cur, minor] : d->revenue_today) {
    out.revenue_today.push_back(amount(minor, cur));
    currencies.insert(cur);
  }
  out.riders_today = static_cast<int>(d->riders_active_today);
  for (auto& [kind, count] : d->plans_sold_today) out.plans_sold_today.push_back({kind, static_cast<int>(count)});
  out.stations_online = static_cast<int>(d->stations_online);
  out.stations_offline = static_cast<int>(d->stations_offline);
  out.open_work_orders = static_cast<int>(d->work_orders_open);
  const auto hours = adapters::swaps_per_hour(db, d->day_start, d->day_end);  // one query, not every swap ever
  for (std::size_t h = 0; h < hours.size(); ++h) out.swaps_per_hour[h] = static_cast<float>(hours[h]);
}

}  // namespace

viewer::station_category station_category_of(const station& s, int ready_packs) {
  // As shown: a faulted slot the operator has disabled is out of service, not a fault to attend to
  // (the live feed sends slots as shown, so all sources agree).
  const bool fault = std::any_of(s.slots.begin(), s.slots.end(),
                                 [&](const slot& sl) { return slot_view_state(s, sl) == vw::slot_state::fault; });
  return viewer::category_of(s.link.online, fault, ready_packs);
}

viewer::view_model model_from_store(adapters::store& db, unix_ms now, const std::string& tz) {
  vw::view_model vm;
  vm.now_ms = ms(now);
  vm.utc_offset_minutes = utc_offset_minutes(tz, now);
  vm.time_zone_name = tz;
  std::set<std::string> currencies;
  fill_stations(db, vm);
  fill_people(db, vm, currencies);
  fill_work(db, vm);
  fill_dashboard(db, now, tz, vm, currencies);
  for (auto& c : currencies) vm.currencies.push_back(format_of(c));
  return vm;
}

}  // namespace swaptwin::app
