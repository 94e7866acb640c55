// Schema migrations: a new file, an upgrade from version 1, a database newer than the program,
// and the connection settings the store opens with.

#include <gtest/gtest.h>

#include "fixtures.hpp"

using namespace swaptwin::adapters;
using namespace swaptwin::adapters::testing;

namespace {

TEST(Migrations, NumberedOneToLatestInOrder) {
  const auto& all = migrations();
  ASSERT_EQ(all.size(), 9u);
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].version, static_cast<int>(i) + 1);
    EXPECT_FALSE(all[i].name.empty());
    EXPECT_FALSE(all[i].sql.empty());
  }
  EXPECT_EQ(latest_schema_version(), 9);
}

using MigrationsTest = StoreTest;

TEST_F(MigrationsTest, NewStoreIsAtLatestVersionWithWalAndForeignKeys) {
  store s{path()};
  EXPECT_EQ(s.schema_version(), latest_schema_version());
  EXPECT_EQ(schema_version(s.db()), latest_schema_version());
  EXPECT_EQ(text_of(s.db(), "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(s.db().scalar("PRAGMA foreign_keys"), 1);
  EXPECT_EQ(s.db().scalar("PRAGMA synchronous"), 2);  // FULL by default
  EXPECT_EQ(s.db().scalar("PRAGMA busy_timeout"), 5000);
  // The seed's catalogue came with migration 1.
  auto models = s.models();
  ASSERT_EQ(models.size(), 3u);
  EXPECT_EQ(models[0].id, "48V");
  EXPECT_EQ(models[1].id, "60V");
  EXPECT_EQ(models[1].nominal_v, 60);
  EXPECT_EQ(models[1].capacity_wh, 1560);
  EXPECT_EQ(models[1].chemistry, "NMC");
  EXPECT_EQ(models[2].id, "72V");
  EXPECT_EQ(models[2].chemistry, "LFP");
  EXPECT_FALSE(s.model("36V"));
  EXPECT_TRUE(fs::exists(path()));
}

TEST_F(MigrationsTest, MigrateOnAnEmptyFileRunsEveryMigrationOnce) {
  sql::database db{path(), true};
  EXPECT_EQ(schema_version(db), 0);
  EXPECT_EQ(migrate(db), latest_schema_version());
  EXPECT_EQ(schema_version(db), latest_schema_version());
  EXPECT_EQ(migrate(db), 0);  // nothing left to do
  EXPECT_EQ(schema_version(db), latest_schema_version());
}

TEST_F(MigrationsTest, MigrateStopsAtTarget) {
  sql::database db{path(), true};
  EXPECT_EQ(migrate(db, 1), 1);
  EXPECT_EQ(schema_version(db), 1);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'swaps'"), 0);
  EXPECT_EQ(migrate(db, 2), 1);
  EXPECT_EQ(schema_version(db), 2);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'swaps'"), 1);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'ledger_at'"), 0);
  EXPECT_EQ(migrate(db), latest_schema_version() - 2);  // 3 and every later one
  EXPECT_EQ(db.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'ledger_at'"), 1);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'work_orders_problem'"), 1);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'ledger_no_replace'"), 1);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'audit_at'"), 1);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'stations_pending'"), 1);
}

