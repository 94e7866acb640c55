#pragma once
/// Fills the viewer's view model from a simulation running in this process (scenarios::sim_session)
/// and from the events it streams: the composition root's bridge between scenarios/ and viewer/.
/// The mapping rules are the database source's (viewer_model_from_db.hpp); only the reading differs.

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "scenarios/sim_session.hpp"
#include "viewer/view_model.hpp"

namespace swaptwin::app {

/// How the sim's model is kept up to date.
struct sim_model_options {
  std::string tz;                   ///< operator's IANA zone; empty: the scenario's
  std::size_t max_alerts = 500;     ///< the newest alerts kept
};

/// The view model of one sim_session. Give it every event of the run (on_event, e.g. from
/// sim_options::on_event) and call update() after each step. A new session needs a new sim_model.
class sim_model {
 public:
  /// Throws std::invalid_argument when the time zone is unknown.
  sim_model(const scenarios::scenario& sc, sim_model_options o);

  /// Takes one event of the run into account (dashboard, alerts, what changed).
  void on_event(const actors::sim_event& e);

  /// Brings `vm` up to date with `s` as it stands (every field but vm.source): stations (the ones
  /// an event touched in full, the others' link), agents, open work orders, alerts, the dashboard
  /// of now's local day; of the riders and packs (150,000 each in metro) only those an event
  /// touched, unless `rebuild_all` (the first update builds everything).
  void update(const scenarios::sim_session& s, viewer::view_model& vm, bool rebuild_all = false);

  /// The operator's time zone (IANA name).
  const std::string& time_zone() const noexcept { return tz_; }

 private:
  struct day_bounds {
    std::int64_t start_ms = 0, end_ms = 0;  ///< [start, end) of a local day, UTC
  };
  day_bounds day_of(std::int64_t t_ms) const;
  void fill_static(viewer::view_model& vm);
  void fill_station(const scenarios::sim_session& s, std::size_t i, viewer::station_view& v, bool full);
  void fill_batteries(const scenarios::sim_session& s, viewer::view_model& vm);
  void update_batteries(const scenarios::sim_session& s, viewer::view_model& vm);
  void fill_riders(const scenarios::sim_session& s, viewer::view_model& vm);
  void update_rider(const twin::rider& r, viewer::rider_view& v) const;
  void fill_work(const scenarios::sim_session& s, viewer::view_model& vm);
  void fill_dashboard(const scenarios::sim_session& s, viewer::view_model& vm);
  void add_alert(std::int64_t at_ms, viewer::alert_severity sev, const std::string& sn, std::string text);

  const scenarios::scenario* sc_;
  sim_model_options opt_;
  std::string tz_;
  std::unordered_map<std::string, std::size_t> station_index_;
  std::map<std::string, std::string> plan_names_;
  std::vector<bool> station_dirty_;
  bool all_dirty_ = true, batteries_all_ = true, work_dirty_ = true, alerts_dirty_ = true;
  // What events touched since the last update: packs handed to riders, riders.
  struct hand_out {
    std::string issued_sn, rider;
    std::size_t station = 0;
  };
  std::vector<hand_out> handed_out_;
  std::set<std::string> riders_touched_;
  std::unordered_map<std::string, std::size_t> battery_pos_;  // SN -> index in vm.batteries
  std::unordered_map<std::string, std::size_t> rider_pos_;    // id -> index in vm.riders
  std::unordered_map<std::string, std::string> held_;         // rider -> SN of the pack they hold
  std::vector<std::string> currencies_;
  // The local day of the events (swaps, riders) and of the ledger's postings, counted as they come.
  day_bounds event_day_, ledger_day_;
  std::array<float, 24> swaps_per_hour_{};
  std::set<std::string> riders_today_;
  std::size_t ledger_seen_ = 0;
  std::map<std::string, std::int64_t> revenue_today_;   // currency -> minor, net of tax
  std::map<std::string, int> plans_sold_today_;        // plan kind -> purchases
  std::vector<viewer::alert_view> alerts_;             // newest last, at most max_alerts
  std::vector<const twin::rider*> rider_order_;        // billing's accounts by id (the set never changes in a run)
  bool built_ = false;
};

}  // namespace swaptwin::app
