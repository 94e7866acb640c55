#include "app/run_backoffice.hpp"

#include <charconv>
#include <filesystem>
#include <map>
#include <system_error>
#include <unordered_map>

#include <caf/all.hpp>

#include "adapters/sqlite.hpp"
#include "adapters/store_actor.hpp"

namespace swaptwin::app {

using namespace twin;

namespace {
// Packs riders start with are named "<rider id>-P0" by the scenario's world (scenarios/world.cpp,
// actors/arrivals.cpp); a rider's first swap returns that one.
std::string first_pack_of(const std::string& rider_id) { return rider_id + "-P0"; }

std::string join_key(const std::string& a, const std::string& b) { return a + '\n' + b; }

// The currency riders of `country` pay in (empty when the scenario has no such policy).
std::string sc_currency(const scenarios::scenario& sc, const std::string& country) {
  for (const auto& c : sc.countries)
    if (c.country == country) return c.currency;
  return {};
}


// Swaps from the "swap" events, completed from the "charge" and "ready" events that follow them.
void add_swaps(const scenarios::scenario& sc, const scenarios::sim_output& run, adapters::back_office_rows& rows) {
  std::unordered_map<std::string, const rider*> riders;
  for (const auto& r : run.riders) riders.emplace(r.id, &r);
  std::map<std::string, std::string> currency;
  for (const auto& c : sc.countries) currency[c.country] = c.currency;

  std::unordered_map<std::string, std::string> holding;        // rider -> pack held now
  std::unordered_map<std::string, std::size_t> awaiting_charge;  // rider, station -> swap of this instant
  std::unordered_map<std::string, std::size_t> awaiting_slot;    // station, returned pack -> swap
  // A charged swap takes the key of its usage charge (as live swaps do), so the swap and its
  // posting are found together (admin check: every swap billed exactly once).
  std::unordered_map<std::string, std::string> charge_key;  // rider, station, instant -> posting key
  for (const auto& p : run.ledger)
    if (p.kind == posting_kind::usage_charge)
      charge_key.emplace(join_key(join_key(p.rider_id, p.station_sn), std::to_string(to_ms(p.at))), p.key);
  std::int64_t latest_ms = 0;
  auto& swaps = rows.swaps;
  for (std::size_t i = 0; i < run.events.size(); ++i) {
    const auto& e = run.events[i];
    // Billing settles a swap in the same virtual instant: older swaps will get no charge.
    if (e.at_ms > latest_ms) {
      awaiting_charge.clear();
      latest_ms = e.at_ms;
    }
    if (e.kind == "swap") {
      adapters::swap_record s;
      s.key = "sim:" + std::to_string(i);
      s.at = from_ms(e.at_ms);
      s.rider_id = e.rider_id;
      s.station_sn = e.station_sn;
      s.model_id = e.code;
      s.slot_out = static_cast<int>(e.value);
      s.energy_wh = e.value2;
      s.issued_sn = e.text;
      auto held = holding.find(e.rider_id);
      s.returned_sn = held == holding.end() ? first_pack_of(e.rider_id) : held->second;
      holding[e.rider_id] = e.text;
      std::string cur;
      if (auto r = riders.find(e.rider_id); r != riders.end()) {
        const auto& rider = *r->second;
        if (rider.wh_per_km > 0) s.km_m = (s.energy_wh * 1000 + rider.wh_per_km / 2) / rider.wh_per_km;
        if (rider.plan) s.plan = rider.plan->kind;
        if (auto c = currency.find(rider.country); c != currency.end()) cur = c->second;
      }
      s.net = s.tax = money{0, cur};
      awaiting_charge[join_key(e.rider_id, e.station_sn)] = swaps.size();
      awaiting_slot[join_key(e.station_sn, s.returned_sn)] = swaps.size();
      swaps.push_back(std::move(s));
    } else if (e.kind == "charge") {
      auto it = awaiting_charge.find(join_key(e.rider_id, e.station_sn));
      if (it == awaiting_charge.end()) continue;  // a plan renewal, not a swap's usage
      auto& s = swaps[it->second];
      if (auto k = charge_key.find(join_key(join_key(e.rider_id, e.station_sn), std::to_string(e.at_ms)));
          k != charge_key.end())
        s.key = k->second;
      s.net = money{e.value, e.text};
      s.tax = money{e.value2, e.text};
      from_string(e.code, s.plan);
      awaiting_charge.erase(it);
    } else if (e.kind == "ready") {
      auto it = awaiting_slot.find(join_key(e.station_sn, e.code));
      if (it == awaiting_slot.end()) continue;
      swaps[it->second].slot_in = static_cast<int>(e.value);
      awaiting_slot.erase(it);
    }
  }
  // Returned packs still charging at the end are in the slot they went into.
  if (awaiting_slot.empty()) return;
  std::unordered_map<std::string, int> slot_of;
  for (const auto& st : run.stations)
    for (const auto& sl : st.slots)
      if (!sl.battery_sn.empty()) slot_of[join_key(st.sn, sl.battery_sn)] = sl.index;
  for (const auto& [key, index] : awaiting_slot)
    if (auto it = slot_of.find(key); it != slot_of.end()) swaps[index].slot_in = it->second;
}

std::int64_t id_in(const std::string& text) {
  std::int64_t id = 0;
  std::from_chars(text.data(), text.data() + text.size(), id);
  return id;
}

// Work orders as the dispatcher's events tell their story.
void add_work_orders(const scenarios::scenario& sc, const scenarios::sim_output& run, adapters::back_office_rows& rows) {
  std::map<std::int64_t, work_order> orders;
  for (const auto& e : run.events) {
    const auto at = from_ms(e.at_ms);
    if (e.kind == "alert") {
      alert_kind kind = alert_kind::station_offline;
      from_string(e.code, kind);
      orders[e.value] = open_work_order(e.value, e.station_sn, kind, static_cast<int>(e.value2), at, sc.sla);
      continue;
    }
    const bool assigned = e.kind == "assigned", on_site = e.kind == "on_site", resolved = e.kind == "resolved";
    if (!assigned && !on_site && !resolved) continue;
    auto it = orders.find(assigned ? e.value : id_in(e.text));
    if (it == orders.end()) continue;
    auto& w = it->second;
    // A step the rules refuse leaves the order as it was: the database shows what the rules allow.
    if (assigned && advance(w, wo_state::assigned, at, e.rider_id)) (void)advance(w, wo_state::en_route, at);
    if (on_site) (void)advance(w, wo_state::on_site, at);
    if (resolved) (void)advance(w, wo_state::resolved, at);
  }
  for (auto& [id, w] : orders) rows.work_orders.push_back(std::move(w));
}

// The rows of the run's end: stations, packs and riders as they ended, the ledger (unless the
// store actor wrote it during the run), swaps and work orders.
void final_rows(const scenarios::scenario& sc, const scenarios::sim_output& run, adapters::back_office_rows& rows) {
  rows.stations = run.stations;

  // Packs that came back from riders carry no place yet: they are where the slots say.
  std::unordered_map<std::string, std::string> place_of;
  for (const auto& st : run.stations)
    for (const auto& sl : st.slots)
      if (!sl.battery_sn.empty()) place_of[sl.battery_sn] = st.sn + ":" + std::to_string(sl.index);
  rows.batteries = run.packs;
  for (auto& b : rows.batteries)
    if (auto it = place_of.find(b.sn); it != place_of.end()) {
      b.place = pack_place::slot;
      b.place_ref = it->second;
    }

  std::map<std::string, bool> prepaid;
  for (const auto& c : sc.countries) prepaid[c.country] = c.terms == payment_terms::prepaid;
  rows.riders = run.riders;
  for (auto& r : rows.riders) {
    r.created_at = sc.start;
    if (prepaid[r.country]) {  // the simulator's opening wallet, posted so the wallet equals its postings
      posting p;
      p.key = "open:wallet:" + r.id;
      p.at = sc.start;
      p.rider_id = r.id;
      p.kind = posting_kind::wallet_topup;
      p.amount = money{scenarios::prepaid_opening_wallet_minor, sc_currency(sc, r.country)};
      p.memo = "in the wallet when the run started";
      rows.postings.push_back(std::move(p));
    }
    for (const auto& [model_id, amount] : r.deposits) {
      posting p;
      p.key = "open:deposit:" + r.id + ":" + model_id;
      p.at = sc.start;
      p.rider_id = r.id;
      p.kind = posting_kind::deposit_in;
      p.amount = amount;
      p.memo = "held when the run started";
      rows.postings.push_back(std::move(p));
    }
  }
  if (!run.stored_postings) rows.postings.insert(rows.postings.end(), run.ledger.begin(), run.ledger.end());
  add_swaps(sc, run, rows);
  add_work_orders(sc, run, rows);
}

void remove_database(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path + suffix, ec);
}
}  // namespace

