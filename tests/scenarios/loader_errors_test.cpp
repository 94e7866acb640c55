// Scenario loader, bad files: each gives exactly one error line "FILE:LINE: FIELD: what is expected".
//
// Every case is the valid file `lines` below with one line replaced (or added), so the expected
// line numbers can be read off the list.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scenarios/scenario.hpp"

using namespace swaptwin;
using namespace swaptwin::scenarios;

namespace {

const std::vector<std::string> lines = {
    /* 1 */ R"(name: "bad")",
    /* 2 */ R"(start: "2026-11-23T00:00:00Z")",
    /* 3 */ R"(duration_days: 1)",
    /* 4 */ R"(countries { code: "CN" currency: "CNY" })",
    /* 5 */ R"(plans { id: "m" name: "Month" kind: "period" price: "299.00 CNY" })",
    /* 6 */ R"(deposits { model: "60V" amount: "300.00 CNY" })",
    /* 7 */ R"(agents { id: "a1" lat: 22.5 lon: 114.0 })",
    /* 8 */ R"(stations { sn: "S1" lat: 22.54 lon: 114.05 slots: 12 charger_power_w: 600 power_cap_w: 6000 agent: "a1" })",
    /* 9 */ R"(stations { sn: "S2" lat: 22.55 lon: 114.06 slots: 12 charger_power_w: 600 power_cap_w: 6000 })",
    /* 10 */ R"(populations { name: "p" count: 10 country: "CN" model: "60V" km_per_day_mean: 50)",
    /* 11 */ R"(  home { lat: 22.5 lon: 114.0 radius_m: 1000 } work { lat: 22.6 lon: 114.1 radius_m: 1000 })",
    /* 12 */ R"(  plan_mix { plan: "m" share: 1 } })",
    /* 13 */ R"(faults { kind: "link_outage" station: "S2" at: "2026-11-23T10:00:00Z" duration_min: 30 })",
};

std::string text_with(int line, const std::string& replacement) {
  std::string t;
  for (std::size_t i = 0; i < lines.size(); ++i)
    t += (static_cast<int>(i) + 1 == line ? replacement : lines[i]) + "\n";
  return t;
}

// The station on line 9 with `what` spliced in before its closing brace.
std::string station2(const std::string& what) {
  return R"(stations { sn: "S2" lat: 22.55 lon: 114.06 slots: 12 charger_power_w: 600 power_cap_w: 6000 )" + what +
         " }";
}

std::string error_of(const std::string& text) {
  auto r = parse_scenario(text, "bad.textproto");
  if (r) return "(loaded without error)";
  return r.err().detail;
}

std::string error_with(int line, const std::string& replacement) { return error_of(text_with(line, replacement)); }

}  // namespace

TEST(scenario_errors, the_base_file_is_valid) { EXPECT_EQ(error_of(text_with(0, "")), "(loaded without error)"); }

// ---- The cases of the issue's acceptance list ---------------------------------------------------

TEST(scenario_errors, syntax_error) {
  EXPECT_EQ(error_with(9, R"(stations { sn: "S2" lat 22.55 })"),
            R"(bad.textproto:9: stations[1]: syntax error: Expected ":", found "22.55".)");
  EXPECT_EQ(error_with(3, "duration_days: 1 }"), R"(bad.textproto:3: syntax error: Expected identifier, got: })");
  // A wrong value names its field; an unclosed entry is reported where the file ends.
  EXPECT_EQ(error_with(3, "duration_days: abc"), "bad.textproto:3: duration_days: syntax error: Expected double, got: abc");
  EXPECT_EQ(error_with(13, R"(faults { kind: "link_outage")"),
            R"(bad.textproto:14: faults[0]: the file ends inside this entry (expected "}" to close it))");
}

TEST(scenario_errors, unknown_field) {
  EXPECT_EQ(error_with(9, station2("latitude: 22.5")),
            "bad.textproto:9: stations[1].latitude: unknown field (expected one of: sn, name, lat, lon, slots, "
            "charger_power_w, power_cap_w, agent, packs, fill)");
  EXPECT_EQ(error_with(11, "  home { lat: 22.5 lon: 114.0 radius: 1000 }"),
            "bad.textproto:11: populations[0].home.radius: unknown field (expected one of: lat, lon, radius_m)");
}

