// The in-process simulation source of swaptwin-viewer (`swaptwin-viewer SCENARIO`): the scenario's
// actors under virtual time, stepped every frame by the Time panel's controls (pause, step,
// 1x..10000x, jump; a jump back runs the deterministic run again from its start). Read-only: an
// operator action would change the run (and no longer match its journal), so none is sent.
#include <cstdio>
#include <stdexcept>

#include "app/viewer_sim_runner.hpp"
#include "app/viewer_source.hpp"
#include "twin/time.hpp"
#include "viewer/time_control.hpp"

namespace swaptwin::app {
namespace {

scenarios::scenario load(const std::string& path) {
  auto sc = scenarios::load_scenario(path);
  if (!sc) throw std::runtime_error(sc.err().what());
  return std::move(*sc);
}

scenarios::sim_options run_options(const sim_source_options& o) {
  scenarios::sim_options opt;
  opt.seed = o.seed;
  opt.days = o.days;
  return opt;
}

class sim_source final : public viewer_source {
 public:
  explicit sim_source(const sim_source_options& o) : runner_{load(o.scenario_path), run_options(o), {o.tz, 500}} {
    label_ = "simulation " + runner_.spec().name;
    if (o.start_at_ms) runner_.go_to(*o.start_at_ms);
  }

  void frame(double real_dt_s, viewer::ui_state& ui, viewer::view_model& vm) override {
    runner_.follow(ui.time, real_dt_s);
    runner_.update(vm);
    vm.source.label = label_;
    vm.source.status = status();
    vm.source.degraded = false;
    vm.source.read_only = true;
    vm.source.timeline_start_ms = vm.source.timeline_end_ms = 0;
    if (!last_action_.empty()) vm.source.last_action = std::move(last_action_);
    last_action_.clear();
  }

  void act(const viewer::action&) override {
    last_action_ = "not sent: a simulation is read-only (actions go to a live server, --connect)";
  }

 private:
  std::string status() const {
    const auto& s = runner_.session();
    const double day = static_cast<double>(s.now_ms() - s.start_ms()) / 86400000.0;
    const double days = static_cast<double>(s.end_ms() - s.start_ms()) / 86400000.0;
    char buf[160];
    if (s.now_ms() >= s.end_ms())
      std::snprintf(buf, sizeof buf, "seed %llu, ended after %.1f days", static_cast<unsigned long long>(s.seed()), days);
    else
      std::snprintf(buf, sizeof buf, "seed %llu, day %.2f of %.1f, %lld events", static_cast<unsigned long long>(s.seed()),
                    day, days, static_cast<long long>(s.event_count()));
    return buf;
  }

  sim_runner runner_;
  std::string label_;
  std::string last_action_;  // shown by the next frame
};

}  // namespace

std::unique_ptr<viewer_source> make_sim_source(const sim_source_options& o) { return std::make_unique<sim_source>(o); }

}  // namespace swaptwin::app