adapters::back_office_rows catalogue_rows(const scenarios::scenario& sc) {
  adapters::back_office_rows rows;
  rows.settings.emplace_back("timezone", sc.time_zone);
  rows.models = sc.models;
  rows.countries = sc.countries;
  for (const auto& d : sc.deposits) rows.deposits.push_back({d.model_id, d.amount});
  rows.plans = sc.plans;
  for (const auto& a : sc.agents)
    rows.agents.push_back(twin::agent{a.id, a.name.empty() ? a.id : a.name, a.region, {}, a.base, agent_state::available});
  return rows;
}

adapters::back_office_rows run_backoffice_rows(const scenarios::scenario& sc, const scenarios::sim_output& run) {
  auto rows = catalogue_rows(sc);
  final_rows(sc, run, rows);
  return rows;
}

status begin_backoffice(const std::string& path, const scenarios::scenario& sc) {
  const std::string partial = path + ".partial";
  remove_database(partial);
  status imported = done{};
  try {
    adapters::store db{partial};
    imported = db.import_rows(catalogue_rows(sc));
  } catch (const adapters::sql::store_error& e) {
    imported = error{errc::invalid_argument, e.what()};
  }
  if (imported) return done{};
  remove_database(partial);
  return error{imported.err().code, partial + ": " + imported.err().detail};
}