TEST_F(MigrationsTest, UpgradeFromVersionOneKeepsDataAndAddsLaterTables) {
  {
    sql::database db{path(), true};
    ASSERT_EQ(migrate(db, 1), 1);
    db.exec(
        "INSERT INTO countries (code, currency, kyc_documents, min_age, terms, grace_days, tax_rate_bp) "
        "VALUES ('KE', 'KES', 'national_id,selfie', 18, 'postpaid', 3, 1600);"
        "INSERT INTO stations (sn, name, lat, lon, power_cap_w, enabled, firmware, online, last_seen_ms, boot_id, "
        "reported_name, reported_power_cap_w, reported_enabled, created_at_ms) "
        "VALUES ('ST-OLD', 'Westlands', -1.26, 36.8, 4000, 1, 'fw-1.2', 1, 1763000000000, 'boot-7', 'Westlands', "
        "4000, 1, 1760000000000);"
        "INSERT INTO slots (station_sn, idx, state, battery_sn, model_id, soc, desired_disabled, reported_disabled) "
        "VALUES ('ST-OLD', 1, 'ready', 'P-9', '48V', 0.9, 0, 0), ('ST-OLD', 2, 'empty', NULL, NULL, 0, 1, 0);"
        "INSERT INTO riders (id, name, country, phone, birth_date, kyc, kyc_documents, kyc_note, wh_per_km, "
        "balance_minor, owed_since_ms, created_at_ms) VALUES ('R-OLD', 'Amina', 'KE', '+254700000000', "
        "'1995-02-03', 'verified', 'national_id,selfie', '', 18, -2500, 1763100000000, 1761000000000);"
        "INSERT INTO ledger (idempotency_key, at_ms, rider_id, kind, amount_minor, currency, memo) "
        "VALUES ('old-topup', 1762000000000, 'R-OLD', 'wallet_topup', 10000, 'KES', 'M-Pesa');");
  }
  store s{path()};
  EXPECT_EQ(s.schema_version(), latest_schema_version());

  auto ke = s.country("KE");
  ASSERT_TRUE(ke);
  EXPECT_EQ(ke->currency, "KES");
  EXPECT_EQ(ke->kyc_documents, (std::vector<std::string>{"national_id", "selfie"}));
  EXPECT_EQ(ke->terms, payment_terms::postpaid);
  EXPECT_EQ(ke->grace_days, 3);
  EXPECT_EQ(ke->tax_rate_bp, 1600);

  auto st = s.station("ST-OLD");
  ASSERT_TRUE(st);
  EXPECT_EQ(st->name(), "Westlands");
  EXPECT_EQ(st->firmware, "fw-1.2");
  EXPECT_TRUE(st->link.online);
  ASSERT_TRUE(st->link.last_seen);
  EXPECT_EQ(to_ms(*st->link.last_seen), 1763000000000);
  EXPECT_EQ(st->link.boot_id, "boot-7");
  EXPECT_EQ(st->agent_id, "");
  ASSERT_EQ(st->slots.size(), 2u);
  EXPECT_EQ(st->slots[0].state, slot_state::ready);
  EXPECT_EQ(st->slots[0].battery_sn, "P-9");
  EXPECT_EQ(st->slots[0].model_id, "48V");
  EXPECT_DOUBLE_EQ(st->slots[0].soc, 0.9);
  EXPECT_EQ(st->slots[1].battery_sn, "");
  EXPECT_EQ(st->desired.disabled_slots, (std::vector<int>{2}));
  EXPECT_TRUE(st->reported.disabled_slots.empty());
  // Migration 5: a station of before live cabinets was registered by an operator: accepted, no password yet.
  EXPECT_EQ(st->reg, registration::accepted);
  EXPECT_EQ(s.station_password_hash("ST-OLD"), std::optional<std::string>{""});
  // Migration 8: a station without a password was not marked --no-password by anyone: its
  // credential is missing (refused at the upgrade once accepted, until an operator decides).
  EXPECT_EQ(s.credential_of("ST-OLD"), station_credential::missing);

  auto r = s.rider("R-OLD");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->name, "Amina");
  EXPECT_EQ(r->country, "KE");
  ASSERT_TRUE(r->birth_date);
  EXPECT_EQ(format_date(*r->birth_date), "1995-02-03");
  EXPECT_EQ(r->kyc, kyc_status::verified);
  EXPECT_EQ(r->balance_minor, -2500);
  ASSERT_TRUE(r->owed_since);
  EXPECT_EQ(to_ms(*r->owed_since), 1763100000000);
  EXPECT_EQ(r->holding_sn, "");  // column default of v1
  EXPECT_FALSE(r->plan);

  auto ps = s.postings("R-OLD");
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_EQ(ps[0].key, "old-topup");
  EXPECT_EQ(ps[0].kind, posting_kind::wallet_topup);
  EXPECT_EQ(ps[0].amount, (money{10000, "KES"}));
  EXPECT_FALSE(ps[0].plan);
  EXPECT_EQ(ps[0].memo, "M-Pesa");

  // Tables of migrations 2 and 3 work.
  s.set_setting("timezone", "Africa/Nairobi");
  EXPECT_EQ(s.setting("timezone"), "Africa/Nairobi");
  auto wo = open_work_order(0, "ST-OLD", alert_kind::slot_fault, 2, at("2026-11-20T10:00:00Z"));
  auto id = s.add_work_order(wo);
  EXPECT_GT(id, 0);
  ASSERT_EQ(s.work_orders(true).size(), 1u);
  swap_record sw;
  sw.key = "swap-after-upgrade";
  sw.at = at("2026-11-20T11:00:00Z");
  sw.rider_id = "R-OLD";
  sw.station_sn = "ST-OLD";
  sw.model_id = "48V";
  sw.slot_out = 1;
  sw.issued_sn = "P-9";
  sw.net = money{0, "KES"};
  sw.tax = money{0, "KES"};
  rider_change none{*r, {}};
  EXPECT_TRUE(s.record_swap(sw, none, *st, {}));
  ASSERT_EQ(s.swaps("R-OLD").size(), 1u);
  EXPECT_EQ(s.db().scalar("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'swaps_at'"), 1);
  EXPECT_EQ(s.db().scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'cabinet_events'"), 1);
}

