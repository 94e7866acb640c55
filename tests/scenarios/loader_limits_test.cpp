// Scenario loader limits (scenarios/README.md, "Limits"): each gives its one error line
// "FILE:LINE: FIELD: what is wrong (the limit; what to do)", and a file over them is refused
// before anything big is allocated: this executable counts the bytes operator new hands out, so
// a test can show that a refusal allocated next to nothing (and it has its own executable, so
// the count sees no other suite).

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include "scenarios/scenario.hpp"

using namespace swaptwin;
using namespace swaptwin::scenarios;

namespace {
// Bytes operator new handed out since the process started. Global because operator new is.
std::atomic<std::size_t>& allocated() {
  static std::atomic<std::size_t> bytes{0};
  return bytes;
}
}  // namespace

// Every form but the aligned ones (which keep their own pair): one that stayed the runtime's would
// free with the runtime's delete what malloc gave, or the other way round.
void* operator new(std::size_t n) {
  allocated().fetch_add(n, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc{};
}
void* operator new[](std::size_t n) { return ::operator new(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return ::operator new(n);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t& tag) noexcept { return ::operator new(n, tag); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace {

// A riding population on one line, `fields` in it.
std::string riding(const std::string& fields = "count: 10 km_per_day_mean: 50") {
  return R"(populations { name: "p" country: "CN" model: "60V" )" + fields +
         R"( home { lat: 22.5 lon: 114.0 radius_m: 1000 } work { lat: 22.6 lon: 114.1 radius_m: 1000 })"
         R"( plan_mix { plan: "m" share: 1 } })";
}

// A queueing population on one line, arriving at S1.
std::string arrivals(const std::string& rate, const std::string& name = "p") {
  return R"(populations { name: ")" + name + R"(" country: "CN" model: "60V" arrivals_per_hour: )" + rate +
         R"( station: "S1" plan_mix { plan: "m" share: 1 } })";
}

const std::vector<std::string> lines = {
    /* 1 */ R"(name: "limits")",
    /* 2 */ R"(start: "2026-11-23T00:00:00Z")",
    /* 3 */ R"(duration_days: 1)",
    /* 4 */ R"(countries { code: "CN" currency: "CNY" })",
    /* 5 */ R"(plans { id: "m" name: "Month" kind: "period" price: "299.00 CNY" })",
    /* 6 */ R"(agents { id: "a1" lat: 22.5 lon: 114.0 })",
    /* 7 */ R"(stations { sn: "S1" lat: 22.54 lon: 114.05 slots: 12 charger_power_w: 600 power_cap_w: 6000 agent: "a1" })",
    /* 8 */ riding(),
    /* 9 */ R"(faults { kind: "slot_fault" rate_per_station_day: 0.1 })",
};

std::string text_with(int line, const std::string& replacement) {
  std::string t;
  for (std::size_t i = 0; i < lines.size(); ++i)
    t += (static_cast<int>(i) + 1 == line ? replacement : lines[i]) + "\n";
  return t;
}

std::string error_of(const std::string& text, const load_options& opt = {}) {
  auto r = parse_scenario(text, "big.textproto", opt);
  if (r) return "(loaded without error)";
  return r.err().detail;
}

std::string error_with(int line, const std::string& replacement) { return error_of(text_with(line, replacement)); }

// A scratch directory removed at the end of the test.
struct scratch_dir {
  std::filesystem::path path;
  scratch_dir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path = std::filesystem::temp_directory_path() /
           ("swaptwin-limits-" + std::string{info->name()} + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~scratch_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

// What `f` allocated and how long it took.
template <class F>
std::pair<std::size_t, double> cost_of(F&& f) {
  const auto before = allocated().load();
  const auto t0 = std::chrono::steady_clock::now();
  f();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return {allocated().load() - before, s};
}

constexpr std::size_t one_mib = 1u << 20;

}  // namespace

TEST(scenario_limits, the_base_file_is_valid) { EXPECT_EQ(error_of(text_with(0, "")), "(loaded without error)"); }

// ---- Counts ------------------------------------------------------------------------------------

TEST(scenario_limits, a_billion_riders_are_refused_at_once_and_nothing_is_allocated_for_them) {
  std::string err;
  const auto [bytes, seconds] = cost_of([&] { err = error_with(8, riding("count: 1000000000 km_per_day_mean: 50")); });
  EXPECT_EQ(err,
            "big.textproto:8: populations[0].count: 1000000000 riders (expected at most 2000000 riders in all "
            "populations; simulate a sample of the riders and scale the results)");
  // A rider costs kilobytes once spawned; parsing this small file costs far less than one MiB.
  EXPECT_LT(bytes, one_mib);
  EXPECT_LT(seconds, 5.0);  // microseconds in fact; generous for a loaded sanitizer build
  // The count is not vacuous: loading the same small file, valid, allocates (but no more).
  const auto valid = cost_of([] { (void)parse_scenario(text_with(0, ""), "big.textproto"); });
  EXPECT_GT(valid.first, 1000u);
  EXPECT_LT(valid.first, one_mib);
}

TEST(scenario_limits, riders_of_all_populations_together) {
  auto t = text_with(8, riding("count: 1500000 km_per_day_mean: 50"));
  t += R"(populations { name: "q" count: 600000 country: "CN" model: "60V" km_per_day_mean: 50 })" "\n";
  EXPECT_EQ(error_of(t),
            "big.textproto:10: populations[1].count: 600000 riders bring the scenario to 2100000 (expected at most "
            "2000000 riders in all populations; simulate a sample of the riders and scale the results)");
  // A queueing population without a count draws from a pool of 100 walk-ins: they count.
  auto u = text_with(8, riding("count: 2000000 km_per_day_mean: 50"));
  u += arrivals("10", "q") + "\n";
  EXPECT_EQ(error_of(u),
            "big.textproto:10: populations[1].count: 100 riders bring the scenario to 2000100 (expected at most "
            "2000000 riders in all populations; simulate a sample of the riders and scale the results)");
}

TEST(scenario_limits, slots_of_all_stations_together) {
  // S1's 12 slots and 244 stations of 4096 fit (999,436); one more does not.
  std::string t = text_with(0, "");
  for (int i = 2; i <= 246; ++i)
    t += R"(stations { sn: "S)" + std::to_string(i) +
         R"(" lat: 22.54 lon: 114.05 slots: 4096 charger_power_w: 600 power_cap_w: 6000 })" + "\n";
  EXPECT_EQ(error_of(t),
            "big.textproto:254: stations[245].slots: 4096 slots bring the scenario to 1003532 (expected at most "
            "1000000 slots in all stations; split the network into regions, one scenario each)");
}

TEST(scenario_limits, entries_of_each_list) {
  std::string t = text_with(0, "");
  for (int i = 2; i <= 20001; ++i) t += R"(stations { sn: "S)" + std::to_string(i) + "\" }\n";
  // At the first entry over the limit; the entries themselves are not checked (they lack fields).
  EXPECT_EQ(error_of(t),
            "big.textproto:20009: stations: 20001 entries (expected at most 20000; split the network into regions, one "
            "scenario each)");
  std::string faults = text_with(0, "");
  for (int i = 0; i < 10000; ++i) faults += R"(faults { kind: "slot_fault" rate_per_station_day: 0.1 })" "\n";
  EXPECT_EQ(error_of(faults),
            "big.textproto:10009: faults: 10001 entries (expected at most 10000; use rate_per_station_day for random "
            "faults instead of listing each)");
  std::string docs;
  for (int i = 0; i < 21; ++i) docs += std::string{i ? ", " : ""} + "\"d" + std::to_string(i) + "\"";
  EXPECT_EQ(error_with(4, R"(countries { code: "CN" currency: "CNY" kyc_documents: [)" + docs + "] }"),
            "big.textproto:4: countries[0].kyc_documents: 21 entries (expected at most 20; list the documents KYC "
            "asks for)");
}

// ---- Text lengths ------------------------------------------------------------------------------

TEST(scenario_limits, names_ids_and_serial_numbers) {
  const std::string long_name(201, 'n');
  EXPECT_EQ(error_with(1, "name: \"" + long_name + "\""), "big.textproto:1: name: 201 characters (expected at most 200)");
  EXPECT_EQ(error_with(1, "name: \"" + std::string(200, 'n') + "\""), "(loaded without error)");
  // Characters, not bytes: 200 Chinese characters are 600 bytes and fit.
  std::string chinese;
  for (int i = 0; i < 200; ++i) chinese += "\xe5\x9f\x8e";  // 城
  EXPECT_EQ(error_with(1, "name: \"" + chinese + "\""), "(loaded without error)");
  EXPECT_EQ(error_with(1, "name: \"" + chinese + "\xe5\x9f\x8e\""), "big.textproto:1: name: 201 characters (expected at most 200)");
  EXPECT_EQ(error_with(5, R"(plans { id: ")" + std::string(65, 'x') + R"(" name: "Month" kind: "period" price: "299.00 CNY" })"),
            "big.textproto:5: plans[0].id: 65 characters (expected at most 64)");
  EXPECT_EQ(error_with(6, R"(agents { id: "a1" lat: 22.5 lon: 114.0 region: ")" + std::string(100, 'r') + "\" }"),
            "big.textproto:6: agents[0].region: 100 characters (expected at most 64)");
  EXPECT_EQ(error_with(7, R"(stations { sn: ")" + std::string(51, 's') + R"(" lat: 22.54 lon: 114.05 slots: 12 charger_power_w: 600 power_cap_w: 6000 })"),
            "big.textproto:7: stations[0].sn: 51 characters (expected at most 50)");
  EXPECT_EQ(error_with(8, R"(populations { name: ")" + std::string(31, 'p') + R"(" count: 10 })"),
            "big.textproto:8: populations[0].name: 31 characters (expected at most 30)");
  EXPECT_EQ(error_with(4, R"(countries { code: "CN" currency: "CNY" kyc_documents: ["national_id", ")" + std::string(70, 'k') + "\"] }"),
            "big.textproto:4: countries[0].kyc_documents[1]: 70 characters (expected at most 64)");
  // Limits are checked before the other checks: the bad latitude on line 7 waits for the zone.
  auto t = text_with(7, R"(stations { sn: "S1" lat: 95 lon: 114.05 slots: 12 charger_power_w: 600 power_cap_w: 6000 })");
  t += "time_zone: \"" + std::string(65, 'z') + "\"\n";
  EXPECT_EQ(error_of(t), "big.textproto:10: time_zone: 65 characters (expected at most 64)");
}

