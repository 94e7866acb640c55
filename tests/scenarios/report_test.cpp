// Run outputs: KPI statistics, the terminal summary, report.json, timeseries.csv and the SVG charts.
//
// The report is synthetic (3 stations, 48 hours from 2026-11-23T00:00Z, CNY and KES revenue) so that
// every expected number below can be worked out by hand.
//
// p95 is the nearest-rank percentile: sort the n values ascending and take the one at 1-based rank
// ceil(0.95 n), i.e. the smallest value with at least 95 % of the sample at or below it
// (n = 20 -> 19th value, n = 5 -> 5th, n = 1 -> the only one).

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "scenarios/report.hpp"

using namespace swaptwin;
using namespace swaptwin::scenarios;
namespace fs = std::filesystem;

namespace {

const char* const all_files[] = {"report.json",     "timeseries.csv", "swaps_per_hour.svg", "ready_packs.svg",
                                 "refusals.svg",    "site_power.svg", "revenue_per_day.svg"};
const char* const svg_files[] = {"swaps_per_hour.svg", "ready_packs.svg", "refusals.svg", "site_power.svg",
                                 "revenue_per_day.svg"};

twin::unix_ms start_instant() { return *twin::parse_instant("2026-11-23T00:00:00Z"); }

station_kpi station(std::string sn, std::string name, std::int64_t swaps, double stockout_h, int peak_w, int cap_w) {
  station_kpi s;
  s.sn = std::move(sn);
  s.name = std::move(name);
  s.swaps = swaps;
  s.refusals = {{"stock.empty", swaps / 10}};
  s.stockout_hours = stockout_h;
  s.slot_utilisation = 0.5;
  s.energy_wh = swaps * 1000;
  s.peak_power_w = peak_w;
  s.power_cap_w = cap_w;
  s.offline_incidents = 1;
  return s;
}

run_report sample_report() {
  run_report r;
  r.scenario = "test-city";
  r.digest = "sha256:0123456789abcdef0123456789abcdef";
  r.seed = 42;
  r.start = start_instant();
  r.end = r.start + std::chrono::hours{48};
  r.time_zone = "Asia/Shanghai";

  network_kpi& n = r.network;
  n.swaps = 12345;
  n.refusals = {{"stock.empty", 300}, {"station.offline", 100}, {"kyc.pending", 100}};
  n.riders_served = 2345;
  n.riders_gave_up = 340;
  n.swap_success_rate = 12345.0 / (12345 + 340);
  n.wait_s = summarise({60, 120, 150, 180, 240});
  n.walk_m = summarise({800, 1200, 1600});
  n.stockout_station_hours = 18.75;
  n.slot_utilisation = 0.4567;
  n.energy_wh = 12'345'678;
  n.revenue = {{"CNY", {{"monthly", 1'234'550}, {"per_swap", 100'000}}}, {"KES", {{"pay_as_you_go", 125'000}}}};
  n.offline_incidents = 3;
  n.detection_delay_s = summarise({90, 95, 100});
  n.agent_response_s = summarise({1500, 1800, 2100});
  n.repair_s = summarise({3600, 5400, 7200});
  n.sla_breaches = 1;
  n.packs_retired = 2;
  n.messages = 1'234'567;

  r.stations = {station("SN-A", "Central, Gate 1", 500, 0.5, 48'200, 50'000),
                station("SN-B", "Harbour", 900, 6.0, 59'000, 60'000),
                station("SN-C", "Airport", 100, 12.5, 22'000, 30'000)};

  for (int h = 0; h < 48; ++h) {
    hourly_sample s;
    s.at = r.start + std::chrono::hours{h};
    s.swaps = 10 + h % 24;
    s.refusals = {{"stock.empty", h % 3}};
    if (h == 5) s.refusals["station.offline"] = 4;
    s.ready_packs = {8 - h % 5, h % 7, 4 + h % 2};
    s.site_power_w = {30'000 + 100 * h, 50'000, 20'000};
    s.stations_offline = h == 5 ? 1 : 0;
    s.revenue["CNY"] = 1050 * s.swaps;
    if (h % 2 == 0) s.revenue["KES"] = 2500;  // odd hours have no KES entry at all
    r.hours.push_back(std::move(s));
  }
  return r;
}

// A fresh directory per test (and process), removed at the end of the test.
class temp_dir {
 public:
  temp_dir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() /
            ("swaptwin-report-" + std::string{info->test_suite_name()} + "-" + info->name() + "-" +
             std::to_string(::getpid()));
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const fs::path& path() const { return path_; }
  std::string str() const { return path_.string(); }

 private:
  fs::path path_;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << p;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out(1);
  for (char c : line) {
    if (c == sep) out.emplace_back();
    else out.back() += c;
  }
  return out;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + what.size())) ++n;
  return n;
}

