#include "adapters/store.hpp"

#include "adapters/migrations.hpp"
#include "adapters/sqlite.hpp"
#include "adapters/store_rows.hpp"
#include "twin/text.hpp"

namespace swaptwin::adapters {

using namespace twin;
using sql::statement;
using sql::transaction;

store::store(const std::string& path, const store_options& opt)
    : db_(std::make_unique<sql::database>(path, opt.create)) {
  auto& d = *db_;
  d.exec("PRAGMA busy_timeout = " + std::to_string(opt.busy_timeout_ms));
  d.exec("PRAGMA journal_mode = WAL");
  if (opt.synchronous != "FULL" && opt.synchronous != "NORMAL" && opt.synchronous != "OFF")
    throw sql::store_error("synchronous must be FULL, NORMAL or OFF");
  d.exec("PRAGMA synchronous = " + opt.synchronous);
  d.exec("PRAGMA foreign_keys = ON");
  d.exec("PRAGMA cache_size = -" + std::to_string(opt.cache_kib));
  d.exec("PRAGMA wal_autocheckpoint = " + std::to_string(opt.wal_autocheckpoint_pages));
  migrate(d);
}

store::~store() = default;
store::store(store&&) noexcept = default;
store& store::operator=(store&&) noexcept = default;

sql::database& store::db() { return *db_; }
int store::schema_version() { return adapters::schema_version(*db_); }

// ---- catalogue and deposits ----------------------------------------------------------------

std::vector<battery_model> store::models() {
  std::vector<battery_model> out;
  auto st = db_->prepare("SELECT id, nominal_v, capacity_wh, chemistry FROM battery_models ORDER BY nominal_v");
  while (st->step()) out.push_back({st->text(0), st->integer(1), st->integer(2), st->text(3)});
  return out;
}

std::optional<battery_model> store::model(const std::string& id) {
  auto st = db_->prepare("SELECT id, nominal_v, capacity_wh, chemistry FROM battery_models WHERE id = ?");
  st->bind(1, id);
  if (!st->step()) return std::nullopt;
  return battery_model{st->text(0), st->integer(1), st->integer(2), st->text(3)};
}

status store::set_deposit(const std::string& model_id, const money& amount) {
  transaction tx{*db_};
  auto s = put_deposit(model_id, amount);
  if (s) tx.commit();
  return s;
}

status store::put_deposit(const std::string& model_id, const money& amount) {
  if (!model(model_id)) return error{errc::model_unknown, "no battery model \"" + model_id + "\" (try 48V, 60V, 72V)"};
  if (!find_currency(amount.currency)) return error{errc::currency_unknown, amount.currency};
  if (amount.minor <= 0) return error{errc::invalid_argument, "a deposit must be positive"};
  db_->prepare("INSERT INTO deposits (model_id, currency, amount_minor) VALUES (?, ?, ?) "
               "ON CONFLICT (model_id, currency) DO UPDATE SET amount_minor = excluded.amount_minor")
      ->bind_all(model_id, amount.currency, amount.minor)
      .run();
  return done{};
}

std::vector<deposit_price> store::deposits() {
  std::vector<deposit_price> out;
  auto st = db_->prepare(
      "SELECT d.model_id, d.amount_minor, d.currency FROM deposits d JOIN battery_models m ON m.id = d.model_id "
      "ORDER BY m.nominal_v, d.currency");
  while (st->step()) out.push_back({st->text(0), money{st->int64(1), st->text(2)}});
  return out;
}

std::optional<money> store::deposit(const std::string& model_id, const std::string& currency) {
  auto st = db_->prepare("SELECT amount_minor FROM deposits WHERE model_id = ? AND currency = ?");
  st->bind_all(model_id, currency);
  if (!st->step()) return std::nullopt;
  return money{st->int64(0), currency};
}

// ---- countries -----------------------------------------------------------------------------

status store::set_country(const country_policy& p) {
  transaction tx{*db_};
  auto s = put_country(p);
  if (s) tx.commit();
  return s;
}

status store::put_country(const country_policy& p) {
  if (auto why = validate(p); !why.empty()) return error{errc::invalid_argument, why};
  for (const auto& d : p.kyc_documents)
    if (d.find(',') != std::string::npos) return error{errc::invalid_argument, "document names cannot contain ','"};
  // Riders' wallets, deposits and plans are in the country's currency: it cannot change under them.
  if (auto old = country(p.country); old && old->currency != p.currency &&
      db_->prepare("SELECT 1 FROM riders WHERE country = ?")->bind(1, p.country).step())
    return error{errc::currency_mismatch, p.country + " has riders whose money is in " + old->currency +
                                              "; its currency cannot change to " + p.currency};
  db_->prepare("INSERT INTO countries (code, currency, kyc_documents, min_age, terms, grace_days, tax_rate_bp) "
               "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET currency = excluded.currency, "
               "kyc_documents = excluded.kyc_documents, min_age = excluded.min_age, terms = excluded.terms, "
               "grace_days = excluded.grace_days, tax_rate_bp = excluded.tax_rate_bp")
      ->bind_all(p.country, p.currency, rows::join(p.kyc_documents), p.min_age_years, to_string(p.terms),
                p.grace_days, p.tax_rate_bp)
      .run();
  return done{};
}

namespace {
country_policy read_country(const statement& st) {
  country_policy p;
  p.country = st.text(0);
  p.currency = st.text(1);
  p.kyc_documents = rows::split(st.text(2));
  p.min_age_years = st.integer(3);
  p.terms = rows::parse_enum<payment_terms>(st.text(4), "countries.terms");
  p.grace_days = st.integer(5);
  p.tax_rate_bp = st.integer(6);
  return p;
}
constexpr const char* country_select =
    "SELECT code, currency, kyc_documents, min_age, terms, grace_days, tax_rate_bp FROM countries";
}  // namespace

std::optional<country_policy> store::country(const std::string& code) {
  auto st = db_->prepare(std::string{country_select} + " WHERE code = ?");
  st->bind(1, code);
  if (!st->step()) return std::nullopt;
  return read_country(*st);
}

std::vector<country_policy> store::countries() {
  std::vector<country_policy> out;
  auto st = db_->prepare(std::string{country_select} + " ORDER BY code");
  while (st->step()) out.push_back(read_country(*st));
  return out;
}

// ---- agents --------------------------------------------------------------------------------

status store::add_agent(const twin::agent& given) {
  transaction tx{*db_};
  auto s = insert_agent(given);
  if (s) tx.commit();
  return s;
}

status store::insert_agent(const twin::agent& given) {
  if (given.id.empty() || given.id.size() > 64) return error{errc::invalid_argument, "agent id: 1..64 characters"};
  twin::agent a = given;
  for (auto [field, what] : {std::pair{&a.name, "the name of agent "}, std::pair{&a.region, "the region of agent "}}) {
    auto clean = clean_name(*field, what + a.id);
    if (!clean) return clean.err();
    *field = std::move(*clean);
  }
  if (!valid(a.base)) return error{errc::invalid_argument, "agent base: latitude/longitude out of range"};
  if (db_->prepare("SELECT 1 FROM agents WHERE id = ?")->bind(1, a.id).step())
    return error{errc::agent_duplicate, "agent " + a.id + " already exists"};
  db_->prepare("INSERT INTO agents (id, name, region, phone, lat, lon, state) VALUES (?, ?, ?, ?, ?, ?, ?)")
      ->bind_all(a.id, a.name, a.region, a.phone, a.base.lat, a.base.lon, to_string(a.state))
      .run();
  return done{};
}

namespace {
constexpr const char* agent_select = "SELECT id, name, region, phone, lat, lon, state FROM agents";
agent read_agent(const statement& st) {
  return agent{st.text(0), st.text(1), st.text(2), st.text(3), {st.real(4), st.real(5)},
               rows::parse_enum<agent_state>(st.text(6), "agents.state")};
}
}  // namespace

std::optional<agent> store::agent(const std::string& id) {
  auto st = db_->prepare(std::string{agent_select} + " WHERE id = ?");
  st->bind(1, id);
  if (!st->step()) return std::nullopt;
  return read_agent(*st);
}

std::vector<agent> store::agents() {
  std::vector<twin::agent> out;
  auto st = db_->prepare(std::string{agent_select} + " ORDER BY id");
  while (st->step()) out.push_back(read_agent(*st));
  return out;
}

// ---- settings ------------------------------------------------------------------------------

std::optional<std::string> store::setting(const std::string& key) {
  auto st = db_->prepare("SELECT value FROM settings WHERE key = ?");
  st->bind(1, key);
  if (!st->step()) return std::nullopt;
  return st->text(0);
}

void store::set_setting(const std::string& key, const std::string& value) {
  transaction tx{*db_};
  put_setting(key, value);
  tx.commit();
}

void store::put_setting(const std::string& key, const std::string& value) {
  db_->prepare("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
      ->bind_all(key, value)
      .run();
}

// ---- work orders ---------------------------------------------------------------------------

std::int64_t store::add_work_order(const work_order& w) {
  transaction tx{*db_};
  auto id = insert_work_order(w);
  tx.commit();
  return id;
}

std::int64_t store::insert_work_order(const work_order& w) {
  db_->prepare("INSERT INTO work_orders (station_sn, alert, slot, state, agent_id, opened_at_ms, due_at_ms, "
               "updated_at_ms, on_site_at_ms, resolved_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      ->bind_all(w.station_sn, to_string(w.alert), w.slot, to_string(w.state), w.agent_id, to_ms(w.opened_at),
                to_ms(w.due_at), to_ms(w.updated_at),
                w.on_site_at ? std::optional<std::int64_t>{to_ms(*w.on_site_at)} : std::nullopt,
                w.resolved_at ? std::optional<std::int64_t>{to_ms(*w.resolved_at)} : std::nullopt)
      .run();
  return db_->last_insert_rowid();
}

void store::save_work_order(const work_order& w) {
  transaction tx{*db_};
  db_->prepare("UPDATE work_orders SET state = ?, agent_id = ?, due_at_ms = ?, updated_at_ms = ?, on_site_at_ms = ?, "
               "resolved_at_ms = ? WHERE id = ?")
      ->bind_all(to_string(w.state), w.agent_id, to_ms(w.due_at), to_ms(w.updated_at),
                w.on_site_at ? std::optional<std::int64_t>{to_ms(*w.on_site_at)} : std::nullopt,
                w.resolved_at ? std::optional<std::int64_t>{to_ms(*w.resolved_at)} : std::nullopt, w.id)
      .run();
  tx.commit();
}

bool store::has_open_work_order(const std::string& sn, alert_kind kind, int slot) {
  auto q = db_->prepare(
      "SELECT 1 FROM work_orders WHERE station_sn = ? AND alert = ? AND slot = ? AND state <> 'resolved' LIMIT 1");
  q->bind_all(sn, std::string{to_string(kind)}, slot);
  return q->step();
}

std::vector<work_order> store::work_orders(bool open_only) {
  std::vector<work_order> out;
  auto st = db_->prepare(std::string{"SELECT "} + rows::work_order_columns + " FROM work_orders" +
                          (open_only ? " WHERE state <> 'resolved'" : "") + " ORDER BY id");
  while (st->step()) out.push_back(rows::read_work_order(*st));
  return out;
}

std::optional<work_order> store::find_work_order(std::int64_t id) {
  auto st = db_->prepare(std::string{"SELECT "} + rows::work_order_columns + " FROM work_orders WHERE id = ?");
  st->bind_all(id);
  if (!st->step()) return std::nullopt;
  return rows::read_work_order(*st);
}

}  // namespace swaptwin::adapters
