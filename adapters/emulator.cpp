// The cabinet emulator: owns the threads, the cabinets (emulator_cabinet.cpp) and the one-shot
// chaos timers; counters and the passwords file.
#include "adapters/emulator.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <optional>
#include <random>
#include <sstream>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "adapters/emulator_cabinet.hpp"
#include "adapters/live_layout.hpp"

namespace swaptwin::adapters {

namespace net = boost::asio;

namespace emulation {

void stats::add_rtt(const std::string& action, double ms, bool counted) {
  if (!counted) return;
  std::lock_guard<std::mutex> lock(rtt_mutex_);
  rtt_ms_.push_back(ms);
  rtt_by_action_[action].push_back(ms);
}

namespace {
rtt_summary summarise(std::vector<double> v) {
  rtt_summary r;
  r.samples = v.size();
  if (v.empty()) return r;
  auto at = [&v](double q) {
    const auto k = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k];
  };
  r.p50_ms = at(0.50);
  r.p99_ms = at(0.99);
  r.max_ms = *std::max_element(v.begin(), v.end());
  return r;
}
}  // namespace

void stats::add_server_call(const std::string& action) {
  ++server_calls;
  std::lock_guard<std::mutex> lock(rtt_mutex_);
  ++by_action_[action];
}

emulator_counters stats::snapshot(std::size_t stations) const {
  emulator_counters c;
  c.stations = stations;
  c.connected_now = connected_now;
  c.accepted_now = accepted_now;
  c.connects = connects;
  c.connect_failures = connect_failures;
  c.declined = declined;
  c.reconnects = reconnects;
  c.closes = closes;
  c.boots = boots;
  c.accepted = accepted;
  c.pending = pending;
  c.rejected = rejected;
  c.heartbeats = heartbeats;
  c.status_notifications = status_notifications;
  c.calls_sent = calls_sent;
  c.calls_answered = calls_answered;
  c.calls_failed = calls_failed;
  c.calls_timed_out = calls_timed_out;
  c.server_calls = server_calls;
  c.offline_queued = offline_queued;
  c.replayed = replayed;
  c.invalid_sent = invalid_sent;
  c.invalid_received = invalid_received;
  c.drops = drops;
  c.silences = silences;
  c.restarts = restarts;
  c.storms = storms;
  c.swaps_started = swaps_started;
  c.swaps_done = swaps_done;
  c.swaps_refused = swaps_refused;
  c.swaps_abandoned = swaps_abandoned;
  c.swap_timeouts = swap_timeouts;
  c.batteryswap_acked = batteryswap_acked;
  c.faults = faults;
  c.repairs = repairs;
  c.notify_events = notify_events;
  std::vector<double> v;
  std::map<std::string, std::vector<double>> by_action;
  {
    std::lock_guard<std::mutex> lock(rtt_mutex_);
    v = rtt_ms_;
    by_action = rtt_by_action_;
    c.server_calls_by_action = by_action_;
  }
  const auto all = summarise(std::move(v));
  c.rtt_samples = all.samples;
  c.rtt_p50_ms = all.p50_ms;
  c.rtt_p99_ms = all.p99_ms;
  c.rtt_max_ms = all.max_ms;
  for (auto& [action, samples] : by_action) c.rtt_by_action[action] = summarise(std::move(samples));
  return c;
}

}  // namespace emulation

struct emulator::impl {
  emulator_options options;
  // Declared in destruction order's reverse: cabinets go first, then the WebSocket threads (in
  // `shared`), then the io_context whose timers the cabinets own.
  net::io_context ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::vector<std::thread> threads;
  std::unique_ptr<emulation::shared> sh;
  std::vector<std::shared_ptr<emulation::cabinet>> cabinets;
  std::vector<std::unique_ptr<net::steady_timer>> chaos_timers;
  std::mutex mutex;
  bool started = false, stopped = false;
  emulator_counters final_counters;  // kept at stop(), when the shared state goes

  explicit impl(emulator_options o) : options(std::move(o)) {}

  // Runs f on cabinet `index` while the emulator runs (the cabinet posts to its own strand).
  template <class F>
  void with(std::size_t index, F f) {
    std::lock_guard<std::mutex> lock(mutex);
    if (!started || stopped || index >= cabinets.size()) return;
    f(*cabinets[index]);
  }
};

emulator::emulator(emulator_options options) : impl_(std::make_unique<impl>(std::move(options))) {}

emulator::~emulator() { stop(std::chrono::milliseconds{500}); }