std::function<actors::store_api(caf::actor_system&)> backoffice_store(const std::string& path) {
  adapters::store_actor_config cfg;
  cfg.path = path + ".partial";
  cfg.options.synchronous = "OFF";
  // Under the simulator's `testing` scheduler: a plain spawn (a detached actor would need a thread).
  return [cfg](caf::actor_system& sys) { return sys.spawn(adapters::store_actor, cfg); };
}

void abandon_backoffice(const std::string& path) { remove_database(path + ".partial"); }

status write_backoffice(const std::string& path, const scenarios::scenario& sc, const scenarios::sim_output& run) {
  const std::string partial = path + ".partial";
  // The ledger is in the file begun before the run; without a store, the file is built here.
  const bool begun = run.stored_postings.has_value();
  if (!begun) remove_database(partial);
  adapters::store_options opt;
  opt.create = !begun;  // a begun file that vanished must not come back without its ledger
  status imported = done{};
  try {
    adapters::store db{partial, opt};
    adapters::back_office_rows rows;
    if (begun) final_rows(sc, run, rows);
    else rows = run_backoffice_rows(sc, run);
    imported = db.import_rows(rows);
    // Back to a single file (the WAL folded in) so that renaming it moves everything; the next
    // `swaptwin admin` turns WAL on again.
    if (imported) db.db().exec("PRAGMA journal_mode = DELETE");
  } catch (const adapters::sql::store_error& e) {
    imported = error{errc::invalid_argument, e.what()};
  }
  if (!imported) {
    remove_database(partial);
    return error{imported.err().code, path + ": " + imported.err().detail};
  }
  // A -wal left by an older database at `path` must not be replayed onto the new one.
  remove_database(path);
  std::error_code ec;
  std::filesystem::rename(partial, path, ec);
  if (ec) return error{errc::invalid_argument, "cannot move " + partial + " to " + path + ": " + ec.message()};
  return done{};
}

}  // namespace swaptwin::app
