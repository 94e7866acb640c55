// The simulator on a scenario (default: metro) against the raw message rate of CAF's `testing`
// scheduler, both measured in the same process run.
//
// Raw rate (what the scheduler alone does, in messages handled per second, test_coordinator::run()):
//  - ping-pong: two dynamically typed actors bounce one message back and forth;
//  - fan-out: one source actor sends one message to each of N receivers per round, M rounds
//    (every receiver handles M messages; the source re-arms itself with one message per round).
//  Each is run 3 times for at least --raw-seconds; the median is reported.
// Scenario:
//  - load: load_scenario() (parse + validate);
//  - set-up probe: simulate() for one simulated second, timed up to its first progress call (spawning
//    every actor; set-up dominates) and from there to its return (report, final state, shutdown);
//  - the run: simulate() for --days; messages = report.network.messages, swaps, peak RSS. Note that
//    the simulator's count is the events of test_coordinator::run() PLUS the timeouts fired by
//    advance_time()/trigger_timeout(): a delayed message counts twice (fired, then handled). In the
//    metro profile (bench/README.md) ~30 % of the count are timer fires, so messages actually handled
//    per second are ~0.7 x the figure printed; the raw rates count handled messages only.
//  Run-phase messages per second = (messages of the run - messages of the probe) / (time from the
//  start of simulate() to its last progress call - set-up time of the probe).
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <caf/all.hpp>

#include "scenarios/scenario.hpp"
#include "scenarios/sim.hpp"

#ifndef SWAPTWIN_METRO_SCENARIO
#define SWAPTWIN_METRO_SCENARIO "scenarios/examples/metro.textproto"
#endif

namespace {

using namespace swaptwin;
using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

// ---- memory ------------------------------------------------------------------------------------

// A "VmXXX:   1234 kB" line of /proc/self/status, in KiB (0 when missing).
long proc_status_kib(const char* key) {
  std::ifstream f{"/proc/self/status"};
  std::string line;
  const std::string k = std::string{key} + ":";
  while (std::getline(f, line))
    if (line.rfind(k, 0) == 0) return std::atol(line.c_str() + k.size());
  return 0;
}

long maxrss_kib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;  // KiB on Linux
}

double mib(long kib) { return static_cast<double>(kib) / 1024.0; }

// ---- raw rate of the testing scheduler ---------------------------------------------------------

using ping_atom = caf::atom_constant<caf::atom("bping")>;
using pong_atom = caf::atom_constant<caf::atom("bpong")>;
using hit_atom = caf::atom_constant<caf::atom("bhit")>;
using round_atom = caf::atom_constant<caf::atom("bround")>;

caf::behavior pong_actor(caf::event_based_actor* self) {
  return {
      [=](ping_atom, std::int64_t n) {
        self->send(caf::actor_cast<caf::actor>(self->current_sender()), pong_atom::value, n);
      },
  };
}

caf::behavior ping_actor(caf::event_based_actor* self, caf::actor buddy, std::int64_t rounds) {
  self->send(buddy, ping_atom::value, std::int64_t{1});
  return {
      [=](pong_atom, std::int64_t n) {
        if (n < rounds) self->send(buddy, ping_atom::value, n + 1);
      },
  };
}

struct counter_state {
  std::int64_t hits = 0;
};

caf::behavior receiver_actor(caf::stateful_actor<counter_state>* self) {
  return {
      [=](hit_atom, std::int64_t n) { self->state.hits += n; },
  };
}

caf::behavior source_actor(caf::event_based_actor* self, std::vector<caf::actor> receivers, std::int64_t rounds) {
  return {
      [=](round_atom, std::int64_t r) {
        for (const auto& x : receivers) self->send(x, hit_atom::value, std::int64_t{1});
        if (r + 1 < rounds) self->send(self, round_atom::value, r + 1);
      },
  };
}

struct raw_result {
  double msgs_per_s = 0;
  std::int64_t messages = 0;
  double seconds = 0;
};

