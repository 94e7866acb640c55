// The store's stations, slots and packs.
#include <algorithm>

#include "adapters/sqlite.hpp"
#include "adapters/store.hpp"
#include "adapters/store_rows.hpp"

namespace swaptwin::adapters {

using namespace twin;
using sql::transaction;

namespace {
bool has(const std::vector<int>& v, int i) { return std::find(v.begin(), v.end(), i) != v.end(); }

void write_slots(sql::database& db, const station& s) {
  for (const auto& sl : s.slots) {
    db.prepare("INSERT INTO slots (station_sn, idx, state, door_open, battery_sn, model_id, soc, charge_power_w, "
               "desired_disabled, reported_disabled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
               "ON CONFLICT (station_sn, idx) DO UPDATE SET state = excluded.state, door_open = excluded.door_open, "
               "battery_sn = excluded.battery_sn, model_id = excluded.model_id, soc = excluded.soc, "
               "charge_power_w = excluded.charge_power_w, desired_disabled = excluded.desired_disabled, "
               "reported_disabled = excluded.reported_disabled")
        ->bind_all(s.sn, sl.index, to_string(sl.state), sl.door_open ? 1 : 0,
                   sl.battery_sn.empty() ? std::nullopt : std::optional<std::string>{sl.battery_sn},
                   sl.model_id.empty() ? std::nullopt : std::optional<std::string>{sl.model_id}, sl.soc,
                   sl.charge_power_w, has(s.desired.disabled_slots, sl.index) ? 1 : 0,
                   has(s.reported.disabled_slots, sl.index) ? 1 : 0)
        .run();
  }
}

// Slots beyond the station's count (it was rebuilt with fewer) are removed.
void trim_slots(sql::database& db, const station& s) {
  db.prepare("DELETE FROM slots WHERE station_sn = ? AND idx > ?")->bind_all(s.sn, static_cast<int>(s.slots.size())).run();
}

void read_slots(sql::database& db, station& s) {
  auto q = db.prepare("SELECT idx, state, door_open, battery_sn, model_id, soc, charge_power_w, desired_disabled, "
                      "reported_disabled FROM slots WHERE station_sn = ? ORDER BY idx");
  q->bind(1, s.sn);
  while (q->step()) {
    slot sl;
    sl.index = q->integer(0);
    sl.state = rows::parse_enum<slot_state>(q->text(1), "slots.state");
    sl.door_open = q->int64(2) != 0;
    sl.battery_sn = q->text(3);
    sl.model_id = q->text(4);
    sl.soc = q->real(5);
    sl.charge_power_w = q->integer(6);
    if (q->int64(7)) s.desired.disabled_slots.push_back(sl.index);
    if (q->int64(8)) s.reported.disabled_slots.push_back(sl.index);
    s.slots.push_back(std::move(sl));
  }
}

std::optional<std::int64_t> opt_ms(const std::optional<unix_ms>& t) {
  return t ? std::optional<std::int64_t>{to_ms(*t)} : std::nullopt;
}
}  // namespace

status store::add_station(const twin::station& s) {
  transaction tx{*db_};
  auto done_or = insert_station(s);
  if (done_or) tx.commit();
  return done_or;
}

status store::insert_station(const twin::station& s) {
  if (auto why = validate_sn(s.sn); !why.empty()) return error{errc::invalid_argument, "\"" + s.sn + "\": " + why};
  if (s.name().empty()) return error{errc::name_empty, "station " + s.sn + " needs a name"};
  if (!valid(s.location)) return error{errc::invalid_argument, "location: latitude/longitude out of range"};
  if (s.slots.empty() || s.slots.size() > 256) return error{errc::invalid_argument, "slots: expected 1..256"};
  if (s.desired.power_cap_w <= 0) return error{errc::invalid_argument, "power cap: must be positive (W)"};
  if (db_->prepare("SELECT 1 FROM stations WHERE sn = ?")->bind(1, s.sn).step())
    return error{errc::station_duplicate, "station " + s.sn + " already exists"};
  if (!s.agent_id.empty() && !agent(s.agent_id))
    return error{errc::agent_unknown, "agent " + s.agent_id + " is not known"};
  db_->prepare("INSERT INTO stations (sn, name, lat, lon, power_cap_w, enabled, agent_id, firmware, online, "
               "last_seen_ms, boot_id, reported_name, reported_power_cap_w, reported_enabled, created_at_ms, "
               "registration) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      ->bind_all(s.sn, s.name(), s.location.lat, s.location.lon, s.desired.power_cap_w, s.desired.enabled ? 1 : 0,
                 s.agent_id.empty() ? std::nullopt : std::optional<std::string>{s.agent_id}, s.firmware,
                 s.link.online ? 1 : 0, opt_ms(s.link.last_seen), s.link.boot_id, s.reported.name,
                 s.reported.power_cap_w, s.reported.enabled ? 1 : 0, to_ms(s.created_at), std::string{to_string(s.reg)})
      .run();
  write_slots(*db_, s);
  return done{};
}

status store::save_station(const twin::station& s) {
  transaction tx{*db_};
  if (!write_station(s)) return error{errc::station_unknown, "station " + s.sn + " is not known"};
  tx.commit();
  return done{};
}

bool store::write_station(const twin::station& s) {
  db_->prepare("UPDATE stations SET name = ?, lat = ?, lon = ?, power_cap_w = ?, enabled = ?, agent_id = ?, "
               "firmware = ?, online = ?, last_seen_ms = ?, boot_id = ?, reported_name = ?, reported_power_cap_w = ?, "
               "reported_enabled = ?, registration = ? WHERE sn = ?")
      ->bind_all(s.name(), s.location.lat, s.location.lon, s.desired.power_cap_w, s.desired.enabled ? 1 : 0,
                 s.agent_id.empty() ? std::nullopt : std::optional<std::string>{s.agent_id}, s.firmware,
                 s.link.online ? 1 : 0, opt_ms(s.link.last_seen), s.link.boot_id, s.reported.name,
                 s.reported.power_cap_w, s.reported.enabled ? 1 : 0, std::string{to_string(s.reg)}, s.sn)
      .run();
  if (db_->changes() == 0) return false;
  write_slots(*db_, s);
  trim_slots(*db_, s);
  return true;
}

std::optional<station> store::station(const std::string& sn) {
  std::optional<twin::station> s;
  {
    auto q = db_->prepare(std::string{"SELECT "} + rows::station_columns + " FROM stations WHERE sn = ?");
    q->bind(1, sn);
    if (!q->step()) return std::nullopt;
    s = rows::read_station(*q);
  }
  read_slots(*db_, *s);
  return s;
}

std::vector<station> store::stations() {
  std::vector<twin::station> out;
  {
    auto q = db_->prepare(std::string{"SELECT "} + rows::station_columns + " FROM stations ORDER BY sn");
    while (q->step()) out.push_back(rows::read_station(*q));
  }
  for (auto& s : out) read_slots(*db_, s);
  return out;
}

status store::rename_station(const std::string& sn, const std::string& name) {
  auto s = station(sn);
  if (!s) return error{errc::station_unknown, "station " + sn + " is not known"};
  if (auto r = rename(*s, name); !r) return r;
  transaction tx{*db_};
  db_->prepare("UPDATE stations SET name = ? WHERE sn = ?")->bind_all(s->name(), sn).run();
  tx.commit();
  return done{};
}

status store::assign_agent(const std::string& sn, const std::string& agent_id) {
  if (!agent(agent_id)) return error{errc::agent_unknown, "agent " + agent_id + " is not known"};
  transaction tx{*db_};
  db_->prepare("UPDATE stations SET agent_id = ? WHERE sn = ?")->bind_all(agent_id, sn).run();
  if (db_->changes() == 0) return error{errc::station_unknown, "station " + sn + " is not known"};
  tx.commit();
  return done{};
}

// ---- live cabinets ---------------------------------------------------------------------------

status store::add_pending_station(const std::string& sn, const std::string& firmware, twin::unix_ms at) {
  if (auto why = validate_sn(sn); !why.empty()) return error{errc::invalid_argument, "\"" + sn + "\": " + why};
  transaction tx{*db_};
  if (db_->prepare("SELECT 1 FROM stations WHERE sn = ?")->bind(1, sn).step()) {
    // Held at its upgrade (hold_pending_station), it tells its firmware only at its boot.
    if (!firmware.empty()) {
      db_->prepare("UPDATE stations SET firmware = ? WHERE sn = ? AND registration = 'pending'")
          ->bind_all(firmware, sn)
          .run();
      tx.commit();
    }
    return error{errc::station_duplicate, "station " + sn + " already exists"};
  }
  db_->prepare("INSERT INTO stations (sn, name, lat, lon, power_cap_w, firmware, reported_name, reported_power_cap_w, "
               "created_at_ms, registration) VALUES (?, ?, 0, 0, 0, ?, ?, 0, ?, 'pending')")
      ->bind_all(sn, sn, firmware, sn, to_ms(at))
      .run();
  tx.commit();
  return done{};
}

status store::set_registration(const std::string& sn, twin::registration r) {
  transaction tx{*db_};
  db_->prepare("UPDATE stations SET registration = ? WHERE sn = ?")->bind_all(std::string{to_string(r)}, sn).run();
  if (db_->changes() == 0) return error{errc::station_unknown, "station " + sn + " is not known"};
  tx.commit();
  return done{};
}

status store::set_station_password_hash(const std::string& sn, const std::string& hash) {
  transaction tx{*db_};
  db_->prepare("UPDATE stations SET password_hash = ?, no_password = 0 WHERE sn = ?")->bind_all(hash, sn).run();
  if (db_->changes() == 0) return error{errc::station_unknown, "station " + sn + " is not known"};
  tx.commit();
  return done{};
}

std::optional<std::string> store::station_password_hash(const std::string& sn) {
  auto q = db_->prepare("SELECT password_hash FROM stations WHERE sn = ?");
  q->bind(1, sn);
  if (!q->step()) return std::nullopt;
  return q->text(0);
}

status store::set_station_no_password(const std::string& sn) {
  transaction tx{*db_};
  db_->prepare("UPDATE stations SET password_hash = '', no_password = 1 WHERE sn = ?")->bind(1, sn).run();
  if (db_->changes() == 0) return error{errc::station_unknown, "station " + sn + " is not known"};
  tx.commit();
  return done{};
}

namespace {
// One place that says what (password_hash, no_password) means; a hash wins over the mark.
station_credential credential_from(const std::string& hash, std::int64_t no_password) {
  if (!hash.empty()) return station_credential::password;
  return no_password ? station_credential::none : station_credential::missing;
}
}  // namespace

const char* to_string(station_credential c) noexcept {
  switch (c) {
    case station_credential::password: return "password";
    case station_credential::none: return "none";
    case station_credential::missing: return "missing";
  }
  return "missing";
}

std::optional<station_credential> store::credential_of(const std::string& sn) {
  auto q = db_->prepare("SELECT password_hash, no_password FROM stations WHERE sn = ?");
  q->bind(1, sn);
  if (!q->step()) return std::nullopt;
  return credential_from(q->text(0), q->int64(1));
}

std::map<std::string, station_credential> store::station_credentials() {
  std::map<std::string, station_credential> out;
  for (auto q = db_->prepare("SELECT sn, password_hash, no_password FROM stations"); q->step();)
    out.emplace(q->text(0), credential_from(q->text(1), q->int64(2)));
  return out;
}

std::map<station_credential, std::size_t> store::accepted_credential_counts() {
  std::map<station_credential, std::size_t> out;
  for (auto q = db_->prepare("SELECT password_hash, no_password FROM stations WHERE registration = 'accepted'");
       q->step();)
    ++out[credential_from(q->text(0), q->int64(1))];
  return out;
}

std::pair<std::size_t, std::size_t> store::pending_counts(const std::string& address) {
  auto q = db_->prepare("SELECT count(*), coalesce(sum(pending_from = ?), 0) FROM stations WHERE registration = 'pending'");
  q->bind(1, address);
  q->step();
  return {static_cast<std::size_t>(q->int64(0)), static_cast<std::size_t>(q->int64(1))};
}

pending_hold store::hold_pending_station(const std::string& sn, const std::string& address, twin::unix_ms at,
                                         std::size_t per_address_max, std::size_t total_max) {
  transaction tx{*db_};
  if (db_->prepare("SELECT 1 FROM stations WHERE sn = ?")->bind(1, sn).step()) return pending_hold::exists;
  const auto [total, from_address] = pending_counts(address);
  if (from_address >= per_address_max) return pending_hold::address_full;
  if (total >= total_max) return pending_hold::total_full;
  if (auto r = add_pending_station(sn, "", at); !r) throw sql::store_error(r.err().what());
  db_->prepare("UPDATE stations SET pending_from = ? WHERE sn = ?")->bind_all(address, sn).run();
  tx.commit();
  return pending_hold::held;
}

// ---- live cabinets -------------------------------------------------------------------------

std::optional<std::string> store::cabinet_event(const std::string& sn, const std::string& key) {
  auto q = db_->prepare("SELECT answer FROM cabinet_events WHERE station_sn = ? AND event_key = ?");
  q->bind_all(sn, key);
  if (!q->step()) return std::nullopt;
  return q->text(0);
}

bool store::add_cabinet_event(const std::string& sn, const std::string& key, twin::unix_ms at,
                              const std::string& answer) {
  db_->prepare("INSERT OR IGNORE INTO cabinet_events (station_sn, event_key, at_ms, answer) VALUES (?, ?, ?, ?)")
      ->bind_all(sn, key, to_ms(at), answer)
      .run();
  return db_->changes() == 1;
}

bool store::apply_connector_status(const std::string& sn, int idx, const std::string& status) {
  const char* sql =
      status == "Faulted"       ? "UPDATE slots SET state = 'fault' WHERE station_sn = ? AND idx = ?"
      : status == "Unavailable" ? "UPDATE slots SET state = 'disabled' WHERE station_sn = ? AND idx = ?"
                                : "UPDATE slots SET state = CASE WHEN battery_sn IS NULL THEN 'empty' "
                                  "WHEN state IN ('fault', 'disabled', 'empty') THEN 'charging' ELSE state END "
                                  "WHERE station_sn = ? AND idx = ?";
  db_->prepare(sql)->bind_all(sn, idx).run();
  return db_->changes() == 1;
}

status store::set_link(const std::string& sn, const twin::connectivity& link) {
  transaction tx{*db_};
  db_->prepare("UPDATE stations SET online = ?, last_seen_ms = coalesce(?, last_seen_ms), "
               "boot_id = coalesce(nullif(?, ''), boot_id) WHERE sn = ?")
      ->bind_all(link.online ? 1 : 0, opt_ms(link.last_seen), link.boot_id, sn)
      .run();
  if (db_->changes() == 0) return error{errc::station_unknown, "station " + sn + " is not known"};
  tx.commit();
  return done{};
}

void store::transact(const std::function<void()>& f) {
  transaction tx{*db_};
  f();
  tx.commit();
}

// ---- packs ---------------------------------------------------------------------------------

status store::add_battery(const twin::battery& b) {
  transaction tx{*db_};
  auto s = insert_battery(b);
  if (s) tx.commit();
  return s;
}

status store::insert_battery(const twin::battery& b) {
  if (auto why = validate_sn(b.sn); !why.empty()) return error{errc::invalid_argument, "pack \"" + b.sn + "\": " + why};
  if (!model(b.model_id)) return error{errc::model_unknown, "no battery model \"" + b.model_id + "\""};
  if (db_->prepare("SELECT 1 FROM batteries WHERE sn = ?")->bind(1, b.sn).step())
    return error{errc::invalid_argument, "pack " + b.sn + " already exists"};
  save_battery(b);
  return done{};
}

void store::save_battery(const twin::battery& b) {
  db_->prepare("INSERT INTO batteries (sn, model_id, soc, soh, cycles, temperature_c, place, place_ref, energy_in_wh, "
               "energy_out_wh) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sn) DO UPDATE SET "
               "soc = excluded.soc, soh = excluded.soh, cycles = excluded.cycles, temperature_c = excluded.temperature_c, "
               "place = excluded.place, place_ref = excluded.place_ref, energy_in_wh = excluded.energy_in_wh, "
               "energy_out_wh = excluded.energy_out_wh")
      ->bind_all(b.sn, b.model_id, b.soc, b.soh, b.cycles, b.temperature_c, to_string(b.place), b.place_ref,
                 b.energy_in_wh, b.energy_out_wh)
      .run();
}

std::optional<battery> store::battery(const std::string& sn) {
  auto q = db_->prepare(std::string{"SELECT "} + rows::battery_columns + " FROM batteries WHERE sn = ?");
  q->bind(1, sn);
  if (!q->step()) return std::nullopt;
  return rows::read_battery(*q);
}

std::vector<battery> store::batteries() {
  std::vector<twin::battery> out;
  auto q = db_->prepare(std::string{"SELECT "} + rows::battery_columns + " FROM batteries ORDER BY sn");
  while (q->step()) out.push_back(rows::read_battery(*q));
  return out;
}

std::vector<battery> store::batteries(std::size_t offset, std::size_t limit) {
  std::vector<twin::battery> out;
  auto q = db_->prepare(std::string{"SELECT "} + rows::battery_columns + " FROM batteries ORDER BY sn LIMIT ? OFFSET ?");
  q->bind_all(static_cast<std::int64_t>(limit), static_cast<std::int64_t>(offset));
  while (q->step()) out.push_back(rows::read_battery(*q));
  return out;
}

}  // namespace swaptwin::adapters
