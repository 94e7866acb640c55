// A restartable run with its view model (viewer_sim_runner.hpp).
#include "app/viewer_sim_runner.hpp"

#include <algorithm>
#include <stdexcept>

namespace swaptwin::app {

sim_runner::sim_runner(scenarios::scenario sc, scenarios::sim_options opt, sim_model_options model_opt,
                       event_hook on_event, std::function<void()> on_restart)
    : sc_{std::move(sc)},
      opt_{std::move(opt)},
      model_opt_{std::move(model_opt)},
      on_event_{std::move(on_event)},
      on_restart_{std::move(on_restart)} {
  open();
}

void sim_runner::open() {
  session_.reset();  // the old run's actors go before its model
  model_ = std::make_unique<sim_model>(sc_, model_opt_);
  auto opt = opt_;
  opt.on_event = [this](const actors::sim_event& e) {
    model_->on_event(e);
    if (on_event_) on_event_(e);
  };
  auto s = scenarios::sim_session::open(sc_, std::move(opt));
  if (!s) throw std::runtime_error(s.err().what());
  session_ = std::move(*s);
  fresh_ = true;
}

void sim_runner::follow(viewer::time_control& controls, double real_dt_s) {
  std::int64_t target = session_->now_ms() + viewer::advance(controls, real_dt_s);
  if (auto jump = viewer::take_jump(controls)) target = *jump;
  if (target != session_->now_ms()) go_to(target);
}

void sim_runner::go_to(std::int64_t t_ms) {
  const auto t = std::clamp(t_ms, session_->start_ms(), session_->end_ms());
  if (t < session_->now_ms()) {  // the past: the same run again, up to t
    if (on_restart_) on_restart_();
    ++restarts_;
    open();
  }
  session_->advance_to(t);
}

void sim_runner::update(viewer::view_model& vm) {
  model_->update(*session_, vm, fresh_);
  fresh_ = false;
}

}  // namespace swaptwin::app
