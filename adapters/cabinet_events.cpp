#include "adapters/cabinet_events.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "twin/authorize.hpp"
#include "twin/billing.hpp"
#include "twin/swap.hpp"
#include "twin/work_order.hpp"

namespace swaptwin::adapters {

using json = nlohmann::json;
using actors::cabinet_answer;
using actors::cabinet_swap;
using actors::pack_reading;

namespace {

// What a BatteryIn left for the BatteryOut (or BatteryOutTimeout) of the same request: the
// answer column of its cabinet_events row.
struct docked {
  std::string rider_id, pack_sn, model_id;
  int slot = 0;
  double soc = 0;
  std::int64_t energy_wh = 0;
};

std::string in_key(std::int64_t request_id) { return "swap:" + std::to_string(request_id) + ":BatteryIn"; }

std::optional<docked> docked_of(store& db, const std::string& sn, std::int64_t request_id) {
  auto text = db.cabinet_event(sn, in_key(request_id));
  if (!text) return std::nullopt;
  auto j = json::parse(*text, nullptr, false);
  if (!j.is_object() || !j.contains("pack")) return std::nullopt;  // a BatteryIn that docked nothing
  return docked{j.value("rider", ""), j.value("pack", ""), j.value("model", ""), j.value("slot", 0),
                j.value("soc", 0.0), j.value("energy_wh", std::int64_t{0})};
}

bool slot_exists(const twin::station& s, int slot) { return slot >= 1 && slot <= static_cast<int>(s.slots.size()); }

/// A pack a cabinet reported, as the store knows it (read once), or new with the model guessed
/// from the rider's pack, the slot's last one, or the first in the catalogue.
struct reported {
  twin::battery pack;
  bool known = false;  ///< the store has it
};

reported reported_pack(store& db, const std::string& pack_sn, const std::optional<twin::rider>& r,
                       const twin::station& s, int slot) {
  if (auto b = db.battery(pack_sn)) return {std::move(*b), true};
  reported out;
  out.pack.sn = pack_sn;
  if (r && r->holding_sn == pack_sn && !r->holding_model.empty()) {
    out.pack.model_id = r->holding_model;
  } else if (slot_exists(s, slot) && !s.slots[static_cast<size_t>(slot - 1)].model_id.empty()) {
    out.pack.model_id = s.slots[static_cast<size_t>(slot - 1)].model_id;
  } else {
    auto models = db.models();
    out.pack.model_id = models.empty() ? std::string{"48V"} : models.front().id;
  }
  return out;
}

int capacity_of(store& db, const std::string& model_id) {
  auto m = db.model(model_id);
  return m ? m->capacity_wh : 0;
}

cabinet_answer battery_in(store& db, const cabinet_swap& e, twin::station& s, json& record) {
  cabinet_answer out;
  const auto& p = e.packs.front();
  auto r = db.rider(e.rider_id);
  if (!slot_exists(s, p.evse_id)) {
    out.problem = "BatteryIn into slot " + std::to_string(p.evse_id) + ", which station " + s.sn + " does not have";
    return out;
  }
  auto [pack, known] = reported_pack(db, p.sn, r, s, p.evse_id);
  const auto model = pack.model_id;
  const int capacity = capacity_of(db, model);
  const auto drawn = twin::energy_drawn_wh(capacity, pack.soh, pack.soc, p.soc);
  twin::apply_return(s, p.evse_id, pack, p.soc, capacity);
  pack.soh = p.soh;  // the cabinet read it from the pack's BMS
  if (!known) (void)db.add_battery(pack);
  db.save_battery(pack);
  db.save_station(s);
  record = json{{"rider", e.rider_id}, {"pack", p.sn}, {"model", model}, {"slot", p.evse_id}, {"soc", p.soc},
                {"energy_wh", drawn}};
  out.summary = "pack " + p.sn + " of rider " + e.rider_id + " docked in slot " + std::to_string(p.evse_id) + " (" +
                std::to_string(drawn) + " Wh drawn)";
  if (!r) out.problem = "BatteryIn by unknown rider " + e.rider_id;
  return out;
}

// The rider, plan and country a settlement needs; a reason when one is missing.
struct account {
  std::optional<twin::rider> r;
  std::optional<twin::plan> p;
  std::optional<twin::country_policy> policy;
  std::string missing;
};

account account_of(store& db, const std::string& rider_id) {
  account a;
  a.r = db.rider(rider_id);
  if (!a.r) {
    a.missing = "rider " + rider_id + " is not known";
    return a;
  }
  a.policy = db.country(a.r->country);
  if (a.r->plan) a.p = db.plan(a.r->plan->plan_id);
  if (!a.policy) a.missing = "no policy for country " + a.r->country;
  return a;
}

void fill_money(cabinet_answer& out, const adapters::swap_record& rec) {
  out.net_minor = rec.net.minor;
  out.tax_minor = rec.tax.minor;
  out.currency = rec.net.currency;
}

cabinet_answer battery_out(store& db, const cabinet_swap& e, twin::station& s) {
  cabinet_answer out;
  const auto& p = e.packs.front();
  if (!slot_exists(s, p.evse_id)) {
    out.problem = "BatteryOut from slot " + std::to_string(p.evse_id) + ", which station " + s.sn + " does not have";
    return out;
  }
  auto in = docked_of(db, s.sn, e.request_id);
  auto acc = account_of(db, e.rider_id);
  auto [issued, known] = reported_pack(db, p.sn, acc.r, s, p.evse_id);
  const auto model = issued.model_id;
  issued.soh = p.soh;

  swap_record rec;
  rec.key = cabinet_swap_key(s.sn, e.request_id);
  rec.at = twin::from_ms(e.at_ms);
  rec.rider_id = e.rider_id;
  rec.station_sn = s.sn;
  rec.model_id = model;
  rec.slot_out = p.evse_id;
  rec.issued_sn = issued.sn;
  if (in) {
    rec.slot_in = in->slot;
    rec.returned_sn = in->pack_sn;
    rec.returned_soc = in->soc;
    rec.energy_wh = in->energy_wh;
  }
  twin::rider_change change;
  if (acc.missing.empty() && acc.p) {
    twin::swap_usage usage{s.sn, model, rec.returned_sn, rec.energy_wh, issued.sn};
    auto settled = twin::settle_swap(*acc.r, *acc.p, *acc.policy, usage, rec.at, rec.key);
    if (settled) {
      change = settled->change;
      rec.km_m = settled->km_m;
      rec.net = settled->net;
      rec.tax = settled->tax;
      rec.plan = acc.p->kind;
    } else {
      out.problem = "swap not billed: " + settled.err().detail;
    }
  } else {
    out.problem = "swap not billed: " + (acc.missing.empty() ? "rider " + e.rider_id + " has no plan" : acc.missing);
  }
  twin::swap_slots slots{0, p.evse_id};
  if (!acc.r) {  // the swaps table needs a known rider: the packs move, the event key records the rest
    twin::apply_swap(s, slots, nullptr, 0, 0, issued, e.rider_id);
    issued.soc = p.soc;
    if (!known) (void)db.add_battery(issued);
    db.save_battery(issued);
    db.save_station(s);
    return out;
  }
  if (!out.problem.empty()) {
    change = twin::rider_change{*acc.r, {}};
    change.after.holding_sn = issued.sn;
    change.after.holding_model = model;
    rec.net = rec.tax = twin::money{0, acc.policy ? acc.policy->currency : std::string{"XXX"}};
  }
  twin::apply_swap(s, slots, nullptr, 0, 0, issued, e.rider_id);
  issued.soc = p.soc;  // as the cabinet read it at release (our copy of the slot's SoC is stale)
  if (!known) (void)db.add_battery(issued);
  if (!db.record_swap(rec, change, s, {issued})) {
    out.duplicate = true;  // recorded under this key by an earlier event (or an operator)
    return out;
  }
  fill_money(out, rec);
  out.summary = "rider " + e.rider_id + " took pack " + issued.sn + " from slot " + std::to_string(p.evse_id) +
                (rec.returned_sn.empty() ? std::string{} : " for " + rec.returned_sn) + ", charged " +
                twin::format_money(rec.net) + " + tax " + twin::format_money(rec.tax);
  return out;
}

cabinet_answer battery_out_timeout(store& db, const cabinet_swap& e, twin::station& s) {
  cabinet_answer out;
  auto in = docked_of(db, s.sn, e.request_id);
  if (!in) {
    out.summary = "rider " + e.rider_id + " left without a pack (nothing docked under request " +
                  std::to_string(e.request_id) + ")";
    return out;
  }
  auto acc = account_of(db, e.rider_id);
  if (!acc.missing.empty()) {
    out.problem = "return not billed: " + acc.missing;
    return out;
  }
  swap_record rec;
  rec.key = cabinet_swap_key(s.sn, e.request_id);
  rec.at = twin::from_ms(e.at_ms);
  rec.rider_id = e.rider_id;
  rec.station_sn = s.sn;
  rec.model_id = in->model_id;
  rec.slot_in = in->slot;
  rec.returned_sn = in->pack_sn;
  rec.returned_soc = in->soc;
  rec.energy_wh = in->energy_wh;
  twin::swap_usage usage{s.sn, in->model_id, in->pack_sn, in->energy_wh, {}};
  auto settled = twin::settle_return(*acc.r, acc.p ? &*acc.p : nullptr, *acc.policy, usage, rec.at, rec.key);
  twin::rider_change change{*acc.r, {}};
  if (settled) {
    change = settled->change;
    rec.km_m = settled->km_m;
    rec.net = settled->net;
    rec.tax = settled->tax;
  } else {
    out.problem = "return not billed: " + settled.err().detail;
    change.after.holding_sn.clear();
    change.after.holding_model.clear();
    rec.net = rec.tax = twin::money{0, acc.policy->currency};
  }
  rec.plan = acc.p ? acc.p->kind : twin::plan_kind::period;
  if (!db.record_swap(rec, change, s, {})) {
    out.duplicate = true;
    return out;
  }
  fill_money(out, rec);
  out.summary = "rider " + e.rider_id + " left pack " + in->pack_sn + " without taking one, charged " +
                twin::format_money(rec.net) + " + tax " + twin::format_money(rec.tax);
  return out;
}

}  // namespace

std::string cabinet_event_key(const cabinet_swap& e) {
  return "swap:" + std::to_string(e.request_id) + ":" + e.event_type;
}

std::string cabinet_swap_key(const std::string& sn, std::int64_t request_id) {
  return "ocpp:" + sn + ":" + std::to_string(request_id);
}

cabinet_answer apply_cabinet_swap(store& db, const cabinet_swap& e) {
  cabinet_answer out;
  db.transact([&] {
    const auto key = cabinet_event_key(e);
    if (db.cabinet_event(e.station_sn, key)) {
      out.duplicate = true;
      out.summary = "resent " + e.event_type + " of request " + std::to_string(e.request_id) + ": already applied";
      return;
    }
    auto s = db.station(e.station_sn);
    json record = json::object();
    if (!s) {
      out.problem = "station " + e.station_sn + " is not known";
    } else if (e.packs.empty()) {
      out.problem = e.event_type + " without batteryData";
    } else if (e.event_type == "BatteryIn") {
      out = battery_in(db, e, *s, record);
    } else if (e.event_type == "BatteryOut") {
      out = battery_out(db, e, *s);
    } else if (e.event_type == "BatteryOutTimeout") {
      out = battery_out_timeout(db, e, *s);
    } else {
      out.problem = "unknown eventType " + e.event_type;
    }
    if (out.duplicate) return;
    if (!out.problem.empty()) record["problem"] = out.problem;
    db.add_cabinet_event(e.station_sn, key, twin::from_ms(e.at_ms), record.dump());
  });
  return out;
}

std::int64_t open_alert(store& db, const actors::alert& a) {
  twin::alert_kind kind;
  if (!twin::from_string(a.kind, kind)) return 0;
  if (db.has_open_work_order(a.station_sn, kind, a.slot)) return 0;
  if (!db.station(a.station_sn)) return 0;  // work orders name a known station
  return db.add_work_order(twin::open_work_order(0, a.station_sn, kind, a.slot, twin::from_ms(a.at_ms)));
}

bool record_reported(store& db, const std::string& sn, const std::string& field, const std::string& value) {
  auto s = db.station(sn);
  if (!s) return false;
  auto& r = s->reported;
  if (field == "name") {
    r.name = value;
  } else if (field == "power_cap_w") {
    try {
      r.power_cap_w = std::stoi(value);
    } catch (const std::exception&) {
      return false;
    }
  } else if (field == "enabled") {
    r.enabled = value == "true";
  } else if (field.rfind("slot.", 0) == 0 && field.size() > 13 && field.compare(field.size() - 8, 8, ".enabled") == 0) {
    int slot = 0;
    try {
      slot = std::stoi(field.substr(5, field.size() - 13));
    } catch (const std::exception&) {
      return false;
    }
    auto& v = r.disabled_slots;
    v.erase(std::remove(v.begin(), v.end(), slot), v.end());
    if (value == "false") {
      v.push_back(slot);
      std::sort(v.begin(), v.end());
    }
  } else {
    return false;
  }
  return db.save_station(*s).ok();
}

actors::authorize_result authorize_cabinet_rider(store& db, const std::string& rider_id, const std::string& sn,
                                                 std::int64_t at_ms) {
  auto acc = account_of(db, rider_id);
  if (!acc.r) return {std::string{twin::code_string(twin::errc::rider_unknown)}, acc.missing};
  std::string model = acc.r->holding_model;
  if (model.empty() && !acc.r->deposits.empty()) model = acc.r->deposits.begin()->first;
  auto d = twin::authorize_rider(*acc.r, acc.policy ? &*acc.policy : nullptr, acc.p ? &*acc.p : nullptr, model,
                                 twin::from_ms(at_ms));
  (void)sn;  // the station's side (stock, slots) is the cabinet's own: it knows its slots better than we do
  return {std::string{twin::code_string(d.reason)}, d.detail};
}

}  // namespace swaptwin::adapters
