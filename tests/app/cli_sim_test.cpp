// `swaptwin sim --out DIR` end to end: the outputs, the SQLite back office of the run (read back
// with adapters::store and through `admin dashboard`), `replay --verify` on the journal and on a
// damaged copy, and bad scenario files refused with one line and nothing written.

#include <chrono>
#include <map>
#include <set>
#include <utility>

#include "cli_harness.hpp"
#include "twin/ledger.hpp"
#include "twin/time.hpp"

namespace swaptwin::apptest {
namespace {

const std::string examples = SWAPTWIN_EXAMPLES;

class cli_sim : public cli_test {
 protected:
  /// `swaptwin sim SCENARIO ARGS... --out OUT`, which must succeed.
  run_result sim_ok(const std::string& scenario, const fs::path& out, std::vector<std::string> args = {}) {
    std::vector<std::string> all{"sim", examples + "/" + scenario};
    all.insert(all.end(), args.begin(), args.end());
    all.insert(all.end(), {"--out", out.string()});
    auto r = sw(all);
    EXPECT_EQ(r.code, 0) << describe(r);
    return r;
  }
  static json report_of(const fs::path& out) { return json::parse(slurp(out / "report.json"), nullptr, false); }
  /// The last whole second of the run in `report`.
  static std::string last_instant(const json& report) {
    auto end = twin::parse_instant(report["end"].get<std::string>());
    EXPECT_TRUE(end);
    return twin::format_instant(end.value_or(twin::from_ms(0)) - std::chrono::seconds{1});
  }
};

TEST_F(cli_sim, OutWritesReportChartsJournalAndTheBackOfficeOfTheRun) {
  const auto out = dir_ / "run";
  auto r = sim_ok("demo-city.textproto", out, {"--days", "1"});
  EXPECT_EQ(r.err, "");
  for (const char* f : {"report.json", "timeseries.csv", "swaps_per_hour.svg", "ready_packs.svg", "refusals.svg",
                        "site_power.svg", "revenue_per_day.svg", "journal.bin", "swaptwin.db"})
    EXPECT_TRUE(fs::is_regular_file(out / f)) << f;
  EXPECT_FALSE(fs::exists(out / "swaptwin.db.partial"));
  const auto db_path = (out / "swaptwin.db").string();
  // The last line names the back office.
  auto last_line = r.out.substr(r.out.rfind('\n', r.out.size() - 2) + 1);
  EXPECT_NE(last_line.find(db_path), std::string::npos) << last_line;

  auto report = report_of(out);
  ASSERT_FALSE(report.is_discarded());
  const auto swaps = report["network"]["swaps"].get<std::int64_t>();
  ASSERT_GT(swaps, 0);
  {
    adapters::store st(db_path);
    EXPECT_EQ(st.stations().size(), report["stations"].size());
    EXPECT_EQ(static_cast<std::int64_t>(st.swaps().size()), swaps);
    EXPECT_EQ(st.setting("timezone"), report["time_zone"].get<std::string>());
    EXPECT_FALSE(st.riders().empty());
    // Revenue in the ledger is the report's, currency by currency and plan kind by plan kind.
    std::map<std::string, std::map<std::string, std::int64_t>> revenue;
    for (const auto& p : st.postings())
      if (twin::is_revenue(p.kind) && p.plan) revenue[p.amount.currency][std::string{twin::to_string(*p.plan)}] += p.amount.minor;
    for (const auto& [cur, kinds] : report["network"]["revenue"].items())
      for (const auto& [kind, minor] : kinds.items())
        EXPECT_EQ(revenue[cur][kind], minor.get<std::int64_t>()) << cur << " " << kind;
  }

  const auto now = last_instant(report);
  auto d = sw({"admin", "dashboard", "--json", "--db", db_path, "--now", now});
  ASSERT_EQ(d.code, 0) << describe(d);
  auto dash = json::parse(d.out, nullptr, false);
  ASSERT_FALSE(dash.is_discarded()) << d.out;
  EXPECT_EQ(dash["timezone"], report["time_zone"]);
  EXPECT_GT(dash["swaps_today"].get<std::int64_t>(), 0);
  EXPECT_GT(dash["riders_active_today"].get<std::int64_t>(), 0);
  EXPECT_EQ(dash["stations_online"].get<std::size_t>() + dash["stations_offline"].get<std::size_t>(),
            report["stations"].size());
  EXPECT_FALSE(dash["plan_mix"].empty());
  // Today's swaps are the swaps of the run in that local day.
  const auto from = twin::parse_instant(dash["day_start"].get<std::string>()).value();
  const auto to = twin::parse_instant(dash["day_end"].get<std::string>()).value();
  std::int64_t in_day = 0;
  for (const auto& s : adapters::store(db_path).swaps()) in_day += s.at >= from && s.at < to;
  EXPECT_EQ(dash["swaps_today"].get<std::int64_t>(), in_day);
  // The run's back office holds every invariant: opening wallets posted, each swap's charge keyed like it.
  auto check = sw({"admin", "--db", db_path, "check"});
  EXPECT_EQ(check.code, 0) << describe(check);

  // The journal replays; one byte changed in its middle is refused or reported as a mismatch.
  auto ok = sw({"replay", (out / "journal.bin").string(), "--verify"});
  EXPECT_EQ(ok.code, 0) << describe(ok);
  EXPECT_NE(ok.out.find("replay verified"), std::string::npos) << ok.out;
  auto bytes = slurp(out / "journal.bin");
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x5a);
  const auto damaged = dir_ / "damaged.bin";
  std::ofstream(damaged, std::ios::binary) << bytes;
  auto bad = sw({"replay", damaged.string(), "--verify"});
  EXPECT_EQ(bad.code, 1) << describe(bad);
  EXPECT_EQ(bad.err.rfind("swaptwin: ", 0), 0u) << describe(bad);
  EXPECT_EQ(bad.out.find("replay verified"), std::string::npos) << describe(bad);
}

TEST_F(cli_sim, OutReplacesTheBackOfficeOfAnEarlierRun) {
  const auto out = dir_ / "run";
  sim_ok("demo-city.textproto", out, {"--days", "0.25"});
  ASSERT_TRUE(fs::exists(out / "swaptwin.db"));
  { adapters::store(( out / "swaptwin.db").string()).set_setting("left over", "yes"); }
  std::ofstream(out / "swaptwin.db-wal") << "a stale write-ahead log of another database";
  sim_ok("erlang-b.textproto", out, {"--days", "0.5"});
  adapters::store st((out / "swaptwin.db").string());
  EXPECT_EQ(st.stations().size(), 1u);
  EXPECT_FALSE(st.setting("left over"));
  EXPECT_EQ(static_cast<std::int64_t>(st.swaps().size()), report_of(out)["network"]["swaps"].get<std::int64_t>());
}

// The ledger is written by the store actor while the run goes on (app/run_backoffice.hpp): every
// posting of the run once, before the rows imported at its end, and exactly the run's money.
TEST_F(cli_sim, TheLedgerOfTheRunIsWrittenDuringTheRunEachPostingOnce) {
  const auto out = dir_ / "run";
  sim_ok("demo-city.textproto", out, {"--days", "1"});
  EXPECT_FALSE(fs::exists(out / "swaptwin.db.partial"));
  auto report = report_of(out);
  ASSERT_FALSE(report.is_discarded());
  adapters::store st((out / "swaptwin.db").string());
  const auto postings = st.postings();
  std::set<std::string> keys;
  std::map<std::string, std::int64_t> usage, revenue, swaps_net;
  std::int64_t usage_rows = 0, opening_rows = 0;
  for (const auto& p : postings) {
    EXPECT_TRUE(keys.insert(p.key).second) << "twice: " << p.key;
    if (p.kind == twin::posting_kind::usage_charge) {
      usage[p.amount.currency] += p.amount.minor;
      ++usage_rows;
    }
    if (twin::is_revenue(p.kind)) revenue[p.amount.currency] += p.amount.minor;
    opening_rows += p.key.rfind("open:", 0) == 0;
  }
  ASSERT_GT(usage_rows, 0);
  EXPECT_GT(opening_rows, 0);
  // The revenue of the ledger is the report's, currency by currency.
  for (const auto& [cur, kinds] : report["network"]["revenue"].items()) {
    std::int64_t total = 0;
    for (const auto& [kind, minor] : kinds.items()) total += minor.get<std::int64_t>();
    EXPECT_EQ(revenue[cur], total) << cur;
  }
  // Usage charges are those of the swaps (rebuilt from the journal's events at the end).
  std::int64_t charged_swaps = 0;
  for (const auto& s : st.swaps()) {
    swaps_net[s.net.currency] += s.net.minor;
    charged_swaps += s.net.minor != 0;
  }
  for (const auto& [cur, minor] : usage) EXPECT_EQ(minor, swaps_net[cur]) << cur;
  EXPECT_EQ(usage_rows, charged_swaps);
  // Written during the run: the run's postings precede the opening deposits imported after it.
  const auto last_run = st.db().scalar("SELECT max(id) FROM ledger WHERE idempotency_key NOT LIKE 'open:%'");
  const auto first_open = st.db().scalar("SELECT min(id) FROM ledger WHERE idempotency_key LIKE 'open:%'");
  EXPECT_LT(last_run, first_open);
}

// A copy of erlang-b with `edit` applied; returns its path and the 1-based line the edit is on.
std::pair<fs::path, int> broken_copy(const fs::path& dir, const std::string& name, const std::string& find,
                                     const std::string& replace) {
  auto text = slurp(examples + "/erlang-b.textproto");
  const auto at = text.find(find);
  EXPECT_NE(at, std::string::npos) << find;
  if (at == std::string::npos) return {dir / name, 0};
  text.replace(at, find.size(), replace);
  const auto edit = replace.find('!') == std::string::npos ? replace.find("sn:") : replace.find('!');
  const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at + edit), '\n'));
  std::ofstream(dir / name) << text;
  return {dir / name, line};
}

