// The viewer's view model from a simulation in this process (see viewer_model_from_sim.hpp).
// What costs: metro has 1,000 stations with 12,000 slots, 150,000 riders and as many packs. The
// stations an event touched are rebuilt in full each update and the others get only their link
// (heartbeats move "last seen" without an event); of the riders and packs only those an event
// touched are updated: a swap hands the issued pack to its rider and docks the one the rider held
// (the model keeps who holds what). Rare events that take a pack out of service (retired, removed)
// rebuild the pack list once.
#include "app/viewer_model_from_sim.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include <date/tz.h>

#include "app/viewer_model_from_db.hpp"
#include "twin/ledger.hpp"

namespace swaptwin::app {

namespace {
namespace vw = viewer;

std::int64_t ms(twin::unix_ms t) { return t.time_since_epoch().count(); }

// "Station offline" from "station_offline".
std::string sentence(const std::string& kind) {
  auto out = words(kind);
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

vw::alert_severity severity_of_text(const std::string& kind) {
  twin::alert_kind k = twin::alert_kind::station_offline;
  if (!twin::from_string(kind, k)) return vw::alert_severity::info;
  return severity_of(k);
}
}  // namespace

sim_model::sim_model(const scenarios::scenario& sc, sim_model_options o)
    : sc_{&sc}, opt_{std::move(o)}, tz_{opt_.tz.empty() ? sc.time_zone : opt_.tz} {
  (void)utc_offset_minutes(tz_, sc.start);  // throws std::invalid_argument for an unknown zone
  for (std::size_t i = 0; i < sc.stations.size(); ++i) station_index_[sc.stations[i].sn] = i;
  station_dirty_.assign(sc.stations.size(), true);
  for (const auto& p : sc.plans) plan_names_[p.id] = p.name;
  std::set<std::string> cur;
  for (const auto& p : sc.plans) cur.insert(p.currency);
  for (const auto& d : sc.deposits) cur.insert(d.amount.currency);
  for (const auto& c : sc.countries) cur.insert(c.currency);
  currencies_.assign(cur.begin(), cur.end());
}

sim_model::day_bounds sim_model::day_of(std::int64_t t_ms) const {
  // As the store's dashboard: the local calendar day containing t in the operator's zone.
  const auto* zone = date::locate_zone(tz_);
  const auto t = twin::from_ms(t_ms);
  const auto day = date::floor<date::days>(zone->to_local(t));
  auto utc = [&](date::local_days d) {
    return ms(std::chrono::time_point_cast<std::chrono::milliseconds>(zone->to_sys(d, date::choose::earliest)));
  };
  return {utc(day), utc(day + date::days{1})};
}

void sim_model::add_alert(std::int64_t at_ms, vw::alert_severity sev, const std::string& sn, std::string text) {
  if (alerts_.size() >= opt_.max_alerts && !alerts_.empty())
    alerts_.erase(alerts_.begin(), alerts_.begin() + static_cast<std::ptrdiff_t>(alerts_.size() - opt_.max_alerts + 1));
  alerts_.push_back({at_ms, sev, sn, std::move(text)});
  alerts_dirty_ = true;
}

void sim_model::on_event(const actors::sim_event& e) {
  if (auto it = station_index_.find(e.station_sn); it != station_index_.end()) station_dirty_[it->second] = true;
  const auto& k = e.kind;
  if (k == "swap") {
    if (auto it = station_index_.find(e.station_sn); it != station_index_.end() && !e.text.empty())
      handed_out_.push_back({e.text, e.rider_id, it->second});
    riders_touched_.insert(e.rider_id);
    if (e.at_ms >= event_day_.end_ms || e.at_ms < event_day_.start_ms) {
      if (e.at_ms >= event_day_.end_ms) {  // a new local day: today's counts start again
        event_day_ = day_of(e.at_ms);
        swaps_per_hour_ = {};
        riders_today_.clear();
      } else {
        return;  // stamped before the day being counted (not seen in a run: events come in order)
      }
    }
    if (!e.text.empty()) {  // a pack went out: a swap, as the store counts them
      const auto hour = (e.at_ms - event_day_.start_ms) / 3'600'000;
      swaps_per_hour_[static_cast<std::size_t>(std::clamp<std::int64_t>(hour, 0, 23))] += 1.0f;
    }
    riders_today_.insert(e.rider_id);
  } else if (k == "retired" || k == "removed") {
    batteries_all_ = true;
  } else if (k == "charge") {
    riders_touched_.insert(e.rider_id);
  } else if (k == "alert") {
    work_dirty_ = true;
    auto text = sentence(e.code);
    if (e.value2 > 0) text += " (slot " + std::to_string(e.value2) + ")";
    add_alert(e.at_ms, severity_of_text(e.code), e.station_sn, text + ", work order WO-" + std::to_string(e.value) + " opened");
  } else if (k == "escalated") {
    work_dirty_ = true;
    add_alert(e.at_ms, vw::alert_severity::warning, e.station_sn,
              "No free agent for work order WO-" + std::to_string(e.value) + " (" + words(e.code) + ")");
  } else if (k == "resolved") {
    work_dirty_ = true;
    add_alert(e.at_ms, vw::alert_severity::info, e.station_sn, sentence(e.code) + " resolved, work order WO-" + e.text);
  } else if (k == "assigned" || k == "on_site") {
    work_dirty_ = true;
  } else if (k == "online") {
    add_alert(e.at_ms, vw::alert_severity::info, e.station_sn, "Station back online");
  }
}

void sim_model::fill_static(vw::view_model& vm) {
  vm.plans.clear();
  for (const auto& p : sc_->plans)
    vm.plans.push_back({p.id, plan_kind_text(p), p.name,
                        vw::money_amount{p.currency, p.price_minor > 0 ? p.price_minor : p.unit_price_minor}});
  vm.deposits.clear();
  for (const auto& d : sc_->deposits) vm.deposits.push_back({d.model_id, vw::money_amount{d.amount.currency, d.amount.minor}});
  vm.currencies.clear();
  for (const auto& c : currencies_) vm.currencies.push_back(format_of(c));
  vm.time_zone_name = tz_;
}

void sim_model::fill_station(const scenarios::sim_session& s, std::size_t i, vw::station_view& v, bool full) {
  const auto& st = s.station(i);
  v.online = st.link.online;
  v.last_seen_ms = st.link.last_seen ? ms(*st.link.last_seen) : 0;
  if (full) {
    const auto& packs = s.station_packs(i);
    v.sn = st.sn;
    v.name = st.name();
    v.lat = st.location.lat;
    v.lon = st.location.lon;
    v.pending = st.reg == twin::registration::pending;
    v.ready_packs = 0;
    v.slots.resize(st.slots.size());
    for (std::size_t k = 0; k < st.slots.size(); ++k) {
      const auto& sl = st.slots[k];
      auto& out = v.slots[k];
      out.index = sl.index;
      out.state = slot_view_state(st, sl);
      out.pack_sn = sl.battery_sn;
      out.soc_percent = static_cast<int>(sl.soc * 100 + 0.5);
      auto p = sl.battery_sn.empty() ? packs.end() : packs.find(sl.battery_sn);
      out.temperature_c = p == packs.end() ? 0.0 : p->second.temperature_c;
      if (out.state == vw::slot_state::ready) ++v.ready_packs;
    }
  }
  v.category = station_category_of(st, v.ready_packs);
}

void sim_model::fill_batteries(const scenarios::sim_session& s, vw::view_model& vm) {
  std::size_t n = 0;
  auto next = [&]() -> vw::battery_view& {
    if (n == vm.batteries.size()) vm.batteries.emplace_back();
    return vm.batteries[n++];
  };
  for (std::size_t i = 0; i < s.station_count(); ++i)
    for (const auto& [sn, b] : s.station_packs(i)) {
      auto& v = next();
      v.sn = b.sn;
      v.model = b.model_id;
      v.soh_percent = static_cast<int>(b.soh * 100 + 0.5);
      v.cycles = static_cast<int>(b.cycles);
      v.where = where(b);
    }
  held_.clear();
  for (const auto& h : s.held_packs()) {
    held_[h.rider_id] = h.sn;
    auto& v = next();
    v.sn = h.sn;
    v.model = h.model_id;
    v.soh_percent = static_cast<int>(h.soh * 100 + 0.5);
    v.cycles = static_cast<int>(h.cycles);
    v.where.assign("rider ").append(h.rider_id);
  }
  vm.batteries.resize(n);
  battery_pos_.clear();
  for (std::size_t i = 0; i < n; ++i) battery_pos_[vm.batteries[i].sn] = i;
}

void sim_model::update_batteries(const scenarios::sim_session& s, vw::view_model& vm) {
  // A swap hands the issued pack to the rider and docks the one the rider held: only those two move.
  for (const auto& h : handed_out_) {
    auto& held = held_[h.rider];
    const std::string returned = std::move(held);
    held = h.issued_sn;
    if (auto it = battery_pos_.find(h.issued_sn); it != battery_pos_.end())
      vm.batteries[it->second].where.assign("rider ").append(h.rider);
    if (returned.empty()) continue;
    const auto& packs = s.station_packs(h.station);
    auto b = packs.find(returned);
    auto it = battery_pos_.find(returned);
    if (b == packs.end() || it == battery_pos_.end()) continue;
    auto& v = vm.batteries[it->second];
    v.soh_percent = static_cast<int>(b->second.soh * 100 + 0.5);
    v.cycles = static_cast<int>(b->second.cycles);
    v.where = where(b->second);
  }
}

void sim_model::fill_riders(const scenarios::sim_session& s, vw::view_model& vm) {
  if (rider_order_.empty()) {
    for (const auto& [id, r] : s.accounts()) rider_order_.push_back(&r);
    std::sort(rider_order_.begin(), rider_order_.end(), [](auto* a, auto* b) { return a->id < b->id; });
  }
  vm.riders.resize(rider_order_.size());
  rider_pos_.clear();
  for (std::size_t i = 0; i < rider_order_.size(); ++i) {
    update_rider(*rider_order_[i], vm.riders[i]);
    rider_pos_[rider_order_[i]->id] = i;
  }
}

void sim_model::update_rider(const twin::rider& r, vw::rider_view& v) const {
  v.id = r.id;
  v.kyc = kyc_of(r.kyc);
  v.plan.clear();
  if (r.plan) {
    auto n = plan_names_.find(r.plan->plan_id);
    v.plan = n == plan_names_.end() ? r.plan->plan_id : n->second;
  }
  v.deposit = {};
  for (const auto& [model, m] : r.deposits) {  // one currency per rider (their country's)
    if (v.deposit.currency.empty()) v.deposit.currency = m.currency;
    if (v.deposit.currency == m.currency) v.deposit.minor += m.minor;
  }
}

void sim_model::fill_work(const scenarios::sim_session& s, vw::view_model& vm) {
  vm.work_orders.clear();
  for (const auto& [id, w] : s.work_orders()) {  // by id: in order of opening
    if (w.state == twin::wo_state::resolved) continue;
    vm.work_orders.push_back({"WO-" + std::to_string(w.id), w.station_sn, words(twin::to_string(w.alert)),
                              words(twin::to_string(w.state)), w.agent_id, ms(w.due_at)});
  }
}

void sim_model::fill_dashboard(const scenarios::sim_session& s, vw::view_model& vm) {
  const auto now = s.now_ms();
  // The ledger's new postings, in order: revenue (the twin's rule, net of tax) and plans sold.
  const auto& postings = s.ledger().postings();
  for (; ledger_seen_ < postings.size(); ++ledger_seen_) {
    const auto& p = postings[ledger_seen_];
    const auto at = ms(p.at);
    if (at >= ledger_day_.end_ms) {
      ledger_day_ = day_of(at);
      revenue_today_.clear();
      plans_sold_today_.clear();
    }
    if (at < ledger_day_.start_ms) continue;
    if (twin::is_revenue(p.kind)) revenue_today_[p.amount.currency] += p.amount.minor;
    if (p.kind == twin::posting_kind::plan_purchase && p.plan) ++plans_sold_today_[std::string{twin::to_string(*p.plan)}];
  }
  auto& d = vm.dashboard;
  const auto today = day_of(now);
  d.revenue_today.clear();
  d.plans_sold_today.clear();
  if (ledger_day_.start_ms == today.start_ms) {
    for (const auto& [cur, minor] : revenue_today_) d.revenue_today.push_back({cur, minor});
    for (const auto& [kind, count] : plans_sold_today_) d.plans_sold_today.push_back({kind, count});
  }
  const bool events_today = event_day_.start_ms == today.start_ms;
  d.riders_today = events_today ? static_cast<int>(riders_today_.size()) : 0;
  d.swaps_per_hour = events_today ? swaps_per_hour_ : std::array<float, 24>{};
  d.stations_online = d.stations_offline = 0;
  for (const auto& st : vm.stations) ++(st.online ? d.stations_online : d.stations_offline);
  d.open_work_orders = static_cast<int>(vm.work_orders.size());
}

void sim_model::update(const scenarios::sim_session& s, vw::view_model& vm, bool rebuild_all) {
  if (!built_ || rebuild_all) {
    fill_static(vm);
    all_dirty_ = batteries_all_ = work_dirty_ = alerts_dirty_ = true;
  }
  vm.now_ms = s.now_ms();
  vm.utc_offset_minutes = utc_offset_minutes(tz_, twin::from_ms(vm.now_ms));
  vm.stations.resize(s.station_count());
  for (std::size_t i = 0; i < s.station_count(); ++i) {
    fill_station(s, i, vm.stations[i], all_dirty_ || station_dirty_[i]);
    station_dirty_[i] = false;
  }
  all_dirty_ = false;
  const auto& orders = s.work_orders();
  vm.agents.clear();
  for (const auto& a : s.agents()) {
    vw::agent_view v{a.id, a.position.lat, a.position.lon, a.on_shift ? vw::agent_state::idle : vw::agent_state::offline, {}};
    if (auto w = orders.find(a.work_order); a.work_order && w != orders.end()) {
      v.work_order_id = "WO-" + std::to_string(a.work_order);
      v.state = w->second.state == twin::wo_state::on_site ? vw::agent_state::working : vw::agent_state::travelling;
    }
    vm.agents.push_back(std::move(v));
  }
  if (work_dirty_) fill_work(s, vm);
  work_dirty_ = false;
  if (alerts_dirty_ || rebuild_all) vm.alerts = alerts_;
  alerts_dirty_ = false;
  if (batteries_all_) fill_batteries(s, vm);
  else update_batteries(s, vm);
  if (!built_ || rebuild_all) {
    fill_riders(s, vm);
  } else {
    const auto& accounts = s.accounts();
    for (const auto& id : riders_touched_) {
      auto pos = rider_pos_.find(id);
      auto r = accounts.find(id);
      if (pos != rider_pos_.end() && r != accounts.end()) update_rider(r->second, vm.riders[pos->second]);
    }
  }
  batteries_all_ = false;
  handed_out_.clear();
  riders_touched_.clear();
  fill_dashboard(s, vm);
  built_ = true;
}

}  // namespace swaptwin::app