std::string emulator::station_id(std::size_t index) const {
  const auto& o = impl_->options;
  return layout::cabinet_sn(o.prefix, o.first_number + index, o.number_width);
}

std::size_t emulator::size() const { return impl_->options.stations; }

bool emulator::start(std::string* error) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  auto& m = *impl_;
  if (m.started) return true;
  ws_client_options client;
  std::string why;
  if (!parse_ws_url(m.options.url, client, &why)) {
    if (error) *error = "--url: " + why;
    return false;
  }
  client.subprotocols = {"ocpp2.1"};
  client.handshake_timeout = m.options.connect_timeout;
  client.tls_ca_file = m.options.tls_ca_file;
  if (!m.options.state_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(m.options.state_dir, ec);
    if (ec) {
      if (error) *error = "--state-dir " + m.options.state_dir + ": " + ec.message();
      return false;
    }
  }
  const int threads = std::max(1, m.options.threads);
  static std::atomic<std::uint64_t> instances{0};
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch());
  m.sh.reset(new emulation::shared{m.options, m.ioc, std::make_shared<ws_io>(threads), client, {},
                                   emulation::base36(static_cast<std::uint64_t>(now_ms.count())) +
                                       emulation::base36(instances++ % 36),
                                   {}});
  if (!m.sh->acked.open(m.options.acked_log)) {
    if (error) *error = "--acked-log " + m.options.acked_log + ": cannot be opened for appending";
    m.sh.reset();
    return false;
  }
  for (std::size_t i = 0; i < m.options.stations; ++i) {
    std::string why_queue;
    auto c = emulation::make_cabinet(*m.sh, i, m.options.first_number + i, station_id(i), &why_queue);
    if (!c) {
      if (error) *error = why_queue;
      m.cabinets.clear();
      m.sh.reset();
      return false;
    }
    if (!why_queue.empty() && m.options.on_event) m.options.on_event(emulator_event{c->sn(), "queue", why_queue});
    m.cabinets.push_back(std::move(c));
  }
  m.work.emplace(m.ioc.get_executor());
  for (int i = 0; i < threads; ++i) m.threads.emplace_back([&m] { m.ioc.run(); });
  m.started = true;

  // One-shot chaos, relative to now. Silenced cabinets are drawn without repetition from a
  // permutation fixed by the seed.
  auto arm = [&m](std::chrono::milliseconds at, std::function<void()> f) {
    auto t = std::make_unique<net::steady_timer>(m.ioc);
    t->expires_after(at);
    t->async_wait([f = std::move(f)](const boost::system::error_code& ec) {
      if (!ec) f();
    });
    m.chaos_timers.push_back(std::move(t));
  };
  if (m.options.storm_at)
    arm(*m.options.storm_at, [&m] {
      ++m.sh->counters.storms;
      for (auto& c : m.cabinets) c->storm();
    });
  if (!m.options.silences.empty()) {
    auto order = std::make_shared<std::vector<std::size_t>>(m.cabinets.size());
    std::iota(order->begin(), order->end(), std::size_t{0});
    std::mt19937_64 rng(m.options.seed ^ 0x5113c3ULL);
    std::shuffle(order->begin(), order->end(), rng);
    std::size_t next = 0;
    for (const auto& s : m.options.silences) {
      const std::size_t from = std::min(next, order->size()), to = std::min(next + s.count, order->size());
      next = to;
      arm(s.at, [&m, order, from, to] {
        for (std::size_t i = from; i < to; ++i) m.cabinets[(*order)[i]]->silence();
      });
    }
  }
  for (auto& c : m.cabinets) c->start();
  return true;
}

void emulator::stop(std::chrono::milliseconds grace) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  auto& m = *impl_;
  if (!m.started || m.stopped) return;
  m.stopped = true;
  for (auto& t : m.chaos_timers) net::post(m.ioc, [t = t.get()] { t->cancel(); });
  // Close every socket with 1001 and wait (bounded) for the close handshakes.
  struct waiter {
    std::mutex m;
    std::condition_variable cv;
    std::size_t left = 0;
  };
  auto w = std::make_shared<waiter>();
  w->left = m.cabinets.size();
  for (auto& c : m.cabinets)
    c->stop([w] {
      std::lock_guard<std::mutex> l(w->m);
      if (--w->left == 0) w->cv.notify_all();
    });
  {
    std::unique_lock<std::mutex> l(w->m);
    w->cv.wait_for(l, grace, [&] { return w->left == 0; });
  }
  m.work.reset();
  m.ioc.stop();
  for (auto& t : m.threads) t.join();
  m.threads.clear();
  for (auto& c : m.cabinets) c->shutdown();
  m.cabinets.clear();
  m.chaos_timers.clear();
  m.final_counters = m.sh->counters.snapshot(m.options.stations);
  m.sh.reset();  // joins the WebSocket threads: no client is left to call back
}