TEST_F(MigrationsTest, DatabaseNewerThanTheProgramIsRefused) {
  {
    sql::database db{path(), true};
    db.exec("PRAGMA user_version = 99");
  }
  EXPECT_THROW(store{path()}, sql::store_error);
  sql::database db{path(), false};
  EXPECT_THROW(migrate(db), sql::store_error);
  EXPECT_EQ(schema_version(db), 99);  // left as it was
  EXPECT_EQ(db.scalar("SELECT count(*) FROM sqlite_master"), 0);
}

TEST_F(MigrationsTest, ReopeningKeepsTheVersionAndRunsNothing) {
  { store s{path()}; }
  sql::database db{path(), false};
  EXPECT_EQ(schema_version(db), latest_schema_version());
  EXPECT_EQ(migrate(db), 0);
  // journal_mode = WAL is persistent in the file.
  EXPECT_EQ(text_of(db, "PRAGMA journal_mode"), "wal");
}

TEST_F(MigrationsTest, OpenWithoutCreateOnMissingFileThrows) {
  store_options opt;
  opt.create = false;
  EXPECT_THROW(store(path("missing.db"), opt), sql::store_error);
  EXPECT_FALSE(fs::exists(path("missing.db")));
}

TEST_F(MigrationsTest, SynchronousOptionIsAppliedAndValidated) {
  store_options opt;
  opt.synchronous = "NORMAL";
  opt.busy_timeout_ms = 1234;
  {
    store s{path(), opt};
    EXPECT_EQ(s.db().scalar("PRAGMA synchronous"), 1);
    EXPECT_EQ(s.db().scalar("PRAGMA busy_timeout"), 1234);
  }
  opt.synchronous = "EXTRA; DROP TABLE ledger";
  EXPECT_THROW(store(path(), opt), sql::store_error);
}

TEST_F(MigrationsTest, FailedMigrationRollsBackItsTransaction) {
  sql::database db{path(), true};
  ASSERT_EQ(migrate(db, 1), 1);
  // A table migration 2 creates already exists: migration 2 fails and leaves version 1.
  db.exec("CREATE TABLE settings (k TEXT)");
  EXPECT_THROW(migrate(db), sql::store_error);
  EXPECT_EQ(schema_version(db), 1);
  EXPECT_FALSE(db.in_transaction());
  EXPECT_EQ(db.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'swaps'"), 0);
}

TEST_F(MigrationsTest, ForeignKeysAreEnforced) {
  store s{path()};
  // A slot of a station that does not exist.
  EXPECT_THROW(s.db().exec("INSERT INTO slots (station_sn, idx, state) VALUES ('NOPE', 1, 'empty')"),
               sql::store_error);
  // STRICT tables refuse a wrong type.
  EXPECT_THROW(s.db().exec("INSERT INTO settings (key, value) VALUES ('k', x'00')"), sql::store_error);
}

}  // namespace