TEST(scenario_limits, a_parser_error_does_not_repeat_a_huge_line) {
  const auto err = error_with(3, "duration_days: 1 \"" + std::string(100000, 'z') + "\"");
  EXPECT_LT(err.size(), 400u) << err.substr(0, 400);
  EXPECT_EQ(err.rfind("big.textproto:3: syntax error: Expected identifier, got: \"zzz", 0), 0u) << err.substr(0, 200);
}

// ---- The file's size ---------------------------------------------------------------------------

TEST(scenario_limits, a_100_mb_file_is_refused_before_it_is_read) {
  scratch_dir dir;
  const auto path = (dir.path / "huge-name.textproto").string();
  {  // `name: "` and then 100 MB more: sparse, so the test neither writes nor holds 100 MB.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, "name: \"", 7), 7);
    ASSERT_EQ(::ftruncate(fd, 100'000'000), 0);
    ::close(fd);
  }
  std::string err;
  const auto [bytes, seconds] = cost_of([&] {
    auto r = load_scenario(path);
    err = r ? "(loaded without error)" : r.err().detail;
  });
  EXPECT_EQ(err, path +
                     ":0: the file is 100000000 bytes, over the limit (expected at most 16 MiB = 16777216 bytes; "
                     "describe packs with fill and riders with population counts instead of listing each, or split "
                     "the network into regions, one scenario each)");
  EXPECT_LT(bytes, one_mib);  // not read
  EXPECT_LT(seconds, 5.0);
  // One byte over the limit is over; at the limit it is read (and then is not a scenario).
  ASSERT_EQ(::truncate(path.c_str(), 16777217), 0);
  EXPECT_NE(load_scenario(path).err().detail.find(":0: the file is 16777217 bytes, over the limit"), std::string::npos);
}

