// The replay source of swaptwin-viewer (`swaptwin-viewer --replay JOURNAL`): the journal's scenario
// text run again with its seed and days, shown with a timeline slider over the run. Playing forward
// runs on; the slider going back runs the deterministic run again from its start to that instant.
// Each event of the re-run is compared with the journal's as it comes: the first difference turns
// the status amber ("diverges from the journal at ...") and stays.
#include <filesystem>
#include <optional>
#include <stdexcept>

#include "app/viewer_sim_runner.hpp"
#include "app/viewer_source.hpp"
#include "scenarios/journal_file.hpp"
#include "scenarios/replay.hpp"
#include "viewer/time_control.hpp"

namespace swaptwin::app {
namespace {

scenarios::journal_contents read(const std::string& path) {
  if (!std::filesystem::exists(path)) throw std::runtime_error("no such journal: " + path);
  auto j = scenarios::read_journal(path);
  if (!j) throw std::runtime_error(path + ": not a readable journal: " + j.err().what());
  return std::move(*j);
}

scenarios::scenario scenario_of(const scenarios::journal_contents& j, const std::string& path) {
  auto sc = scenarios::parse_scenario(j.header.scenario_text, j.header.scenario_file.empty() ? path : j.header.scenario_file);
  if (!sc) throw std::runtime_error(path + ": its scenario does not load: " + sc.err().what());
  if (sc->digest != j.header.scenario_digest)
    throw std::runtime_error(path + ": the scenario text does not match its digest (the journal was altered)");
  return std::move(*sc);
}

scenarios::sim_options run_options(const scenarios::journal_contents& j) {
  scenarios::sim_options opt;
  opt.seed = j.header.seed;
  opt.days = j.header.days;
  return opt;
}

bool same(const actors::sim_event& a, const actors::sim_event& b) {
  return a.at_ms == b.at_ms && a.kind == b.kind && a.station_sn == b.station_sn && a.rider_id == b.rider_id &&
         a.code == b.code && a.value == b.value && a.value2 == b.value2 && a.text == b.text;
}

class replay_source final : public viewer_source {
 public:
  replay_source(scenarios::journal_contents j, const replay_source_options& o)
      : journal_{std::move(j)},
        runner_{scenario_of(journal_, o.journal_path), run_options(journal_), {o.tz, 500},
                [this](const actors::sim_event& e) { compare(e); }, [this] { matched_ = 0; }} {
    label_ = "replay " + std::filesystem::path{o.journal_path}.filename().string();
    if (o.start_at_ms) runner_.go_to(*o.start_at_ms);
  }

  void frame(double real_dt_s, viewer::ui_state& ui, viewer::view_model& vm) override {
    runner_.follow(ui.time, real_dt_s);
    runner_.update(vm);
    const auto& run = runner_.session();
    if (!divergence_ && run.now_ms() >= run.end_ms() && matched_ < journal_.events.size())
      divergence_ = "diverges from the journal at its end: the re-run has " + std::to_string(matched_) +
                    " events, the journal " + std::to_string(journal_.events.size());
    vm.source.label = label_;
    vm.source.timeline_start_ms = run.start_ms();
    vm.source.timeline_end_ms = run.end_ms();
    vm.source.read_only = true;
    vm.source.degraded = divergence_.has_value();
    vm.source.status = divergence_ ? *divergence_
                                   : std::to_string(matched_) + " of " + std::to_string(journal_.events.size()) +
                                         " events match the journal";
    if (!last_action_.empty()) vm.source.last_action = std::move(last_action_);
    last_action_.clear();
  }

  void act(const viewer::action&) override { last_action_ = "not sent: a replay is read-only"; }

 private:
  // One event of the re-run against the journal's next one.
  void compare(const actors::sim_event& e) {
    if (divergence_) return;
    const auto& rec = journal_.events;
    if (matched_ < rec.size() && same(rec[matched_], e)) {
      ++matched_;
      return;
    }
    divergence_ = "diverges from the journal at " + twin::format_instant(twin::from_ms(e.at_ms)) + ", event #" +
                  std::to_string(matched_) + ": recorded " +
                  (matched_ < rec.size() ? scenarios::describe(rec[matched_]) : std::string{"(journal ends)"}) +
                  "; replayed " + scenarios::describe(e);
  }

  scenarios::journal_contents journal_;
  std::size_t matched_ = 0;                // events of the current re-run equal to the journal's so far
  std::optional<std::string> divergence_;  // the first difference, once found
  sim_runner runner_;                      // after what its hooks use
  std::string label_;
  std::string last_action_;
};

}  // namespace

std::unique_ptr<viewer_source> make_replay_source(const replay_source_options& o) {
  return std::make_unique<replay_source>(read(o.journal_path), o);
}

}  // namespace swaptwin::app