TEST(scenario_errors, negative_or_zero_slots) {
  EXPECT_EQ(error_with(9, R"(stations { sn: "S2" lat: 22.55 lon: 114.06 slots: -4 charger_power_w: 600 power_cap_w: 6000 })"),
            "bad.textproto:9: stations[1].slots: -4 is not a slot count (expected 1..4096)");
  EXPECT_EQ(error_with(9, R"(stations { sn: "S2" lat: 22.55 lon: 114.06 charger_power_w: 600 power_cap_w: 6000 })"),
            "bad.textproto:9: stations[1].slots: missing (expected a slot count, 1..4096)");
}

TEST(scenario_errors, unknown_battery_model) {
  EXPECT_EQ(error_with(9, station2(R"(packs { slot: 1 model: "96V" })")),
            R"(bad.textproto:9: stations[1].packs[0].model: unknown battery model "96V" (expected one of: 48V, 60V, 72V))");
  EXPECT_EQ(error_with(9, station2(R"(fill { model: "96V" count: 3 })")),
            R"(bad.textproto:9: stations[1].fill[0].model: unknown battery model "96V" (expected one of: 48V, 60V, 72V))");
  EXPECT_EQ(error_with(6, R"(deposits { model: "36V" amount: "300.00 CNY" })"),
            R"(bad.textproto:6: deposits[0].model: unknown battery model "36V" (expected one of: 48V, 60V, 72V))");
  EXPECT_EQ(error_with(10, R"(populations { name: "p" count: 10 country: "CN" model: "64V" km_per_day_mean: 50)"),
            R"(bad.textproto:10: populations[0].model: unknown battery model "64V" (expected one of: 48V, 60V, 72V))");
}

TEST(scenario_errors, impossible_latitude_or_longitude) {
  EXPECT_EQ(error_with(9, R"(stations { sn: "S2" lat: 95 lon: 114.06 slots: 12 charger_power_w: 600 power_cap_w: 6000 })"),
            "bad.textproto:9: stations[1].lat: 95 is not a latitude (expected -90..90)");
  EXPECT_EQ(error_with(9, R"(stations { sn: "S2" lat: 22.55 lon: -180.5 slots: 12 charger_power_w: 600 power_cap_w: 6000 })"),
            "bad.textproto:9: stations[1].lon: -180.5 is not a longitude (expected -180..180)");
  EXPECT_EQ(error_with(9, R"(stations { sn: "S2" lon: 114.06 slots: 12 charger_power_w: 600 power_cap_w: 6000 })"),
            "bad.textproto:9: stations[1].lat: missing (expected a latitude, -90..90)");
  EXPECT_EQ(error_with(11, "  home { lat: 22.5 lon: 114.0 radius_m: 1000 } work { lat: 122.6 lon: 114.1 radius_m: 1000 }"),
            "bad.textproto:11: populations[0].work.lat: 122.6 is not a latitude (expected -90..90)");
  EXPECT_EQ(error_with(7, R"(agents { id: "a1" lat: 22.5 lon: 514.0 })"),
            "bad.textproto:7: agents[0].lon: 514 is not a longitude (expected -180..180)");
}

TEST(scenario_errors, duplicate_sn_names_the_second_and_the_first) {
  EXPECT_EQ(error_with(9, R"(stations { sn: "S1" lat: 22.55 lon: 114.06 slots: 12 charger_power_w: 600 power_cap_w: 6000 })"),
            R"(bad.textproto:9: stations[1].sn: "S1" is already used by stations[0] at line 8 (expected a unique serial number))");
  // On a multi-line entry the line is the SN's, not the entry's.
  EXPECT_EQ(error_with(9, "stations {\n  lat: 1 lon: 2\n  sn: \"S1\" slots: 2 charger_power_w: 1 power_cap_w: 1\n}"),
            R"(bad.textproto:11: stations[1].sn: "S1" is already used by stations[0] at line 8 (expected a unique serial number))");
}

