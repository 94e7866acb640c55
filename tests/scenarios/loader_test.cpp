// Scenario loader: the bundled examples load with the expected contents, defaults are applied,
// the digest follows the text, and fill shorthands are deterministic. Bad files: loader_errors_test.cpp.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <set>
#include <string>

#include "scenarios/scenario.hpp"
#include "scenarios/world.hpp"

using namespace swaptwin;
using namespace swaptwin::scenarios;

namespace {

scenario load_example(const std::string& name) {
  auto r = load_scenario(std::string{SWAPTWIN_EXAMPLES} + "/" + name);
  if (!r) {
    ADD_FAILURE() << name << ": " << r.err().detail;
    return {};
  }
  return std::move(r).value();
}

std::size_t pack_count(const scenario& s) {
  std::size_t n = 0;
  for (const auto& st : s.stations) n += st.packs.size();
  return n;
}

long riders(const scenario& s) {
  long n = 0;
  for (const auto& p : s.populations) n += p.count;
  return n;
}

// Erlang B by the usual recurrence B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)).
double erlang_b(int servers, double load) {
  double b = 1;
  for (int k = 1; k <= servers; ++k) b = load * b / (k + load * b);
  return b;
}

std::string fnv1a_hex(const std::string& text) {
  std::uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

// The smallest useful scenario: everything optional left out.
const char* const minimal = R"(name: "minimal"
start: "2026-11-23T00:00:00Z"
duration_days: 1.5
countries { code: "CN" currency: "CNY" }
plans { id: "m" name: "Month" kind: "period" price: "299.00 CNY" }
agents { id: "a1" lat: 22.5 lon: 114.0 }
stations { sn: "S1" lat: 22.54 lon: 114.05 slots: 4 charger_power_w: 600 power_cap_w: 2400
  packs { slot: 3 model: "60V" } }
populations { name: "p" count: 10 country: "CN" model: "60V"
  home { lat: 22.5 lon: 114.0 radius_m: 1000 } work { lat: 22.6 lon: 114.1 radius_m: 1000 }
  km_per_day_mean: 50 plan_mix { plan: "m" share: 1 } }
faults { kind: "slot_fault" rate_per_station_day: 0.1 }
)";

}  // namespace

