#include "adapters/migrations.hpp"

#include <string>

#include "adapters/sqlite.hpp"

namespace swaptwin::adapters {

namespace {
// 1: the back office of the seed: catalogue, deposits, countries, agents, stations, slots, packs,
//    plans, riders and their deposits and plans, and the append-only ledger.
constexpr std::string_view m0001 = R"sql(
CREATE TABLE battery_models (
  id TEXT PRIMARY KEY, nominal_v INTEGER NOT NULL, capacity_wh INTEGER NOT NULL, chemistry TEXT NOT NULL
) STRICT;
INSERT INTO battery_models VALUES ('48V', 48, 1248, 'NMC'), ('60V', 60, 1560, 'NMC'), ('72V', 72, 2160, 'LFP');

CREATE TABLE deposits (
  model_id TEXT NOT NULL REFERENCES battery_models(id),
  currency TEXT NOT NULL,
  amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
  PRIMARY KEY (model_id, currency)
) STRICT;

CREATE TABLE countries (
  code TEXT PRIMARY KEY, currency TEXT NOT NULL, kyc_documents TEXT NOT NULL, min_age INTEGER NOT NULL,
  terms TEXT NOT NULL CHECK (terms IN ('prepaid', 'postpaid')), grace_days INTEGER NOT NULL,
  tax_rate_bp INTEGER NOT NULL
) STRICT;

CREATE TABLE agents (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, region TEXT NOT NULL, phone TEXT NOT NULL,
  lat REAL NOT NULL, lon REAL NOT NULL, state TEXT NOT NULL
) STRICT;

CREATE TABLE stations (
  sn TEXT PRIMARY KEY, name TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,
  power_cap_w INTEGER NOT NULL, enabled INTEGER NOT NULL DEFAULT 1,
  agent_id TEXT REFERENCES agents(id), firmware TEXT NOT NULL DEFAULT '',
  online INTEGER NOT NULL DEFAULT 0, last_seen_ms INTEGER, boot_id TEXT NOT NULL DEFAULT '',
  reported_name TEXT NOT NULL, reported_power_cap_w INTEGER NOT NULL, reported_enabled INTEGER NOT NULL DEFAULT 1,
  created_at_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE slots (
  station_sn TEXT NOT NULL REFERENCES stations(sn), idx INTEGER NOT NULL, state TEXT NOT NULL,
  door_open INTEGER NOT NULL DEFAULT 0, battery_sn TEXT, model_id TEXT, soc REAL NOT NULL DEFAULT 0,
  charge_power_w INTEGER NOT NULL DEFAULT 0, desired_disabled INTEGER NOT NULL DEFAULT 0,
  reported_disabled INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (station_sn, idx)
) STRICT;

CREATE TABLE batteries (
  sn TEXT PRIMARY KEY, model_id TEXT NOT NULL REFERENCES battery_models(id), soc REAL NOT NULL,
  soh REAL NOT NULL, cycles REAL NOT NULL, temperature_c REAL NOT NULL, place TEXT NOT NULL,
  place_ref TEXT NOT NULL, energy_in_wh INTEGER NOT NULL, energy_out_wh INTEGER NOT NULL
) STRICT;

CREATE TABLE plans (
  id TEXT PRIMARY KEY, name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('period', 'distance', 'cycles', 'energy')),
  currency TEXT NOT NULL, price_minor INTEGER NOT NULL, period TEXT NOT NULL, swap_cap INTEGER NOT NULL,
  bundle_km INTEGER NOT NULL, bundle_swaps INTEGER NOT NULL, unit_price_minor INTEGER NOT NULL,
  retired INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE riders (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, country TEXT NOT NULL REFERENCES countries(code),
  phone TEXT NOT NULL, birth_date TEXT, kyc TEXT NOT NULL, kyc_documents TEXT NOT NULL, kyc_note TEXT NOT NULL,
  wh_per_km INTEGER NOT NULL, balance_minor INTEGER NOT NULL, owed_since_ms INTEGER,
  holding_sn TEXT NOT NULL DEFAULT '', holding_model TEXT NOT NULL DEFAULT '', created_at_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE rider_deposits (
  rider_id TEXT NOT NULL REFERENCES riders(id), model_id TEXT NOT NULL REFERENCES battery_models(id),
  amount_minor INTEGER NOT NULL, currency TEXT NOT NULL,
  PRIMARY KEY (rider_id, model_id)
) STRICT;

CREATE TABLE subscriptions (
  rider_id TEXT PRIMARY KEY REFERENCES riders(id), plan_id TEXT NOT NULL REFERENCES plans(id),
  kind TEXT NOT NULL, started_at_ms INTEGER NOT NULL, expires_at_ms INTEGER, swaps_used INTEGER NOT NULL,
  swap_cap INTEGER NOT NULL, km_left_m INTEGER NOT NULL, swaps_left INTEGER NOT NULL,
  metered INTEGER NOT NULL, overage INTEGER NOT NULL
) STRICT;

CREATE TABLE ledger (
  id INTEGER PRIMARY KEY, idempotency_key TEXT NOT NULL UNIQUE, at_ms INTEGER NOT NULL,
  rider_id TEXT NOT NULL, kind TEXT NOT NULL, amount_minor INTEGER NOT NULL, currency TEXT NOT NULL,
  plan_kind TEXT, plan_id TEXT NOT NULL DEFAULT '', station_sn TEXT NOT NULL DEFAULT '',
  memo TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
)sql";

// 2: swaps, work orders and operator settings (time zone).
constexpr std::string_view m0002 = R"sql(
CREATE TABLE swaps (
  id INTEGER PRIMARY KEY, idempotency_key TEXT NOT NULL UNIQUE, at_ms INTEGER NOT NULL,
  rider_id TEXT NOT NULL REFERENCES riders(id), station_sn TEXT NOT NULL REFERENCES stations(sn),
  model_id TEXT NOT NULL, slot_in INTEGER NOT NULL, returned_sn TEXT NOT NULL, returned_soc REAL NOT NULL,
  slot_out INTEGER NOT NULL, issued_sn TEXT NOT NULL, energy_wh INTEGER NOT NULL, km_m INTEGER NOT NULL,
  net_minor INTEGER NOT NULL, tax_minor INTEGER NOT NULL, currency TEXT NOT NULL, plan_kind TEXT NOT NULL
) STRICT;

CREATE TABLE work_orders (
  id INTEGER PRIMARY KEY, station_sn TEXT NOT NULL REFERENCES stations(sn), alert TEXT NOT NULL,
  slot INTEGER NOT NULL, state TEXT NOT NULL, agent_id TEXT NOT NULL DEFAULT '',
  opened_at_ms INTEGER NOT NULL, due_at_ms INTEGER NOT NULL, updated_at_ms INTEGER NOT NULL,
  on_site_at_ms INTEGER, resolved_at_ms INTEGER
) STRICT;

CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
)sql";

// 3: indexes for the dashboard's "today" queries and per-rider reads.
constexpr std::string_view m0003 = R"sql(
CREATE INDEX ledger_at ON ledger(at_ms);
CREATE INDEX ledger_rider ON ledger(rider_id);
CREATE INDEX swaps_at ON swaps(at_ms);
CREATE INDEX riders_created ON riders(created_at_ms);
CREATE INDEX work_orders_state ON work_orders(state);
)sql";
// 4: close a hole in the append-only guard: INSERT OR REPLACE deletes the old row without firing
//    DELETE triggers (unless recursive_triggers is on in that connection). A repeated key is now
//    ignored by a trigger, whatever the statement's conflict clause and whichever connection runs it.
constexpr std::string_view m0004 = R"sql(
CREATE TRIGGER ledger_no_replace BEFORE INSERT ON ledger
  WHEN EXISTS (SELECT 1 FROM ledger WHERE idempotency_key = NEW.idempotency_key)
  BEGIN SELECT RAISE(IGNORE); END;
)sql";
// 5: live cabinets. Registration (an SN nobody registered waits `pending` for an operator),
//    the hash of the cabinet's HTTP Basic password, and the keys of cabinet events already applied
//    (a resent BatterySwap is recognised and answered again without a second effect).
constexpr std::string_view m0005 = R"sql(
ALTER TABLE stations ADD COLUMN registration TEXT NOT NULL DEFAULT 'accepted'
  CHECK (registration IN ('accepted', 'pending', 'rejected'));
ALTER TABLE stations ADD COLUMN password_hash TEXT NOT NULL DEFAULT '';
CREATE TABLE cabinet_events (
  station_sn TEXT NOT NULL, event_key TEXT NOT NULL, at_ms INTEGER NOT NULL, answer TEXT NOT NULL,
  PRIMARY KEY (station_sn, event_key)
) STRICT;
)sql";
// 6: the gateway asks "is a work order open for this station, alert and slot?" for every alert;
//    a storm of 10,000 offline alerts must not scan every open order each time.
constexpr std::string_view m0006 = R"sql(
CREATE INDEX work_orders_problem ON work_orders(station_sn, alert, slot);
)sql";
// 7: the operator API's bearer tokens with roles, and the audit trail of who did what (issue 5).
//    A token's secret is never stored, only "sha256$<hex>" of it (adapters/store_tokens.cpp says
//    why a fast hash). The audit table is append-only like the ledger.
constexpr std::string_view m0007 = R"sql(
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY, name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  secret_hash TEXT NOT NULL, created_at_ms INTEGER NOT NULL, revoked_at_ms INTEGER
) STRICT;
CREATE TABLE audit (
  id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, token_id TEXT NOT NULL, role TEXT NOT NULL,
  action TEXT NOT NULL, target TEXT NOT NULL, detail TEXT NOT NULL CHECK (json_valid(detail)),
  outcome TEXT NOT NULL
) STRICT;
CREATE INDEX audit_at ON audit(at_ms);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
)sql";
// 8: cabinet credentials and pending caps (issue 11). `no_password` = 1: the operator said this
//    station's cabinet connects without credentials (`--no-password`); a station with neither a
//    password hash nor this mark is refused at the upgrade, so databases from before keep their
//    password-less stations out until an operator decides. `pending_from`: the address a cabinet
//    nobody registered connected from, which the gateway's caps on pending stations count by.
constexpr std::string_view m0008 = R"sql(
ALTER TABLE stations ADD COLUMN no_password INTEGER NOT NULL DEFAULT 0 CHECK (no_password IN (0, 1));
ALTER TABLE stations ADD COLUMN pending_from TEXT;
CREATE INDEX stations_pending ON stations(registration, pending_from);
)sql";
// 9: custody anomalies (issue 11): a fact that contradicts the back office's record of where a pack
//    is or what a rider holds (a second pack on one deposit, a pack reported in two places) is
//    recorded for an operator, open until closed with a note. `swaptwin admin check` accepts a rider
//    holding more packs than deposits only while such an anomaly about them is open.
constexpr std::string_view m0009 = R"sql(
CREATE TABLE anomalies (
  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, station_sn TEXT NOT NULL DEFAULT '',
  rider_id TEXT NOT NULL DEFAULT '', pack_sn TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL,
  opened_at_ms INTEGER NOT NULL, closed_at_ms INTEGER, closed_note TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX anomalies_rider ON anomalies(rider_id, closed_at_ms);
)sql";
}  // namespace

