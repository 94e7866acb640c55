#pragma once
/// What a simulation run measured, and the files a planner reads: the KPI summary on the
/// terminal, report.json, timeseries.csv and SVG charts. Plain values; the simulator fills them.

#include <cstdint>
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "twin/errors.hpp"
#include "twin/time.hpp"

namespace swaptwin::scenarios {

/// Mean, 95th percentile and maximum of a sample, and how many values it had.
struct stats {
  std::int64_t count = 0;
  double mean = 0, p95 = 0, max = 0;
};

/// Summarises `values` (any order). Empty input gives all zeros. p95 is the nearest-rank
/// percentile: the value at 1-based rank ceil(0.95 n) of the sorted sample (n = 20 -> the 19th),
/// so it is always one of the values. The mean is summed in sorted order (order-independent bytes).
stats summarise(std::vector<double> values);

/// Per-station results.
struct station_kpi {
  std::string sn;
  std::string name;
  std::int64_t swaps = 0;
  std::map<std::string, std::int64_t> refusals;  ///< reason code -> count
  double stockout_hours = 0;       ///< time with no ready pack of any model while online
  double slot_utilisation = 0;     ///< share of slot time spent charging (exact, from the slot actors' meters)
  std::int64_t energy_wh = 0;      ///< energy drawn from the grid by the chargers
  int peak_power_w = 0;            ///< highest site power seen
  int power_cap_w = 0;
  std::int64_t offline_incidents = 0;
};

/// Network-wide results.
struct network_kpi {
  std::int64_t swaps = 0;
  std::map<std::string, std::int64_t> refusals;  ///< reason code -> count (every refused attempt)
  std::int64_t riders_served = 0;  ///< distinct riders with at least one swap
  std::int64_t riders_gave_up = 0; ///< searches that ended without a swap
  double swap_success_rate = 0;    ///< swaps / (swaps + searches given up)
  stats wait_s;                    ///< from wanting a swap to getting one
  stats walk_m;                    ///< distance ridden to the station that served them
  double stockout_station_hours = 0;
  double slot_utilisation = 0;
  std::int64_t energy_wh = 0;
  std::map<std::string, std::map<std::string, std::int64_t>> revenue;  ///< currency -> plan kind -> minor units (net)
  std::int64_t offline_incidents = 0;
  stats detection_delay_s;         ///< link lost -> marked offline
  stats agent_response_s;          ///< alert -> agent on site
  stats repair_s;                  ///< on site -> resolved
  std::int64_t sla_breaches = 0;
  std::int64_t packs_retired = 0;
  std::int64_t messages = 0;       ///< actor messages handled (CAF scheduler events)
};

/// One hour of the run.
struct hourly_sample {
  twin::unix_ms at{};                               ///< start of the hour
  std::int64_t swaps = 0;
  std::map<std::string, std::int64_t> refusals;     ///< reason -> count in the hour
  std::vector<int> ready_packs;                     ///< per station (order of run_report::stations), at the hour's end
  std::vector<int> site_power_w;                    ///< per station, at the hour's end
  std::int64_t stations_offline = 0;
  std::map<std::string, std::int64_t> revenue;      ///< currency -> minor units in the hour
};

/// Everything a run reports.
struct run_report {
  std::string scenario;            ///< name
  std::string digest;              ///< scenario digest
  std::uint64_t seed = 0;
  twin::unix_ms start{}, end{};
  std::string time_zone;
  network_kpi network;
  std::vector<station_kpi> stations;
  std::vector<hourly_sample> hours;
};

/// The KPI summary for people (stdout of `swaptwin sim`): a screenful, money with symbols.
void print_summary(std::ostream& os, const run_report& r);

/// Writes DIR/report.json (network and per-station KPIs; stable keys; no timestamps of the
/// writing), DIR/timeseries.csv (one row per hour) and the charts DIR/swaps_per_hour.svg,
/// DIR/ready_packs.svg, DIR/refusals.svg, DIR/site_power.svg, DIR/revenue_per_day.svg.
/// Same report, same bytes. Creates DIR if needed.
///
/// report.json, keys in this order (field names as above; instants RFC 3339 UTC; money in minor units;
/// every `stats` as {count, mean, p95, max}; maps with keys sorted):
///   {scenario, digest, seed, start, end, time_zone,
///    network: {swaps, refusals, riders_served, riders_gave_up, swap_success_rate, wait_s, walk_m,
///              stockout_station_hours, slot_utilisation, energy_wh, revenue: {currency: {plan kind: minor}},
///              offline_incidents, detection_delay_s, agent_response_s, repair_s, sla_breaches,
///              packs_retired, messages},
///    stations: [{sn, name, swaps, refusals, stockout_hours, slot_utilisation, energy_wh, peak_power_w,
///               power_cap_w, offline_incidents}]}
/// timeseries.csv columns: hour_start (RFC 3339), swaps, refusals (all reasons), stations_offline,
/// ready_packs (network), site_power_w (network), one `revenue:<CUR>` per currency in major units
/// ("105.00", currencies sorted), one `ready:<SN>` per station in run_report::stations order.
/// Fails with errc::invalid_argument naming the directory or file and the system's reason.
twin::status write_outputs(const run_report& r, const std::string& dir);

}  // namespace swaptwin::scenarios
