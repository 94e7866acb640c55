// Ledger write throughput of the store against raw SQLite, measured in the same run.
//
// Store: store::append_postings (prepared statements, one transaction per batch, idempotency key
// with ON CONFLICT DO NOTHING, append-only triggers, indexes of the real schema).
// Raw, two ways, in other files with the same pragmas, through the bare SQLite C API:
//  - "raw same schema": the same INSERT into the store's own schema (unique key, indexes, trigger):
//    what the store's layer (wrapper, statement cache, rules) costs on top of SQLite;
//  - "raw bare table": a plain table of the same columns with no key, index or trigger: what the
//    idempotency key itself costs.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <vector>

#include <CLI/CLI.hpp>
#include <sqlite3.h>

#include "adapters/migrations.hpp"
#include "adapters/sqlite.hpp"
#include "adapters/store.hpp"

namespace {

using namespace swaptwin;
using clock_type = std::chrono::steady_clock;

std::vector<twin::posting> make_batch(std::int64_t first, int n) {
  std::vector<twin::posting> out;
  out.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    auto id = first + i;
    twin::posting p;
    p.key = "swap:SZ-" + std::to_string(id % 1000) + ":boot-1:" + std::to_string(id);
    p.at = twin::from_ms(1795430400000 + id * 1000);
    p.rider_id = "R-CN-" + std::to_string(id % 150000);
    p.kind = twin::posting_kind::usage_charge;
    p.amount = twin::money{600 + id % 100, "CNY"};
    p.plan = twin::plan_kind::cycles;
    p.plan_id = "cn-per-swap";
    p.station_sn = "SZ-" + std::to_string(id % 1000);
    p.memo = "12000 m, 480 Wh";
    out.push_back(std::move(p));
  }
  return out;
}

double store_rate(const std::string& path, std::int64_t rows, int batch, const std::string& sync) {
  adapters::store_options opt;
  opt.synchronous = sync;
  adapters::store db{path, opt};
  double seconds = 0;
  for (std::int64_t done = 0; done < rows; done += batch) {
    auto ps = make_batch(done, batch);  // built outside the timed part, like the raw run
    auto t0 = clock_type::now();
    auto n = db.append_postings(ps);
    seconds += std::chrono::duration<double>(clock_type::now() - t0).count();
    if (n != static_cast<size_t>(batch)) throw std::runtime_error("store appended fewer rows than asked");
  }
  return static_cast<double>(rows) / seconds;
}

double raw_rate(const std::string& path, std::int64_t rows, int batch, const std::string& sync, bool same_schema) {
  adapters::sql::database db{path, true};
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = " + sync +
          "; PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 10000;");
  if (same_schema) adapters::migrate(db);
  else
    db.exec("CREATE TABLE ledger (id INTEGER PRIMARY KEY, idempotency_key TEXT, at_ms INTEGER, rider_id TEXT, "
            "kind TEXT, amount_minor INTEGER, currency TEXT, plan_kind TEXT, plan_id TEXT, station_sn TEXT, memo TEXT)");
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db.handle(), (std::string{"INSERT INTO ledger (idempotency_key, at_ms, rider_id, kind, amount_minor, currency, "} +
                     "plan_kind, plan_id, station_sn, memo) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" +
                     std::string{same_schema ? " ON CONFLICT (idempotency_key) DO NOTHING" : ""}).c_str(), -1, &st, nullptr);
  double seconds = 0;
  for (std::int64_t done = 0; done < rows; done += batch) {
    auto ps = make_batch(done, batch);
    auto t0 = clock_type::now();
    db.exec("BEGIN");
    for (const auto& p : ps) {
      sqlite3_bind_text(st, 1, p.key.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_int64(st, 2, twin::to_ms(p.at));
      sqlite3_bind_text(st, 3, p.rider_id.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_text(st, 4, "usage_charge", -1, SQLITE_STATIC);
      sqlite3_bind_int64(st, 5, p.amount.minor);
      sqlite3_bind_text(st, 6, p.amount.currency.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_text(st, 7, "cycles", -1, SQLITE_STATIC);
      sqlite3_bind_text(st, 8, p.plan_id.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_text(st, 9, p.station_sn.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_text(st, 10, p.memo.c_str(), -1, SQLITE_STATIC);
      if (sqlite3_step(st) != SQLITE_DONE) throw std::runtime_error("raw insert failed");
      sqlite3_reset(st);
    }
    db.exec("COMMIT");
    seconds += std::chrono::duration<double>(clock_type::now() - t0).count();
  }
  sqlite3_finalize(st);
  return static_cast<double>(rows) / seconds;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Ledger postings per second: swaptwin store vs raw SQLite inserts of rows of the same size"};
  std::int64_t rows = 200000;
  int batch = 1000, repeat = 3;
  std::string dir = std::filesystem::temp_directory_path() / "swaptwin-bench-store";
  std::string sync = "FULL";
  app.add_option("--rows", rows, "Postings per run")->capture_default_str();
  app.add_option("--batch", batch, "Postings per transaction")->capture_default_str();
  app.add_option("--repeat", repeat, "Runs of each; the median is reported")->capture_default_str();
  app.add_option("--sync", sync, "PRAGMA synchronous for both: FULL or NORMAL")->capture_default_str();
  app.add_option("--dir", dir, "Scratch directory (emptied)")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::vector<double> store_runs, same_runs, bare_runs;
  for (int r = 0; r < repeat; ++r) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    // Rotate the order so no side always runs first on a cold cache.
    for (int k = 0; k < 3; ++k) {
      switch ((r + k) % 3) {
        case 0: store_runs.push_back(store_rate(dir + "/store.db", rows, batch, sync)); break;
        case 1: same_runs.push_back(raw_rate(dir + "/same.db", rows, batch, sync, true)); break;
        case 2: bare_runs.push_back(raw_rate(dir + "/bare.db", rows, batch, sync, false)); break;
      }
    }
    std::fprintf(stderr, "run %d/%d: store %.0f/s, raw same schema %.0f/s, raw bare table %.0f/s\n", r + 1, repeat,
                 store_runs.back(), same_runs.back(), bare_runs.back());
  }
  std::filesystem::remove_all(dir);
  double s = median(store_runs), same = median(same_runs), bare = median(bare_runs);
  std::printf("rows %lld, batch %d, synchronous %s, median of %d\n", static_cast<long long>(rows), batch, sync.c_str(),
              repeat);
  std::printf("store                  %10.0f postings/s\n", s);
  std::printf("raw, same schema       %10.0f inserts/s   store/raw = %.2f\n", same, s / same);
  std::printf("raw, bare table        %10.0f inserts/s   store/raw = %.2f\n", bare, s / bare);
  return 0;
}
