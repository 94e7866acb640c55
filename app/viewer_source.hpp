#pragma once
/// Where swaptwin-viewer's model comes from: a back-office database, a simulation run in-process, a
/// journal replayed, or a live server's feed. The shell (viewer_main.cpp) makes one source from its
/// command line and calls it once per frame; the UI library never sees which one it is.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "viewer/ui.hpp"
#include "viewer/view_model.hpp"

namespace swaptwin::app {

/// One source of the viewer's model. Every call comes from the shell's (the UI's) thread and must
/// return quickly: a source that talks to the network does so on its own thread.
class viewer_source {
 public:
  virtual ~viewer_source() = default;

  /// Moves the source on by one frame that took `real_dt_s` real seconds and brings `vm` up to
  /// date. The source reads the time controls from `ui.time` (pause, speed, step, jump: it consumes
  /// the step and the jump) and sets vm.now_ms, vm.source and everything that changed. The shell
  /// passes 0 for `real_dt_s` when it renders a screenshot, so virtual time stands still there.
  virtual void frame(double real_dt_s, viewer::ui_state& ui, viewer::view_model& vm) = 0;

  /// Sends an operator action the UI queued. Must not block: the outcome shows up later in
  /// vm.source.last_action. A source that cannot act says so there.
  virtual void act(const viewer::action& a) = 0;

  /// True once the model has something to show (a live source: its first snapshot arrived). The
  /// shell waits for this, up to --wait-s, before it counts screenshot frames.
  virtual bool ready() const { return true; }
};

/// A back-office database, re-read every `refresh_s` seconds and after a jump in time.
struct db_source_options {
  std::string db_path;                   ///< SQLite file, e.g. from `swaptwin demo --db FILE`
  std::optional<std::int64_t> now_ms;    ///< show it as of this instant; unset: the wall clock at start
  std::string tz;                        ///< operator's IANA zone; empty: the database's setting, else UTC
  double refresh_s = 5.0;                ///< re-read period in real seconds
};

/// Opens the database. Throws std::runtime_error naming the problem (no such file, bad --tz).
std::unique_ptr<viewer_source> make_db_source(const db_source_options& o);

/// A scenario simulated in this process, virtual time stepped each frame (pause, 1x..10000x, jump).
struct sim_source_options {
  std::string scenario_path;             ///< a *.textproto scenario file
  std::optional<std::uint64_t> seed;     ///< instead of the scenario's
  std::optional<double> days;            ///< instead of the scenario's duration
  std::optional<std::int64_t> start_at_ms;  ///< run up to this virtual instant before the first frame
  std::string tz;                        ///< operator's IANA zone; empty: the scenario's
};

/// Loads the scenario and sets its actors up. Throws std::runtime_error with the loader's message
/// (file, line, field) when the scenario is bad.
std::unique_ptr<viewer_source> make_sim_source(const sim_source_options& o);

/// A journal (journal.bin of `swaptwin sim --out`) played back with a time slider.
struct replay_source_options {
  std::string journal_path;              ///< the journal file
  std::optional<std::int64_t> start_at_ms;  ///< show this instant first; unset: the run's start
  std::string tz;                        ///< operator's IANA zone; empty: the scenario's
};

/// Reads the journal. Throws std::runtime_error naming the problem (no such file, not a journal).
std::unique_ptr<viewer_source> make_replay_source(const replay_source_options& o);

/// A live server (`swaptwin serve --api-listen`): its feed, and its API for actions.
struct live_source_options {
  std::string host = "127.0.0.1";        ///< the API's address
  std::string port;                      ///< the API's port
  std::string token;                     ///< bearer token "<id>.<secret>" (`swaptwin admin token add`)
  std::string tz;                        ///< operator's IANA zone; empty: the server's
  bool json = false;                     ///< ask for the feed's JSON encoding instead of binary protobuf
};

/// Starts connecting in the background (never blocks a frame; a lost connection is shown and
/// retried). Throws std::invalid_argument for options that can never work (an empty port or token).
std::unique_ptr<viewer_source> make_live_source(const live_source_options& o);

}  // namespace swaptwin::app
