// `swaptwin sim SCENARIO`: run a scenario in virtual time and report its KPIs.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>

#include "app/cli.hpp"
#include "app/run_backoffice.hpp"
#include "scenarios/journal_file.hpp"
#include "scenarios/replay.hpp"
#include "scenarios/sim.hpp"

namespace swaptwin::app {

namespace {
// A progress bar on stderr, only when it is a terminal (and not more than every 1 %).
std::function<void(double)> progress_bar() {
  if (!::isatty(STDERR_FILENO)) return {};
  auto last = std::make_shared<int>(-1);
  return [last](double done) {
    int pct = static_cast<int>(done * 100);
    if (pct == *last) return;
    *last = pct;
    int bar = pct / 4;
    std::fprintf(stderr, "\r[%-25s] %3d%%", std::string(static_cast<size_t>(bar), '#').c_str(), pct);
    if (pct >= 100) std::fprintf(stderr, "\n");
  };
}
}  // namespace

void add_sim_command(CLI::App& app, command& chosen) {
  struct args_t {
    std::string file, out;
    std::uint64_t seed = 0;
    double days = 0;
  };
  auto a = std::make_shared<args_t>();
  auto* c = app.add_subcommand("sim", "Run a scenario in virtual time and print its KPIs");
  c->add_option("scenario", a->file, "Scenario file (text-format swaptwin.v1.Scenario)")->required();
  c->add_option("--seed", a->seed, "Seed instead of the scenario's");
  c->add_option("--days", a->days, "Simulated days instead of the scenario's duration");
  c->add_option("--out", a->out,
                 "Directory for report.json, timeseries.csv, the charts, journal.bin and swaptwin.db (the run's back office)");
  c->callback([a, c, &chosen] {
    const bool seed_given = c->count("--seed") > 0, days_given = c->count("--days") > 0;
    chosen = [a, seed_given, days_given](cli_context&) {
      scenarios::load_options load;
      if (days_given) load.days = a->days;  // the run's size is projected for the days it will run
      auto sc = scenarios::load_scenario(a->file, load);
      if (!sc) {
        std::cerr << sc.err().detail << '\n';  // the documented line "FILE:LINE: field: what is expected"
        return 1;
      }
      scenarios::sim_options opt;
      if (seed_given) opt.seed = a->seed;
      if (days_given) opt.days = a->days;
      opt.progress = progress_bar();
      // With --out, the ledger goes to the run's back office while the run goes on (store actor).
      const auto db_path = a->out.empty() ? std::string{} : (std::filesystem::path{a->out} / "swaptwin.db").string();
      if (!db_path.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(a->out, ec);
        if (auto b = begin_backoffice(db_path, *sc); !b) return fail(b.err());
        opt.make_store = backoffice_store(db_path);
      }
      // journal.bin is written as the run goes (the run keeps no events for it); the back office
      // below still reads the events, so with --out they are kept too.
      scenarios::journal_writer journal;
      if (!a->out.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(a->out, ec);
        const scenarios::journal_header h{1, sc->name, sc->digest, sc->file, sc->text, opt.seed.value_or(sc->seed),
                                          scenarios::simulated_days(*sc, opt)};
        if (auto w = journal.open((std::filesystem::path{a->out} / "journal.bin").string(), h); !w) return fail(w.err());
        opt.on_event = [&journal](const actors::sim_event& e) { journal.add(e); };
        opt.keep_events = true;
      }
      auto run = scenarios::simulate(*sc, opt);
      if (!run && !db_path.empty()) abandon_backoffice(db_path);
      if (!run) return fail(run.err());
      scenarios::print_summary(std::cout, run->report);
      if (!a->out.empty()) {
        if (auto w = scenarios::write_outputs(run->report, a->out); !w) return fail(w.err());
        if (auto w = journal.finish(run->final_digest); !w) return fail(w.err());
        if (auto w = write_backoffice(db_path, *sc, *run); !w) return fail(w.err());
        // The last whole second of the run: `--now` for the back office's dashboard at its end.
        const auto last = twin::format_instant(run->report.end - std::chrono::seconds{1});
        std::cout << "\nreport.json, timeseries.csv, charts and journal.bin written to " << a->out << '\n'
                  << "Back office of the run: " << db_path << "  (swaptwin admin --db " << db_path << " --now " << last
                  << " dashboard)\n";
      }
      return 0;
    };
  });
}

void add_replay_command(CLI::App& app, command& chosen) {
  struct args_t {
    std::string file;
    bool verify = false;
  };
  auto a = std::make_shared<args_t>();
  auto* c = app.add_subcommand("replay", "Re-run a journal's recorded inputs; --verify checks every event and the final state");
  c->add_option("journal", a->file, "journal.bin written by `swaptwin sim --out`")->required();
  c->add_flag("--verify", a->verify, "Compare with the recording; exit 1 at the first difference");
  c->callback([a, &chosen] {
    chosen = [a](cli_context&) {
      auto j = scenarios::read_journal(a->file);
      if (!j) return fail(j.err());
      auto r = scenarios::replay(*j);
      if (!r) return fail(r.err());
      if (!a->verify) {
        scenarios::print_summary(std::cout, r->run.report);
        return 0;
      }
      if (!r->identical) {
        std::cerr << "swaptwin: replay.mismatch: " << a->file << ": " << r->first_difference;
        return 1;
      }
      std::cout << "replay verified: " << r->events_compared << " events and the final state (" << r->run.final_digest
                << ") match " << a->file << '\n';
      return 0;
    };
  });
}

}  // namespace swaptwin::app
