// The database source of swaptwin-viewer: the back office as `swaptwin demo` or `serve` left it,
// re-read every --refresh-s seconds and after a jump in time. Read-only: actions need the API.
#include <chrono>
#include <filesystem>
#include <stdexcept>

#include "adapters/store.hpp"
#include "app/viewer_model_from_db.hpp"
#include "app/viewer_source.hpp"

namespace swaptwin::app {
namespace {

adapters::store_options open_existing() {
  adapters::store_options so;
  so.create = false;
  return so;
}

class db_source final : public viewer_source {
 public:
  explicit db_source(const db_source_options& o)
      : label_{"database " + std::filesystem::path{o.db_path}.filename().string()},
        refresh_s_{o.refresh_s},
        db_{o.db_path, open_existing()} {
    tz_ = o.tz.empty() ? db_.setting("timezone").value_or("UTC") : o.tz;
    (void)utc_offset_minutes(tz_, twin::unix_ms{});  // throws std::invalid_argument for an unknown zone
    now_ms_ = o.now_ms ? *o.now_ms
                       : std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now())
                             .time_since_epoch().count();
  }

  void frame(double real_dt_s, viewer::ui_state& ui, viewer::view_model& vm) override {
    const std::int64_t before = now_ms_;
    now_ms_ += viewer::advance(ui.time, real_dt_s);
    if (auto jump = viewer::take_jump(ui.time)) now_ms_ = *jump;
    since_load_s_ += real_dt_s;
    if (!loaded_ || since_load_s_ >= refresh_s_ || now_ms_ - before > 60'000) {
      auto last_action = vm.source.last_action;
      vm = model_from_store(db_, twin::unix_ms{std::chrono::milliseconds{now_ms_}}, tz_);
      vm.source.label = label_;
      vm.source.status = "re-read every " + std::to_string(static_cast<int>(refresh_s_)) + " s";
      vm.source.read_only = true;
      vm.source.last_action = std::move(last_action);
      since_load_s_ = 0;
      loaded_ = true;
    }
    vm.now_ms = now_ms_;
    if (!last_refusal_.empty()) vm.source.last_action = std::move(last_refusal_);
    last_refusal_.clear();
  }

  void act(const viewer::action&) override {
    // The database view has no operator identity to audit: actions go through the API (--connect).
    last_refusal_ = "read-only database view: connect to a server (--connect) to act";
  }

 private:
  std::string label_;
  double refresh_s_;
  adapters::store db_;
  std::string tz_;
  std::int64_t now_ms_ = 0;
  double since_load_s_ = 0;
  bool loaded_ = false;
  std::string last_refusal_;  // shown by the next frame
};

}  // namespace

std::unique_ptr<viewer_source> make_db_source(const db_source_options& o) {
  if (!std::filesystem::exists(o.db_path))
    throw std::runtime_error("no such database: " + o.db_path + " (make one with `swaptwin demo --db FILE`)");
  return std::make_unique<db_source>(o);
}

}  // namespace swaptwin::app
