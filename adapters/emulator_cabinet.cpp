// One emulated cabinet: a small state machine on its own strand, driven by its ws_client's
// callbacks (posted to the strand) and by Asio timers. Nothing here blocks: a ws_io thread only
// posts, and the strand's handlers only queue sends and arm timers.
#include "adapters/emulator_cabinet.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <ctime>
#include <deque>
#include <filesystem>
#include <optional>
#include <random>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <nlohmann/json.hpp>

#include "adapters/emulator_offline.hpp"
#include "adapters/ocpp_frame.hpp"
#include "adapters/ocpp_schema.hpp"

namespace swaptwin::adapters::emulation {

namespace {

namespace net = boost::asio;
using json = nlohmann::json;
using ms = std::chrono::milliseconds;
using steady = std::chrono::steady_clock;

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// RFC 3339 UTC with milliseconds, as OCPP's date-time fields want.
std::string now_rfc3339() {
  const auto now = std::chrono::system_clock::now();
  const auto t = std::chrono::system_clock::to_time_t(now);
  const auto millis = std::chrono::duration_cast<ms>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[40];
  const auto n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(millis));
  return buf;
}

}  // namespace

std::string base36(std::uint64_t v) {
  std::string s;
  do {
    s.insert(s.begin(), "0123456789abcdefghijklmnopqrstuvwxyz"[v % 36]);
    v /= 36;
  } while (v);
  return s;
}

namespace {

enum class call_kind { boot, plain, tx };

struct queued_call {
  std::string action;
  json payload;
};

struct outstanding {
  std::string id;
  std::string action;
  call_kind kind = call_kind::plain;
  steady::time_point sent;
};

class cabinet_impl final : public cabinet, public std::enable_shared_from_this<cabinet_impl> {
 public:
  cabinet_impl(shared& s, std::size_t index, std::string sn)
      : s_(s),
        sn_(std::move(sn)),
        strand_(net::make_strand(s.ioc)),
        reconnect_timer_(strand_),
        boot_timer_(strand_),
        heartbeat_timer_(strand_),
        call_timer_(strand_),
        drop_timer_(strand_),
        restart_timer_(strand_),
        rng_(splitmix64(s.options.seed * 0x100000001b3ULL + index)) {
    // A full cabinet is mostly charged packs: each slot is Occupied with probability 0.8.
    std::bernoulli_distribution occupied(0.8);
    for (int i = 0; i < std::max(0, s.options.slots); ++i) slots_.push_back(occupied(rng_) ? "Occupied" : "Available");
  }

  bool open_queue(std::string* error) {
    std::string path;
    if (!s_.options.state_dir.empty()) {
      std::string file = sn_;
      for (auto& c : file)  // an SN is a file name here: keep it one
        if (c == '/' || c == '\\' || c == '\0') c = '_';
      path = (std::filesystem::path{s_.options.state_dir} / (file + ".jsonl")).string();
    }
    return tx_.open(path, error);
  }

  const std::string& sn() const override { return sn_; }

  void start() override {
    run([this] { connect_now(); });
  }

  void stop(std::function<void()> done) override {
    run([this, done = std::move(done)]() mutable {
      stopping_ = true;
      cancel_timers();
      reconnect_timer_.cancel();
      if (link_ == link::open && client_) {
        stop_done_ = std::move(done);
        client_->close(1001, "emulator stopping");
      } else {
        lost_connection();
        if (done) done();
      }
    });
  }

  void shutdown() override {
    // The emulator's threads are joined: nothing else touches this cabinet now.
    client_.reset();
    tx_.persist();
  }

  void set_slot_status(int slot, std::string status) override {
    run([this, slot, status = std::move(status)] {
      if (slot < 1 || slot > static_cast<int>(slots_.size())) return;
      slots_[static_cast<std::size_t>(slot - 1)] = status;
      emulation::offline_entry e;
      e.action = "StatusNotification";
      e.payload = status_payload(slot, status);
      e.replay = reg_ != reg::accepted || silent_;
      if (e.replay) ++s_.counters.offline_queued;
      tx_.push(std::move(e));
      pump();
    });
  }

