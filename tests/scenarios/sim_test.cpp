// The simulator end to end: determinism (same scenario and seed, byte-identical journal and
// report), replay that passes on the journal and fails with the first difference on an altered
// one, and the Erlang loss check on the bundled erlang-b scenario.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "scenarios/journal_file.hpp"
#include "scenarios/replay.hpp"
#include "scenarios/sim.hpp"

namespace swaptwin::scenarios {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream is{p, std::ios::binary};
  std::stringstream ss;
  ss << is.rdbuf();
  return ss.str();
}

class SimTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("swaptwin-sim-" + std::string{::testing::UnitTest::GetInstance()->current_test_info()->name()});
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }

  // Runs `file` and writes its outputs and journal into dir/name.
  sim_output run_to(const std::string& file, const std::string& name, sim_options opt = {}) {
    auto sc = load_scenario(std::string{SWAPTWIN_EXAMPLES} + "/" + file);
    EXPECT_TRUE(sc.ok()) << (sc.ok() ? "" : sc.err().what());
    opt.keep_events = true;  // written below with write_journal
    auto run = simulate(*sc, opt);
    EXPECT_TRUE(run.ok());
    auto out = (dir / name).string();
    EXPECT_TRUE(write_outputs(run->report, out).ok());
    journal_contents j{{1, sc->name, sc->digest, sc->file, sc->text, run->report.seed, run->days}, run->events,
                       run->final_digest};
    EXPECT_TRUE(write_journal(out + "/journal.bin", j).ok());
    return std::move(*run);
  }

  fs::path dir;
};

TEST_F(SimTest, SameScenarioAndSeedGiveByteIdenticalJournalAndReport) {
  auto a = run_to("demo-city.textproto", "a");
  auto b = run_to("demo-city.textproto", "b");
  EXPECT_GT(a.report.network.swaps, 1000);
  EXPECT_EQ(slurp(dir / "a" / "journal.bin"), slurp(dir / "b" / "journal.bin"));
  EXPECT_EQ(slurp(dir / "a" / "report.json"), slurp(dir / "b" / "report.json"));
  EXPECT_EQ(a.final_digest, b.final_digest);
  // Another seed is another run.
  sim_options other;
  other.seed = 43;
  auto c = run_to("demo-city.textproto", "c", other);
  EXPECT_NE(slurp(dir / "a" / "journal.bin"), slurp(dir / "c" / "journal.bin"));
}

TEST_F(SimTest, ReplayVerifiesTheJournalAndNamesTheFirstDifference) {
  sim_options one_day;
  one_day.days = 1;
  run_to("demo-city.textproto", "a", one_day);
  auto j = read_journal((dir / "a" / "journal.bin").string());
  ASSERT_TRUE(j.ok()) << j.err().what();
  EXPECT_DOUBLE_EQ(j->header.days, 1.0);
  auto ok = replay(*j);
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(ok->identical) << ok->first_difference;
  EXPECT_EQ(ok->events_compared, j->events.size());

  // Alter one recorded event: the replay stops there and shows it next to what really happened.
  auto altered = *j;
  const std::size_t k = altered.events.size() / 2;
  altered.events[k].value += 1;
  auto path = (dir / "altered.bin").string();
  ASSERT_TRUE(write_journal(path, altered).ok());
  auto back = read_journal(path);
  ASSERT_TRUE(back.ok());
  auto bad = replay(*back);
  ASSERT_TRUE(bad.ok());
  EXPECT_FALSE(bad->identical);
  EXPECT_EQ(bad->events_compared, k);
  EXPECT_NE(bad->first_difference.find("first difference at event #" + std::to_string(k)), std::string::npos)
      << bad->first_difference;
  EXPECT_NE(bad->first_difference.find(describe(altered.events[k])), std::string::npos);
  EXPECT_NE(bad->first_difference.find(describe(j->events[k])), std::string::npos);
}