// ---- Further checks ---------------------------------------------------------------------------

TEST(scenario_errors, packs_must_sit_in_distinct_slots_of_the_station) {
  EXPECT_EQ(error_with(9, station2(R"(packs { slot: 13 model: "60V" })")),
            "bad.textproto:9: stations[1].packs[0].slot: 13 is not a slot of this station (expected 1..12)");
  EXPECT_EQ(error_with(9, station2("packs { slot: 2 model: \"60V\" }\n  packs { slot: 2 model: \"48V\" }")),
            "bad.textproto:10: stations[1].packs[1].slot: slot 2 already holds stations[1].packs[0] (expected one pack per slot)");
  EXPECT_EQ(error_with(9, station2(R"(packs { slot: 1 model: "60V" } fill { model: "60V" count: 12 })")),
            "bad.textproto:9: stations[1].fill[0].count: 12 packs do not fit in the 11 free slots of 12 (expected at most 11)");
}

TEST(scenario_errors, references_between_entries) {
  EXPECT_EQ(error_with(12, R"(  plan_mix { plan: "year" share: 1 } })"),
            R"(bad.textproto:12: populations[0].plan_mix[0].plan: unknown plan "year" (expected one of: m))");
  EXPECT_EQ(error_with(12, R"(  plan_mix { plan: "m" share: 0.6 } plan_mix { plan: "m" share: 0.3 } })"),
            R"(bad.textproto:12: populations[0].plan_mix[1].plan: "m" is already used by populations[0].plan_mix[0] at line 12 (expected a unique plan in this mix))");
  EXPECT_EQ(error_with(10, R"(populations { name: "p" count: 10 country: "KE" model: "60V" km_per_day_mean: 50)"),
            R"(bad.textproto:10: populations[0].country: unknown country "KE" (expected one of: CN))");
  EXPECT_EQ(error_with(8, R"(stations { sn: "S1" lat: 22.54 lon: 114.05 slots: 12 charger_power_w: 600 power_cap_w: 6000 agent: "a7" })"),
            R"(bad.textproto:8: stations[0].agent: unknown agent "a7" (expected one of: a1))");
  EXPECT_EQ(error_with(13, R"(faults { kind: "link_outage" station: "S9" at: "2026-11-23T10:00:00Z" })"),
            R"(bad.textproto:13: faults[0].station: unknown station "S9" (expected the SN of a station))");
  EXPECT_EQ(error_with(13, R"(faults { kind: "power_cut" station: "S2" at: "2026-11-23T10:00:00Z" })"),
            R"(bad.textproto:13: faults[0].kind: "power_cut" is not a fault kind (expected "link_outage", "slot_fault" or "over_temperature"))");
  EXPECT_EQ(error_with(13, R"(populations { name: "q" country: "CN" model: "60V" arrivals_per_hour: 10 station: "S3" plan_mix { plan: "m" share: 1 } })"),
            R"(bad.textproto:13: populations[1].station: unknown station "S3" (expected the SN of a station))");
}

TEST(scenario_errors, plan_mix_shares_and_currencies) {
  EXPECT_EQ(error_with(12, R"(  plan_mix { plan: "m" share: 0.5 } })"),
            "bad.textproto:12: populations[0].plan_mix: shares sum to 0.5 (expected 1)");
  EXPECT_EQ(error_with(12, R"(  plan_mix { plan: "m" share: 1.5 } })"),
            "bad.textproto:12: populations[0].plan_mix[0].share: 1.5 is not a share (expected 0..1)");
  EXPECT_EQ(error_with(5, R"(plans { id: "m" name: "Month" kind: "period" price: "2000.00 KES" })"),
            R"(bad.textproto:12: populations[0].plan_mix[0].plan: plan "m" is priced in KES but riders of CN pay in CNY (expected a CNY plan))");
}