  void drop() override {
    run([this] {
      if (link_ != link::open) return;
      ++s_.counters.drops;
      emit("drop", "socket dropped without a close frame");
      lost_connection();  // destroys the client: the socket goes without a close handshake
      schedule_reconnect();
    });
  }

  void silence() override {
    run([this] {
      if (silent_ || link_ != link::open) return;
      ++s_.counters.silences;
      silent_ = true;
      emit("silence", "stops sending, keeps the socket");
    });
  }

  void restart() override {
    run([this] {
      ++s_.counters.restarts;
      emit("restart", "new boot");
      lost_connection();
      ++boot_no_;
      boot_reason_ = "ApplicationReset";
      attempt_ = 0;
      reconnect_timer_.cancel();
      schedule_reconnect(ms{0});
    });
  }

  void storm() override {
    run([this] {
      if (stopping_) return;
      emit("storm", "reconnects at once");
      lost_connection();
      reconnect_timer_.cancel();
      schedule_reconnect(ms{0});
    });
  }

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

  void emit(const char* kind, std::string detail, ms delay = ms{0}, ms cap = ms{0}, int attempt = 0) {
    if (!s_.options.on_event) return;
    try {
      s_.options.on_event(emulator_event{sn_, kind, std::move(detail), delay, cap, attempt});
    } catch (...) {
    }
  }

  // --- connection -------------------------------------------------------------------------
  void connect_now() {
    if (stopping_ || link_ != link::idle) return;
    const auto g = ++gen_;
    auto opt = s_.client;
    opt.path = (opt.path.empty() || opt.path.back() != '/' ? opt.path + "/" : opt.path) + sn_;
    if (auto pw = password(); !pw.empty()) opt.credentials = ws_basic_credentials{sn_, pw};
    client_ = std::make_unique<ws_client>(opt, s_.io);
    auto weak = weak_from_this();
    client_->on_text([weak, g](std::string text) {
      if (auto self = weak.lock()) self->run([self = self.get(), g, text = std::move(text)] { self->handle_text(g, text); });
    });
    client_->on_close([weak, g](const ws_close_info& info) {
      if (auto self = weak.lock()) self->run([self = self.get(), g, info] { self->handle_close(g, info); });
    });
    ++s_.counters.connects;
    if (connected_before_) ++s_.counters.reconnects;
    connected_before_ = true;
    link_ = link::connecting;
    client_->connect([weak, g](const ws_connect_result& r) {
      if (auto self = weak.lock()) self->run([self = self.get(), g, r] { self->handle_connected(g, r); });
    });
  }

  std::string password() const {
    if (auto it = s_.options.passwords.find(sn_); it != s_.options.passwords.end()) return it->second;
    std::string p = s_.options.password_pattern;
    for (std::size_t at; (at = p.find("{sn}")) != std::string::npos;) p.replace(at, 4, sn_);
    return p;
  }

  void handle_connected(std::uint64_t g, const ws_connect_result& r) {
    if (g != gen_ || link_ != link::connecting) return;
    if (stopping_) {
      lost_connection();
      return;
    }
    if (r.status == ws_connect_status::connected) {
      link_ = link::open;
      ++s_.counters.connected_now;
      emit("connected", r.subprotocol);
      reg_ = reg::booting;
      boot_due_ = true;
      pump();
      return;
    }
    ++s_.counters.connect_failures;
    if (r.status == ws_connect_status::declined) {
      ++s_.counters.declined;
      emit("declined", "HTTP " + std::to_string(r.http_status) + (r.message.empty() ? "" : ": " + r.message));
    } else {
      emit("connect_failed", std::string(to_string(r.status)) + (r.message.empty() ? "" : ": " + r.message));
    }
    lost_connection();
    schedule_reconnect();
  }

  void handle_close(std::uint64_t g, const ws_close_info& info) {
    if (g != gen_) return;
    emit("closed", std::string(to_string(info.reason)) + " " + std::to_string(info.code) +
                       (info.message.empty() ? "" : " " + info.message));
    lost_connection();
    if (stopping_) {
      if (auto done = std::move(stop_done_)) done();
      return;
    }
    schedule_reconnect();
  }