std::string summary_of(const run_report& r) {
  std::ostringstream os;
  print_summary(os, r);
  return os.str();
}

// Structure every chart must have: one <svg> root first and last, balanced groups and texts, a title.
void expect_well_formed_svg(const std::string& svg, const std::string& name) {
  SCOPED_TRACE(name);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_EQ(count(svg, "<svg"), 1u);
  EXPECT_EQ(count(svg, "</svg>"), 1u);
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
  EXPECT_EQ(count(svg, "<g>") + count(svg, "<g "), count(svg, "</g>"));
  EXPECT_EQ(count(svg, "<text"), count(svg, "</text>"));
  EXPECT_EQ(count(svg, "<title>"), 1u);
  EXPECT_EQ(svg.find("nan"), std::string::npos);
  EXPECT_EQ(svg.find("inf"), std::string::npos);
}

TEST(Summarise, MeanNearestRankP95AndMax) {
  std::vector<double> v;
  for (int i = 20; i >= 1; --i) v.push_back(i);  // any order
  const stats s = summarise(v);
  EXPECT_EQ(s.count, 20);
  EXPECT_DOUBLE_EQ(s.mean, 10.5);
  EXPECT_DOUBLE_EQ(s.p95, 19);  // rank ceil(0.95 * 20) = 19
  EXPECT_DOUBLE_EQ(s.max, 20);

  std::vector<double> hundred;
  for (int i = 1; i <= 100; ++i) hundred.push_back(i);
  EXPECT_DOUBLE_EQ(summarise(hundred).p95, 95);
  EXPECT_DOUBLE_EQ(summarise({5, 1, 3}).p95, 5);  // rank ceil(2.85) = 3
  EXPECT_DOUBLE_EQ(summarise({60, 120, 150, 180, 240}).mean, 150);
  const stats one = summarise({7.5});
  EXPECT_EQ(one.count, 1);
  EXPECT_DOUBLE_EQ(one.mean, 7.5);
  EXPECT_DOUBLE_EQ(one.p95, 7.5);
  EXPECT_DOUBLE_EQ(one.max, 7.5);
}

TEST(Summarise, EmptyInputIsAllZeros) {
  const stats s = summarise({});
  EXPECT_EQ(s.count, 0);
  EXPECT_EQ(s.mean, 0);
  EXPECT_EQ(s.p95, 0);
  EXPECT_EQ(s.max, 0);
}

TEST(PrintSummary, ShowsKeyNumbersForPeople) {
  const std::string out = summary_of(sample_report());
  for (const char* expected :
       {"test-city", "seed 42", "2026-11-23T00:00:00Z", "2026-11-25T00:00:00Z", "48.0 h", "Asia/Shanghai",
        "12,345", "97.3 %", "500", "mean 2.5 min", "p95 4.0 min", "mean 1.20 km", "p95 1.60 km",
        "18.8 station-hours", "45.7 %", "12.35 MWh", "¥12,345.50", "¥1,000.00", "¥13,345.50", "KSh 1,250.00",
        "pay_as_you_go", "mean 95.0 s", "mean 30.0 min", "mean 90.0 min", "p95 120.0 min", "SLA breaches",
        "Packs retired", "1,234,567", "Busiest stations"})
    EXPECT_NE(out.find(expected), std::string::npos) << "missing " << expected << " in\n" << out;
  // Refusals by count, ties by name.
  const auto empty = out.find("stock.empty"), kyc = out.find("kyc.pending"), off = out.find("station.offline");
  ASSERT_NE(empty, std::string::npos);
  EXPECT_LT(empty, kyc);
  EXPECT_LT(kyc, off);
  // Busiest first.
  const auto busiest = out.find("Busiest stations");
  EXPECT_LT(out.find("SN-B", busiest), out.find("SN-A", busiest));
  EXPECT_LT(out.find("SN-A", busiest), out.find("SN-C", busiest));
  EXPECT_LE(lines_of(out).size(), 50u) << "a screenful";
}

TEST(PrintSummary, EmptyReportSaysSo) {
  const std::string out = summary_of(run_report{});
  EXPECT_NE(out.find("no samples"), std::string::npos) << out;
  EXPECT_NE(out.find("0.0 %"), std::string::npos) << out;
  EXPECT_EQ(out.find("nan"), std::string::npos) << out;
}

