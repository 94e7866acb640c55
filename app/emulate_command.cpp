// `swaptwin emulate --url ws://HOST:PORT[/path] --stations N`: battery-swap cabinets as real
// OCPP 2.1 clients, with chaos options, a status line while running and counters at the end.
#include "app/emulate_command.hpp"

#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "adapters/emulator.hpp"

namespace swaptwin::app {

namespace {

// "N@S": N cabinets go silent S seconds after the start.
bool parse_silence(const std::string& text, adapters::emulator_silence& out) {
  const auto at = text.find('@');
  if (at == std::string::npos) return false;
  try {
    std::size_t used = 0;
    const auto n = std::stoul(text.substr(0, at), &used);
    if (used != at) return false;
    const auto s = std::stod(text.substr(at + 1), &used);
    if (used != text.size() - at - 1 || s < 0) return false;
    out.count = n;
    out.at = std::chrono::milliseconds{static_cast<long long>(s * 1000)};
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

std::string status_line(const adapters::emulator_counters& c, double elapsed_s) {
  char buf[480];
  std::snprintf(buf, sizeof buf,
                "t=%.0fs connected %llu/%llu accepted %llu | boots %llu pending %llu rejected %llu | hb %llu | "
                "reconnects %llu declined %llu | failed %llu | swaps %llu/%llu refused %llu timeouts %llu | "
                "faults %llu | rtt p50 %.1f p99 %.1f ms",
                elapsed_s, static_cast<unsigned long long>(c.connected_now), static_cast<unsigned long long>(c.stations),
                static_cast<unsigned long long>(c.accepted_now), static_cast<unsigned long long>(c.boots),
                static_cast<unsigned long long>(c.pending), static_cast<unsigned long long>(c.rejected),
                static_cast<unsigned long long>(c.heartbeats), static_cast<unsigned long long>(c.reconnects),
                static_cast<unsigned long long>(c.declined), static_cast<unsigned long long>(c.calls_failed),
                static_cast<unsigned long long>(c.swaps_done), static_cast<unsigned long long>(c.swaps_started),
                static_cast<unsigned long long>(c.swaps_refused), static_cast<unsigned long long>(c.swap_timeouts),
                static_cast<unsigned long long>(c.faults), c.rtt_p50_ms, c.rtt_p99_ms);
  return buf;
}

// Seconds from the command line as the emulator's milliseconds.
std::chrono::milliseconds millis(double seconds) {
  return std::chrono::milliseconds{static_cast<long long>(seconds * 1000)};
}

}  // namespace

void add_emulate_command(CLI::App& app, command& chosen) {
  struct args_t {
    std::string url, prefix = "EMU-", password, passwords_file, state_dir, acked_log, tls_ca;
    std::size_t stations = 0, first = 1;
    int slots = 12, threads = 2, riders = 4;
    std::uint64_t seed = 1;
    double duration_s = 0, drop_rate = 0, restart_rate = 0, storm_at_s = -1, request_timeout_s = 30;
    double backoff_base_s = 1, backoff_cap_s = 60, rtt_from_s = 0;
    double swap_rate = 0, fault_rate = 0, out_timeout = 0.02, fault_repair_s = 180, charge_rate = 1.0;
    std::vector<std::string> silences;
    bool json = false, progress = false, log = false;
  };
  auto a = std::make_shared<args_t>();
  auto* c = app.add_subcommand(
      "emulate",
      "Emulate N battery-swap cabinets as OCPP 2.1 clients of `swaptwin serve` (load and chaos testing)");
  c->footer(
      "Each cabinet (SN = prefix + 5-digit number) connects to URL/SN with subprotocol ocpp2.1 and HTTP Basic when\n"
      "it has a password, boots (Pending: retries after the interval; Rejected: backs off), then sends a Heartbeat\n"
      "every interval and a StatusNotification per slot. One outstanding CALL per cabinet; reconnects with\n"
      "exponential back-off (base 1 s, cap 60 s) and full jitter from --seed. Unacknowledged transaction messages are\n"
      "kept in --state-dir/SN.jsonl and replayed after the next Accepted boot.\n"
      "Packs and riders follow the layout of `swaptwin admin provision` (same --prefix, --first, --slots, --riders):\n"
      "slot s holds pack SN-Sss (the last slot empty), rider SN-Rrr holds SN-Hrr. With --swap-rate a rider comes\n"
      "(Poisson) and swaps: Authorize, then BatterySwap BatteryIn (their pack into an empty slot) and BatteryOut\n"
      "(the fullest pack; BatteryOutTimeout with --out-timeout-probability) under one requestId (a per-cabinet\n"
      "counter below 1e9). BatterySwap and NotifyEvent go through the offline queue; slots, riders' packs and the\n"
      "counters persist in --state-dir/SN.state.json (without it every run starts from the layout again).\n"
      "Acknowledged BatteryOut/BatteryOutTimeout are appended to --acked-log as JSON lines\n"
      "{\"sn\",\"requestId\",\"rider\",\"event\",\"issued\",\"returned\"} (issued \"\" for a timeout).\n"
      "Server CALLs answered: RequestBatterySwap (the swap, with the server's requestId), ChangeAvailability,\n"
      "Reset (reboots with RemoteReset), SetVariables (OCPPCommCtrlr.HeartbeatInterval), TriggerMessage\n"
      "(BootNotification, Heartbeat, StatusNotification). --fault-rate raises slot faults, over-temperature and\n"
      "door alarms (StatusNotification Faulted + NotifyEvent), cleared after --fault-repair-s.\n"
      "A status line goes to stderr every 2 s when it is a terminal (or with --progress); the counters are\n"
      "printed at the end (JSON with --json). SIGINT/SIGTERM stop it cleanly (close frames sent).\n"
      "Example: swaptwin emulate --url ws://127.0.0.1:9000/ocpp --stations 100 --password 'pw-{sn}-0123456789'");
  c->add_option("--url", a->url, "Server URL ws://HOST:PORT[/path] or wss://...; the SN is appended to the path")->required();
  c->add_option("--stations", a->stations, "Number of cabinets")->required()->check(CLI::Range(1, 1000000));
  c->add_option("--prefix", a->prefix, "SN prefix (default EMU-)");
  c->add_option("--first", a->first, "Number of the first cabinet (default 1)");
  c->add_option("--password", a->password, "Password of every cabinet; {sn} is replaced by its SN");
  c->add_option("--passwords", a->passwords_file, "File of \"SN PASSWORD\" lines (wins over --password)")->check(CLI::ExistingFile);
  c->add_option("--slots", a->slots, "Slots per cabinet (default 12)")->check(CLI::Range(1, 100));
  c->add_option("--seed", a->seed, "Seed of the jitter and chaos draws (default 1)");
  c->add_option("--state-dir", a->state_dir, "Directory of the per-cabinet offline queues (none: memory only)");
  c->add_option("--threads", a->threads, "Emulator threads, and as many WebSocket I/O threads (default 2)")->check(CLI::Range(1, 64));
  c->add_option("--duration-s", a->duration_s, "Stop after this many seconds (0 = until SIGINT/SIGTERM)")->check(CLI::NonNegativeNumber);
  c->add_option("--request-timeout-s", a->request_timeout_s, "A CALL unanswered this long has failed (default 30)")->check(CLI::PositiveNumber);
  c->add_option("--rtt-from-s", a->rtt_from_s,
                "Round trips of CALLs sent in the first S seconds are left out of the percentiles (a steady state "
                "without the connect storm)")
      ->check(CLI::NonNegativeNumber);
  c->add_option("--tls-ca", a->tls_ca, "wss://: verify the server's certificate with this CA file (PEM)")
      ->check(CLI::ExistingFile);
  c->add_option("--backoff-base-s", a->backoff_base_s, "Reconnect back-off: first bound (default 1)")->check(CLI::PositiveNumber);
  c->add_option("--backoff-cap-s", a->backoff_cap_s, "Reconnect back-off: largest bound (default 60)")->check(CLI::PositiveNumber);
  c->add_option("--drop-rate", a->drop_rate, "Chaos: socket drops (no close frame) per cabinet per hour")->check(CLI::NonNegativeNumber);
  c->add_option("--restart-rate", a->restart_rate, "Chaos: restarts with a new boot (ApplicationReset) per cabinet per hour")
      ->check(CLI::NonNegativeNumber);
  c->add_option("--silence", a->silences, "Chaos: N@S = N cabinets stop sending (socket kept) S seconds after start; repeatable")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  c->add_option("--storm-at-s", a->storm_at_s, "Chaos: every cabinet drops and reconnects at once at S seconds")->check(CLI::NonNegativeNumber);
  c->add_option("--riders", a->riders, "Riders per cabinet (default 4)")->check(CLI::Range(0, 99));
  c->add_option("--swap-rate", a->swap_rate, "Swaps started by riders per cabinet per hour (Poisson; default 0)")
      ->check(CLI::NonNegativeNumber);
  c->add_option("--out-timeout-probability", a->out_timeout, "Chance a rider leaves the issued pack (default 0.02)")
      ->check(CLI::Range(0.0, 1.0));
  c->add_option("--charge-rate", a->charge_rate, "Charging of packs in slots, percent per minute (default 1)")
      ->check(CLI::NonNegativeNumber);
  c->add_option("--acked-log", a->acked_log, "Append one JSON line per acknowledged BatteryOut/BatteryOutTimeout here");
  c->add_option("--fault-rate", a->fault_rate, "Slot faults and alarms per cabinet per hour (Poisson; default 0)")
      ->check(CLI::NonNegativeNumber);
  c->add_option("--fault-repair-s", a->fault_repair_s, "A fault or alarm clears after this many seconds (default 180)")
      ->check(CLI::PositiveNumber);
  c->add_flag("--json", a->json, "Print the final counters as one JSON object");
  c->add_flag("--progress", a->progress, "Print the status line even when stderr is not a terminal");
  c->add_flag("--log", a->log, "Log every cabinet event (connects, boots, back-off, chaos) to stderr");
  c->callback([a, &chosen] {
    chosen = [a](cli_context&) {
      adapters::emulator_options o;
      o.url = a->url;
      o.stations = a->stations;
      o.prefix = a->prefix;
      o.first_number = a->first;
      o.password_pattern = a->password;
      o.slots = a->slots;
      o.seed = a->seed;
      o.state_dir = a->state_dir;
      o.threads = a->threads;
      o.request_timeout = millis(a->request_timeout_s);
      o.rtt_from = millis(a->rtt_from_s);
      o.tls_ca_file = a->tls_ca;
      o.backoff_base = millis(a->backoff_base_s);
      o.backoff_cap = millis(a->backoff_cap_s);
      o.drop_rate_per_hour = a->drop_rate;
      o.restart_rate_per_hour = a->restart_rate;
      o.riders_per_cabinet = a->riders;
      o.swap_rate_per_hour = a->swap_rate;
      o.out_timeout_probability = a->out_timeout;
      o.charge_percent_per_minute = a->charge_rate;
      o.acked_log = a->acked_log;
      o.fault_rate_per_hour = a->fault_rate;
      o.fault_repair = millis(a->fault_repair_s);
      if (a->storm_at_s >= 0) o.storm_at = millis(a->storm_at_s);
      for (const auto& s : a->silences) {
        adapters::emulator_silence spec;
        if (!parse_silence(s, spec)) {
          std::cerr << "swaptwin: usage: --silence: \"" << s << "\" is not N@SECONDS (e.g. 100@60)\n";
          return 2;
        }
        o.silences.push_back(spec);
      }
      std::string error;
      if (!a->passwords_file.empty() && !adapters::load_passwords(a->passwords_file, o.passwords, &error)) {
        std::cerr << "swaptwin: emulate: " << error << '\n';
        return 1;
      }
      if (a->state_dir.empty() && (a->swap_rate > 0 || a->fault_rate > 0))
        std::cerr << "swaptwin: emulate: note: without --state-dir the cabinets' packs, riders and requestIds "
                     "start from the layout again in every run\n";
      auto log_mutex = std::make_shared<std::mutex>();
      if (a->log)
        o.on_event = [log_mutex](const adapters::emulator_event& e) {
          std::lock_guard<std::mutex> lock(*log_mutex);
          std::cerr << e.station << ' ' << e.kind << (e.detail.empty() ? "" : " ") << e.detail << '\n';
        };

      // SIGINT/SIGTERM are blocked here, before any thread starts (threads inherit the mask), and
      // taken synchronously below: no handler runs inside the emulator's threads.
      sigset_t stop_signals;
      sigemptyset(&stop_signals);
      sigaddset(&stop_signals, SIGINT);
      sigaddset(&stop_signals, SIGTERM);
      sigset_t previous;
      pthread_sigmask(SIG_BLOCK, &stop_signals, &previous);

      adapters::emulator emu(o);
      if (!emu.start(&error)) {
        pthread_sigmask(SIG_SETMASK, &previous, nullptr);
        std::cerr << "swaptwin: emulate: " << error << '\n';
        return 1;
      }
      const bool progress = a->progress || ::isatty(STDERR_FILENO);
      const auto started = std::chrono::steady_clock::now();
      const auto period = std::chrono::seconds{2};
      int signal_taken = 0;
      for (;;) {
        const auto elapsed = std::chrono::steady_clock::now() - started;
        auto wait = std::chrono::duration_cast<std::chrono::nanoseconds>(period);
        if (a->duration_s > 0) {
          const auto left = std::chrono::duration<double>(a->duration_s) - elapsed;
          if (left.count() <= 0) break;
          wait = std::min(wait, std::chrono::duration_cast<std::chrono::nanoseconds>(left));
        }
        timespec ts{static_cast<time_t>(wait.count() / 1000000000), static_cast<long>(wait.count() % 1000000000)};
        const int sig = sigtimedwait(&stop_signals, nullptr, &ts);
        if (sig == SIGINT || sig == SIGTERM) {
          signal_taken = sig;
          break;
        }
        if (progress) {
          const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
          std::lock_guard<std::mutex> lock(*log_mutex);
          std::cerr << status_line(emu.counters(), t) << '\n';
        }
      }
      if (progress || signal_taken) std::cerr << "swaptwin: emulate: stopping (closing " << emu.counters().connected_now << " connections)\n";
      emu.stop();
      pthread_sigmask(SIG_SETMASK, &previous, nullptr);
      const auto counters = emu.counters();
      if (a->json) {
        std::cout << adapters::to_json(counters) << '\n';
      } else {
        const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        std::cout << status_line(counters, t) << '\n'
                  << "connects " << counters.connects << " (failed " << counters.connect_failures << "), closes "
                  << counters.closes << ", accepted boots " << counters.accepted << ", heartbeats " << counters.heartbeats
                  << ", status notifications " << counters.status_notifications << '\n'
                  << "calls sent " << counters.calls_sent << ", answered " << counters.calls_answered << ", failed "
                  << counters.calls_failed << " (timed out " << counters.calls_timed_out << "), server calls "
                  << counters.server_calls << '\n'
                  << "offline queued " << counters.offline_queued << ", replayed " << counters.replayed
                  << "; chaos: drops " << counters.drops << ", silences " << counters.silences << ", restarts "
                  << counters.restarts << ", storms " << counters.storms << '\n'
                  << "swaps started " << counters.swaps_started << ", done " << counters.swaps_done << ", refused "
                  << counters.swaps_refused << ", abandoned " << counters.swaps_abandoned << ", timeouts "
                  << counters.swap_timeouts << ", BatterySwap acked " << counters.batteryswap_acked << "; faults "
                  << counters.faults << ", repairs " << counters.repairs << ", NotifyEvents " << counters.notify_events << '\n'
                  << "invalid frames sent " << counters.invalid_sent << ", received " << counters.invalid_received
                  << "; rtt max " << counters.rtt_max_ms << " ms over " << counters.rtt_samples << " calls\n";
      }
      return counters.invalid_sent == 0 ? 0 : 1;  // a frame that fails validation is a bug here
    };
  });
}

}  // namespace swaptwin::app