TEST(scenario_limits, the_same_bound_holds_for_text_and_for_a_pipe) {
  EXPECT_EQ(error_of(std::string(16777217, ' ')).substr(0, 64), "big.textproto:0: the file is 16777217 bytes, over the limit (exp");
  // A pipe has no size: it is read up to the limit, then refused (the writer is left with EPIPE).
  scratch_dir dir;
  const auto path = (dir.path / "endless.textproto").string();
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  std::signal(SIGPIPE, SIG_IGN);
  std::thread writer{[&] {
    const int fd = ::open(path.c_str(), O_WRONLY);
    if (fd < 0) return;
    const std::string chunk(65536, '#');
    while (::write(fd, chunk.data(), chunk.size()) > 0) {
    }
    ::close(fd);
  }};
  auto r = load_scenario(path);
  writer.join();
  ASSERT_FALSE(r);
  const std::string expected = path + ":0: the file is more than 16777216 bytes, over the limit (expected at most 16 MiB";
  EXPECT_EQ(r.err().detail.substr(0, expected.size()), expected);
}

// ---- Numbers: finite, in range -----------------------------------------------------------------

TEST(scenario_limits, arrival_rates) {
  EXPECT_EQ(error_with(8, arrivals("1e308")),
            "big.textproto:8: populations[0].arrivals_per_hour: 1e+308 is over the limit (expected at most 3600 per "
            "hour; a cabinet serves at most one a second; spread the demand over several stations)");
  EXPECT_EQ(error_with(8, arrivals("inf")),
            "big.textproto:8: populations[0].arrivals_per_hour: inf is over the limit (expected at most 3600 per "
            "hour; a cabinet serves at most one a second; spread the demand over several stations)");
  EXPECT_EQ(error_with(8, arrivals("nan")),
            "big.textproto:8: populations[0].arrivals_per_hour: nan is not an arrival rate (expected per hour, 0 = "
            "riding mode)");
  EXPECT_EQ(error_with(8, arrivals("-inf")),
            "big.textproto:8: populations[0].arrivals_per_hour: -inf is not an arrival rate (expected per hour, 0 = "
            "riding mode)");
  EXPECT_EQ(error_with(8, arrivals("3600")), "(loaded without error)");
}

