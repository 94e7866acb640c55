// The link of an emulated cabinet (see emulator_cabinet_impl.hpp): connecting, losing the
// connection, reconnecting with full-jitter back-off, and the chaos that breaks the link on purpose
// (drop, silence, restart, storm).
#include <algorithm>
#include <cmath>

#include "adapters/emulator_cabinet_impl.hpp"

namespace swaptwin::adapters::emulation {

void cabinet_impl::drop() {
  run([this] {
    if (link_ != link::open) return;
    ++s_.counters.drops;
    emit("drop", "socket dropped without a close frame");
    lost_connection();  // destroys the client: the socket goes without a close handshake
    schedule_reconnect();
  });
}

void cabinet_impl::silence() {
  run([this] {
    if (silent_ || link_ != link::open) return;
    ++s_.counters.silences;
    silent_ = true;
    emit("silence", "stops sending, keeps the socket");
  });
}

void cabinet_impl::restart() {
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

void cabinet_impl::storm() {
  run([this] {
    if (stopping_) return;
    emit("storm", "reconnects at once");
    lost_connection();
    reconnect_timer_.cancel();
    schedule_reconnect(ms{0});
  });
}

// --- connection -------------------------------------------------------------------------
void cabinet_impl::connect_now() {
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

std::string cabinet_impl::password() const {
  if (auto it = s_.options.passwords.find(sn_); it != s_.options.passwords.end()) return it->second;
  std::string p = s_.options.password_pattern;
  for (std::size_t at; (at = p.find("{sn}")) != std::string::npos;) p.replace(at, 4, sn_);
  return p;
}

void cabinet_impl::handle_connected(std::uint64_t g, const ws_connect_result& r) {
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

void cabinet_impl::handle_close(std::uint64_t g, const ws_close_info& info) {
  if (g != gen_) return;
  emit("closed", std::string(to_string(info.reason)) + " " + std::to_string(info.code) +
                     (info.message.empty() ? "" : " " + info.message));
  const bool reset = resetting_;
  lost_connection();
  if (stopping_) {
    if (auto done = std::move(stop_done_)) done();
    return;
  }
  if (reset) {
    reconnect_timer_.cancel();
    schedule_reconnect(ms{0});  // a Reset reboots at once, with reason RemoteReset
  } else {
    schedule_reconnect();
  }
}

// The connection is gone (or going): forget it; keep what must survive (the transaction queue).
void cabinet_impl::lost_connection() {
  if (link_ == link::open) {
    --s_.counters.connected_now;
    ++s_.counters.closes;
  }
  if (reg_ == reg::accepted) --s_.counters.accepted_now;
  link_ = link::idle;
  reg_ = reg::none;
  boot_due_ = false;
  silent_ = false;  // a hung cabinet whose socket closed is rebooted by its watchdog
  resetting_ = false;
  cancel_timers();
  out_.reset();
  queue_.clear();  // heartbeats and the boot snapshot are resent after the next boot anyway
  if (!authorizing_.empty()) {
    // The riders walk away: an Authorize lost with the connection starts no swap.
    s_.counters.swaps_abandoned += authorizing_.size();
    emit("swap_abandoned", std::to_string(authorizing_.size()) + " authorization(s) lost with the connection");
    authorizing_.clear();
  }
  tx_.mark_replays();
  tx_.persist();
  ++gen_;          // late callbacks of the old client are stale
  client_.reset();
}

void cabinet_impl::cancel_timers() {
  boot_timer_.cancel();
  heartbeat_timer_.cancel();
  call_timer_.cancel();
  drop_timer_.cancel();
  restart_timer_.cancel();
}

// Full jitter: uniform in [0, min(cap, base * 2^attempt)].
ms cabinet_impl::draw_backoff(ms& cap_out) {
  const double bound = std::min(static_cast<double>(s_.options.backoff_cap.count()),
                                static_cast<double>(s_.options.backoff_base.count()) * std::ldexp(1.0, std::min(attempt_, 40)));
  cap_out = ms{static_cast<ms::rep>(bound)};
  std::uniform_int_distribution<ms::rep> d(0, cap_out.count());
  return ms{d(rng_)};
}

void cabinet_impl::schedule_reconnect(std::optional<ms> fixed) {
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

// Poisson events: the next after an exponential delay (memoryless, so re-drawing it at every
// Accepted boot keeps the rate).
ms cabinet_impl::exponential_delay(double rate_per_hour) {
  std::exponential_distribution<double> d(rate_per_hour / 3600e3);
  return ms{static_cast<ms::rep>(std::min(d(rng_), 1e12))};
}

void cabinet_impl::arm_chaos() {
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

}  // namespace swaptwin::adapters::emulation