TEST(scenario_examples, demo_city_has_two_cities_forty_stations_and_three_days) {
  const auto s = load_example("demo-city.textproto");
  EXPECT_EQ(s.name, "demo-city");
  EXPECT_EQ(s.stations.size(), 40u);
  EXPECT_EQ(s.agents.size(), 4u);
  EXPECT_EQ(s.countries.size(), 2u);
  EXPECT_EQ(s.duration, std::chrono::hours{72});
  EXPECT_EQ(s.time_zone, "Asia/Shanghai");
  EXPECT_GE(riders(s), 2000);
  EXPECT_LE(riders(s), 5000);
  for (const auto& st : s.stations) {
    EXPECT_GE(st.slots, 12) << st.sn;
    EXPECT_LE(st.slots, 24) << st.sn;
    EXPECT_LT(static_cast<int>(st.packs.size()), st.slots) << st.sn << " needs a free slot for returns";
  }
  std::set<twin::plan_kind> kinds;
  for (const auto& p : s.plans) kinds.insert(p.kind);
  EXPECT_GE(kinds.size(), 3u);
  int outages = 0, slot_faults = 0;
  for (const auto& f : s.faults) {
    EXPECT_TRUE(f.at.has_value());
    outages += f.kind == fault_kind::link_outage;
    slot_faults += f.kind == fault_kind::slot_fault;
  }
  EXPECT_EQ(outages, 1);
  EXPECT_EQ(slot_faults, 1);
  // Nairobi's riders ride by Nairobi's clock (UTC+3), Shenzhen's by the scenario's (UTC+8).
  const auto plans = riders_for(s, s.seed);
  ASSERT_EQ(plans.populations.size(), 3u);
  EXPECT_EQ(s.populations[2].time_zone, "Africa/Nairobi");
  EXPECT_EQ(plans.populations[0].shared->utc_offset_ms, 8 * 3600'000);
  EXPECT_EQ(plans.populations[2].shared->utc_offset_ms, 3 * 3600'000);
}

TEST(scenario_examples, erlang_b_is_a_loss_system_with_a_refusal_rate_between_5_and_15_percent) {
  const auto s = load_example("erlang-b.textproto");
  ASSERT_EQ(s.stations.size(), 1u);
  ASSERT_EQ(s.populations.size(), 1u);
  const auto& st = s.stations[0];
  const auto& p = s.populations[0];
  const int packs = static_cast<int>(st.packs.size());
  EXPECT_EQ(st.slots, packs + 1);  // one free slot takes each returned pack
  for (const auto& pk : st.packs) {
    EXPECT_EQ(pk.model_id, p.model_id);
    EXPECT_GE(pk.soc, s.charging.ready_soc);
  }
  EXPECT_EQ(s.charging.model, charge_model::exponential);
  EXPECT_GT(p.arrivals_per_hour, 0);
  EXPECT_EQ(p.station_sn, st.sn);
  EXPECT_EQ(p.patience_min, 0);
  const double load = p.arrivals_per_hour * s.charging.exp_mean_min / 60;
  const double b = erlang_b(packs, load);
  EXPECT_GT(b, 0.05);
  EXPECT_LT(b, 0.15);
  const double days = std::chrono::duration<double, std::ratio<86400>>(s.duration).count();
  EXPECT_GE(p.arrivals_per_hour * 24 * days, 2000);
}

TEST(scenario_examples, outage_has_agents_with_shifts_and_scheduled_and_random_outages) {
  const auto s = load_example("outage.textproto");
  EXPECT_GE(s.stations.size(), 4u);
  EXPECT_LE(s.stations.size(), 8u);
  EXPECT_EQ(s.agents.size(), 3u);
  int scheduled = 0, random = 0;
  for (const auto& f : s.faults) {
    if (f.kind != fault_kind::link_outage) continue;
    if (f.at) ++scheduled; else ++random;
  }
  EXPECT_GE(scheduled, 3);
  EXPECT_GE(random, 1);
  EXPECT_EQ(s.heartbeat_interval_s, 30);
}

TEST(scenario_examples, metro_has_a_thousand_stations_of_24_slots_and_150000_riders) {
  const auto s = load_example("metro.textproto");
  EXPECT_EQ(s.stations.size(), 1000u);
  for (const auto& st : s.stations) ASSERT_EQ(st.slots, 24) << st.sn;
  EXPECT_EQ(pack_count(s), 23000u);  // 23 per cabinet: a 24-slot cabinet keeps one slot free
  EXPECT_EQ(riders(s), 150000);
  EXPECT_EQ(s.duration, std::chrono::hours{24 * 30});
  std::set<std::string> sns;
  for (const auto& st : s.stations)
    for (const auto& pk : st.packs) sns.insert(pk.sn);
  EXPECT_EQ(sns.size(), pack_count(s));
}

TEST(scenario_loader, defaults_follow_the_struct_initialisers) {
  auto r = parse_scenario(minimal, "minimal.textproto");
  ASSERT_TRUE(r) << r.err().detail;
  const auto& s = *r;
  EXPECT_EQ(s.file, "minimal.textproto");
  EXPECT_EQ(s.time_zone, "UTC");
  EXPECT_EQ(s.seed, 1u);
  EXPECT_EQ(s.heartbeat_interval_s, 60);
  EXPECT_EQ(s.offline_after_beats, 3);
  EXPECT_EQ(s.duration, std::chrono::hours{36});
  EXPECT_EQ(twin::format_instant(s.start), "2026-11-23T00:00:00Z");
  ASSERT_EQ(s.models.size(), 3u);  // twin::default_models() when the file lists none
  EXPECT_EQ(s.models[1].id, "60V");
  const auto& c = s.countries.at(0);
  EXPECT_EQ(c.min_age_years, 16);
  EXPECT_EQ(c.terms, twin::payment_terms::prepaid);
  EXPECT_EQ(c.tax_rate_bp, 0);
  const auto& p = s.plans.at(0);
  EXPECT_EQ(p.currency, "CNY");
  EXPECT_EQ(p.price_minor, 29900);
  EXPECT_EQ(p.period, twin::period_unit::month);
  const auto& a = s.agents.at(0);
  EXPECT_EQ(a.name, "a1");
  EXPECT_EQ(a.speed_kmh, 25);
  EXPECT_EQ(a.shift_start_h, 0);
  EXPECT_EQ(a.shift_end_h, 24);
  EXPECT_EQ(a.repair_min, 30);
  const auto& st = s.stations.at(0);
  EXPECT_EQ(st.name, "S1");
  EXPECT_TRUE(st.agent_id.empty());
  ASSERT_EQ(st.packs.size(), 1u);
  EXPECT_EQ(st.packs[0].sn, "S1-P3");
  EXPECT_EQ(st.packs[0].soc, 1.0);
  EXPECT_EQ(st.packs[0].soh, 1.0);
  const auto& pop = s.populations.at(0);
  EXPECT_EQ(pop.wh_per_km, 20);
  EXPECT_EQ(pop.swap_threshold_soc, 0.2);
  EXPECT_EQ(pop.kyc_verified_share, 1.0);
  EXPECT_EQ(pop.patience_min, 30);
  EXPECT_EQ(pop.walk_speed_kmh, 15);
  EXPECT_EQ(pop.arrivals_per_hour, 0);
  EXPECT_EQ(pop.home.radius_m, 1000);
  const auto& f = s.faults.at(0);
  EXPECT_EQ(f.kind, fault_kind::slot_fault);
  EXPECT_FALSE(f.at.has_value());
  EXPECT_EQ(f.slot, 0);
  EXPECT_EQ(s.charging.model, charge_model::two_phase);
  EXPECT_EQ(s.charging.ready_soc, 0.95);
  EXPECT_EQ(s.charging.knee_soc, 0.8);
  EXPECT_EQ(s.charging.taper_floor, 0.1);
  EXPECT_EQ(s.charging.exp_mean_min, 60);
  EXPECT_EQ(s.ageing.soh_loss_per_cycle, 0.0002);
  EXPECT_EQ(s.ageing.retire_below_soh, 0.7);
  EXPECT_EQ(s.sla.station_offline, std::chrono::minutes{120});
  EXPECT_EQ(s.sla.escalate_every, std::chrono::minutes{60});
}

TEST(scenario_loader, given_values_replace_the_defaults_even_when_zero) {
  std::string text = minimal;
  text += R"(seed: 0
time_zone: "Africa/Nairobi"
sla { slot_fault_min: 15 }
charging { model: "exponential" exp_mean_min: 25 }
agents { id: "a2" lat: 0 lon: 0 shift_start_h: 22 shift_end_h: 6 }
populations { name: "q" country: "CN" model: "60V" arrivals_per_hour: 24 station: "S1" patience_min: 0
  plan_mix { plan: "m" share: 1 } }
)";
  auto r = parse_scenario(text, "given.textproto");
  ASSERT_TRUE(r) << r.err().detail;
  EXPECT_EQ(r->seed, 0u);
  EXPECT_EQ(r->time_zone, "Africa/Nairobi");
  EXPECT_EQ(r->sla.slot_fault, std::chrono::minutes{15});
  EXPECT_EQ(r->sla.station_offline, std::chrono::minutes{120});
  EXPECT_EQ(r->charging.model, charge_model::exponential);
  EXPECT_EQ(r->charging.exp_mean_min, 25);
  EXPECT_EQ(r->agents.at(1).shift_start_h, 22);
  EXPECT_EQ(r->agents.at(1).shift_end_h, 6);
  EXPECT_EQ(r->agents.at(1).base.lat, 0);
  EXPECT_EQ(r->populations.at(1).patience_min, 0);
  EXPECT_EQ(r->populations.at(1).count, 0);
}

TEST(scenario_loader, digest_is_fnv1a_of_the_text_and_changes_with_it) {
  auto a = parse_scenario(minimal, "a");
  std::string changed = minimal;
  changed += "# a comment changes the file, so the digest\n";
  auto b = parse_scenario(changed, "b");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->digest, fnv1a_hex(minimal));
  EXPECT_EQ(a->digest.size(), 16u);
  EXPECT_EQ(a->digest.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a->digest, b->digest);
  EXPECT_EQ(parse_scenario(minimal, "again")->digest, a->digest);
}