TEST(scenario_limits, every_number_is_finite_and_in_its_range) {
  struct bad_case {
    int line;
    std::string replacement, error;
  };
  const std::string s1 = R"(stations { sn: "S1" lat: 22.54 lon: 114.05 slots: 12 )";
  const bad_case cases[] = {
      {3, "duration_days: inf", "big.textproto:3: duration_days: inf is not a duration (expected days, more than 0 and at most 3660)"},
      {3, "duration_days: nan", "big.textproto:3: duration_days: nan is not a duration (expected days, more than 0 and at most 3660)"},
      {3, "duration_days: 1 heartbeat_interval_s: 86401",
       "big.textproto:3: heartbeat_interval_s: 86401 is over the limit (expected at most 86400 seconds; a day)"},
      {3, "duration_days: 1 offline_after_beats: 101",
       "big.textproto:3: offline_after_beats: 101 is over the limit (expected at most 100 beats; raise heartbeat_interval_s for a longer deadline)"},
      {4, R"(countries { code: "CN" currency: "CNY" } models { id: "60V" nominal_v: 60 capacity_wh: 200001 })",
       "big.textproto:4: models[0].capacity_wh: 200001 is over the limit (expected at most 200000 Wh; the capacity is in Wh: a swappable pack holds a few thousand)"},
      {4, R"(countries { code: "CN" currency: "CNY" } models { id: "60V" nominal_v: 1501 capacity_wh: 1500 })",
       "big.textproto:4: models[0].nominal_v: 1501 is over the limit (expected at most 1500 V; a traction pack is low voltage)"},
      {5, R"(plans { id: "m" name: "Month" kind: "period" price: "299.00 CNY" swap_cap: 100001 })",
       "big.textproto:5: plans[0].swap_cap: 100001 is over the limit (expected at most 100000 swaps; 0 means unlimited)"},
      {6, R"(agents { id: "a1" lat: 22.5 lon: 114.0 speed_kmh: 1e9 })",
       "big.textproto:6: agents[0].speed_kmh: 1000000000 is over the limit (expected at most 200 km/h; the speed is in km/h)"},
      {6, R"(agents { id: "a1" lat: 22.5 lon: 114.0 speed_kmh: 1e-300 })",
       "big.textproto:6: agents[0].speed_kmh: 1e-300 is not a speed (expected km/h, at least 1)"},
      {6, R"(agents { id: "a1" lat: 22.5 lon: 114.0 repair_min: inf })",
       "big.textproto:6: agents[0].repair_min: inf is over the limit (expected at most 10080 minutes; a week; the time is in minutes)"},
      {7, s1 + "charger_power_w: 100001 power_cap_w: 6000 }",
       "big.textproto:7: stations[0].charger_power_w: 100001 is over the limit (expected at most 100000 W per slot; the power is in watts)"},
      {7, s1 + "charger_power_w: 600 power_cap_w: 2000000000 }",
       "big.textproto:7: stations[0].power_cap_w: 2000000000 is over the limit (expected at most 100000000 W; the power is in watts)"},
      {8, riding("count: 10 km_per_day_mean: 1e308"),
       "big.textproto:8: populations[0].km_per_day_mean: 1e+308 is over the limit (expected at most 1000 km; a day of riding; the distance is in km)"},
      {8, riding("count: 10 km_per_day_mean: nan"),
       "big.textproto:8: populations[0].km_per_day_mean: nan is not a daily distance (expected km, more than 0)"},
      {8, riding("count: 10 km_per_day_mean: 50 km_per_day_sd: inf"),
       "big.textproto:8: populations[0].km_per_day_sd: inf is over the limit (expected at most 1000 km; a day of riding; the distance is in km)"},
      {8, riding("count: 10 km_per_day_mean: 50 wh_per_km: 1001"),
       "big.textproto:8: populations[0].wh_per_km: 1001 is over the limit (expected at most 1000 Wh per km; a two-wheeler needs 20 to 50, a car 200)"},
      {8, riding("count: 10 km_per_day_mean: 50 patience_min: 1e9"),
       "big.textproto:8: populations[0].patience_min: 1000000000 is over the limit (expected at most 1440 minutes; a day; the time is in minutes)"},
      {8, riding("count: 10 km_per_day_mean: 50 walk_speed_kmh: 0.5"),
       "big.textproto:8: populations[0].walk_speed_kmh: 0.5 is not a speed (expected km/h, at least 1)"},
      {8, R"(populations { name: "p" count: 10 country: "CN" model: "60V" km_per_day_mean: 50 home { lat: 22.5 lon: 114.0 radius_m: 1e12 } work { lat: 22.6 lon: 114.1 radius_m: 1000 } plan_mix { plan: "m" share: 1 } })",
       "big.textproto:8: populations[0].home.radius_m: 1000000000000 is over the limit (expected at most 200000 metres; a metropolitan area; the radius is in metres)"},
      {9, R"(faults { kind: "slot_fault" rate_per_station_day: 1e308 })",
       "big.textproto:9: faults[0].rate_per_station_day: 1e+308 is over the limit (expected at most 100 faults per station-day; a fault every 15 minutes at every cabinet)"},
      {9, R"(faults { kind: "slot_fault" rate_per_station_day: nan })",
       "big.textproto:9: faults[0].rate_per_station_day: nan is not a fault rate (expected faults per station-day, more than 0; or `at` for a scheduled fault)"},
      {9, R"(faults { kind: "link_outage" rate_per_station_day: 1 duration_min: 1e12 })",
       "big.textproto:9: faults[0].duration_min: 1000000000000 is over the limit (expected at most 5270400 minutes; the longest run; 0 means until repaired)"},
      {9, R"(charging { model: "exponential" exp_mean_min: 1e7 })",
       "big.textproto:9: charging.exp_mean_min: 10000000 is over the limit (expected at most 10080 minutes; a week; the time is in minutes)"},
      {9, R"(sla { slot_fault_min: 525601 })",
       "big.textproto:9: sla.slot_fault_min: 525601 is over the limit (expected at most 525600 minutes; a year)"},
  };
  for (const auto& c : cases) EXPECT_EQ(error_with(c.line, c.replacement), c.error) << c.replacement;
}