// One timed measurement: `body` spawns and sends, then test_coordinator::run() drains; repeated
// until at least `min_seconds` have passed. Spawning is outside the timed part.
template <class Prepare>
raw_result measure_raw(double min_seconds, Prepare prepare) {
  raw_result r;
  while (r.seconds < min_seconds || r.messages == 0) {
    caf::actor_system_config cfg;
    cfg.set("scheduler.policy", caf::atom("testing"));
    caf::actor_system sys{cfg};
    auto& sched = dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
    auto kick = prepare(sys, sched);  // spawns, drains the spawn events, returns what starts the work
    auto t0 = clock_type::now();
    kick();
    r.messages += static_cast<std::int64_t>(sched.run());
    r.seconds += seconds_since(t0);
    sched.run();
    sched.clock().cancel_all();
    sched.run();
  }
  r.msgs_per_s = static_cast<double>(r.messages) / r.seconds;
  return r;
}

raw_result ping_pong(double min_seconds, std::int64_t rounds) {
  return measure_raw(min_seconds, [rounds](caf::actor_system& sys, caf::scheduler::test_coordinator& sched) {
    auto pong = sys.spawn(pong_actor);
    sched.run();
    // The ping actor sends its first message when it starts: spawning it is the kick.
    return [&sys, pong, rounds] { sys.spawn(ping_actor, pong, rounds); };
  });
}

raw_result fan_out(double min_seconds, int actors, std::int64_t per_actor) {
  return measure_raw(min_seconds, [actors, per_actor](caf::actor_system& sys, caf::scheduler::test_coordinator& sched) {
    std::vector<caf::actor> receivers;
    receivers.reserve(static_cast<size_t>(actors));
    for (int i = 0; i < actors; ++i) receivers.push_back(sys.spawn(receiver_actor));
    auto source = sys.spawn(source_actor, receivers, per_actor);
    sched.run();
    return [source] { caf::anon_send(source, round_atom::value, std::int64_t{0}); };
  });
}

template <class F>
raw_result median_of_3(F f) {
  std::vector<raw_result> runs;
  for (int i = 0; i < 3; ++i) runs.push_back(f());
  std::sort(runs.begin(), runs.end(), [](const auto& a, const auto& b) { return a.msgs_per_s < b.msgs_per_s; });
  return runs[1];
}

// ---- the scenario ------------------------------------------------------------------------------

struct sample {
  double done = 0, wall_s = 0;
  long rss_kib = 0;
};

struct sim_measure {
  std::vector<sample> samples;  // at every progress call (each simulated hour)
  double wall_s = 0;          // simulate(), call to return
  double first_progress_s = 0;  // call to the first progress report (end of the first simulated hour)
  double last_progress_s = 0;   // call to the last progress report (end of the run phase)
  std::int64_t messages = 0, swaps = 0, gave_up = 0, refusals = 0, events = 0, kept = 0;
  double success = 0, days = 0;
};

sim_measure run_sim(const scenarios::scenario& sc, double days) {
  sim_measure m;
  scenarios::sim_options opt;
  opt.days = days;
  const auto t0 = clock_type::now();
  bool first = true;
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  double next_line = 0.1;
  opt.progress = [&](double done) {
    const double t = seconds_since(t0);
    if (first) m.first_progress_s = t;
    first = false;
    m.last_progress_s = t;
    m.samples.push_back({done, t, proc_status_kib("VmRSS")});
    if (tty) std::fprintf(stderr, "\r  simulated %5.1f %% in %7.1f s   ", done * 100.0, t);
    else if (done >= next_line - 1e-9) {
      std::fprintf(stderr, "  simulated %5.1f %% in %7.1f s\n", done * 100.0, t);
      while (next_line <= done + 1e-9) next_line += 0.1;
    }
  };
  auto run = scenarios::simulate(sc, opt);
  m.wall_s = seconds_since(t0);
  if (tty) std::fprintf(stderr, "\n");
  if (!run) throw std::runtime_error("simulate: " + run.err().detail);
  const auto& n = run->report.network;
  m.messages = n.messages;
  m.swaps = n.swaps;
  m.gave_up = n.riders_gave_up;
  for (const auto& [code, count] : n.refusals) m.refusals += count;
  m.success = n.swap_success_rate;
  m.events = run->event_count;
  m.kept = static_cast<std::int64_t>(run->events.size());
  m.days = run->days;
  return m;
}

