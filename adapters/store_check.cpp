// The back office's invariants (store_check.hpp), each a query or a stream over the tables and a
// plain comparison, in one read transaction.
#include "adapters/store_check.hpp"

#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>

#include "adapters/sqlite.hpp"
#include "adapters/store.hpp"
#include "twin/ledger.hpp"
#include "twin/money.hpp"

namespace swaptwin::adapters {

namespace {

using sql::database;
// Sums of postings in 128 bits: a corrupt ledger's sum is reported, never overflowed.
__extension__ typedef __int128 wide;

std::string to_text(wide v) {
  if (v == 0) return "0";
  const bool negative = v < 0;
  std::string digits;
  while (v != 0) {
    const int d = static_cast<int>(v % 10);
    digits.insert(digits.begin(), static_cast<char>('0' + (negative ? -d : d)));
    v /= 10;
  }
  return negative ? "-" + digits : digits;
}

// Minor units shown as money when they fit, else as a plain count (a corrupt value).
std::string amount(wide minor, const std::string& currency) {
  if (minor >= -twin::money_limit_minor && minor <= twin::money_limit_minor && !currency.empty())
    return twin::format_money(twin::money{static_cast<std::int64_t>(minor), currency});
  return to_text(minor) + " minor units" + (currency.empty() ? "" : " of " + currency);
}

// Ends the read snapshot whatever happens in between.
class read_snapshot {
 public:
  explicit read_snapshot(database& db) : db_(db) { db_.exec("BEGIN"); }
  ~read_snapshot() {
    try {
      db_.exec("ROLLBACK");
    } catch (...) {  // nothing was written; a failed rollback of a read leaves nothing to undo
    }
  }
  read_snapshot(const read_snapshot&) = delete;
  read_snapshot& operator=(const read_snapshot&) = delete;

 private:
  database& db_;
};

struct checker {
  database& db;
  check_report& out;

  void add(const char* inv, std::string subject, std::string detail, std::string fix) {
    out.violations.push_back(violation{inv, std::move(subject), std::move(detail), std::move(fix)});
  }
  void looked_at(const char* inv, std::int64_t n) { out.checked[inv] += n; }
  std::int64_t count(const char* table) { return db.scalar(std::string{"SELECT count(*) FROM "} + table); }

  void integrity() {
    auto q = db.prepare("PRAGMA quick_check(20)");
    while (q->step())
      if (q->text(0) != "ok")
        add("db.integrity", "database", q->text(0),
            "restore the last good backup, or dump the file with `sqlite3 FILE .recover` into a new one; stop every "
            "writer first");
    looked_at("db.integrity", 1);
  }

  void ledger_keys() {
    auto q = db.prepare(
        "SELECT idempotency_key, count(*) FROM ledger GROUP BY idempotency_key HAVING count(*) > 1 "
        "ORDER BY idempotency_key");
    while (q->step())
      add("ledger.key_unique", "ledger key " + q->text(0), std::to_string(q->int64(1)) + " postings share this key",
          "the ledger is append-only: keep the first posting, post a correcting entry under a new key for each "
          "extra one, and find the writer that bypassed the key's uniqueness (a schema edited by hand?)");
    looked_at("ledger.key_unique", count("ledger"));
  }

  // One column of one table whose values must stay in the money range.
  void range_of(const char* table, const char* subject_sql, const char* column, const char* currency_sql,
                const char* what) {
    const std::string lim = std::to_string(twin::money_limit_minor);
    auto q = db.prepare(std::string{"SELECT "} + subject_sql + ", " + column + ", " + currency_sql + " FROM " + table +
                        " WHERE " + column + " NOT BETWEEN -" + lim + " AND " + lim);
    while (q->step())
      add("money.range", q->text(0), std::string{what} + " is " + amount(q->int64(1), q->text(2)) + ", beyond ±" +
                                         amount(twin::money_limit_minor, q->text(2)),
          "an amount this large is a bug or an attack: find who wrote it in the audit trail (`admin audit`) and "
          "correct it with a posted adjustment under a new key");
    looked_at("money.range", count(table));
  }