emulator_counters emulator::counters() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  if (impl_->stopped) return impl_->final_counters;
  if (!impl_->sh) {
    emulator_counters c;
    c.stations = impl_->options.stations;
    return c;
  }
  return impl_->sh->counters.snapshot(impl_->options.stations);
}

void emulator::set_slot_status(std::size_t index, int slot, const std::string& status) {
  impl_->with(index, [&](emulation::cabinet& c) { c.set_slot_status(slot, status); });
}
void emulator::start_swap(std::size_t index, int rider) {
  impl_->with(index, [&](emulation::cabinet& c) { c.start_swap(rider); });
}
void emulator::fault(std::size_t index, int slot, const std::string& kind) {
  impl_->with(index, [&](emulation::cabinet& c) { c.fault(slot, kind); });
}
void emulator::drop(std::size_t index) {
  impl_->with(index, [](emulation::cabinet& c) { c.drop(); });
}
void emulator::silence(std::size_t index) {
  impl_->with(index, [](emulation::cabinet& c) { c.silence(); });
}
void emulator::restart(std::size_t index) {
  impl_->with(index, [](emulation::cabinet& c) { c.restart(); });
}
void emulator::storm() {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  if (!impl_->started || impl_->stopped) return;
  ++impl_->sh->counters.storms;
  for (auto& c : impl_->cabinets) c->storm();
}

bool load_passwords(const std::string& file, std::map<std::string, std::string>& out, std::string* error) {
  std::ifstream in(file);
  if (!in) {
    if (error) *error = file + ": cannot be read";
    return false;
  }
  std::string line;
  for (std::size_t n = 1; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    const auto sep = line.find_first_of(" \t,", start);
    const auto pw_at = sep == std::string::npos ? sep : line.find_first_not_of(" \t,", sep);
    if (pw_at == std::string::npos) {
      if (error) *error = file + ":" + std::to_string(n) + ": expected \"SN PASSWORD\"";
      return false;
    }
    auto pw = line.substr(pw_at);
    while (!pw.empty() && (pw.back() == ' ' || pw.back() == '\t')) pw.pop_back();
    out[line.substr(start, sep - start)] = pw;
  }
  return true;
}

std::string to_json(const emulator_counters& c) {
  nlohmann::json j{
      {"stations", c.stations}, {"connected_now", c.connected_now}, {"accepted_now", c.accepted_now},
      {"connects", c.connects}, {"connect_failures", c.connect_failures}, {"declined", c.declined},
      {"reconnects", c.reconnects}, {"closes", c.closes}, {"boots", c.boots}, {"accepted", c.accepted},
      {"pending", c.pending}, {"rejected", c.rejected}, {"heartbeats", c.heartbeats},
      {"status_notifications", c.status_notifications}, {"calls_sent", c.calls_sent},
      {"calls_answered", c.calls_answered}, {"calls_failed", c.calls_failed},
      {"calls_timed_out", c.calls_timed_out}, {"server_calls", c.server_calls},
      {"offline_queued", c.offline_queued}, {"replayed", c.replayed}, {"invalid_sent", c.invalid_sent},
      {"invalid_received", c.invalid_received}, {"drops", c.drops}, {"silences", c.silences},
      {"restarts", c.restarts}, {"storms", c.storms}, {"rtt_p50_ms", c.rtt_p50_ms},
      {"rtt_p99_ms", c.rtt_p99_ms}, {"rtt_max_ms", c.rtt_max_ms}, {"rtt_samples", c.rtt_samples},
      {"swaps_started", c.swaps_started}, {"swaps_done", c.swaps_done}, {"swaps_refused", c.swaps_refused},
      {"swaps_abandoned", c.swaps_abandoned}, {"swap_timeouts", c.swap_timeouts},
      {"batteryswap_acked", c.batteryswap_acked}, {"faults", c.faults}, {"repairs", c.repairs},
      {"notify_events", c.notify_events}, {"server_calls_by_action", c.server_calls_by_action}};
  auto& by_action = j["rtt_by_action"] = nlohmann::json::object();
  for (const auto& [action, r] : c.rtt_by_action)
    by_action[action] = {{"p50_ms", r.p50_ms}, {"p99_ms", r.p99_ms}, {"max_ms", r.max_ms}, {"samples", r.samples}};
  return j.dump();
}

}  // namespace swaptwin::adapters