  // The connection is gone (or going): forget it; keep what must survive (the transaction queue).
  void lost_connection() {
    if (link_ == link::open) {
      --s_.counters.connected_now;
      ++s_.counters.closes;
    }
    if (reg_ == reg::accepted) --s_.counters.accepted_now;
    link_ = link::idle;
    reg_ = reg::none;
    boot_due_ = false;
    silent_ = false;  // a hung cabinet whose socket closed is rebooted by its watchdog
    cancel_timers();
    out_.reset();
    queue_.clear();  // heartbeats and the boot snapshot are resent after the next boot anyway
    tx_.persist();
    ++gen_;          // late callbacks of the old client are stale
    client_.reset();
  }

  void cancel_timers() {
    boot_timer_.cancel();
    heartbeat_timer_.cancel();
    call_timer_.cancel();
    drop_timer_.cancel();
    restart_timer_.cancel();
  }

  // Full jitter: uniform in [0, min(cap, base * 2^attempt)].
  ms draw_backoff(ms& cap_out) {
    const double bound = std::min(static_cast<double>(s_.options.backoff_cap.count()),
                                  static_cast<double>(s_.options.backoff_base.count()) * std::ldexp(1.0, std::min(attempt_, 40)));
    cap_out = ms{static_cast<ms::rep>(bound)};
    std::uniform_int_distribution<ms::rep> d(0, cap_out.count());
    return ms{d(rng_)};
  }

  void schedule_reconnect(std::optional<ms> fixed = std::nullopt) {
    if (stopping_) return;
    ms delay{0}, cap{0};
    if (fixed) {
      delay = *fixed;
    } else {
      delay = draw_backoff(cap);
      emit("backoff", "reconnect in " + std::to_string(delay.count()) + " ms", delay, cap, attempt_);
      ++attempt_;
    }
    arm(reconnect_timer_, delay, [this] { connect_now(); });
  }

  // --- calls ------------------------------------------------------------------------------
  std::string next_id() { return s_.run_token + "-" + std::to_string(++seq_); }

  json boot_payload() const {
    return json{{"reason", boot_reason_},
                {"chargingStation",
                 {{"model", s_.options.model},
                  {"vendorName", s_.options.vendor},
                  {"serialNumber", sn_.substr(0, 25)},
                  {"firmwareVersion", s_.options.firmware}}}};
  }

  static json status_payload(int slot, const std::string& status) {
    return json{{"timestamp", now_rfc3339()}, {"connectorStatus", status}, {"evseId", slot}, {"connectorId", 1}};
  }

  // Sends the next CALL when none is outstanding: the boot first, then (once accepted) the
  // transaction queue, then heartbeats and the boot snapshot.
  void pump() {
    if (link_ != link::open || out_ || silent_ || stopping_ || !client_) return;
    if (boot_due_) {
      boot_due_ = false;
      ++s_.counters.boots;
      emit("boot", boot_reason_);
      send_call(next_id(), "BootNotification", boot_payload(), call_kind::boot);
      return;
    }
    if (reg_ != reg::accepted) return;
    if (!tx_.empty()) {
      auto& e = tx_.front();
      if (e.message_id.empty()) tx_.set_front_id(next_id());
      send_call(e.message_id, e.action, e.payload, call_kind::tx);
      return;
    }
    if (!queue_.empty()) {
      auto c = std::move(queue_.front());
      queue_.pop_front();
      send_call(next_id(), c.action, c.payload, call_kind::plain);
    }
  }

  void check_outgoing(const std::string& text, const std::string& action, const json* payload) {
    bool ok = std::holds_alternative<ocpp::frame>(ocpp::parse_frame(text));
    if (ok && payload) ok = !ocpp::validate(action, ocpp::direction::request, *payload);
    if (!ok) {
      ++s_.counters.invalid_sent;
      emit("invalid", "sent a frame that does not validate: " + text.substr(0, 200));
      assert(!"the emulator sent a frame that does not validate");
    }
  }