TEST(WriteOutputs, WritesEveryFileIntoANewDirectory) {
  temp_dir dir;
  const auto nested = dir.path() / "run" / "out";
  auto st = write_outputs(sample_report(), nested.string());
  ASSERT_TRUE(st.ok()) << st.err().what();
  for (const char* f : all_files) {
    EXPECT_TRUE(fs::is_regular_file(nested / f)) << f;
    EXPECT_GT(fs::file_size(nested / f), 100u) << f;
  }
}

TEST(WriteOutputs, ReportJsonHasDocumentedKeysAndValues) {
  temp_dir dir;
  ASSERT_TRUE(write_outputs(sample_report(), dir.str()).ok());
  const auto j = nlohmann::ordered_json::parse(slurp(dir.path() / "report.json"));
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"scenario", "digest", "seed", "start", "end", "time_zone", "network",
                                            "stations"}));
  std::vector<std::string> net_keys;
  for (const auto& [k, v] : j["network"].items()) net_keys.push_back(k);
  EXPECT_EQ(net_keys, (std::vector<std::string>{
                          "swaps", "refusals", "riders_served", "riders_gave_up", "swap_success_rate", "wait_s",
                          "walk_m", "stockout_station_hours", "slot_utilisation", "energy_wh", "revenue",
                          "offline_incidents", "detection_delay_s", "agent_response_s", "repair_s", "sla_breaches",
                          "packs_retired", "messages"}));
  EXPECT_EQ(j["scenario"], "test-city");
  EXPECT_EQ(j["seed"], 42);
  EXPECT_EQ(j["start"], "2026-11-23T00:00:00Z");
  EXPECT_EQ(j["end"], "2026-11-25T00:00:00Z");
  EXPECT_EQ(j["time_zone"], "Asia/Shanghai");
  const auto& n = j["network"];
  EXPECT_EQ(n["swaps"], 12345);
  EXPECT_EQ(n["refusals"]["kyc.pending"], 100);
  EXPECT_EQ(n["wait_s"], (nlohmann::ordered_json{{"count", 5}, {"mean", 150.0}, {"p95", 240.0}, {"max", 240.0}}));
  EXPECT_DOUBLE_EQ(n["swap_success_rate"].get<double>(), 12345.0 / 12685);
  EXPECT_EQ(n["revenue"]["CNY"]["monthly"], 1234550);
  EXPECT_EQ(n["revenue"]["KES"]["pay_as_you_go"], 125000);
  EXPECT_EQ(n["messages"], 1234567);
  ASSERT_EQ(j["stations"].size(), 3u);
  const auto& a = j["stations"][0];
  std::vector<std::string> st_keys;
  for (const auto& [k, v] : a.items()) st_keys.push_back(k);
  EXPECT_EQ(st_keys, (std::vector<std::string>{"sn", "name", "swaps", "refusals", "stockout_hours",
                                               "slot_utilisation", "energy_wh", "peak_power_w", "power_cap_w",
                                               "offline_incidents"}));
  EXPECT_EQ(a["name"], "Central, Gate 1");
  EXPECT_EQ(j["stations"][2]["stockout_hours"], 12.5);
  EXPECT_EQ(j["stations"][1]["peak_power_w"], 59000);
}

TEST(WriteOutputs, TimeseriesHasOneRowPerHour) {
  temp_dir dir;
  ASSERT_TRUE(write_outputs(sample_report(), dir.str()).ok());
  const auto rows = lines_of(slurp(dir.path() / "timeseries.csv"));
  ASSERT_EQ(rows.size(), 49u);
  EXPECT_EQ(rows[0],
            "hour_start,swaps,refusals,stations_offline,ready_packs,site_power_w,revenue:CNY,revenue:KES,"
            "ready:SN-A,ready:SN-B,ready:SN-C");
  EXPECT_EQ(rows[1], "2026-11-23T00:00:00Z,10,0,0,12,100000,105.00,25.00,8,0,4");
  EXPECT_EQ(rows[2], "2026-11-23T01:00:00Z,11,1,0,13,100100,115.50,0.00,7,1,5");
  EXPECT_EQ(rows[6], "2026-11-23T05:00:00Z,15,6,1,18,100500,157.50,0.00,8,5,5");
  EXPECT_EQ(split(rows[48], ',')[0], "2026-11-24T23:00:00Z");
  for (const auto& row : rows) EXPECT_EQ(split(row, ',').size(), 11u) << row;
}

