#include "app/backoffice.hpp"

#include <functional>

#include "twin/billing.hpp"
#include "twin/swap.hpp"

namespace swaptwin::app {

using namespace twin;

namespace {
struct swap_inputs {
  rider r;
  station s;
  std::optional<country_policy> policy;
  std::optional<plan> p;
};

result<swap_inputs> load(adapters::store& db, const std::string& rider_id, const std::string& sn,
                         const std::string& model_id) {
  auto r = db.rider(rider_id);
  if (!r) return error{errc::rider_unknown, "rider " + rider_id + " is not known"};
  auto s = db.station(sn);
  if (!s) return error{errc::station_unknown, "station " + sn + " is not known"};
  if (!db.model(model_id)) return error{errc::model_unknown, "no battery model \"" + model_id + "\" (try 48V, 60V, 72V)"};
  auto policy = db.country(r->country);
  swap_inputs in{std::move(*r), std::move(*s), std::move(policy), std::nullopt};
  if (in.r.plan) in.p = db.plan(in.r.plan->plan_id);
  return in;
}

// A resent operation is answered with what was recorded, before any rule looks at today's state.
result<std::optional<adapters::swap_record>> seen_before(adapters::store& db, const std::string& key,
                                                         const std::string& rider_id, const std::string& sn) {
  auto seen = db.swap_by_key(key);
  if (seen && (seen->rider_id != rider_id || seen->station_sn != sn))
    return error{errc::key_conflict, "swap key " + key + " was used for rider " + seen->rider_id + " at " + seen->station_sn};
  return seen;
}

// The pack a rider brings back, as the store knows it (or as a new pack of the rider's model).
battery returned_pack(adapters::store& db, const rider& r, double returned_soc) {
  if (auto b = db.battery(r.holding_sn)) return *b;
  battery b;
  b.sn = r.holding_sn;
  b.model_id = r.holding_model;
  b.soc = returned_soc;
  return b;
}

bool valid_soc(double soc) { return soc >= 0.0 && soc <= 1.0; }  // false for NaN too
}  // namespace

result<decision> authorize(adapters::store& db, const std::string& rider_id, const std::string& sn,
                           const std::string& model_id, unix_ms now) {
  auto in = load(db, rider_id, sn, model_id);
  if (!in) return in.err();
  return authorize_swap(in->r, in->policy ? &*in->policy : nullptr, in->p ? &*in->p : nullptr, in->s, model_id, now);
}

namespace {
// Runs `f` in one write transaction (BEGIN IMMEDIATE): every read it makes of the rider, the
// station and the packs is under the write lock, so a concurrent top-up or swap in another process
// cannot be lost between this read and record_swap's write.
result<swap_outcome> locked(adapters::store& db, const std::function<result<swap_outcome>()>& f) {
  result<swap_outcome> out{errc::invalid_argument, "not run"};
  db.transact([&] { out = f(); });
  return out;
}

result<swap_outcome> swap_unlocked(adapters::store& db, const std::string& rider_id, const std::string& sn,
                                   const std::string& model_id, double returned_soc, unix_ms now, const std::string& key) {
  if (!valid_soc(returned_soc)) return error{errc::invalid_argument, "returned SoC must be a number in [0, 1]"};
  auto in = load(db, rider_id, sn, model_id);
  if (!in) return in.err();
  swap_outcome out;
  auto seen = seen_before(db, key, rider_id, sn);
  if (!seen) return seen.err();
  if (*seen) {
    if ((*seen)->model_id != model_id) return error{errc::key_conflict, "swap key " + key + " was used for another model"};
    out.record = **seen;
    return out;
  }
  out.decision = authorize_swap(in->r, in->policy ? &*in->policy : nullptr, in->p ? &*in->p : nullptr, in->s,
                                model_id, now);
  if (!out.decision.allowed()) return out;
  const bool returning = !in->r.holding_sn.empty();
  auto slots = choose_slots(in->s, model_id, returning);
  if (!slots) {
    out.decision = decision{slots.err().code, slots.err().detail};
    return out;
  }
  auto model = *db.model(model_id);
  auto issued = db.battery(in->s.slots[static_cast<size_t>(slots->slot_out - 1)].battery_sn);
  if (!issued) return error{errc::invalid_argument, "slot " + std::to_string(slots->slot_out) + " of " + sn +
                                                        " holds a pack the store does not know"};
  std::optional<battery> returned;
  if (returning) returned = returned_pack(db, in->r, returned_soc);
  const auto drawn = returned ? energy_drawn_wh(model.capacity_wh, returned->soh, returned->soc, returned_soc) : 0;
  swap_usage usage{sn, model_id, returning ? in->r.holding_sn : std::string{}, drawn, issued->sn};
  auto settled = settle_swap(in->r, *in->p, *in->policy, usage, now, key);
  if (!settled) return settled.err();

  auto station_after = in->s;
  apply_swap(station_after, *slots, returned ? &*returned : nullptr, returned_soc, model.capacity_wh, *issued,
             rider_id);
  std::vector<battery> packs{*issued};
  if (returned) packs.push_back(*returned);

  auto& rec = out.record;
  rec.key = key;
  rec.at = now;
  rec.rider_id = rider_id;
  rec.station_sn = sn;
  rec.model_id = model_id;
  rec.slot_in = slots->slot_in;
  rec.returned_sn = usage.returned_sn;
  rec.returned_soc = returning ? returned_soc : 0.0;
  rec.slot_out = slots->slot_out;
  rec.issued_sn = issued->sn;
  rec.energy_wh = drawn;
  rec.km_m = settled->km_m;
  rec.net = settled->net;
  rec.tax = settled->tax;
  rec.plan = in->p->kind;
  out.recorded = db.record_swap(rec, settled->change, station_after, packs);
  return out;
}

result<swap_outcome> return_unlocked(adapters::store& db, const std::string& rider_id, const std::string& sn,
                                     double returned_soc, unix_ms now, const std::string& key) {
  if (!valid_soc(returned_soc)) return error{errc::invalid_argument, "returned SoC must be a number in [0, 1]"};
  auto r = db.rider(rider_id);
  if (!r) return error{errc::rider_unknown, "rider " + rider_id + " is not known"};
  if (r->holding_sn.empty()) return error{errc::invalid_argument, "rider " + rider_id + " holds no pack"};
  auto in = load(db, rider_id, sn, r->holding_model);
  if (!in) return in.err();
  swap_outcome out;
  auto seen = seen_before(db, key, rider_id, sn);
  if (!seen) return seen.err();
  if (*seen) {
    out.record = **seen;
    return out;
  }
  auto& s = in->s;
  if (!s.link.online) out.decision = {errc::station_offline, "station " + sn + " is offline"};
  else if (!s.desired.enabled || !s.reported.enabled) out.decision = {errc::station_disabled, "station " + sn + " is out of service"};
  if (!out.decision.allowed()) return out;
  if (!in->policy) return error{errc::country_unknown, "no policy for country " + in->r.country};
  const int slot_in = first_free_slot(s);
  if (slot_in == 0) {
    out.decision = {errc::slot_unavailable, "station " + sn + " has no empty working slot"};
    return out;
  }
  auto model = *db.model(in->r.holding_model);
  auto pack = returned_pack(db, in->r, returned_soc);
  const auto drawn = energy_drawn_wh(model.capacity_wh, pack.soh, pack.soc, returned_soc);
  swap_usage usage{sn, model.id, pack.sn, drawn, {}};
  auto settled = settle_return(in->r, in->p ? &*in->p : nullptr, *in->policy, usage, now, key);
  if (!settled) return settled.err();
  auto station_after = s;
  apply_return(station_after, slot_in, pack, returned_soc, model.capacity_wh);
  auto& rec = out.record;
  rec.key = key;
  rec.at = now;
  rec.rider_id = rider_id;
  rec.station_sn = sn;
  rec.model_id = model.id;
  rec.slot_in = slot_in;
  rec.returned_sn = pack.sn;
  rec.returned_soc = returned_soc;
  rec.energy_wh = drawn;
  rec.km_m = settled->km_m;
  rec.net = settled->net;
  rec.tax = settled->tax;
  rec.plan = in->p ? in->p->kind : plan_kind::period;
  out.recorded = db.record_swap(rec, settled->change, station_after, {pack});
  return out;
}

}  // namespace

result<swap_outcome> perform_swap(adapters::store& db, const std::string& rider_id, const std::string& sn,
                                  const std::string& model_id, double returned_soc, unix_ms now, const std::string& key) {
  return locked(db, [&] { return swap_unlocked(db, rider_id, sn, model_id, returned_soc, now, key); });
}

result<swap_outcome> perform_return(adapters::store& db, const std::string& rider_id, const std::string& sn,
                                    double returned_soc, unix_ms now, const std::string& key) {
  return locked(db, [&] { return return_unlocked(db, rider_id, sn, returned_soc, now, key); });
}

}  // namespace swaptwin::app
