#pragma once
/// What the simulation and the replay sources of swaptwin-viewer share: a scenario run in a
/// scenarios::sim_session that goes to any instant (forward: it runs on; backward: the run starts
/// again and runs to it, which gives the same state because the run is deterministic), and the
/// sim_model that maps it to the view model.

#include <cstdint>
#include <functional>
#include <memory>

#include "app/viewer_model_from_sim.hpp"
#include "scenarios/sim_session.hpp"
#include "viewer/time_control.hpp"

namespace swaptwin::app {

/// A restartable run of one scenario with its view model.
class sim_runner {
 public:
  /// Called with each event of the run, after the model saw it (e.g. the replay's comparison).
  using event_hook = std::function<void(const actors::sim_event&)>;

  /// Opens the run of `sc` with `opt` (seed, days; `opt.on_event` is the runner's). `on_event` sees
  /// every event; `on_restart` is called before the run starts again from the beginning. Throws
  /// std::runtime_error when the run cannot start, std::invalid_argument for an unknown zone.
  sim_runner(scenarios::scenario sc, scenarios::sim_options opt, sim_model_options model_opt,
             event_hook on_event = {}, std::function<void()> on_restart = {});

  sim_runner(const sim_runner&) = delete;  ///< the run's event hook points at this runner
  sim_runner& operator=(const sim_runner&) = delete;

  /// Goes to instant `t_ms`, clamped to [start, end]: runs on to it, or starts again and runs to
  /// it when it is in the past.
  void go_to(std::int64_t t_ms);
  /// Moves virtual time as the Time panel's controls say for a frame of `real_dt_s` real seconds
  /// (pause, speed, step; a jump wins): go_to(now + advance), or go_to(the jump).
  void follow(viewer::time_control& controls, double real_dt_s);

  /// Brings `vm` up to date (every field but vm.source).
  void update(viewer::view_model& vm);

  const scenarios::sim_session& session() const { return *session_; }  ///< the run as it stands
  const scenarios::scenario& spec() const { return sc_; }              ///< the scenario
  int restarts() const noexcept { return restarts_; }                  ///< runs started again so far

 private:
  void open();

  scenarios::scenario sc_;
  scenarios::sim_options opt_;
  sim_model_options model_opt_;
  event_hook on_event_;
  std::function<void()> on_restart_;
  std::unique_ptr<sim_model> model_;                 // before the session: its hook points here
  std::unique_ptr<scenarios::sim_session> session_;
  bool fresh_ = true;                                // the model must be built again in full
  int restarts_ = 0;
};

}  // namespace swaptwin::app
