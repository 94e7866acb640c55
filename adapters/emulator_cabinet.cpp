// One emulated cabinet: a small state machine on its own strand, driven by its ws_client's
// callbacks (posted to the strand) and by Asio timers. Nothing here blocks: a ws_io thread only
// posts, and the strand's handlers only queue sends and arm timers. This file: connection, boot,
// our CALLs, heartbeats and chaos; swaps and faults are in emulator_swaps.cpp, the server's CALLs
// in emulator_server_calls.cpp.
#include <algorithm>
#include <cassert>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <utility>

#include "adapters/emulator_cabinet_impl.hpp"
#include "adapters/ocpp_schema.hpp"

namespace swaptwin::adapters::emulation {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

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

std::string base36(std::uint64_t v) {
  std::string s;
  do {
    s.insert(s.begin(), "0123456789abcdefghijklmnopqrstuvwxyz"[v % 36]);
    v /= 36;
  } while (v);
  return s;
}

cabinet_impl::cabinet_impl(shared& s, std::size_t index, std::size_t number, std::string sn)
    : s_(s),
      sn_(std::move(sn)),
      number_(number),
      strand_(net::make_strand(s.ioc)),
      reconnect_timer_(strand_),
      boot_timer_(strand_),
      heartbeat_timer_(strand_),
      call_timer_(strand_),
      drop_timer_(strand_),
      restart_timer_(strand_),
      swap_timer_(strand_),
      fault_timer_(strand_),
      rng_(splitmix64(s.options.seed * 0x100000001b3ULL + index)) {
  layout::params p;
  p.slots = std::max(0, s.options.slots);
  p.riders_per_station = std::max(0, s.options.riders_per_cabinet);
  auto st = layout::station_at(p, number_);
  st.sn = sn_;  // the layout's packs and riders are named after the SN the emulator uses
  for (auto& sl : st.slots)
    if (sl.full) sl.content.sn = layout::slot_pack_sn(sn_, sl.index);
  for (std::size_t r = 0; r < st.riders.size(); ++r) {
    st.riders[r].id = layout::rider_id(sn_, static_cast<int>(r + 1));
    st.riders[r].holding.sn = layout::rider_pack_sn(sn_, static_cast<int>(r + 1));
  }
  state_ = cabinet_state::initial(st);
}

bool cabinet_impl::open_files(std::string* error) {
  std::string queue_path;
  if (!s_.options.state_dir.empty()) {
    std::string file = sn_;
    for (auto& c : file)  // an SN is a file name here: keep it one
      if (c == '/' || c == '\\' || c == '\0') c = '_';
    queue_path = (std::filesystem::path{s_.options.state_dir} / (file + ".jsonl")).string();
    state_path_ = (std::filesystem::path{s_.options.state_dir} / (file + ".state.json")).string();
  }
  if (!tx_.open(queue_path, error)) return false;
  std::string why;
  if (!load_state(state_path_, state_, &why) && !why.empty() && error) *error = why;
  return true;
}

void cabinet_impl::start() {
  run([this] {
    connect_now();
    arm_swaps();
    arm_faults();
  });
}

void cabinet_impl::stop(std::function<void()> done) {
  run([this, done = std::move(done)]() mutable {
    stopping_ = true;
    cancel_timers();
    reconnect_timer_.cancel();
    swap_timer_.cancel();
    fault_timer_.cancel();
    for (auto& [slot, t] : repair_timers_) t->cancel();
    if (link_ == link::open && client_) {
      stop_done_ = std::move(done);
      client_->close(1001, "emulator stopping");
    } else {
      lost_connection();
      if (done) done();
    }
  });
}

void cabinet_impl::shutdown() {
  // The emulator's threads are joined: nothing else touches this cabinet now.
  client_.reset();
  tx_.persist();
  charge_now();
  save();
}

void cabinet_impl::set_slot_status(int slot, std::string status) {
  run([this, slot, status = std::move(status)] {
    if (slot < 1 || slot > static_cast<int>(state_.slots.size())) return;
    auto& x = state_.slots[static_cast<std::size_t>(slot - 1)];
    // Faulted, Unavailable and Reserved hold the slot out of swaps; anything else clears the override.
    x.forced = status == "Faulted" || status == "Unavailable" || status == "Reserved" ? status : "";
    push_tx("StatusNotification", status_payload(slot, x.forced.empty() ? status : x.forced));
    pump();
  });
}

void cabinet_impl::emit(const char* kind, std::string detail, ms delay, ms cap, int attempt) {
  if (!s_.options.on_event) return;
  try {
    s_.options.on_event(emulator_event{sn_, kind, std::move(detail), delay, cap, attempt});
  } catch (...) {
  }
}

// --- calls ------------------------------------------------------------------------------
std::string cabinet_impl::next_id() { return s_.run_token + "-" + std::to_string(++seq_); }

json cabinet_impl::boot_payload() const {
  return json{{"reason", boot_reason_},
              {"chargingStation",
               {{"model", s_.options.model},
                {"vendorName", s_.options.vendor},
                {"serialNumber", sn_.substr(0, 25)},
                {"firmwareVersion", s_.options.firmware}}}};
}

json cabinet_impl::status_payload(int slot, const std::string& status) {
  return json{{"timestamp", now_rfc3339()}, {"connectorStatus", status}, {"evseId", slot}, {"connectorId", 1}};
}

void cabinet_impl::queue_plain(std::string action, json payload, std::string tag) {
  queue_.push_back({std::move(action), std::move(payload), std::move(tag)});
}

// Sends the next CALL when none is outstanding: the boot first, then (once accepted) the
// transaction queue, then heartbeats, Authorize and the boot snapshot.
void cabinet_impl::pump() {
  if (link_ != link::open || out_ || silent_ || stopping_ || resetting_ || !client_) return;
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
    send_call(next_id(), c.action, c.payload, call_kind::plain, c.tag);
  }
}