  void ranges() {
    range_of("riders r LEFT JOIN countries c ON c.code = r.country", "'rider ' || r.id", "r.balance_minor",
             "coalesce(c.currency, '')", "the wallet");
    range_of("rider_deposits", "'rider ' || rider_id || ' deposit ' || model_id", "amount_minor", "currency",
             "the deposit held");
    range_of("deposits", "'deposit price ' || model_id || ' ' || currency", "amount_minor", "currency", "the price");
    range_of("plans", "'plan ' || id", "price_minor", "currency", "the price");
    range_of("plans", "'plan ' || id", "unit_price_minor", "currency", "the unit price");
    range_of("ledger", "'ledger key ' || idempotency_key", "amount_minor", "currency", "the posting");
    range_of("swaps", "'swap ' || idempotency_key", "net_minor", "currency", "the charge");
    range_of("swaps", "'swap ' || idempotency_key", "tax_minor", "currency", "the tax");
  }

  // Every rider's wallet against the sum of their postings' wallet deltas, in 128 bits.
  void wallets() {
    std::unordered_map<std::string, wide> sums;
    auto q = db.prepare(
        "SELECT l.rider_id, l.kind, l.amount_minor, b.kind FROM ledger l LEFT JOIN ledger b "
        "ON l.kind = 'tax' AND substr(l.idempotency_key, -4) = ':tax' "
        "AND b.idempotency_key = substr(l.idempotency_key, 1, length(l.idempotency_key) - 4)");
    std::int64_t rows = 0;
    while (q->step()) {
      ++rows;
      twin::posting_kind kind{};
      if (!twin::from_string(q->text(1), kind)) continue;  // an unknown kind cannot be read: quick_check's job
      std::optional<twin::posting_kind> taxed;
      twin::posting_kind base{};
      if (!q->is_null(3) && twin::from_string(q->text(3), base)) taxed = base;
      sums[q->text(0)] += twin::wallet_delta(kind, q->int64(2), taxed);
    }
    looked_at("wallet.sum", rows);
    auto r = db.prepare(
        "SELECT r.id, r.balance_minor, coalesce(c.currency, '') FROM riders r LEFT JOIN countries c ON c.code = r.country "
        "ORDER BY r.id");
    while (r->step()) {
      const auto id = r->text(0);
      const wide balance = r->int64(1);
      const auto currency = r->text(2);
      auto it = sums.find(id);
      const wide sum = it == sums.end() ? 0 : it->second;
      if (it != sums.end()) sums.erase(it);
      if (sum > twin::money_limit_minor || sum < -twin::money_limit_minor)
        add("money.range", "rider " + id, "the postings sum to " + amount(sum, currency) + ", beyond the money range",
            "an amount this large is a bug or an attack: read `admin rider show " + id + "` and the audit trail");
      if (sum != balance)
        add("wallet.sum", "rider " + id,
            "the wallet holds " + amount(balance, currency) + " but the postings add up to " + amount(sum, currency) +
                " (" + amount(balance - sum, currency) + " unaccounted)",
            "read `admin rider show " + id + "`: a change was written without its posting (or lost); correct the "
            "wallet with a posted top-up or charge under a new key, never by editing the balance");
    }
    for (const auto& [id, sum] : sums)
      if (sum != 0)
        add("wallet.sum", "rider " + id, "postings move a wallet by " + amount(sum, {}) + " but there is no such rider",
            "restore the rider from a backup, or post the reverse under a new key");
  }

  struct pack_row {
    std::string place, ref, model;
    std::string where() const { return ref.empty() ? place : place + " " + ref; }
  };

