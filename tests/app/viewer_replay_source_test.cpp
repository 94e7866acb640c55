// The replay source (`swaptwin-viewer --replay JOURNAL`): a journal of the outage scenario written
// by a run, played back: its timeline is the run's, a seek back gives the model a fresh replay seeked
// straight there gives, the whole run matches the journal, an altered journal is reported as
// diverging at the altered event, and a missing or foreign file is one clear error. Virtual time only.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "app/viewer_source.hpp"
#include "scenarios/journal_file.hpp"
#include "scenarios/sim.hpp"
#include "twin/time.hpp"

namespace swaptwin::app {
namespace {

namespace fs = std::filesystem;

std::int64_t at(const char* text) { return twin::to_ms(*twin::parse_instant(text)); }

class ReplaySource : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("swaptwin_replay_source_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    auto sc = scenarios::load_scenario(std::string{SWAPTWIN_EXAMPLES} + "/outage.textproto");
    ASSERT_TRUE(sc.ok());
    scenarios::sim_options opt;
    opt.days = 1;
    opt.keep_events = true;
    auto run = scenarios::simulate(*sc, opt);
    ASSERT_TRUE(run.ok());
    journal_ = scenarios::journal_contents{{1, sc->name, sc->digest, sc->file, sc->text, run->report.seed, run->days},
                                           run->events, run->final_digest};
    ASSERT_TRUE(scenarios::write_journal((dir_ / "run.journal").string(), journal_).ok());
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  static std::unique_ptr<viewer_source> open(const fs::path& p, std::optional<std::int64_t> start = {}) {
    return make_replay_source({p.string(), start, ""});
  }

  static inline fs::path dir_;
  static inline scenarios::journal_contents journal_;
};

std::string text_of(const viewer::view_model& vm) {
  std::ostringstream os;
  os << vm.now_ms << "\n";
  for (const auto& s : vm.stations) {
    os << s.sn << " " << s.online << " " << s.last_seen_ms << " " << static_cast<int>(s.category);
    for (const auto& sl : s.slots) os << " " << static_cast<int>(sl.state) << ":" << sl.soc_percent << ":" << sl.pack_sn;
    os << "\n";
  }
  for (const auto& b : vm.batteries) os << b.sn << " " << b.where << "\n";
  for (const auto& a : vm.agents) os << a.id << " " << a.lat << " " << a.lon << " " << a.work_order_id << "\n";
  for (const auto& w : vm.work_orders) os << w.id << " " << w.state << "\n";
  for (const auto& a : vm.alerts) os << a.at_ms << " " << a.text << "\n";
  os << vm.dashboard.riders_today << " " << vm.dashboard.open_work_orders << "\n";
  return os.str();
}

TEST_F(ReplaySource, TimelineIsTheRunsAndASeekBackIsAFreshReplay) {
  auto src = open(dir_ / "run.journal");
  viewer::ui_state ui;
  viewer::view_model vm;
  src->frame(0.0, ui, vm);
  EXPECT_EQ(vm.source.timeline_start_ms, at("2026-11-23T00:00:00Z"));
  EXPECT_EQ(vm.source.timeline_end_ms, at("2026-11-24T00:00:00Z"));
  EXPECT_EQ(vm.now_ms, vm.source.timeline_start_ms);
  EXPECT_EQ(vm.source.label, "replay run.journal");
  EXPECT_FALSE(vm.source.degraded) << vm.source.status;
  ui.time.speed = 1000;
  src->frame(0.5, ui, vm);  // plays forward: 500 virtual seconds
  EXPECT_EQ(vm.now_ms, vm.source.timeline_start_ms + 500'000);
  ui.time.jump_to_ms = at("2026-11-23T20:00:00Z");  // the slider forward
  src->frame(0.0, ui, vm);
  EXPECT_EQ(vm.now_ms, at("2026-11-23T20:00:00Z"));
  ui.time.jump_to_ms = at("2026-11-23T09:30:00Z");  // and back
  src->frame(0.0, ui, vm);
  EXPECT_EQ(vm.now_ms, at("2026-11-23T09:30:00Z"));
  EXPECT_FALSE(vm.source.degraded) << vm.source.status;

  auto fresh = open(dir_ / "run.journal", at("2026-11-23T09:30:00Z"));
  viewer::ui_state fresh_ui;
  viewer::view_model fresh_vm;
  fresh->frame(0.0, fresh_ui, fresh_vm);
  EXPECT_EQ(text_of(vm), text_of(fresh_vm));
  EXPECT_FALSE(fresh_vm.work_orders.empty() && fresh_vm.alerts.empty()) << "the outage has begun by then";

  ui.time.jump_to_ms = vm.source.timeline_end_ms;  // to the end: every event matched
  src->frame(0.0, ui, vm);
  EXPECT_FALSE(vm.source.degraded) << vm.source.status;
  EXPECT_EQ(vm.source.status, std::to_string(journal_.events.size()) + " of " + std::to_string(journal_.events.size()) +
                                  " events match the journal");
}

TEST_F(ReplaySource, AnAlteredJournalDivergesAtTheAlteredEvent) {
  auto altered = journal_;
  const std::size_t k = altered.events.size() / 2;
  altered.events[k].value += 1;
  ASSERT_TRUE(scenarios::write_journal((dir_ / "altered.journal").string(), altered).ok());
  auto src = open(dir_ / "altered.journal");
  viewer::ui_state ui;
  viewer::view_model vm;
  ui.time.jump_to_ms = altered.events[k].at_ms - 1;  // just before it: all well
  src->frame(0.0, ui, vm);
  EXPECT_FALSE(vm.source.degraded) << vm.source.status;
  ui.time.jump_to_ms = altered.events[k].at_ms + 60'000;
  src->frame(0.0, ui, vm);
  EXPECT_TRUE(vm.source.degraded);
  EXPECT_NE(vm.source.status.find("diverges from the journal at " + twin::format_instant(twin::from_ms(altered.events[k].at_ms))),
            std::string::npos) << vm.source.status;
  EXPECT_NE(vm.source.status.find("event #" + std::to_string(k)), std::string::npos) << vm.source.status;
}

TEST_F(ReplaySource, AMissingOrForeignFileIsOneClearError) {
  try {
    open(dir_ / "nope.journal");
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string{e.what()}.find("no such journal"), std::string::npos) << e.what();
  }
  {
    std::ofstream out{dir_ / "foreign.journal", std::ios::binary};
    out << "this is not a journal at all";
  }
  try {
    open(dir_ / "foreign.journal");
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string{e.what()}.find("not a readable journal"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace swaptwin::app
