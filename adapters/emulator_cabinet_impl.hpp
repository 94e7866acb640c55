#pragma once
/// Internal to the cabinet emulator: the cabinet state machine, declared here so its definitions
/// can live in several files: emulator_cabinet.cpp (boot, CALLs, heartbeats), emulator_link.cpp
/// (connection, back-off, chaos),
/// emulator_swaps.cpp (riders, swaps, faults, the acknowledged-swaps log) and
/// emulator_server_calls.cpp (the server's CALLs). Everything runs on the cabinet's strand.

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <nlohmann/json.hpp>

#include "adapters/emulator_cabinet.hpp"
#include "adapters/emulator_offline.hpp"
#include "adapters/emulator_state.hpp"
#include "adapters/ocpp_frame.hpp"

namespace swaptwin::adapters::emulation {

namespace net = boost::asio;
using json = nlohmann::json;
using ms = std::chrono::milliseconds;
using steady = std::chrono::steady_clock;

/// RFC 3339 UTC with milliseconds, as OCPP's date-time fields want.
std::string now_rfc3339();
/// splitmix64: seeds the cabinets' RNGs.
std::uint64_t splitmix64(std::uint64_t x);

/// What a CALL of ours is: the boot, a plain message (lost on a disconnect) or a transaction
/// message (kept until acknowledged).
enum class call_kind { boot, plain, tx };

/// A plain CALL waiting to be sent; `tag` names what it belongs to (Authorize: the rider).
struct queued_call {
  std::string action;  ///< OCPP action
  json payload;        ///< request payload
  std::string tag;     ///< Authorize: the rider id
};

/// Our one outstanding CALL.
struct outstanding {
  std::string id;                    ///< message id
  std::string action;                ///< OCPP action
  call_kind kind = call_kind::plain;  ///< what it is
  steady::time_point sent;           ///< when (round-trip time)
  std::string tag;                   ///< queued_call::tag
};

/// A swap waiting for its Authorize answer.
struct authorizing {
  std::size_t rider = 0;        ///< index in cabinet_state::riders
  std::int64_t request_id = 0;  ///< BatterySwap requestId
};

/// One emulated cabinet (see emulator.hpp for what it does).
class cabinet_impl final : public cabinet, public std::enable_shared_from_this<cabinet_impl> {
 public:
  /// Cabinet `index` of the emulator, number `number` of the layout.
  cabinet_impl(shared& s, std::size_t index, std::size_t number, std::string sn);
  /// Loads the offline queue and the state from state_dir. False with a reason when unusable.
  bool open_files(std::string* error);

  const std::string& sn() const override { return sn_; }
  void start() override;
  void stop(std::function<void()> done) override;
  void shutdown() override;
  void set_slot_status(int slot, std::string status) override;
  void start_swap(int rider) override;
  void fault(int slot, std::string kind) override;
  void drop() override;
  void silence() override;
  void restart() override;
  void storm() override;

 private:
  enum class link { idle, connecting, open };
  enum class reg { none, booting, pending, rejected, accepted };

  // Runs `f` on the strand, keeping no strong reference in the queue (the emulator owns
  // cabinets; a handler left in a stopped io_context must not keep one alive). No exception
  // escapes: the I/O threads are shared by every cabinet.
  template <class F>
  void run(F f) {
    net::post(strand_, [weak = weak_from_this(), f = std::move(f)]() mutable {
      if (auto self = weak.lock()) self->guarded(f);
    });
  }
  template <class F>
  void guarded(F& f) {
    try {
      f();
    } catch (const std::exception& e) {
      emit("error", e.what());
    } catch (...) {
      emit("error", "unknown exception");
    }
  }
  template <class F>
  void arm(net::steady_timer& t, ms after, F f) {
    t.expires_after(after);
    t.async_wait([weak = weak_from_this(), f = std::move(f)](const boost::system::error_code& ec) mutable {
      if (ec) return;
      if (auto self = weak.lock()) self->guarded(f);
    });
  }
  void emit(const char* kind, std::string detail, ms delay = ms{0}, ms cap = ms{0}, int attempt = 0);

