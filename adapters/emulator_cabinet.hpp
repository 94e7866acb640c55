#pragma once
/// Internal to the cabinet emulator: what emulator.cpp shares with the cabinets
/// (emulator_cabinet.cpp). Asio is only forward-declared here.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "adapters/emulator.hpp"
#include "adapters/ws_client.hpp"

namespace boost::asio { class io_context; }

namespace swaptwin::adapters::emulation {

/// The counters, updated from every cabinet's strand.
struct stats {
  std::atomic<std::uint64_t> connected_now{0}, accepted_now{0}, connects{0}, connect_failures{0}, declined{0},
      reconnects{0}, closes{0}, boots{0}, accepted{0}, pending{0}, rejected{0}, heartbeats{0},
      status_notifications{0}, calls_sent{0}, calls_answered{0}, calls_failed{0}, calls_timed_out{0},
      server_calls{0}, offline_queued{0}, replayed{0}, invalid_sent{0}, invalid_received{0}, drops{0},
      silences{0}, restarts{0}, storms{0}, swaps_started{0}, swaps_done{0}, swaps_refused{0}, swaps_abandoned{0},
      swap_timeouts{0}, batteryswap_acked{0}, faults{0}, repairs{0}, notify_events{0};
  /// Adds one round trip of our CALL `action`; `counted` false leaves it out of the percentiles
  /// (sent before emulator_options::rtt_from).
  void add_rtt(const std::string& action, double ms, bool counted = true);
  /// Counts a CALL from the server (server_calls and its action).
  void add_server_call(const std::string& action);
  /// A consistent-enough copy (each counter read once).
  emulator_counters snapshot(std::size_t stations) const;

 private:
  mutable std::mutex rtt_mutex_;
  std::vector<double> rtt_ms_;  // every sample: a run of hours at 10k cabinets is a few million doubles
  std::map<std::string, std::uint64_t> by_action_;  // under rtt_mutex_
  std::map<std::string, std::vector<double>> rtt_by_action_;  // under rtt_mutex_
};

/// The acknowledged-swaps log (emulator_options::acked_log), shared by every cabinet.
class acked_log {
 public:
  /// Opens `path` for appending; empty path: write() does nothing. False when it cannot be opened.
  bool open(const std::string& path);
  /// Appends one line and flushes it (serialised by a mutex).
  void write(const std::string& line);
  /// Closes the file.
  ~acked_log();

 private:
  std::mutex mutex_;
  std::FILE* file_ = nullptr;
};

/// What every cabinet shares: options, threads, counters.
struct shared {
  const emulator_options& options;
  boost::asio::io_context& ioc;     ///< timers and strands
  std::shared_ptr<ws_io> io;        ///< WebSocket clients
  ws_client_options client;         ///< host, port, TLS, timeouts; path is the URL's (no SN yet)
  stats counters;
  /// Prefix of every message id ("<run>-<seq>"): when this emulator started, plus a per-process
  /// instance number, so ids stay unique per cabinet across restarts, where a replayed entry keeps
  /// the id it was first sent with.
  std::string run_token;
  acked_log acked;                  ///< BatteryOut / BatteryOutTimeout acknowledgements
  /// When the emulator started (round trips of CALLs sent before started + rtt_from are not counted).
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

/// `v` in base 36 (short message ids).
std::string base36(std::uint64_t v);

/// One emulated cabinet. Every method may be called from any thread: it posts to the cabinet's strand.
class cabinet {
 public:
  virtual ~cabinet() = default;
  /// Connects (first time: now).
  virtual void start() = 0;
  /// Closes the socket with 1001 and stops every timer; `done` runs once when closed (or at once).
  virtual void stop(std::function<void()> done) = 0;
  /// Releases the WebSocket client (after the emulator's threads stopped), writing the queue.
  virtual void shutdown() = 0;
  /// See emulator::set_slot_status, drop, silence, restart; storm = drop and reconnect at once.
  virtual void set_slot_status(int slot, std::string status) = 0;
  /// See emulator::start_swap and emulator::fault.
  virtual void start_swap(int rider) = 0;
  virtual void fault(int slot, std::string kind) = 0;
  virtual void drop() = 0;
  virtual void silence() = 0;
  virtual void restart() = 0;
  virtual void storm() = 0;
  /// The cabinet's SN.
  virtual const std::string& sn() const = 0;
};

/// Makes cabinet `index` named `sn` (layout number `number`), loading its offline queue and state
/// (a reason in *error when unreadable).
std::shared_ptr<cabinet> make_cabinet(shared& s, std::size_t index, std::size_t number, std::string sn,
                                      std::string* error);

}  // namespace swaptwin::adapters::emulation