  void send_call(const std::string& id, const std::string& action, const json& payload, call_kind kind) {
    auto text = ocpp::call(id, action, payload);
    check_outgoing(text, action, &payload);
    if (!client_->send(std::move(text))) return;  // the connection ended: on_close follows
    ++s_.counters.calls_sent;
    out_ = outstanding{id, action, kind, steady::now()};
    const auto g = gen_;
    arm(call_timer_, s_.options.request_timeout, [this, g, id] { call_timed_out(g, id); });
  }

  void send_reply(std::string text) {
    check_outgoing(text, {}, nullptr);
    client_->send(std::move(text));
  }

  void handle_text(std::uint64_t g, const std::string& text) {
    if (g != gen_ || link_ != link::open || silent_) return;  // a silent cabinet is hung: reads nothing
    auto parsed = ocpp::parse_frame(text);
    if (auto* r = std::get_if<ocpp::refusal>(&parsed)) {
      ++s_.counters.invalid_received;
      if (auto a = ocpp::answer(*r)) send_reply(*a);
      return;
    }
    auto& f = std::get<ocpp::frame>(parsed);
    switch (f.type) {
      case ocpp::message_type::call: answer_server_call(f); break;
      case ocpp::message_type::call_result:
      case ocpp::message_type::call_error: complete(f); break;
      default: break;  // CALLRESULTERROR and SEND are never answered
    }
  }

  void answer_server_call(const ocpp::frame& f) {
    ++s_.counters.server_calls;
    if (!ocpp::known_action(f.action)) {
      send_reply(ocpp::call_error(f.message_id, ocpp::error_code::not_implemented, "unknown action " + f.action));
      return;
    }
    if (auto v = ocpp::validate(f.action, ocpp::direction::request, f.payload)) {
      send_reply(ocpp::call_error(f.message_id, v->code, v->pointer + ": " + v->message));
      return;
    }
    // TriggerMessage, ChangeAvailability, Reset, RequestBatterySwap, SetVariables: later slices.
    send_reply(ocpp::call_error(f.message_id, ocpp::error_code::not_supported,
                                f.action + " is not supported by the emulator yet"));
  }

  void complete(const ocpp::frame& f) {
    if (!out_ || f.message_id != out_->id) return;  // late answer to a call that timed out
    const auto o = *out_;
    out_.reset();
    call_timer_.cancel();
    s_.counters.add_rtt(std::chrono::duration<double, std::milli>(steady::now() - o.sent).count());
    if (f.type == ocpp::message_type::call_error) {
      ++s_.counters.calls_failed;
      emit("call_error", o.action + ": " + f.error_code + " " + f.error_description);
      call_failed(o, false);
    } else if (auto v = ocpp::validate(o.action, ocpp::direction::response, f.payload)) {
      ++s_.counters.invalid_received;
      ++s_.counters.calls_failed;
      emit("invalid_response", o.action + ": " + v->pointer + ": " + v->message);
      call_failed(o, false);
    } else {
      ++s_.counters.calls_answered;
      call_succeeded(o, f.payload);
    }
    pump();
  }

  void call_timed_out(std::uint64_t g, const std::string& id) {
    if (g != gen_ || !out_ || out_->id != id) return;
    const auto o = *out_;
    out_.reset();
    ++s_.counters.calls_failed;
    ++s_.counters.calls_timed_out;
    emit("timeout", o.action + " " + id);
    call_failed(o, true);
    pump();
  }

  void call_failed(const outstanding& o, bool timed_out) {
    if (o.kind == call_kind::boot) {
      // No usable answer to the boot: try again later, as after a Pending without an interval.
      reg_ = reg::pending;
      boot_later(s_.options.default_retry);
    } else if (o.kind == call_kind::tx && !timed_out && !tx_.empty()) {
      // The server refused it (CALLERROR): resending the same message cannot help.
      tx_.pop_front();
    }
    // A timed-out transaction message stays at the front and is resent with its id.
  }

  void call_succeeded(const outstanding& o, const json& payload) {
    if (o.kind == call_kind::boot) return handle_boot(payload);
    if (o.action == "Heartbeat") ++s_.counters.heartbeats;
    if (o.action == "StatusNotification") ++s_.counters.status_notifications;
    if (o.kind == call_kind::tx && !tx_.empty()) {
      if (tx_.front().replay) ++s_.counters.replayed;
      tx_.pop_front();
    }
  }