// A streaming run (no event kept; journal.bin written as it goes, KPIs folded as events come)
// gives the bytes of a run that keeps its events and writes them at the end.
TEST_F(SimTest, StreamingRunGivesTheSameJournalReportAndDigest) {
  sim_options half_day;
  half_day.days = 0.5;
  auto kept = run_to("demo-city.textproto", "kept", half_day);
  auto sc = load_scenario(std::string{SWAPTWIN_EXAMPLES} + "/demo-city.textproto");
  ASSERT_TRUE(sc.ok());
  journal_writer w;
  const auto out = (dir / "streamed").string();
  fs::create_directories(out);
  ASSERT_TRUE(w.open(out + "/journal.bin", {1, sc->name, sc->digest, sc->file, sc->text, sc->seed,
                                            simulated_days(*sc, half_day)})
                  .ok());
  sim_options streamed = half_day;
  streamed.on_event = [&w](const actors::sim_event& e) { w.add(e); };
  auto run = simulate(*sc, streamed);
  ASSERT_TRUE(run.ok());
  EXPECT_TRUE(run->events.empty());
  ASSERT_TRUE(w.finish(run->final_digest).ok());
  ASSERT_TRUE(write_outputs(run->report, out).ok());
  EXPECT_EQ(run->event_count, static_cast<std::int64_t>(kept.events.size()));
  EXPECT_EQ(run->events_digest, kept.events_digest);
  EXPECT_EQ(slurp(dir / "kept" / "journal.bin"), slurp(dir / "streamed" / "journal.bin"));
  EXPECT_EQ(slurp(dir / "kept" / "report.json"), slurp(dir / "streamed" / "report.json"));
  // The report folded from the stream is the one built from the whole list.
  auto rebuilt = build_report(*sc, kept.report.seed, kept.report.end, kept.events, {}, {}, kept.report.network.messages);
  EXPECT_EQ(rebuilt.network.swaps, run->report.network.swaps);
  EXPECT_EQ(rebuilt.network.wait_s.mean, run->report.network.wait_s.mean);
}

TEST_F(SimTest, TruncatedJournalIsRefused) {
  sim_options short_run;
  short_run.days = 0.25;
  run_to("demo-city.textproto", "a", short_run);
  auto bytes = slurp(dir / "a" / "journal.bin");
  std::ofstream{dir / "cut.bin", std::ios::binary} << bytes.substr(0, bytes.size() / 2);
  auto j = read_journal((dir / "cut.bin").string());
  ASSERT_FALSE(j.ok());
  EXPECT_NE(j.err().detail.find("cut.bin: record"), std::string::npos) << j.err().detail;
}

// Erlang B computed here, by the stable recursion.
double erlang_b(int n, double offered) {
  double b = 1.0;
  for (int k = 1; k <= n; ++k) b = offered * b / (k + offered * b);
  return b;
}

TEST_F(SimTest, ErlangBScenarioRefusesAsErlangBPredicts) {
  auto sc = load_scenario(std::string{SWAPTWIN_EXAMPLES} + "/erlang-b.textproto");
  ASSERT_TRUE(sc.ok());
  ASSERT_EQ(sc->stations.size(), 1u);
  ASSERT_EQ(sc->populations.size(), 1u);
  const int packs = static_cast<int>(sc->stations[0].packs.size());
  const double offered = sc->populations[0].arrivals_per_hour * sc->charging.exp_mean_min / 60.0;
  sim_options longer;
  longer.days = 60;  // about 35,000 arrivals
  auto run = simulate(*sc, longer);
  ASSERT_TRUE(run.ok());
  const auto& n = run->report.network;
  const double arrivals = static_cast<double>(n.swaps + n.riders_gave_up);
  ASSERT_GT(arrivals, 30000);
  ASSERT_EQ(n.refusals.size(), 1u);
  EXPECT_EQ(n.refusals.begin()->first, "stock.empty");
  const double refused = static_cast<double>(n.riders_gave_up) / arrivals;
  const double expected = erlang_b(packs, offered);
  // Refusals bunch in busy periods: allow 10 % of the expected share (several standard errors here).
  EXPECT_NEAR(refused, expected, 0.10 * expected) << packs << " packs, " << offered << " erlang";
}

}  // namespace
}  // namespace swaptwin::scenarios

namespace swaptwin::scenarios {
namespace {

// A viewer's feed only listens: with it or without it, the run is the same.
TEST(SimFeed, TheFeedDoesNotChangeTheRun) {
  auto sc = load_scenario(std::string{SWAPTWIN_EXAMPLES} + "/outage.textproto");
  ASSERT_TRUE(sc.ok());
  sim_options without, with;
  without.days = with.days = 0.5;
  without.keep_events = with.keep_events = true;
  with.feed = true;
  auto a = simulate(*sc, without), b = simulate(*sc, with);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->final_digest, b->final_digest);
  ASSERT_EQ(a->events.size(), b->events.size());
  EXPECT_GT(a->events.size(), 100u);
  for (std::size_t i = 0; i < a->events.size(); ++i) EXPECT_EQ(describe(a->events[i]), describe(b->events[i]));
}

}  // namespace
}  // namespace swaptwin::scenarios