TEST_F(cli_sim, BadScenarioFilesGiveOneLineWithFileAndLineAndWriteNothing) {
  const std::string dup_station =
      "\nstations {\n  name: \"Twin\"\n  lat: 22.5 lon: 114.0\n  slots: 4 charger_power_w: 600 power_cap_w: 2400\n"
      "  sn: \"EB-0001\"\n}\n";
  struct bad_case {
    std::string name, find, replace, field;
  };
  const std::vector<bad_case> cases{
      {"duplicate-sn.textproto", "# Queueing mode", dup_station + "# Queueing mode", "stations[1].sn: "},
      {"syntax.textproto", "  slots: 13\n", "  slots: 13 !\n", ""},
  };
  for (const auto& c : cases) {
    auto [file, line] = broken_copy(dir_, c.name, c.find, c.replace);
    const auto out = dir_ / ("out-" + c.name);
    auto r = sw({"sim", file.string(), "--out", out.string()});
    EXPECT_EQ(r.code, 1) << c.name << "\n" << describe(r);
    EXPECT_EQ(r.out, "") << c.name;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << describe(r);
    const auto prefix = file.string() + ":" + std::to_string(line) + ": " + c.field;
    EXPECT_EQ(r.err.rfind(prefix, 0), 0u) << "expected the line to start with " << prefix << "\n" << describe(r);
    EXPECT_FALSE(fs::exists(out)) << c.name;
  }
}

}  // namespace
}  // namespace swaptwin::apptest