TEST(scenario_loader, fill_takes_the_lowest_free_slots_with_seeded_socs) {
  const char* const text = R"(name: "fill" start: "2026-11-23T00:00:00Z" duration_days: 1 seed: 5
stations { sn: "F1" lat: 1 lon: 2 slots: 8 charger_power_w: 500 power_cap_w: 2000
  packs { slot: 2 model: "48V" soc: 0.3 sn: "X-1" }
  fill { model: "60V" count: 4 soc_min: 0.5 soc_max: 0.9 }
  fill { model: "72V" count: 1 soh: 0.85 } }
)";
  auto r = parse_scenario(text, "fill.textproto");
  ASSERT_TRUE(r) << r.err().detail;
  const auto& packs = r->stations.at(0).packs;
  ASSERT_EQ(packs.size(), 6u);
  const int slots[] = {1, 2, 3, 4, 5, 6};
  const char* const models[] = {"60V", "48V", "60V", "60V", "60V", "72V"};
  for (std::size_t i = 0; i < packs.size(); ++i) {
    EXPECT_EQ(packs[i].slot, slots[i]);
    EXPECT_EQ(packs[i].model_id, models[i]);
  }
  EXPECT_EQ(packs[1].sn, "X-1");
  EXPECT_EQ(packs[0].sn, "F1-P1");
  EXPECT_EQ(packs[5].soc, 1.0);
  EXPECT_EQ(packs[5].soh, 0.85);
  std::set<double> socs;
  for (int i : {0, 2, 3, 4}) {
    EXPECT_GE(packs[i].soc, 0.5);
    EXPECT_LE(packs[i].soc, 0.9);
    socs.insert(packs[i].soc);
  }
  EXPECT_GT(socs.size(), 1u);
  // The same text gives the same packs; another seed gives other SoCs.
  auto again = parse_scenario(text, "fill.textproto");
  std::string reseeded = text;
  reseeded.replace(reseeded.find("seed: 5"), 7, "seed: 6");
  auto other = parse_scenario(reseeded, "fill.textproto");
  ASSERT_TRUE(again && other);
  bool differs = false;
  for (std::size_t i = 0; i < packs.size(); ++i) {
    EXPECT_EQ(again->stations[0].packs[i].soc, packs[i].soc);
    differs |= other->stations[0].packs[i].soc != packs[i].soc;
  }
  EXPECT_TRUE(differs);
}