  void boot_later(ms after) {
    const auto g = gen_;
    arm(boot_timer_, after, [this, g] {
      if (g != gen_) return;
      boot_due_ = true;
      pump();
    });
  }

  void handle_boot(const json& payload) {
    const auto status = payload.value("status", std::string{});
    const ms interval{static_cast<ms::rep>(std::max<std::int64_t>(0, payload.value("interval", std::int64_t{0}))) * 1000};
    if (status == "Accepted") {
      reg_ = reg::accepted;
      ++s_.counters.accepted;
      ++s_.counters.accepted_now;
      attempt_ = 0;
      boot_reason_ = "PowerUp";
      heartbeat_interval_ = interval;
      emit("accepted", "interval " + std::to_string(interval.count() / 1000) + " s");
      if (!tx_.empty()) emit("replay", std::to_string(tx_.size()) + " queued message(s)");
      for (std::size_t i = 0; i < slots_.size(); ++i)
        queue_.push_back({"StatusNotification", status_payload(static_cast<int>(i + 1), slots_[i])});
      arm_heartbeat();
      arm_chaos();
    } else if (status == "Pending") {
      reg_ = reg::pending;
      ++s_.counters.pending;
      emit("pending", "retry in " + std::to_string(interval.count() / 1000) + " s");
      boot_later(interval.count() > 0 ? interval : s_.options.default_retry);
    } else {
      reg_ = reg::rejected;
      ++s_.counters.rejected;
      ms cap{0};
      const auto backoff = draw_backoff(cap);
      ++attempt_;
      const auto after = std::max(interval.count() > 0 ? interval : s_.options.default_retry, backoff);
      emit("rejected", "retry in " + std::to_string(after.count()) + " ms");
      boot_later(after);
    }
  }

  void arm_heartbeat() {
    if (heartbeat_interval_.count() <= 0) return;
    const auto g = gen_;
    arm(heartbeat_timer_, heartbeat_interval_, [this, g] {
      if (g != gen_ || reg_ != reg::accepted) return;
      const bool queued = std::any_of(queue_.begin(), queue_.end(), [](const queued_call& c) { return c.action == "Heartbeat"; });
      if (!silent_ && !queued) queue_.push_back({"Heartbeat", json::object()});
      pump();
      arm_heartbeat();
    });
  }

  // Poisson chaos: the next event after an exponential delay (memoryless, so re-drawing it at
  // every Accepted boot keeps the rate).
  ms exponential_delay(double rate_per_hour) {
    std::exponential_distribution<double> d(rate_per_hour / 3600e3);
    return ms{static_cast<ms::rep>(std::min(d(rng_), 1e12))};
  }

  void arm_chaos() {
    const auto g = gen_;
    if (s_.options.drop_rate_per_hour > 0)
      arm(drop_timer_, exponential_delay(s_.options.drop_rate_per_hour), [this, g] {
        if (g == gen_) drop();
      });
    if (s_.options.restart_rate_per_hour > 0)
      arm(restart_timer_, exponential_delay(s_.options.restart_rate_per_hour), [this, g] {
        if (g == gen_) restart();
      });
  }

  shared& s_;
  const std::string sn_;
  net::strand<net::io_context::executor_type> strand_;
  net::steady_timer reconnect_timer_, boot_timer_, heartbeat_timer_, call_timer_, drop_timer_, restart_timer_;
  std::mt19937_64 rng_;
  std::vector<std::string> slots_;           // connector status per slot (index = slot - 1)
  std::unique_ptr<ws_client> client_;
  std::uint64_t gen_ = 0;                    // bumped per connection: stale callbacks are ignored
  link link_ = link::idle;
  reg reg_ = reg::none;
  bool boot_due_ = false;
  bool silent_ = false;
  bool stopping_ = false;
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

}  // namespace

std::shared_ptr<cabinet> make_cabinet(shared& s, std::size_t index, std::string sn, std::string* error) {
  auto c = std::make_shared<cabinet_impl>(s, index, std::move(sn));
  if (!c->open_queue(error)) return nullptr;
  return c;
}

}  // namespace swaptwin::adapters::emulation