// ---- The run's projected size ------------------------------------------------------------------

namespace {
// Far more memory than any run here needs, so only the test that means to meets that limit.
load_options any_machine(std::optional<double> days = std::nullopt) {
  load_options o;
  o.days = days;
  o.memory_bytes = 1e15;
  return o;
}
}  // namespace

// The base file with line 8's riders (`count: 10 km_per_day_mean: 50`) replaced by `riders`.
std::string with_riders(const std::string& riders, int days) {
  auto t = text_with(3, "duration_days: " + std::to_string(days));
  return t.replace(t.find("count: 10 km_per_day_mean: 50"), 29, riders);
}

TEST(scenario_limits, a_run_of_too_many_events_is_refused_at_its_biggest_driver) {
  // 2,000,000 riders of 120 km a day on 60 V packs (1,560 Wh, swap below 0.2): 1.92 swaps a day each.
  const auto text = with_riders("count: 2000000 km_per_day_mean: 120", 100);
  EXPECT_EQ(error_of(text, any_machine()),
            "big.textproto:8: populations[0].count: the run would simulate about 1.54 billion events in 100 days and "
            "write about 98.5 GB of journal; 1.54 billion from the swaps of 2000000 riders at 1.92 a day each "
            "(populations[0].count), 144 thousand heartbeats of 1 station every 60 s (heartbeat_interval_s), 100 "
            "from faults at 0.1 a station-day (faults[0].rate_per_station_day) (expected at most 1 billion "
            "events; simulate a sample of the riders and scale the results, or simulate fewer days (duration_days))");
  // `swaptwin sim --days` runs it for other days than the file's: the projection follows them.
  EXPECT_EQ(error_of(text, any_machine(10.0)), "(loaded without error)");
  const auto longer = error_of(with_riders("count: 2000000 km_per_day_mean: 120", 10), any_machine(100.0));
  EXPECT_EQ(longer.rfind("big.textproto:8: populations[0].count: the run would simulate about 1.54 billion events in 100 days", 0), 0u) << longer;
  EXPECT_NE(longer.find("or simulate fewer days (--days))"), std::string::npos) << longer;
  EXPECT_EQ(error_of(text, any_machine(std::nan(""))),
            "big.textproto:0: --days: nan is not a duration (expected days, more than 0 and at most 3660)");
  EXPECT_EQ(error_of(text, any_machine(3661.0)),
            "big.textproto:0: --days: 3661 is not a duration (expected days, more than 0 and at most 3660)");
  EXPECT_EQ(error_of(text, any_machine(0.0)),
            "big.textproto:0: --days: 0 is not a duration (expected days, more than 0 and at most 3660)");
}

