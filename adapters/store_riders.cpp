// The store's plans, riders, ledger and swaps.
#include <map>

#include "adapters/sqlite.hpp"
#include "adapters/store.hpp"
#include "adapters/store_rows.hpp"
#include "twin/text.hpp"

namespace swaptwin::adapters {

using namespace twin;
using sql::transaction;

namespace {
std::optional<std::int64_t> opt_ms(const std::optional<unix_ms>& t) {
  return t ? std::optional<std::int64_t>{to_ms(*t)} : std::nullopt;
}
}  // namespace

// ---- plans ---------------------------------------------------------------------------------

status store::add_plan(const twin::plan& p) {
  transaction tx{*db_};
  auto s = insert_plan(p);
  if (s) tx.commit();
  return s;
}

status store::insert_plan(const twin::plan& p) {
  if (auto why = validate(p); !why.empty()) return error{errc::invalid_argument, "plan " + p.id + ": " + why};
  if (db_->prepare("SELECT 1 FROM plans WHERE id = ?")->bind(1, p.id).step())
    return error{errc::plan_duplicate, "plan " + p.id + " already exists"};
  db_->prepare("INSERT INTO plans (id, name, kind, currency, price_minor, period, swap_cap, bundle_km, bundle_swaps, "
               "unit_price_minor, retired) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      ->bind_all(p.id, p.name, to_string(p.kind), p.currency, p.price_minor, to_string(p.period), p.swap_cap,
                 p.bundle_km, p.bundle_swaps, p.unit_price_minor, p.retired ? 1 : 0)
      .run();
  return done{};
}

std::optional<plan> store::plan(const std::string& id) {
  auto q = db_->prepare(std::string{"SELECT "} + rows::plan_columns + " FROM plans WHERE id = ?");
  q->bind(1, id);
  if (!q->step()) return std::nullopt;
  return rows::read_plan(*q);
}

std::vector<plan> store::plans() {
  std::vector<twin::plan> out;
  auto q = db_->prepare(std::string{"SELECT "} + rows::plan_columns + " FROM plans ORDER BY kind, id");
  while (q->step()) out.push_back(rows::read_plan(*q));
  return out;
}

status store::retire_plan(const std::string& id) {
  transaction tx{*db_};
  db_->prepare("UPDATE plans SET retired = 1 WHERE id = ?")->bind(1, id).run();
  if (db_->changes() == 0) return error{errc::plan_unknown, "plan " + id + " is not known"};
  tx.commit();
  return done{};
}

// ---- riders --------------------------------------------------------------------------------

status store::add_rider(const twin::rider& given) {
  transaction tx{*db_};
  auto s = insert_rider(given);
  if (s) tx.commit();
  return s;
}

status store::insert_rider(const twin::rider& given) {
  if (given.id.empty() || given.id.size() > 64) return error{errc::invalid_argument, "rider id: 1..64 characters"};
  auto name = clean_name(given.name, "the name of rider " + given.id);
  if (!name) return name.err();
  twin::rider r = given;
  r.name = std::move(*name);
  if (r.wh_per_km <= 0) return error{errc::invalid_argument, "wh_per_km: must be positive"};
  if (db_->prepare("SELECT 1 FROM riders WHERE id = ?")->bind(1, r.id).step())
    return error{errc::rider_duplicate, "rider " + r.id + " already exists"};
  if (!country(r.country))
    return error{errc::country_unknown, "no policy for country \"" + r.country + "\" (set one with country set-policy)"};
  write_rider(r);
  return done{};
}

void store::write_rider(const twin::rider& r) {
  // The last guard of the money range (the billing rules refuse first): never store a wrapped balance.
  bool in_range = in_money_range(r.balance_minor);
  for (const auto& [model_id, amount] : r.deposits) in_range = in_range && in_money_range(amount.minor);
  if (!in_range) throw sql::store_error("rider " + r.id + ": a balance or deposit outside the money range; nothing written");
  db_->prepare("INSERT INTO riders (id, name, country, phone, birth_date, kyc, kyc_documents, kyc_note, wh_per_km, "
               "balance_minor, owed_since_ms, holding_sn, holding_model, created_at_ms) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
               "name = excluded.name, phone = excluded.phone, birth_date = excluded.birth_date, kyc = excluded.kyc, "
               "kyc_documents = excluded.kyc_documents, kyc_note = excluded.kyc_note, wh_per_km = excluded.wh_per_km, "
               "balance_minor = excluded.balance_minor, owed_since_ms = excluded.owed_since_ms, "
               "holding_sn = excluded.holding_sn, holding_model = excluded.holding_model")
      ->bind_all(r.id, r.name, r.country, r.phone,
                 r.birth_date ? std::optional<std::string>{format_date(*r.birth_date)} : std::nullopt,
                 to_string(r.kyc), rows::join(r.kyc_documents), r.kyc_note, r.wh_per_km, r.balance_minor,
                 opt_ms(r.owed_since), r.holding_sn, r.holding_model, to_ms(r.created_at))
      .run();
  db_->prepare("DELETE FROM rider_deposits WHERE rider_id = ?")->bind(1, r.id).run();
  for (const auto& [model_id, amount] : r.deposits)
    db_->prepare("INSERT INTO rider_deposits (rider_id, model_id, amount_minor, currency) VALUES (?, ?, ?, ?)")
        ->bind_all(r.id, model_id, amount.minor, amount.currency)
        .run();
  if (!r.plan) {
    db_->prepare("DELETE FROM subscriptions WHERE rider_id = ?")->bind(1, r.id).run();
    return;
  }
  const auto& s = *r.plan;
  db_->prepare("INSERT INTO subscriptions (rider_id, plan_id, kind, started_at_ms, expires_at_ms, swaps_used, swap_cap, "
               "km_left_m, swaps_left, metered, overage) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
               "ON CONFLICT (rider_id) DO UPDATE SET plan_id = excluded.plan_id, kind = excluded.kind, "
               "started_at_ms = excluded.started_at_ms, expires_at_ms = excluded.expires_at_ms, "
               "swaps_used = excluded.swaps_used, swap_cap = excluded.swap_cap, km_left_m = excluded.km_left_m, "
               "swaps_left = excluded.swaps_left, metered = excluded.metered, overage = excluded.overage")
      ->bind_all(r.id, s.plan_id, to_string(s.kind), to_ms(s.started_at), opt_ms(s.expires_at), s.swaps_used,
                 s.swap_cap, s.km_left_m, s.swaps_left, s.metered ? 1 : 0, s.overage ? 1 : 0)
      .run();
}

namespace {
void read_rider_details(sql::database& db, rider& r) {
  {
    auto q = db.prepare("SELECT model_id, amount_minor, currency FROM rider_deposits WHERE rider_id = ?");
    q->bind(1, r.id);
    while (q->step()) r.deposits[q->text(0)] = money{q->int64(1), q->text(2)};
  }
  auto q = db.prepare(std::string{"SELECT "} + rows::subscription_columns + " FROM subscriptions WHERE rider_id = ?");
  q->bind(1, r.id);
  if (q->step()) r.plan = rows::read_subscription(*q);
}
}  // namespace

std::optional<rider> store::rider(const std::string& id) {
  std::optional<twin::rider> r;
  {
    auto q = db_->prepare(std::string{"SELECT "} + rows::rider_columns + " FROM riders WHERE id = ?");
    q->bind(1, id);
    if (!q->step()) return std::nullopt;
    r = rows::read_rider(*q);
  }
  read_rider_details(*db_, *r);
  return r;
}

std::vector<rider> store::riders() {
  std::vector<twin::rider> out;
  {
    auto q = db_->prepare(std::string{"SELECT "} + rows::rider_columns + " FROM riders ORDER BY id");
    while (q->step()) out.push_back(rows::read_rider(*q));
  }
  for (auto& r : out) read_rider_details(*db_, r);
  return out;
}

std::vector<rider> store::riders(std::size_t offset, std::size_t limit) {
  std::vector<twin::rider> out;
  const auto n = static_cast<std::int64_t>(limit), skip = static_cast<std::int64_t>(offset);
  {
    auto q = db_->prepare(std::string{"SELECT "} + rows::rider_columns + " FROM riders ORDER BY id LIMIT ? OFFSET ?");
    q->bind_all(n, skip);
    while (q->step()) out.push_back(rows::read_rider(*q));
  }
  if (out.empty()) return out;
  // The page's deposits and plans in one query each, matched to the riders by id (both in id order).
  const std::string page = " WHERE rider_id >= ? AND rider_id <= ? ORDER BY rider_id";
  std::map<std::string, twin::rider*> by_id;
  for (auto& r : out) by_id[r.id] = &r;
  {
    auto q = db_->prepare("SELECT rider_id, model_id, amount_minor, currency FROM rider_deposits" + page);
    q->bind_all(out.front().id, out.back().id);
    while (q->step())
      if (auto it = by_id.find(q->text(0)); it != by_id.end()) it->second->deposits[q->text(1)] = money{q->int64(2), q->text(3)};
  }
  auto q = db_->prepare(std::string{"SELECT rider_id, "} + rows::subscription_columns + " FROM subscriptions" + page);
  q->bind_all(out.front().id, out.back().id);
  while (q->step())
    if (auto it = by_id.find(q->text(0)); it != by_id.end() && !it->second->plan)
      it->second->plan = rows::read_subscription(*q, 1);
  return out;
}

void store::save_rider(const twin::rider& r) {
  auto name = clean_name(r.name, "the name of rider " + r.id);
  if (!name) throw sql::store_error(name.err().what());
  transaction tx{*db_};
  db_->prepare("UPDATE riders SET name = ?, phone = ?, birth_date = ?, kyc = ?, kyc_documents = ?, kyc_note = ?, "
               "wh_per_km = ? WHERE id = ?")
      ->bind_all(*name, r.phone, r.birth_date ? std::optional<std::string>{format_date(*r.birth_date)} : std::nullopt,
                 to_string(r.kyc), rows::join(r.kyc_documents), r.kyc_note, r.wh_per_km, r.id)
      .run();
  tx.commit();
}

result<store::rider_commit> store::change_rider(
    const std::string& id, const std::function<result<rider_change>(const twin::rider&)>& decide) {
  transaction tx{*db_};  // BEGIN IMMEDIATE: the write lock from this first read to the commit
  auto r = rider(id);
  if (!r) return error{errc::rider_unknown, "rider " + id + " is not known"};
  auto c = decide(*r);
  if (!c) return c.err();
  for (const auto& p : c->postings)
    if (!in_money_range(p.amount.minor))
      return error{errc::money_out_of_range, "posting " + p.key + " of " + std::to_string(p.amount.minor) +
                                                 " minor units is outside the money range; nothing changed"};
  rider_commit out{commit(*c), std::move(*c)};
  if (out.outcome == commit_outcome::applied) tx.commit();
  return out;
}

commit_outcome store::commit(const rider_change& c) {
  transaction tx{*db_};
  if (!c.postings.empty()) {
    const auto& first = c.postings.front();
    auto q = db_->prepare("SELECT rider_id, kind, amount_minor, currency FROM ledger WHERE idempotency_key = ?");
    q->bind(1, first.key);
    if (q->step()) {
      bool same = q->text(0) == first.rider_id && q->text(1) == to_string(first.kind) &&
                  q->int64(2) == first.amount.minor && q->text(3) == first.amount.currency;
      return same ? commit_outcome::duplicate : commit_outcome::conflict;
    }
  }
  write_rider(c.after);
  write_postings(c.postings);
  tx.commit();
  return commit_outcome::applied;
}

// ---- ledger --------------------------------------------------------------------------------

std::size_t store::write_postings(const std::vector<posting>& ps, std::vector<bool>* marks) {
  for (const auto& p : ps)
    if (!in_money_range(p.amount.minor))
      throw sql::store_error("posting " + p.key + ": amount outside the money range; nothing written");
  std::size_t appended = 0;
  if (marks) marks->assign(ps.size(), false);
  auto q = db_->prepare(
      "INSERT INTO ledger (idempotency_key, at_ms, rider_id, kind, amount_minor, currency, plan_kind, plan_id, "
      "station_sn, memo) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING");
  for (const auto& p : ps) {
    q->bind_all(p.key, to_ms(p.at), p.rider_id, to_string(p.kind), p.amount.minor, p.amount.currency,
                p.plan ? std::optional<std::string_view>{to_string(*p.plan)} : std::nullopt, p.plan_id, p.station_sn,
                p.memo);
    q->run();
    const auto changed = static_cast<std::size_t>(db_->changes());
    if (marks && changed) (*marks)[static_cast<std::size_t>(&p - ps.data())] = true;
    appended += changed;
  }
  return appended;
}

std::size_t store::append_postings(const std::vector<posting>& ps) {
  transaction tx{*db_};
  auto appended = write_postings(ps);
  tx.commit();
  return appended;
}

std::vector<bool> store::append_postings_marked(const std::vector<posting>& ps) {
  std::vector<bool> marks;
  transaction tx{*db_};
  write_postings(ps, &marks);
  tx.commit();
  return marks;
}

std::vector<posting> store::postings(const std::string& rider_id) {
  std::vector<posting> out;
  auto q = db_->prepare(
      "SELECT idempotency_key, at_ms, rider_id, kind, amount_minor, currency, plan_kind, plan_id, station_sn, memo "
      "FROM ledger WHERE ?1 = '' OR rider_id = ?1 ORDER BY id");
  q->bind(1, rider_id);
  while (q->step()) {
    posting p;
    p.key = q->text(0);
    p.at = from_ms(q->int64(1));
    p.rider_id = q->text(2);
    p.kind = rows::parse_enum<posting_kind>(q->text(3), "ledger.kind");
    p.amount = money{q->int64(4), q->text(5)};
    if (!q->is_null(6)) p.plan = rows::parse_enum<plan_kind>(q->text(6), "ledger.plan_kind");
    p.plan_id = q->text(7);
    p.station_sn = q->text(8);
    p.memo = q->text(9);
    out.push_back(std::move(p));
  }
  return out;
}

// ---- swaps ---------------------------------------------------------------------------------

bool store::record_swap(const swap_record& s, const rider_change& c, const twin::station& station_after,
                        const std::vector<twin::battery>& packs_after) {
  transaction tx{*db_};
  rows::insert_swap(*db_, s);
  if (db_->changes() == 0) return false;  // seen before: the transaction rolls back, nothing changes
  write_rider(c.after);
  write_postings(c.postings);
  if (!write_station(station_after))
    throw sql::store_error("record_swap: station " + station_after.sn + " is not in the store");
  for (const auto& b : packs_after) save_battery(b);
  tx.commit();
  return true;
}

namespace {
constexpr const char* swap_select =
    "SELECT idempotency_key, at_ms, rider_id, station_sn, model_id, slot_in, returned_sn, returned_soc, slot_out, "
    "issued_sn, energy_wh, km_m, net_minor, tax_minor, currency, plan_kind FROM swaps ";

swap_record read_swap(const sql::statement& q) {
  swap_record s;
  s.key = q.text(0);
  s.at = from_ms(q.int64(1));
  s.rider_id = q.text(2);
  s.station_sn = q.text(3);
  s.model_id = q.text(4);
  s.slot_in = q.integer(5);
  s.returned_sn = q.text(6);
  s.returned_soc = q.real(7);
  s.slot_out = q.integer(8);
  s.issued_sn = q.text(9);
  s.energy_wh = q.int64(10);
  s.km_m = q.int64(11);
  s.net = money{q.int64(12), q.text(14)};
  s.tax = money{q.int64(13), q.text(14)};
  s.plan = rows::parse_enum<plan_kind>(q.text(15), "swaps.plan_kind");
  return s;
}
}  // namespace

std::optional<swap_record> store::swap_by_key(const std::string& key) {
  auto q = db_->prepare(std::string{swap_select} + "WHERE idempotency_key = ?");
  q->bind(1, key);
  if (!q->step()) return std::nullopt;
  return read_swap(*q);
}

std::vector<swap_record> store::swaps(const std::string& rider_id) {
  std::vector<swap_record> out;
  auto q = db_->prepare(std::string{swap_select} + "WHERE ?1 = '' OR rider_id = ?1 ORDER BY id");
  q->bind(1, rider_id);
  while (q->step()) out.push_back(read_swap(*q));
  return out;
}

}  // namespace swaptwin::adapters
