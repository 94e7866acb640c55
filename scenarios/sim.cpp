#include "scenarios/sim.hpp"

#include <algorithm>

#include "scenarios/kpi_accumulator.hpp"
#include "scenarios/sim_session.hpp"

namespace swaptwin::scenarios {

double simulated_days(const scenario& sc, const sim_options& opt) {
  // As simulate() computes its end: whole ms, then days.
  const auto ms = opt.days ? static_cast<std::int64_t>(*opt.days * 86400000.0) : sc.duration.count();
  return static_cast<double>(ms) / 86400000.0;
}

twin::result<sim_output> simulate(const scenario& sc, const sim_options& opt) {
  auto session = sim_session::open(sc, opt);
  if (!session) return session.err();
  auto& s = **session;
  // Hour by hour, for the progress bar (the session samples the stations at the same instants).
  for (std::int64_t t = s.start_ms(); t < s.end_ms();) {
    t = std::min(s.end_ms(), t + 3600000);
    s.advance_to(t);
    if (opt.progress) opt.progress(static_cast<double>(t - s.start_ms()) / static_cast<double>(s.end_ms() - s.start_ms()));
  }
  return s.finish();
}

run_report build_report(const scenario& sc, std::uint64_t seed, twin::unix_ms end,
                        const std::vector<actors::sim_event>& events, std::vector<hourly_sample> hours,
                        std::vector<station_kpi> stations, std::int64_t messages) {
  std::vector<std::string> sns;
  for (const auto& s : stations) sns.push_back(s.sn);
  kpi_accumulator acc{twin::to_ms(sc.start), sns};
  for (const auto& e : events) acc.add(e);
  return std::move(acc).finish(sc, seed, end, std::move(hours), std::move(stations), messages);
}

}  // namespace swaptwin::scenarios