TEST(scenario_errors, plans_countries_and_money_use_the_twin_rules) {
  EXPECT_EQ(error_with(5, R"(plans { id: "m" name: "Month" kind: "period" price: "299.001 CNY" })"),
            R"(bad.textproto:5: plans[0].price: "299.001 CNY": CNY has 2 decimal digit(s) (expected money like "299.00 CNY"))");
  EXPECT_EQ(error_with(5, R"(plans { id: "m" name: "Month" kind: "period" price: "299.00 CNY" unit_price: "1.00 CNY" })"),
            "bad.textproto:5: plans[0]: period plans take period, price and swap_cap only");
  EXPECT_EQ(error_with(5, R"(plans { id: "m" name: "Month" kind: "weekly" price: "299.00 CNY" })"),
            R"(bad.textproto:5: plans[0].kind: "weekly" is not a plan kind (expected "period", "distance", "cycles" or "energy"))");
  EXPECT_EQ(error_with(4, R"(countries { code: "CN" currency: "CNY" terms: "prepaid" grace_days: 5 })"),
            "bad.textproto:4: countries[0].grace_days: only postpaid terms have grace days");
  EXPECT_EQ(error_with(4, R"(countries { code: "cn" currency: "CNY" })"),
            R"(bad.textproto:4: countries[0].code: expected an ISO 3166 alpha-2 code like CN, got "cn")");
}

TEST(scenario_errors, run_fields) {
  EXPECT_EQ(error_with(2, R"(start: "23/11/2026")"),
            R"(bad.textproto:2: start: "23/11/2026" is not an instant (expected UTC like "2026-11-23T00:00:00Z"))");
  EXPECT_EQ(error_with(3, "duration_days: 0"), "bad.textproto:3: duration_days: 0 is not a duration (expected days, more than 0 and at most 3660)");
  EXPECT_EQ(error_with(3, R"(time_zone: "Asia/Shenzhen")"),
            R"(bad.textproto:3: time_zone: "Asia/Shenzhen" is not an IANA time zone (expected e.g. "Asia/Shanghai"))");
  EXPECT_EQ(error_with(12, R"(  plan_mix { plan: "m" share: 1 } time_zone: "Africa/Nairobbi" })"),
            R"(bad.textproto:12: populations[0].time_zone: "Africa/Nairobbi" is not an IANA time zone (expected e.g. "Africa/Nairobi"))");
  EXPECT_EQ(error_with(12, R"(  plan_mix { plan: "m" share: 1 } time_zone: "Africa/Nairobi" })"), "(loaded without error)");
  // A field that is missing altogether has no line: 0.
  EXPECT_EQ(error_with(1, "seed: 3"), "bad.textproto:0: name: missing (expected a scenario name)");
  EXPECT_EQ(error_with(13, R"(faults { kind: "link_outage" station: "S2" at: "2026-11-25T00:00:00Z" })"),
            R"(bad.textproto:13: faults[0].at: "2026-11-25T00:00:00Z" is outside the run (expected from 2026-11-23T00:00:00Z to before 2026-11-24T00:00:00Z))");
}

TEST(scenario_errors, the_earliest_of_several_errors_is_reported) {
  // Faults are checked after stations, but the fault sits on an earlier line.
  auto t = text_with(9, R"(stations { sn: "S2" lat: 95 lon: 114.06 slots: 12 charger_power_w: 600 power_cap_w: 6000 })");
  t.replace(0, 11, R"(name: "bad" faults { kind: "fire" rate_per_station_day: 1 })");
  EXPECT_EQ(error_of(t),
            R"(bad.textproto:1: faults[0].kind: "fire" is not a fault kind (expected "link_outage", "slot_fault" or "over_temperature"))");
}

TEST(scenario_errors, a_missing_file_is_reported_with_its_path) {
  auto r = load_scenario("/nonexistent/dir/x.textproto");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.err().detail, "/nonexistent/dir/x.textproto:0: cannot open the file (expected a readable scenario file)");
}

// Rider ids and pack SNs are derived from the population name, so it must be SN-like.
TEST(scenario_errors, population_name_must_be_sn_like) {
  EXPECT_EQ(error_with(10, R"(populations { name: "walk ins" count: 10 country: "CN" model: "60V" km_per_day_mean: 50)"),
            R"(bad.textproto:10: populations[0].name: "walk ins" must be 1..30 letters, digits, '-', '_' or '.')");
}
