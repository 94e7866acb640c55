#include "adapters/store_rows.hpp"

namespace swaptwin::adapters::rows {

using namespace twin;

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    auto comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

void insert_swap(sql::database& db, const swap_record& s) {
  db.prepare("INSERT INTO swaps (idempotency_key, at_ms, rider_id, station_sn, model_id, slot_in, returned_sn, "
             "returned_soc, slot_out, issued_sn, energy_wh, km_m, net_minor, tax_minor, currency, plan_kind) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING")
      ->bind_all(s.key, to_ms(s.at), s.rider_id, s.station_sn, s.model_id, s.slot_in, s.returned_sn, s.returned_soc,
                 s.slot_out, s.issued_sn, s.energy_wh, s.km_m, s.net.minor, s.tax.minor, s.net.currency,
                 to_string(s.plan))
      .run();
}

const char* const station_columns =
    "sn, name, lat, lon, power_cap_w, enabled, agent_id, firmware, online, last_seen_ms, boot_id, "
    "reported_name, reported_power_cap_w, reported_enabled, created_at_ms, registration";

twin::station read_station(const sql::statement& st) {
  station s;
  s.sn = st.text(0);
  s.desired.name = st.text(1);
  s.location = {st.real(2), st.real(3)};
  s.desired.power_cap_w = st.integer(4);
  s.desired.enabled = st.int64(5) != 0;
  s.agent_id = st.text(6);
  s.firmware = st.text(7);
  s.link.online = st.int64(8) != 0;
  if (auto t = st.opt_int64(9)) s.link.last_seen = from_ms(*t);
  s.link.boot_id = st.text(10);
  s.reported.name = st.text(11);
  s.reported.power_cap_w = st.integer(12);
  s.reported.enabled = st.int64(13) != 0;
  s.created_at = from_ms(st.int64(14));
  s.reg = parse_enum<registration>(st.text(15), "stations.registration");
  return s;
}

const char* const plan_columns =
    "id, name, kind, currency, price_minor, period, swap_cap, bundle_km, bundle_swaps, unit_price_minor, retired";

twin::plan read_plan(const sql::statement& st) {
  plan p;
  p.id = st.text(0);
  p.name = st.text(1);
  p.kind = parse_enum<plan_kind>(st.text(2), "plans.kind");
  p.currency = st.text(3);
  p.price_minor = st.int64(4);
  p.period = parse_enum<period_unit>(st.text(5), "plans.period");
  p.swap_cap = st.integer(6);
  p.bundle_km = st.integer(7);
  p.bundle_swaps = st.integer(8);
  p.unit_price_minor = st.int64(9);
  p.retired = st.int64(10) != 0;
  return p;
}

const char* const rider_columns =
    "id, name, country, phone, birth_date, kyc, kyc_documents, kyc_note, wh_per_km, balance_minor, "
    "owed_since_ms, holding_sn, holding_model, created_at_ms";

twin::rider read_rider(const sql::statement& st) {
  rider r;
  r.id = st.text(0);
  r.name = st.text(1);
  r.country = st.text(2);
  r.phone = st.text(3);
  if (!st.is_null(4)) r.birth_date = parse_date(st.text(4));
  r.kyc = parse_enum<kyc_status>(st.text(5), "riders.kyc");
  r.kyc_documents = split(st.text(6));
  r.kyc_note = st.text(7);
  r.wh_per_km = st.integer(8);
  r.balance_minor = st.int64(9);
  if (auto t = st.opt_int64(10)) r.owed_since = from_ms(*t);
  r.holding_sn = st.text(11);
  r.holding_model = st.text(12);
  r.created_at = from_ms(st.int64(13));
  return r;
}

const char* const battery_columns =
    "sn, model_id, soc, soh, cycles, temperature_c, place, place_ref, energy_in_wh, energy_out_wh";

twin::battery read_battery(const sql::statement& st) {
  battery b;
  b.sn = st.text(0);
  b.model_id = st.text(1);
  b.soc = st.real(2);
  b.soh = st.real(3);
  b.cycles = st.real(4);
  b.temperature_c = st.real(5);
  b.place = parse_enum<pack_place>(st.text(6), "batteries.place");
  b.place_ref = st.text(7);
  b.energy_in_wh = st.int64(8);
  b.energy_out_wh = st.int64(9);
  return b;
}

const char* const subscription_columns =
    "plan_id, kind, started_at_ms, expires_at_ms, swaps_used, swap_cap, km_left_m, swaps_left, metered, overage";

twin::subscription read_subscription(const sql::statement& st, int first) {
  subscription s;
  s.plan_id = st.text(first);
  s.kind = parse_enum<plan_kind>(st.text(first + 1), "subscriptions.kind");
  s.started_at = from_ms(st.int64(first + 2));
  if (auto t = st.opt_int64(first + 3)) s.expires_at = from_ms(*t);
  s.swaps_used = st.integer(first + 4);
  s.swap_cap = st.integer(first + 5);
  s.km_left_m = st.int64(first + 6);
  s.swaps_left = st.integer(first + 7);
  s.metered = st.int64(first + 8) != 0;
  s.overage = st.int64(first + 9) != 0;
  return s;
}

const char* const work_order_columns =
    "id, station_sn, alert, slot, state, agent_id, opened_at_ms, due_at_ms, updated_at_ms, on_site_at_ms, "
    "resolved_at_ms";

twin::work_order read_work_order(const sql::statement& st) {
  work_order w;
  w.id = st.int64(0);
  w.station_sn = st.text(1);
  w.alert = parse_enum<alert_kind>(st.text(2), "work_orders.alert");
  w.slot = st.integer(3);
  w.state = parse_enum<wo_state>(st.text(4), "work_orders.state");
  w.agent_id = st.text(5);
  w.opened_at = from_ms(st.int64(6));
  w.due_at = from_ms(st.int64(7));
  w.updated_at = from_ms(st.int64(8));
  if (auto t = st.opt_int64(9)) w.on_site_at = from_ms(*t);
  if (auto t = st.opt_int64(10)) w.resolved_at = from_ms(*t);
  return w;
}

}  // namespace swaptwin::adapters::rows