TEST(WriteOutputs, ChartsAreWellFormedSvgWithTitles) {
  temp_dir dir;
  const run_report r = sample_report();
  ASSERT_TRUE(write_outputs(r, dir.str()).ok());
  for (const char* f : svg_files) expect_well_formed_svg(slurp(dir.path() / f), f);
  EXPECT_NE(slurp(dir.path() / "swaps_per_hour.svg").find("<title>Swaps per hour</title>"), std::string::npos);
  const std::string ready = slurp(dir.path() / "ready_packs.svg");
  EXPECT_NE(ready.find("Ready packs over time"), std::string::npos);
  EXPECT_NE(ready.find("SN-C (12.5 h out)"), std::string::npos);  // most stock-out hours first
  const std::string refusals = slurp(dir.path() / "refusals.svg");
  EXPECT_NE(refusals.find("Refused swap attempts by reason"), std::string::npos);
  EXPECT_LT(refusals.find(">stock.empty<"), refusals.find(">kyc.pending<"));
  EXPECT_NE(refusals.find("300 (60.0 %)"), std::string::npos);
  const std::string power = slurp(dir.path() / "site_power.svg");
  EXPECT_NE(power.find("Site power against its cap: SN-B Harbour"), std::string::npos);
  EXPECT_NE(power.find("power cap 60.0 kW"), std::string::npos);
  EXPECT_NE(power.find("stroke-dasharray=\"8 5\""), std::string::npos);
  const std::string revenue = slurp(dir.path() / "revenue_per_day.svg");
  EXPECT_NE(revenue.find("Revenue per day"), std::string::npos);
  EXPECT_NE(revenue.find("per day (CNY)"), std::string::npos);
  EXPECT_NE(revenue.find("per day (KES)"), std::string::npos);
  EXPECT_NE(revenue.find(">11-24<"), std::string::npos);
}

TEST(WriteOutputs, SameReportSameBytes) {
  temp_dir dir;
  const run_report r = sample_report();
  ASSERT_TRUE(write_outputs(r, (dir.path() / "one").string()).ok());
  ASSERT_TRUE(write_outputs(r, (dir.path() / "two").string()).ok());
  for (const char* f : all_files) EXPECT_EQ(slurp(dir.path() / "one" / f), slurp(dir.path() / "two" / f)) << f;
}

TEST(WriteOutputs, EmptyReportGivesValidFiles) {
  temp_dir dir;
  ASSERT_TRUE(write_outputs(run_report{}, dir.str()).ok());
  const auto j = nlohmann::json::parse(slurp(dir.path() / "report.json"));
  EXPECT_TRUE(j["stations"].is_array());
  EXPECT_TRUE(j["stations"].empty());
  EXPECT_EQ(j["network"]["wait_s"]["count"], 0);
  EXPECT_EQ(lines_of(slurp(dir.path() / "timeseries.csv")),
            (std::vector<std::string>{"hour_start,swaps,refusals,stations_offline,ready_packs,site_power_w"}));
  for (const char* f : svg_files) {
    const std::string svg = slurp(dir.path() / f);
    expect_well_formed_svg(svg, f);
    EXPECT_NE(svg.find("no data"), std::string::npos) << f;
  }
}

TEST(WriteOutputs, NoRefusalsGiveANoDataChart) {
  temp_dir dir;
  run_report r = sample_report();
  r.network.refusals.clear();
  ASSERT_TRUE(write_outputs(r, dir.str()).ok());
  EXPECT_NE(slurp(dir.path() / "refusals.svg").find("no data"), std::string::npos);
  EXPECT_EQ(slurp(dir.path() / "swaps_per_hour.svg").find("no data"), std::string::npos);
}

TEST(WriteOutputs, UnwritableDirectoryIsAClearError) {
  temp_dir dir;
  fs::create_directories(dir.path());
  const auto file = dir.path() / "not-a-dir";
  std::ofstream(file) << "x";
  auto st = write_outputs(sample_report(), file.string());
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), twin::errc::invalid_argument);
  EXPECT_NE(st.err().detail.find(file.string()), std::string::npos) << st.err().detail;

  // A file name taken by a directory: the detail names the file and the system's reason.
  const auto out = dir.path() / "out";
  fs::create_directories(out / "report.json");
  st = write_outputs(sample_report(), out.string());
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.err().detail.find("report.json"), std::string::npos) << st.err().detail;
  EXPECT_NE(st.err().detail.find("Is a directory"), std::string::npos) << st.err().detail;
}

}  // namespace