const std::vector<migration>& migrations() {
  static const std::vector<migration> all{
      {1, "back office", m0001},
      {2, "swaps, work orders, settings", m0002},
      {3, "dashboard indexes", m0003},
      {4, "ledger: no replace", m0004},
      {5, "live cabinets: registration, passwords, event keys", m0005},
      {6, "work orders by station and problem", m0006},
      {7, "API tokens and the audit trail", m0007},
      {8, "cabinet credentials: explicit no-password, pending stations by address", m0008},
      {9, "custody anomalies", m0009},
  };
  return all;
}

int latest_schema_version() { return migrations().back().version; }

int schema_version(sql::database& db) { return static_cast<int>(db.scalar("PRAGMA user_version")); }

int migrate(sql::database& db, int target) {
  if (target < 0) target = latest_schema_version();
  int current = schema_version(db);
  if (current > latest_schema_version())
    throw sql::store_error("database schema version " + std::to_string(current) +
                           " is newer than this swaptwin knows (" + std::to_string(latest_schema_version()) +
                           "): upgrade swaptwin");
  int ran = 0;
  for (const auto& m : migrations()) {
    if (m.version <= current || m.version > target) continue;
    sql::transaction tx{db};
    db.exec(m.sql);
    db.exec("PRAGMA user_version = " + std::to_string(m.version));
    tx.commit();
    ++ran;
  }
  return ran;
}

}  // namespace swaptwin::adapters
