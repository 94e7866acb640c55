#pragma once
/// The run's KPIs folded from its events one at a time, so a run need not keep its events to
/// report on them. Fed in journal order, it gives the same report as the whole list at once.

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "actors/protocol.hpp"
#include "scenarios/report.hpp"
#include "scenarios/scenario.hpp"

namespace swaptwin::scenarios {

/// Counts, sums and samples of the events seen so far.
class kpi_accumulator {
 public:
  /// `station_sns`: the order of the station_kpi list finish() will get (a repeated SN counts for
  /// its last position); `start_ms`: the run's start (hour 0 of the hourly samples).
  kpi_accumulator(std::int64_t start_ms, const std::vector<std::string>& station_sns);

  /// Folds one event in.
  void add(const actors::sim_event& e);

  /// The report: the scenario's identity, the network KPIs, `stations` and `hours` completed with
  /// the counts of the events (hours after the last sample are not counted, as no sample holds them).
  run_report finish(const scenario& sc, std::uint64_t seed, twin::unix_ms end, std::vector<hourly_sample> hours,
                    std::vector<station_kpi> stations, std::int64_t messages) &&;

 private:
  struct per_station {
    std::int64_t swaps = 0, offline_incidents = 0;
    std::map<std::string, std::int64_t> refusals;
  };
  struct per_hour {
    std::int64_t swaps = 0;
    std::map<std::string, std::int64_t> refusals, revenue;
  };
  per_hour* hour_of(std::int64_t at_ms);

  std::int64_t start_ms_;
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<per_station> stations_;
  std::vector<per_hour> hours_;
  network_kpi n_;
  std::vector<double> wait_s_, walk_m_, detection_s_, response_s_, repair_s_;
  std::unordered_set<std::string> served_;
};

/// A running FNV-1a 64 digest of events (every field, in order): two runs with the same digest
/// produced the same journal, without either keeping its events.
class event_digest {
 public:
  /// Folds one event in.
  void add(const actors::sim_event& e) noexcept;
  /// 16 lower-case hex digits.
  std::string hex() const;

 private:
  void bytes(const void* p, std::size_t n) noexcept;
  std::uint64_t h_ = 0xcbf29ce484222325ull;
};

}  // namespace swaptwin::scenarios
