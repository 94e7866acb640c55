#pragma once
// A small back office set up entirely through `swaptwin admin` commands, shared by the tests.

#include "cli_harness.hpp"
#include "twin/time.hpp"

namespace swaptwin::apptest {

/// `now_text` as an instant.
inline twin::unix_ms now_ms() { return *twin::parse_instant(now_text); }

/// A directory of this test process for databases shared by its tests; removed when the tests end.
inline fs::path template_dir() {
  static const fs::path dir = [] {
    auto d = fs::temp_directory_path() / ("swaptwin_app_shared_" + std::to_string(getpid()));
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

struct template_cleanup : ::testing::Environment {
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(fs::temp_directory_path() / ("swaptwin_app_shared_" + std::to_string(getpid())), ec);
  }
};
inline ::testing::Environment* const template_cleanup_registered =
    ::testing::AddGlobalTestEnvironment(new template_cleanup);

class back_office_test : public cli_test {
 protected:
  /// Countries, deposits, stations, an agent and plans of all four kinds:
  /// - CN: CNY, prepaid, national_id + selfie, min age 16, tax 13%;
  ///   KE: KES, postpaid (7 days grace), national_id, min age 18, tax 16%;
  /// - deposits: 60V 300.00 CNY, 48V 4000 KES;
  /// - stations SZ-0001 "Futian Central" (8 slots), SZ-0002 "Nanshan Market", NBO-0001 "Westlands";
  ///   agent AG-SZ looks after SZ-0001;
  /// - plans cn-month (period, 299.00 CNY a month), cn-km (distance, 90.00 CNY for 300 km then
  ///   0.40 CNY/km), cn-swap (cycles, 6.00 CNY per swap), ke-kwh (energy, 45.00 KES per kWh),
  ///   ke-20 (cycles, 1800.00 KES for 20 swaps).
  ///
  /// The commands run once per test process; later tests of the process start from a copy of the
  /// database they wrote (each CLI write is an fsync, and most tests need this same catalogue).
  void build_catalogue() {
    static fs::path built;  // the first catalogue this process built through the CLI
    if (!built.empty() && fs::exists(built)) {
      for (const char* suffix : {"", "-wal"})
        if (fs::exists(built.string() + suffix))
          fs::copy_file(built.string() + suffix, db_.string() + suffix, fs::copy_options::overwrite_existing);
      return;
    }
    build_catalogue_through_commands();
    if (::testing::Test::HasFailure()) return;
    built = template_dir() / "catalogue.db";
    fs::remove(built);
    for (const char* suffix : {"", "-wal"})
      if (fs::exists(db_.string() + suffix)) fs::copy_file(db_.string() + suffix, built.string() + suffix);
  }

  void build_catalogue_through_commands() {
    ok({"country", "set-policy", "CN", "--currency", "CNY", "--docs", "national_id,selfie", "--min-age", "16", "--tax",
        "13%"});
    ok({"country", "set-policy", "KE", "--currency", "KES", "--docs", "national_id", "--min-age", "18", "--terms",
        "postpaid", "--grace-days", "7", "--tax", "16%"});
    ok({"model", "set-deposit", "60V", "300.00 CNY"});
    ok({"model", "set-deposit", "48V", "4000 KES"});
    ok({"station", "add", "SZ-0001", "--no-password", "--name", "Futian Central", "--lat", "22.543", "--lon", "114.058",
        "--slots", "8", "--power-cap-w", "4000"});
    ok({"station", "add", "SZ-0002", "--no-password", "--name", "Nanshan Market", "--lat", "22.53", "--lon", "113.93"});
    ok({"station", "add", "NBO-0001", "--no-password", "--name", "Westlands", "--lat", "-1.27", "--lon", "36.81"});
    ok({"agent", "add", "AG-SZ", "--name", "Li Wei", "--region", "Shenzhen", "--phone", "+86 138 0000 0001", "--lat",
        "22.54", "--lon", "114.05"});
    ok({"agent", "assign", "AG-SZ", "SZ-0001"});
    ok({"plan", "add", "cn-month", "--name", "Unlimited month", "--kind", "period", "--period", "month", "--price",
        "299.00 CNY"});
    ok({"plan", "add", "cn-km", "--name", "300 km bundle", "--kind", "distance", "--price", "90.00 CNY", "--km", "300",
        "--per-km", "0.40 CNY"});
    ok({"plan", "add", "cn-swap", "--name", "Pay per swap", "--kind", "cycles", "--per-swap", "6.00 CNY"});
    ok({"plan", "add", "ke-kwh", "--name", "Pay per kWh", "--kind", "energy", "--per-kwh", "45.00 KES"});
    ok({"plan", "add", "ke-20", "--name", "20 swaps", "--kind", "cycles", "--price", "1800.00 KES", "--swaps", "20"});
  }

  /// A CN rider, verified, with the 60V deposit, on `plan` (when not empty), wallet topped up by
  /// `top_up` (when not empty); every step through the CLI at `now`.
  void cn_rider(const std::string& id, const std::string& plan, const std::string& top_up,
                const std::string& now = now_text) {
    ok({"rider", "add", id, "--name", "Rider " + id, "--country", "CN", "--birth-date", "1990-05-17"}, now);
    ok({"rider", "kyc", id, "submit", "--doc", "national_id", "--doc", "selfie"}, now);
    ok({"rider", "kyc", id, "approve"}, now);
    ok({"rider", "pay-deposit", id, "60V"}, now);
    if (!plan.empty()) ok({"rider", "buy-plan", id, plan}, now);
    if (!top_up.empty()) ok({"rider", "top-up", id, top_up}, now);
  }

  /// Writes station `sn` as online with ready `model` packs of the given charges in slots 1, 2, ...
  /// directly into the store (stands in for the cabinet gateway of a later issue).
  void bring_online(const std::string& sn, const std::string& model, const std::vector<double>& socs) {
    auto db = store();
    auto s = db.station(sn);
    ASSERT_TRUE(s) << sn;
    s->link.online = true;
    s->link.last_seen = now_ms() - std::chrono::minutes{1};
    s->link.boot_id = "boot-1";
    for (size_t i = 0; i < socs.size(); ++i) {
      twin::battery b;
      b.sn = sn + "-P" + std::to_string(i + 1);
      b.model_id = model;
      b.soc = socs[i];
      b.soh = 1.0;
      b.place = twin::pack_place::slot;
      b.place_ref = sn + ":" + std::to_string(i + 1);
      ASSERT_TRUE(db.add_battery(b)) << b.sn;
      auto& sl = s->slots[i];
      sl.state = twin::slot_state::ready;
      sl.battery_sn = b.sn;
      sl.model_id = model;
      sl.soc = b.soc;
    }
    ASSERT_TRUE(db.save_station(*s));
  }
};

}  // namespace swaptwin::apptest
