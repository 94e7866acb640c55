// The live source of swaptwin-viewer (--connect HOST:PORT --token T): the UI's side. The network
// side (viewer_live_link) runs on this source's own thread; frame() only drains the mailbox and
// applies what came, so a slow or lost server never holds a frame up.
#include <chrono>
#include <optional>
#include <stdexcept>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include "app/viewer_live_link.hpp"
#include "app/viewer_model_from_db.hpp"
#include "app/viewer_source.hpp"
#include "viewer/feed_model.hpp"

namespace swaptwin::app {

namespace {

namespace asio = boost::asio;
using steady = std::chrono::steady_clock;

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class live_source final : public viewer_source {
 public:
  live_source(const live_source_options& o, const live_link_timing& timing)
      : label_{"live " + o.host + ":" + o.port}, tz_{o.tz}, guard_{asio::make_work_guard(io_)} {
    if (!tz_.empty()) (void)utc_offset_minutes(tz_, twin::unix_ms{});  // an unknown zone throws here, not later
    link_ = std::make_unique<live_link>(io_, o, timing, box_);
    {
      std::lock_guard<std::mutex> lock(box_.mutex);
      box_.status = "connecting to " + o.host + ":" + o.port;
    }
    asio::post(io_, [this] { link_->start(); });
    thread_ = std::thread([this] {
      // A handler that throws (a malformed answer the mapping did not expect, no memory) must not
      // end the viewer: say so under the clock and go on serving the link.
      for (;;) {
        try {
          io_.run();
          return;  // stopped by the destructor
        } catch (const std::exception& e) {
          std::lock_guard<std::mutex> lock(box_.mutex);
          box_.status = std::string{"internal error on the network thread: "} + e.what();
        }
      }
    });
  }

  ~live_source() override {
    asio::post(io_, [this] { link_->stop(); });  // closes the socket, cancels the timers, stops io_
    thread_.join();
  }

  void frame(double /*real_dt_s*/, viewer::ui_state& ui, viewer::view_model& vm) override {
    // The server owns time: a step or a jump cannot move it; pausing freezes only what is shown.
    if (ui.time.step_requested || ui.time.jump_to_ms) last_action_ = "live: time follows the server (no step or jump)";
    ui.time.step_requested = false;
    (void)viewer::take_jump(ui.time);
    const bool paused = ui.time.paused;
    if (paused && !held_) held_ = vm;  // the held copy keeps following the feed
    if (!paused && held_) {
      vm = std::move(*held_);
      held_.reset();
    }
    viewer::view_model& model = held_ ? *held_ : vm;

    std::vector<live_feed_item> items;
    std::string status;
    bool connected = false;
    {
      std::lock_guard<std::mutex> lock(box_.mutex);
      items.swap(box_.items);
      status = box_.status;
      connected = box_.connected;
      if (box_.plans) model.plans = std::move(*box_.plans);
      if (box_.riders) model.riders = std::move(*box_.riders);
      if (box_.deposits) model.deposits = std::move(*box_.deposits);
      if (box_.batteries) model.batteries = std::move(*box_.batteries);
      box_.plans.reset();
      box_.riders.reset();
      box_.deposits.reset();
      box_.batteries.reset();
      if (!box_.outcomes.empty()) last_action_ = box_.outcomes.back();
      box_.outcomes.clear();
      if (box_.read_only) read_only_ = *box_.read_only;
      reads_done_ = reads_done_ || box_.reads_done;
    }
    for (const auto& item : items) apply(item, model);
    // Ready for a screenshot once the feed's snapshot and the first round of reads (packs, riders)
    // are in: then every panel shows the server's state, not a half-loaded one.
    ready_ = snapshot_seen_ && reads_done_;

    const auto since_ms = std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - server_at_).count();
    const std::int64_t now = snapshot_seen_ ? server_now_ms_ + since_ms : wall_ms();
    model.now_ms = now;
    if (!paused) vm.now_ms = now;
    auto& src = vm.source;
    src.label = label_;
    src.degraded = !connected || !follower_.synced();
    src.status = paused ? "display paused (the server runs on); " + status : status;
    src.read_only = read_only_;
    src.last_action = last_action_;
  }

  void act(const viewer::action& a) override {
    asio::post(io_, [this, call = call_of(a)]() mutable { link_->send(std::move(call)); });
  }

  bool ready() const override { return ready_; }

 private:
  void apply(const live_feed_item& item, viewer::view_model& model) {
    if (item.lost) {
      follower_.reset();  // the stations keep their last known state until the next snapshot
      return;
    }
    const auto step = follower_.apply(item.message, model);
    if (step.gap) {
      const auto sub = item.subscription;
      const auto why = "missed message " + std::to_string(step.expected_seq);
      asio::post(io_, [this, sub, why] { link_->resubscribe(sub, why); });
    }
    if (!step.applied) return;
    server_now_ms_ = step.server_now_ms;
    server_at_ = item.at;
    if (step.snapshot) {
      snapshot_seen_ = true;
      if (!tz_.empty()) {
        model.time_zone_name = tz_;
        model.utc_offset_minutes = utc_offset_minutes(tz_, twin::unix_ms{std::chrono::milliseconds{server_now_ms_}});
      }
    }
  }

  std::string label_;
  std::string tz_;
  live_mailbox box_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  std::unique_ptr<live_link> link_;
  std::thread thread_;
  // UI thread only:
  viewer::feed_follower follower_;
  bool snapshot_seen_ = false;
  bool reads_done_ = false;
  bool ready_ = false;
  std::int64_t server_now_ms_ = 0;
  steady::time_point server_at_{};
  std::optional<viewer::view_model> held_;  // while paused: the model that goes on following the feed
  std::string last_action_;
  bool read_only_ = false;
};

}  // namespace

std::unique_ptr<viewer_source> make_live_source(const live_source_options& o, const live_link_timing& timing) {
  if (o.host.empty() || o.port.empty()) throw std::invalid_argument("--connect needs HOST:PORT, e.g. 127.0.0.1:8090");
  if (o.token.empty()) throw std::invalid_argument("--connect needs --token (make one with `swaptwin admin token add`)");
  return std::make_unique<live_source>(o, timing);
}

std::unique_ptr<viewer_source> make_live_source(const live_source_options& o) { return make_live_source(o, {}); }

}  // namespace swaptwin::app
