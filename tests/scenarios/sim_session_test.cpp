// The steppable simulation: advance_to is exact and stops at the end; a run cut into uneven steps
// is the run simulate() makes (same events, digests, report numbers, journal bytes); two sessions
// brought to the same instant by different steps (as a viewer's restart-and-seek does) agree.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "scenarios/journal_file.hpp"
#include "scenarios/replay.hpp"
#include "scenarios/sim_session.hpp"

namespace swaptwin::scenarios {
namespace {

namespace fs = std::filesystem;

scenario example(const std::string& file) {
  auto sc = load_scenario(std::string{SWAPTWIN_EXAMPLES} + "/" + file);
  EXPECT_TRUE(sc.ok()) << (sc.ok() ? "" : sc.err().what());
  return *sc;
}

std::unique_ptr<sim_session> open(const scenario& sc, sim_options opt) {
  auto s = sim_session::open(sc, std::move(opt));
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.err().what());
  return std::move(*s);
}

std::string slurp(const fs::path& p) {
  std::ifstream is{p, std::ios::binary};
  std::stringstream ss;
  ss << is.rdbuf();
  return ss.str();
}

// Everything a viewer reads of the twin, as text.
std::string twin_text(const sim_session& s) {
  std::ostringstream os;
  os << s.now_ms() << " events " << s.event_count() << "\n";
  for (std::size_t i = 0; i < s.station_count(); ++i) {
    const auto& st = s.station(i);
    os << st.sn << (st.link.online ? " on " : " off ") << (st.link.last_seen ? twin::to_ms(*st.link.last_seen) : 0) << "\n";
    for (const auto& sl : st.slots) os << " " << sl.index << " " << twin::to_string(sl.state) << " " << sl.soc << " " << sl.battery_sn << "\n";
    for (const auto& [sn, b] : s.station_packs(i)) os << "  " << sn << " " << b.soh << " " << b.cycles << " " << b.temperature_c << "\n";
  }
  for (const auto& h : s.held_packs()) os << h.rider_id << " holds " << h.sn << " " << h.soh << "\n";
  for (const auto& [id, w] : s.work_orders()) os << "WO " << id << " " << twin::to_string(w.state) << " " << w.agent_id << "\n";
  for (const auto& a : s.agents()) os << a.id << " " << a.position.lat << "," << a.position.lon << " " << a.work_order << "\n";
  os << "postings " << s.ledger().postings().size() << "\n";
  return os.str();
}

TEST(SimSession, AdvanceToIsExactAndNeverGoesPastTheEnd) {
  auto sc = example("outage.textproto");
  std::int64_t last_event_ms = 0;
  sim_options opt;
  opt.days = 0.5;
  opt.on_event = [&](const actors::sim_event& e) { last_event_ms = e.at_ms; };
  auto s = open(sc, opt);
  EXPECT_EQ(s->now_ms(), s->start_ms());
  EXPECT_EQ(s->end_ms(), s->start_ms() + 43'200'000);
  const auto t = s->start_ms() + 90 * 60'000 + 1'234;  // not on any timer
  s->advance_to(t);
  EXPECT_EQ(s->now_ms(), t);
  EXPECT_GT(s->event_count(), 0);
  EXPECT_LE(last_event_ms, t);
  s->advance_to(t - 60'000);  // the past: stays where it is
  EXPECT_EQ(s->now_ms(), t);
  s->advance_to(s->end_ms() + 86'400'000);
  EXPECT_EQ(s->now_ms(), s->end_ms());
  EXPECT_LE(last_event_ms, s->end_ms());
}

TEST(SimSession, UnevenStepsMakeTheRunSimulateMakes) {
  auto sc = example("demo-city.textproto");
  sim_options opt;
  opt.days = 1;
  opt.keep_events = true;
  auto whole = simulate(sc, opt);
  ASSERT_TRUE(whole.ok());

  auto s = open(sc, opt);
  // Steps of 1 ms to 3 h, none on an hour boundary, as a viewer's frames make them.
  const std::int64_t steps[] = {1, 16, 17, 1'000, 59'999, 600'000, 3'599'999, 7'200'001, 10'800'000, 33};
  for (std::size_t i = 0; s->now_ms() < s->end_ms(); ++i) s->advance_to(s->now_ms() + steps[i % std::size(steps)]);
  auto stepped = s->finish();
  ASSERT_TRUE(stepped.ok());

  EXPECT_EQ(stepped->event_count, whole->event_count);
  EXPECT_EQ(stepped->events_digest, whole->events_digest);
  EXPECT_EQ(stepped->final_digest, whole->final_digest);
  EXPECT_EQ(stepped->report.network.messages, whole->report.network.messages);
  EXPECT_EQ(stepped->report.network.swaps, whole->report.network.swaps);
  ASSERT_EQ(stepped->report.hours.size(), whole->report.hours.size());
  for (std::size_t h = 0; h < whole->report.hours.size(); ++h) {
    EXPECT_EQ(stepped->report.hours[h].ready_packs, whole->report.hours[h].ready_packs) << "hour " << h;
    EXPECT_EQ(stepped->report.hours[h].site_power_w, whole->report.hours[h].site_power_w) << "hour " << h;
  }
  // The same journal, byte for byte.
  const auto dir = fs::temp_directory_path() / "swaptwin-sim-session-test";
  fs::create_directories(dir);
  auto journal_of = [&](const sim_output& run, const std::string& name) {
    journal_contents j{{1, sc.name, sc.digest, sc.file, sc.text, run.report.seed, run.days}, run.events, run.final_digest};
    EXPECT_TRUE(write_journal((dir / name).string(), j).ok());
    return slurp(dir / name);
  };
  EXPECT_EQ(journal_of(*stepped, "stepped.bin"), journal_of(*whole, "whole.bin"));
  fs::remove_all(dir);
}

TEST(SimSession, RestartAndSeekGivesTheSameState) {
  auto sc = example("outage.textproto");
  sim_options opt;
  opt.days = 1;
  auto first = open(sc, opt);
  const auto t = first->start_ms() + 11 * 3'600'000 + 7'000;
  first->advance_to(t + 5 * 3'600'000);  // past t, as a viewer before its slider goes back
  auto again = open(sc, opt);            // the restart
  again->advance_to(t);
  auto direct = open(sc, opt);
  for (auto at = direct->start_ms(); at < t; at += 60'000) direct->advance_to(at);  // frame by frame
  direct->advance_to(t);
  EXPECT_EQ(twin_text(*again), twin_text(*direct));
  EXPECT_NE(twin_text(*again), twin_text(*first));
  EXPECT_FALSE(again->work_orders().empty()) << "outage opens work orders by then";
}

}  // namespace
}  // namespace swaptwin::scenarios