TEST(scenario_limits, arrivals_and_heartbeats_drive_the_projection_too) {
  // Two queueing populations at 2,000 and 3,600 an hour for ten years (3 events an arrival): the
  // line is the busier one's.
  auto t = text_with(3, "duration_days: 3660");
  t.replace(t.find(lines[7]), lines[7].size(), arrivals("2000"));
  t += arrivals("3600", "q") + "\n";
  EXPECT_EQ(error_of(t, any_machine()),
            "big.textproto:10: populations[1].arrivals_per_hour: the run would simulate about 1.48 billion events in "
            "3660 days and write about 94.4 GB of journal; 1.48 billion from 5600 arrivals an hour "
            "(populations[1].arrivals_per_hour), 5.27 million heartbeats of 1 station every 60 s "
            "(heartbeat_interval_s), 3660 from faults at 0.1 a station-day (faults[0].rate_per_station_day) (expected "
            "at most 1 billion events; lower arrivals_per_hour, or simulate fewer days (duration_days))");
  // Four stations beating every second for ten years.
  auto u = text_with(3, "duration_days: 3660 heartbeat_interval_s: 1");
  for (int i = 2; i <= 4; ++i)
    u += R"(stations { sn: "S)" + std::to_string(i) + R"(" lat: 22.54 lon: 114.05 slots: 2 charger_power_w: 600 power_cap_w: 6000 })" "\n";
  EXPECT_EQ(error_of(u, any_machine()),
            "big.textproto:3: heartbeat_interval_s: the run would simulate about 1.27 billion events in 3660 days and "
            "write about 8.44 MB of journal; 1.26 billion heartbeats of 4 stations every 1 s (heartbeat_interval_s), "
            "117 thousand from the swaps of 10 riders at 0.801 a day each (populations[0].count), 14.6 thousand from faults at "
            "0.1 a station-day (faults[0].rate_per_station_day) (expected at most 1 billion events; raise "
            "heartbeat_interval_s (metro beats every 300 s), or simulate fewer days (duration_days))");
}