  void packs() {
    std::map<std::string, pack_row> packs;
    auto b = db.prepare("SELECT sn, place, place_ref, model_id FROM batteries");
    while (b->step()) packs[b->text(0)] = pack_row{b->text(1), b->text(2), b->text(3)};
    std::map<std::string, std::vector<std::string>> in_slots;   // pack -> slots holding it
    std::map<std::string, std::string> slot_holds;              // "SN:idx" -> pack
    auto s = db.prepare("SELECT station_sn, idx, battery_sn FROM slots WHERE battery_sn IS NOT NULL AND battery_sn != ''");
    while (s->step()) {
      const auto slot = s->text(0) + ":" + std::to_string(s->int64(1));
      in_slots[s->text(2)].push_back(slot);
      slot_holds[slot] = s->text(2);
    }
    std::map<std::string, std::vector<std::string>> with_riders;  // pack -> riders holding it
    std::map<std::string, std::string> rider_holds;               // rider -> pack
    auto r = db.prepare("SELECT id, holding_sn FROM riders WHERE holding_sn != ''");
    while (r->step()) {
      with_riders[r->text(1)].push_back(r->text(0));
      rider_holds[r->text(0)] = r->text(1);
    }
    looked_at("pack.one_place", static_cast<std::int64_t>(packs.size()));
    const std::string fix_place =
        "compare with the cabinet's own report (StatusNotification, `admin station show`) and move the pack to where "
        "it physically is; a pack nobody can find is recorded in the warehouse or transit until found";
    for (const auto& [sn, slots] : in_slots) {
      if (slots.size() > 1)
        add("pack.one_place", "pack " + sn, "held by " + std::to_string(slots.size()) + " slots: " + join(slots), fix_place);
      auto it = packs.find(sn);
      if (it == packs.end()) {
        add("pack.one_place", "pack " + sn, "slot " + slots.front() + " holds it, but it is not in the pack register",
            "register the pack (`admin` import, or the cabinet's next report of it) or clear the slot");
        continue;
      }
      if (it->second.place != "slot" || it->second.ref != slots.front())
        add("pack.one_place", "pack " + sn,
            "slot " + slots.front() + " holds it, but it is recorded at " + it->second.where(), fix_place);
    }
    for (const auto& [sn, riders] : with_riders) {
      if (riders.size() > 1)
        add("pack.one_place", "pack " + sn, "held by " + std::to_string(riders.size()) + " riders: " + join(riders), fix_place);
      if (in_slots.count(sn))
        add("pack.one_place", "pack " + sn, "held by rider " + riders.front() + " and in slot " + in_slots[sn].front(),
            fix_place);
      auto it = packs.find(sn);
      if (it != packs.end() && (it->second.place != "rider" || it->second.ref != riders.front()) && !in_slots.count(sn))
        add("pack.one_place", "pack " + sn,
            "rider " + riders.front() + " holds it, but it is recorded at " + it->second.where(),
            fix_place);
    }
    std::map<std::string, std::vector<std::string>> slot_claims;  // "SN:idx" -> packs recorded there
    for (const auto& [sn, p] : packs) {
      if (p.place == "slot") {
        slot_claims[p.ref].push_back(sn);
        auto h = slot_holds.find(p.ref);
        if (h == slot_holds.end() || h->second != sn)
          add("pack.one_place", "pack " + sn,
              "recorded in slot " + p.ref + ", which holds " + (h == slot_holds.end() ? "nothing" : "pack " + h->second),
              fix_place);
      } else if (p.place == "rider") {
        auto h = rider_holds.find(p.ref);
        if (h == rider_holds.end() || h->second != sn)
          add("pack.one_place", "pack " + sn,
              "recorded with rider " + p.ref + ", who holds " + (h == rider_holds.end() ? "nothing" : "pack " + h->second),
              fix_place);
      }
    }
    looked_at("slot.one_pack", static_cast<std::int64_t>(slot_holds.size()));
    for (const auto& [slot, claims] : slot_claims)
      if (claims.size() > 1)
        add("slot.one_pack", "slot " + slot, "claimed by " + std::to_string(claims.size()) + " packs: " + join(claims),
            "open the slot's door report (`admin station show`) to see which pack is in it, and record the others "
            "where they are");
    riders_vs_deposits(packs);
  }