  // Connection and chaos (emulator_link.cpp).
  void connect_now();
  std::string password() const;
  void handle_connected(std::uint64_t g, const ws_connect_result& r);
  void handle_close(std::uint64_t g, const ws_close_info& info);
  void lost_connection();
  void cancel_timers();
  ms draw_backoff(ms& cap_out);
  void schedule_reconnect(std::optional<ms> fixed = std::nullopt);
  // CALLs (emulator_cabinet.cpp).
  std::string next_id();
  json boot_payload() const;
  static json status_payload(int slot, const std::string& status);
  void pump();
  void check_outgoing(const std::string& text, const std::string& action, const json* payload);
  void send_call(const std::string& id, const std::string& action, const json& payload, call_kind kind,
                 const std::string& tag = {});
  void send_reply(std::string text);
  void handle_text(std::uint64_t g, const std::string& text);
  void complete(const ocpp::frame& f);
  void call_timed_out(std::uint64_t g, const std::string& id);
  void call_failed(const outstanding& o, bool timed_out);
  void call_succeeded(const outstanding& o, const json& payload);
  void boot_later(ms after);
  void handle_boot(const json& payload);
  void arm_heartbeat();
  ms exponential_delay(double rate_per_hour);
  void arm_chaos();
  void queue_plain(std::string action, json payload, std::string tag = {});

  // Riders, swaps, faults (emulator_swaps.cpp).
  void push_tx(std::string action, json payload, json meta = json::object());
  void push_status(int slot);
  void save();
  void charge_now();
  bool rider_busy(const std::string& id) const;
  bool swap_possible(std::size_t rider) const;
  void begin_swap(std::size_t rider);
  bool commit_swap(std::size_t rider, std::int64_t request_id);
  void authorize_answered(const outstanding& o, const json* payload);
  void tx_acknowledged(const offline_entry& e);
  void arm_swaps();
  void arm_faults();
  void raise_fault(int slot, const std::string& kind);
  void repair(int slot);
  json notify_event(int slot, const std::string& variable, const std::string& value, bool cleared);

  // The server's CALLs (emulator_server_calls.cpp).
  void answer_server_call(const ocpp::frame& f);
  json request_battery_swap(const json& p, std::function<void()>& after);
  json change_availability(const json& p, std::function<void()>& after);
  json set_variables(const json& p);
  json trigger_message(const json& p, std::function<void()>& after);

  shared& s_;
  const std::string sn_;
  const std::size_t number_;
  net::strand<net::io_context::executor_type> strand_;
  net::steady_timer reconnect_timer_, boot_timer_, heartbeat_timer_, call_timer_, drop_timer_, restart_timer_;
  net::steady_timer swap_timer_, fault_timer_;  // not tied to a connection: riders come, slots fail, offline too
  std::map<int, std::unique_ptr<net::steady_timer>> repair_timers_;  // by slot
  std::mt19937_64 rng_;
  cabinet_state state_;                      // slots, riders, id counters (persisted)
  std::string state_path_;                   // <state_dir>/<SN>.state.json, empty = memory only
  steady::time_point charged_at_ = steady::now();
  std::map<std::string, authorizing> authorizing_;  // by rider id: Authorize sent or queued
  std::unique_ptr<ws_client> client_;
  std::uint64_t gen_ = 0;                    // bumped per connection: stale callbacks are ignored
  link link_ = link::idle;
  reg reg_ = reg::none;
  bool boot_due_ = false;
  bool silent_ = false;
  bool stopping_ = false;
  bool resetting_ = false;                   // Reset: closing, then reconnect at once
  bool connected_before_ = false;
  int attempt_ = 0;                          // back-off exponent: failures since the last Accepted
  std::uint64_t boot_no_ = 0;
  std::string boot_reason_ = "PowerUp";
  std::uint64_t seq_ = 0;
  ms heartbeat_interval_{0};
  std::optional<outstanding> out_;           // our one outstanding CALL
  std::deque<queued_call> queue_;            // our CALLs waiting (not transaction messages)
  offline_queue tx_;                         // transaction messages until acknowledged
  std::function<void()> stop_done_;
};

}  // namespace swaptwin::adapters::emulation