TEST(scenario_limits, a_run_keeping_too_many_hourly_samples_is_refused) {
  // 1,200 stations for ten years: 105 million station-hours (each beating once a day).
  std::string t = text_with(3, "duration_days: 3660 heartbeat_interval_s: 86400");
  for (int i = 2; i <= 1200; ++i)
    t += R"(stations { sn: "S)" + std::to_string(i) + R"(" lat: 22.54 lon: 114.05 slots: 2 charger_power_w: 600 power_cap_w: 6000 })" "\n";
  EXPECT_EQ(error_of(t, any_machine()),
            "big.textproto:7: stations: the run would keep about 105 million hourly station samples (1200 stations x "
            "87840 hours) (expected at most 100 million; split the network into regions, one scenario each, or "
            "simulate fewer days (duration_days))");
  EXPECT_EQ(error_of(t, any_machine(3000.0)), "(loaded without error)");
}

TEST(scenario_limits, a_run_that_cannot_fit_in_memory_is_refused) {
  load_options one_gb;
  one_gb.memory_bytes = 1e9;
  EXPECT_EQ(error_of(with_riders("count: 300000 km_per_day_mean: 50", 1), one_gb),
            "big.textproto:8: populations[0].count: the run would need about 1.61 GB of memory; 1.5 GB for 300 "
            "thousand riders (populations[0].count), 48.1 MB for 240 thousand swaps and arrivals (duration_days), "
            "42 kB for 12 slots (stations) (expected at most the 1 GB of memory of this machine; simulate a sample "
            "of the riders and scale the results, or run it on a machine with more memory)");
  EXPECT_EQ(error_of(with_riders("count: 150000 km_per_day_mean: 50", 1), one_gb), "(loaded without error)");
}

TEST(scenario_limits, every_bundled_example_loads_far_inside_the_limits) {
  int seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator{SWAPTWIN_EXAMPLES}) {
    if (entry.path().extension() != ".textproto") continue;
    ++seen;
    auto sc = load_scenario(entry.path().string());
    ASSERT_TRUE(sc) << sc.err().detail;
    EXPECT_LT(std::filesystem::file_size(entry.path()), 16u << 20 >> 4) << entry.path();  // a sixteenth of the file limit
    const auto p = project_run(*sc, static_cast<double>(sc->duration.count()) / 86400000.0);
    EXPECT_LT(p.events, 1e9 / 10) << entry.path();
    EXPECT_LT(p.station_hours, 1e8 / 10) << entry.path();
    EXPECT_LT(p.memory_bytes, 4e9) << entry.path();  // metro: ~1.8 GB projected, 1.6 GiB measured at its peak
  }
  EXPECT_EQ(seen, 4);
}