void cabinet_impl::check_outgoing(const std::string& text, const std::string& action, const json* payload) {
  bool ok = std::holds_alternative<ocpp::frame>(ocpp::parse_frame(text));
  if (ok && payload) ok = !ocpp::validate(action, ocpp::direction::request, *payload);
  if (!ok) {
    ++s_.counters.invalid_sent;
    emit("invalid", "sent a frame that does not validate: " + text.substr(0, 200));
    assert(!"the emulator sent a frame that does not validate");
  }
}

void cabinet_impl::send_call(const std::string& id, const std::string& action, const json& payload, call_kind kind,
                             const std::string& tag) {
  auto text = ocpp::call(id, action, payload);
  check_outgoing(text, action, &payload);
  if (!client_->send(std::move(text))) return;  // the connection ended: on_close follows
  ++s_.counters.calls_sent;
  out_ = outstanding{id, action, kind, steady::now(), tag};
  const auto g = gen_;
  arm(call_timer_, s_.options.request_timeout, [this, g, id] { call_timed_out(g, id); });
}

void cabinet_impl::send_reply(std::string text) {
  check_outgoing(text, {}, nullptr);
  client_->send(std::move(text));
}

void cabinet_impl::handle_text(std::uint64_t g, const std::string& text) {
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

void cabinet_impl::complete(const ocpp::frame& f) {
  if (!out_ || f.message_id != out_->id) return;  // late answer to a call that timed out
  const auto o = *out_;
  out_.reset();
  call_timer_.cancel();
  s_.counters.add_rtt(o.action, std::chrono::duration<double, std::milli>(steady::now() - o.sent).count(),
                      o.sent >= s_.started + s_.options.rtt_from);
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

void cabinet_impl::call_timed_out(std::uint64_t g, const std::string& id) {
  if (g != gen_ || !out_ || out_->id != id) return;
  const auto o = *out_;
  out_.reset();
  ++s_.counters.calls_failed;
  ++s_.counters.calls_timed_out;
  emit("timeout", o.action + " " + id);
  call_failed(o, true);
  pump();
}

void cabinet_impl::call_failed(const outstanding& o, bool timed_out) {
  if (o.kind == call_kind::boot) {
    // No usable answer to the boot: try again later, as after a Pending without an interval.
    reg_ = reg::pending;
    boot_later(s_.options.default_retry);
  } else if (o.kind == call_kind::tx && !timed_out && !tx_.empty()) {
    // The server refused it (CALLERROR): resending the same message cannot help.
    tx_.pop_front();
  } else if (o.action == "Authorize") {
    authorize_answered(o, nullptr);
  }
  // A timed-out transaction message stays at the front and is resent with its id.
}

void cabinet_impl::call_succeeded(const outstanding& o, const json& payload) {
  if (o.kind == call_kind::boot) return handle_boot(payload);
  if (o.action == "Heartbeat") ++s_.counters.heartbeats;
  if (o.action == "StatusNotification") ++s_.counters.status_notifications;
  if (o.action == "Authorize") authorize_answered(o, &payload);
  if (o.kind == call_kind::tx && !tx_.empty()) {
    if (tx_.front().replay) ++s_.counters.replayed;
    const auto e = tx_.front();
    tx_.pop_front();
    tx_acknowledged(e);
  }
}

void cabinet_impl::boot_later(ms after) {
  const auto g = gen_;
  arm(boot_timer_, after, [this, g] {
    if (g != gen_) return;
    boot_due_ = true;
    pump();
  });
}

void cabinet_impl::handle_boot(const json& payload) {
  const auto status = payload.value("status", std::string{});
  const ms interval{static_cast<ms::rep>(std::max<std::int64_t>(0, payload.value("interval", std::int64_t{0}))) * 1000};
  if (status == "Accepted") {
    if (reg_ != reg::accepted) ++s_.counters.accepted_now;  // a triggered boot re-boots an accepted cabinet
    reg_ = reg::accepted;
    ++s_.counters.accepted;
    attempt_ = 0;
    boot_reason_ = "PowerUp";
    heartbeat_interval_ = interval;
    emit("accepted", "interval " + std::to_string(interval.count() / 1000) + " s");
    if (!tx_.empty()) emit("replay", std::to_string(tx_.size()) + " queued message(s)");
    for (std::size_t i = 0; i < state_.slots.size(); ++i)
      queue_plain("StatusNotification", status_payload(static_cast<int>(i + 1), state_.status(static_cast<int>(i + 1))));
    arm_heartbeat();
    arm_chaos();
    return;
  }
  if (reg_ == reg::accepted) --s_.counters.accepted_now;
  if (status == "Pending") {
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

void cabinet_impl::arm_heartbeat() {
  if (heartbeat_interval_.count() <= 0) return;
  const auto g = gen_;
  arm(heartbeat_timer_, heartbeat_interval_, [this, g] {
    if (g != gen_ || reg_ != reg::accepted) return;
    const bool queued = std::any_of(queue_.begin(), queue_.end(), [](const queued_call& c) { return c.action == "Heartbeat"; });
    if (!silent_ && !queued) queue_plain("Heartbeat", json::object());
    pump();
    arm_heartbeat();
  });
}

std::shared_ptr<cabinet> make_cabinet(shared& s, std::size_t index, std::size_t number, std::string sn,
                                      std::string* error) {
  auto c = std::make_shared<cabinet_impl>(s, index, number, std::move(sn));
  if (!c->open_files(error)) return nullptr;
  return c;
}

}  // namespace swaptwin::adapters::emulation