  void riders_vs_deposits(const std::map<std::string, pack_row>& packs) {
    std::map<std::string, std::map<std::string, std::string>> held;  // rider -> pack -> model
    auto r = db.prepare("SELECT id, holding_sn, holding_model FROM riders WHERE holding_sn != ''");
    while (r->step()) held[r->text(0)][r->text(1)] = r->text(2);
    for (const auto& [sn, p] : packs)
      if (p.place == "rider") held[p.ref][sn] = p.model;
    std::map<std::string, std::set<std::string>> deposits;
    auto d = db.prepare("SELECT rider_id, model_id FROM rider_deposits");
    while (d->step()) deposits[d->text(0)].insert(d->text(1));
    std::set<std::string> excused;
    auto a = db.prepare("SELECT DISTINCT rider_id FROM anomalies WHERE closed_at_ms IS NULL AND rider_id != ''");
    while (a->step()) excused.insert(a->text(0));
    looked_at("rider.packs_vs_deposits", static_cast<std::int64_t>(held.size()));
    for (const auto& [rider, pack_models] : held) {
      if (excused.count(rider)) continue;
      const auto& dep = deposits[rider];
      std::string why;
      if (pack_models.size() > dep.size())
        why = "holds " + std::to_string(pack_models.size()) + " pack(s) on " + std::to_string(dep.size()) + " deposit(s)";
      for (const auto& [sn, model] : pack_models)
        if (why.empty() && !model.empty() && !dep.count(model)) why = "holds " + model + " pack " + sn + " with no " + model + " deposit";
      if (!why.empty())
        add("rider.packs_vs_deposits", "rider " + rider, why + ", and no custody anomaly about them is open",
            "take the deposit (`admin rider pay-deposit " + rider + " MODEL`) or get the pack back; if the cabinet's "
            "report is in doubt, record a custody anomaly for an operator");
    }
  }

  void swaps_billed() {
    auto q = db.prepare(
        "SELECT s.idempotency_key, s.rider_id, s.net_minor, s.tax_minor, s.currency, "
        "u.rider_id, u.amount_minor, t.amount_minor FROM swaps s "
        "LEFT JOIN ledger u ON u.idempotency_key = s.idempotency_key AND u.kind = 'usage_charge' "
        "LEFT JOIN ledger t ON t.idempotency_key = s.idempotency_key || ':tax' AND t.kind = 'tax' "
        "ORDER BY s.idempotency_key");
    std::int64_t rows = 0;
    const std::string fix =
        "compare the swap with the rider's postings (`admin rider show`); post the missing charge, or the reverse of "
        "the extra one, under a new key";
    while (q->step()) {
      ++rows;
      const auto key = q->text(0), cur = q->text(4);
      const std::int64_t net = q->int64(2), tax = q->int64(3);
      const std::int64_t charged = q->is_null(6) ? 0 : q->int64(6), taxed = q->is_null(7) ? 0 : q->int64(7);
      if (!q->is_null(5) && q->text(5) != q->text(1))
        add("swap.billed_once", "swap " + key, "swapped by rider " + q->text(1) + " but charged to rider " + q->text(5), fix);
      if (charged != net || taxed != tax)
        add("swap.billed_once", "swap " + key,
            "priced " + amount(net, cur) + " + tax " + amount(tax, cur) + " but the ledger charged " +
                amount(charged, cur) + " + tax " + amount(taxed, cur),
            fix);
    }
    looked_at("swap.billed_once", rows);
    auto u = db.prepare(
        "SELECT l.idempotency_key, l.rider_id, l.amount_minor, l.currency FROM ledger l WHERE l.kind = 'usage_charge' "
        "AND NOT EXISTS (SELECT 1 FROM swaps s WHERE s.idempotency_key = l.idempotency_key) ORDER BY l.idempotency_key");
    while (u->step())
      add("swap.billed_once", "ledger key " + u->text(0),
          "a usage charge of " + amount(u->int64(2), u->text(3)) + " to rider " + u->text(1) + " with no recorded swap",
          fix);
  }

  static std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
  }
};

}  // namespace

std::vector<std::string> check_invariant_ids() {
  return {"db.integrity",   "ledger.key_unique", "money.range",
                                            "wallet.sum",     "pack.one_place",    "slot.one_pack",
                                            "rider.packs_vs_deposits", "swap.billed_once"};
}

check_report check_invariants(store& s) {
  check_report out;
  auto& db = s.db();
  read_snapshot snapshot{db};
  checker c{db, out};
  c.integrity();
  c.ledger_keys();
  c.ranges();
  c.wallets();
  c.packs();
  c.swaps_billed();
  return out;
}

}  // namespace swaptwin::adapters