const char* verdict(bool met) { return met ? "met" : "MISSED"; }

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Simulator throughput on a scenario (default metro) against the raw message rate of CAF's testing scheduler"};
  std::string file = SWAPTWIN_METRO_SCENARIO;
  double days = 30, raw_seconds = 1.0;
  int fan_actors = 10000;
  std::int64_t fan_messages = 100, pingpong_rounds = 500000;
  bool skip_probe = false, skip_raw = false;
  app.add_option("--scenario", file, "Scenario file")->capture_default_str();
  app.add_option("--days", days, "Simulated days")->capture_default_str();
  app.add_option("--raw-seconds", raw_seconds, "Minimum duration of each of the 3 runs of each raw measurement")
      ->capture_default_str();
  app.add_option("--fanout-actors", fan_actors, "Receivers in the raw fan-out")->capture_default_str();
  app.add_option("--fanout-messages", fan_messages, "Messages each receiver handles in the raw fan-out")->capture_default_str();
  app.add_option("--pingpong-rounds", pingpong_rounds, "Round trips per raw ping-pong")->capture_default_str();
  app.add_flag("--skip-setup-probe", skip_probe, "Do not run the 1-simulated-second set-up probe (no run-phase split)");
  app.add_flag("--skip-raw", skip_raw, "Do not measure the raw rate (for profiling the scenario alone)");
  CLI11_PARSE(app, argc, argv);

  double load_avg[3] = {0, 0, 0};
  getloadavg(load_avg, 3);
  std::printf("scenario %s, %.3g simulated days; load average at start %.2f %.2f %.2f\n", file.c_str(), days,
              load_avg[0], load_avg[1], load_avg[2]);
  std::fflush(stdout);

  // 1. Load.
  auto t_load = clock_type::now();
  auto sc = scenarios::load_scenario(file);
  const double load_s = seconds_since(t_load);
  if (!sc) {
    std::fprintf(stderr, "%s\n", sc.err().detail.c_str());
    return 1;
  }
  const long rss_loaded = proc_status_kib("VmHWM");

  // 2. Set-up probe: one simulated second.
  sim_measure probe;
  long hwm_probe = 0;
  if (!skip_probe) {
    std::fprintf(stderr, "set-up probe (1 simulated second):\n");
    try {
      probe = run_sim(*sc, 1.0 / 86400.0);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s\n", e.what());
      return 1;
    }
    hwm_probe = proc_status_kib("VmHWM");
  }

  // 3. The run.
  std::fprintf(stderr, "run (%.3g simulated days):\n", days);
  sim_measure m;
  try {
    m = run_sim(*sc, days);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  const long hwm = proc_status_kib("VmHWM"), maxrss = maxrss_kib(), rss_after = proc_status_kib("VmRSS");

  // 4. Raw rate, after the run (so that its memory does not count in the run's peak).
  raw_result pp, fo;
  if (!skip_raw) {
    std::fprintf(stderr, "raw rate: ping-pong, fan-out %d x %lld, 3 runs each\n", fan_actors,
                 static_cast<long long>(fan_messages));
    pp = median_of_3([&] { return ping_pong(raw_seconds, pingpong_rounds); });
    fo = median_of_3([&] { return fan_out(raw_seconds, fan_actors, fan_messages); });
  }

  // ---- report --------------------------------------------------------------------------------
  const double setup_s = skip_probe ? 0.0 : probe.first_progress_s;
  const double run_phase_s = m.last_progress_s - setup_s;
  const std::int64_t run_msgs = m.messages - (skip_probe ? 0 : probe.messages);
  const double run_rate = static_cast<double>(run_msgs) / run_phase_s;
  const double overall_rate = static_cast<double>(m.messages) / m.wall_s;
  const double s_per_day = run_phase_s / m.days;
  const double proj30_s = setup_s + 30.0 * s_per_day + (m.wall_s - m.last_progress_s);
  const double hwm_mib = mib(hwm), probe_mib = mib(hwm_probe);
  // RSS projection: VmRSS grows about linearly during the run (events, answers and postings kept in
  // memory); the end of simulate() adds a transient (report, copies of the final state) on top.
  double mib_per_day = 0, proj30_mib = hwm_mib, end_transient_mib = 0;
  if (m.samples.size() >= 2) {
    const auto& a = m.samples.front();
    const auto& b = m.samples.back();
    const double span_days = (b.done - a.done) * m.days;
    mib_per_day = span_days > 0 ? (mib(b.rss_kib) - mib(a.rss_kib)) / span_days : 0.0;
    end_transient_mib = std::max(0.0, hwm_mib - mib(b.rss_kib));
    proj30_mib = mib(a.rss_kib) + mib_per_day * (30.0 - a.done * m.days) + end_transient_mib;
  }

  std::printf("\n%-44s %16s\n", "scenario", "");
  std::printf("  %-42s %14.2f s\n", "load (parse + validate)", load_s);
  if (!skip_probe) {
    std::printf("  %-42s %14.2f s\n", "set-up (probe: spawn all, 1 sim-second)", setup_s);
    std::printf("  %-42s %14.2f s\n", "teardown (probe: report, state, shutdown)", probe.wall_s - probe.last_progress_s);
  }
  std::printf("  %-42s %14.2f s\n", "simulate(): set-up + run + report", m.wall_s);
  std::printf("  %-42s %14.2f s\n", "  of which run phase (est.)", run_phase_s);
  std::printf("  %-42s %14.2f s\n", "  of which after the run (report, shutdown)", m.wall_s - m.last_progress_s);
  std::printf("  %-42s %14.3f\n", "simulated days", m.days);
  std::printf("  %-42s %14.4f\n", "simulated days per wall second (run)", m.days / run_phase_s);
  std::printf("  %-42s %14.1f s\n", "wall seconds per simulated day (run)", s_per_day);
  std::printf("  %-42s %14lld\n", "messages handled (report.network.messages)", static_cast<long long>(m.messages));
  std::printf("  %-42s %14lld\n", "  of which in the run phase", static_cast<long long>(run_msgs));
  std::printf("  %-42s\n", "  (timer fires count too: see the header)");
  std::printf("  %-42s %14.0f /s\n", "messages/s, run phase", run_rate);
  std::printf("  %-42s %14.0f /s\n", "messages/s, whole simulate()", overall_rate);
  std::printf("  %-42s %14lld\n", "swaps", static_cast<long long>(m.swaps));
  std::printf("  %-42s %14lld\n", "searches given up", static_cast<long long>(m.gave_up));
  std::printf("  %-42s %14lld\n", "refusals (all reasons)", static_cast<long long>(m.refusals));
  std::printf("  %-42s %14.1f %%\n", "swap success rate", m.success * 100.0);
  std::printf("  %-42s %14lld  (kept in memory: %lld)\n", "journal events (streamed)", static_cast<long long>(m.events),
              static_cast<long long>(m.kept));
  std::printf("  %-42s %14.0f MiB\n", "RSS after load (VmHWM)", mib(rss_loaded));
  if (!skip_probe) std::printf("  %-42s %14.0f MiB\n", "peak RSS after set-up probe (VmHWM)", probe_mib);
  std::printf("  %-42s %14.0f MiB\n", "peak RSS after the run (VmHWM)", hwm_mib);
  std::printf("  %-42s %14.0f MiB\n", "peak RSS (getrusage ru_maxrss)", mib(maxrss));
  std::printf("  %-42s %14.0f MiB\n", "RSS after the run (VmRSS)", mib(rss_after));

  if (m.samples.size() > 1) {
    const size_t step = std::max<size_t>(1, (m.samples.size() + 11) / 12);
    std::printf("\nover the run (VmRSS at the end of each interval; wall s per simulated hour of the interval)\n");
    std::printf("  %10s %10s %14s %12s\n", "sim. hours", "wall s", "s / sim. hour", "VmRSS MiB");
    std::vector<size_t> rows;
    for (size_t i = step - 1; i < m.samples.size(); i += step) rows.push_back(i);
    if (rows.empty() || rows.back() != m.samples.size() - 1) rows.push_back(m.samples.size() - 1);
    double prev_hours = 0, prev_t = setup_s;  // the first interval starts after the probe's set-up time
    for (size_t i : rows) {
      const auto& x = m.samples[i];
      const double hours = x.done * m.days * 24.0;
      std::printf("  %10.1f %10.1f %14.2f %12.0f\n", hours, x.wall_s, (x.wall_s - prev_t) / std::max(1e-9, hours - prev_hours),
                  mib(x.rss_kib));
      prev_hours = hours;
      prev_t = x.wall_s;
    }
  }

  if (!skip_raw) {
    std::printf("\nraw testing scheduler (median of 3, >= %.2g s each)\n", raw_seconds);
    std::printf("  %-42s %14.0f /s  (%lld msgs in %.2f s)\n", "ping-pong, 2 dynamically typed actors", pp.msgs_per_s,
                static_cast<long long>(pp.messages), pp.seconds);
    char label[64];
    std::snprintf(label, sizeof label, "fan-out, %d actors x %lld", fan_actors, static_cast<long long>(fan_messages));
    std::printf("  %-42s %14.0f /s  (%lld msgs in %.2f s)\n", label, fo.msgs_per_s, static_cast<long long>(fo.messages),
                fo.seconds);
  }

  getloadavg(load_avg, 3);
  std::printf("\nload average at the end %.2f %.2f %.2f (other processes on this machine skew wall times)\n",
              load_avg[0], load_avg[1], load_avg[2]);
  std::printf("\ntargets (issue 3, 30 simulated days of the scenario)\n");
  const bool measured30 = m.days >= 30.0 - 1e-9;
  std::printf("  %-42s %11.0f s %s  target <= 60 s: %s (%.1fx)\n", measured30 ? "wall, 30 days" : "wall, 30 days (linear projection)",
              measured30 ? m.wall_s : proj30_s, measured30 ? "" : "~", verdict((measured30 ? m.wall_s : proj30_s) <= 60.0),
              (measured30 ? m.wall_s : proj30_s) / 60.0);
  std::printf("  %-42s %11.0f MiB   peak after %.3g days: %.0f MiB; target <= 2048 MiB: %s\n",
              measured30 ? "peak RSS, 30 days" : "peak RSS, 30 days (linear projection)", measured30 ? hwm_mib : proj30_mib,
              m.days, hwm_mib, verdict((measured30 ? hwm_mib : proj30_mib) <= 2048.0));
  if (!measured30 && m.samples.size() >= 2) {
    // The cost per simulated hour grows during metro (retry storms build up): also project at the
    // rate of the last sixth of the run.
    const auto& b = m.samples.back();
    const auto& a = m.samples[m.samples.size() - 1 - std::max<size_t>(1, m.samples.size() / 6)];
    const double s_per_day_late = (b.wall_s - a.wall_s) / ((b.done - a.done) * m.days);
    std::printf("  %-42s %11.0f s    (%.1f s per simulated day at the end of this run)\n",
                "  at the rate of the last sixth of the run", setup_s + 30.0 * s_per_day_late, s_per_day_late);
  }
  if (!measured30)
    std::printf("  %-42s %11.1f MiB/day of VmRSS during the run, + %.0f MiB at the end of simulate()\n",
                "  RSS growth", mib_per_day, end_transient_mib);
  if (!skip_raw) {
    std::printf("  %-42s %14.3f  target >= 0.5: %s\n", "run msgs/s / raw ping-pong", run_rate / pp.msgs_per_s,
                verdict(run_rate / pp.msgs_per_s >= 0.5));
    std::printf("  %-42s %14.3f  target >= 0.5: %s\n", "run msgs/s / raw fan-out", run_rate / fo.msgs_per_s,
                verdict(run_rate / fo.msgs_per_s >= 0.5));
  }
  return 0;
}
