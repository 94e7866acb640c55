// The last loader step: the size of the run, projected from the scenario before anything runs,
// and the refusal of one too big to finish (hours of CPU, tens of GB of journal) or to fit in
// memory. The estimate is of a typical run, calibrated on the bundled scenarios (scenarios/README.md,
// "Limits"); it guards against absurd inputs and is not a prediction.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "scenarios/loader_internal.hpp"

namespace swaptwin::scenarios {
namespace {

// Journal events per swap (the swap, its charge, the pack ready again, and the searches riders
// gave up meanwhile), per queueing arrival and per fault (the fault, its alert, the work order's
// steps, the repair); bytes per event in journal.bin. Measured on the bundled scenarios (README).
constexpr double events_per_swap = 4;
constexpr double events_per_arrival = 3;
constexpr double events_per_fault = 10;
constexpr double journal_bytes_per_event = 64;
// Memory: a rider (its actor, account and set-up, and its pack's actor once a station sees it), a
// slot (its actor and its pack's), a swap (ledger postings, KPI samples, the station's answer), an
// hourly station sample (ready packs and site power), and the rest of a run. Measured (README).
constexpr double bytes_per_rider = 5000;
constexpr double bytes_per_slot = 3500;
constexpr double bytes_per_swap = 200;
constexpr double bytes_per_station_hour = 8;
constexpr double bytes_per_run = 64e6;

// Swaps a day of one rider of `pop`: the energy of the km they ride over what a pack gives from
// full down to the swap threshold.
double swaps_a_day(const scenario& sc, const population_spec& pop) {
  int capacity_wh = 1500;  // world.cpp's default when the model is not found
  for (const auto& m : sc.models)
    if (m.id == pop.model_id) capacity_wh = m.capacity_wh;
  const double usable_wh = std::max(1, capacity_wh) * std::max(1e-3, 1 - pop.swap_threshold_soc);
  return std::max(5.0, pop.km_per_day_mean) * pop.wh_per_km / usable_wh;  // world.cpp rides at least 5 km
}

// Riders of `pop`: its count, or the pool of 100 walk-ins of a queueing population without one.
double riders_of(const population_spec& pop) {
  return pop.count > 0 ? pop.count : (pop.arrivals_per_hour > 0 ? 100 : 0);
}

}  // namespace

run_projection project_run(const scenario& sc, double days) {
  run_projection p;
  p.days = days;
  const double stations = static_cast<double>(sc.stations.size());
  double riders = 0, slots = 0;
  for (const auto& pop : sc.populations) {
    riders += riders_of(pop);
    if (pop.arrivals_per_hour > 0)
      p.arrivals += pop.arrivals_per_hour * 24 * days;
    else
      p.swaps += pop.count * swaps_a_day(sc, pop) * days;
  }
  for (const auto& s : sc.stations) slots += s.slots;
  for (const auto& f : sc.faults) p.faults += f.at ? 1 : f.rate_per_station_day * stations * days;
  p.heartbeats = stations * days * 86400 / std::max(1, sc.heartbeat_interval_s);
  p.journal_events = events_per_swap * p.swaps + events_per_arrival * p.arrivals + events_per_fault * p.faults;
  p.events = p.journal_events + p.heartbeats;
  p.journal_bytes = p.journal_events * journal_bytes_per_event;
  p.station_hours = stations * std::ceil(days * 24);
  p.memory_bytes = bytes_per_run + riders * bytes_per_rider + slots * bytes_per_slot +
                   (p.swaps + p.arrivals) * bytes_per_swap + p.station_hours * bytes_per_station_hour;
  return p;
}

namespace detail {
namespace {

// 288, 45.2 thousand, 1.35 billion.
std::string approx(double v) {
  struct scale {
    double from, divisor;
    const char* word;
  };
  static constexpr scale scales[] = {
      {1e12, 1e12, "trillion"}, {1e9, 1e9, "billion"}, {1e6, 1e6, "million"}, {1e4, 1e3, "thousand"}};
  char buf[64];
  for (const auto& s : scales)
    if (v >= s.from) {
      std::snprintf(buf, sizeof buf, "%.3g %s", v / s.divisor, s.word);
      return buf;
    }
  std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

// 81 GB, 5.8 MB (decimal units, as disks and memory sizes are printed by df -H and free --si).
std::string bytes(double v) {
  static constexpr std::pair<double, const char*> units[] = {
      {1e15, "PB"}, {1e12, "TB"}, {1e9, "GB"}, {1e6, "MB"}, {1e3, "kB"}};
  char buf[64];
  for (const auto& [unit, name] : units)
    if (v >= unit) {
      std::snprintf(buf, sizeof buf, "%.3g %s", v / unit, name);
      return buf;
    }
  std::snprintf(buf, sizeof buf, "%.0f bytes", v);
  return buf;
}

std::string short_num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

// One source of the projected size: where it is written and what to do about it.
struct driver {
  double amount;
  node at;
  std::string field;
  std::string what;    // "2000000 riders at 1.92 swaps a day"
  std::string advice;  // "simulate a sample of the riders and scale the results"
};

constexpr const char* sample_riders = "simulate a sample of the riders and scale the results";

// Sorts `drivers` biggest first and records the error at the biggest: "the run would SIZE; WHAT
// (PATH), WHAT (PATH) (expected LIMIT; ITS ADVICE, or REMEDY)", naming three drivers at most.
void refuse(std::vector<driver> drivers, const std::string& size, const std::string& limit_text,
            const std::string& remedy) {
  std::stable_sort(drivers.begin(), drivers.end(), [](const driver& a, const driver& b) { return a.amount > b.amount; });
  std::string from;
  for (std::size_t i = 0; i < drivers.size() && i < 3 && drivers[i].amount > 0 && !drivers[i].what.empty(); ++i)
    from += (i ? ", " : "; ") + drivers[i].what + " (" + drivers[i].at.path_of(drivers[i].field) + ")";
  const auto& top = drivers.front();
  top.at.fail(top.field, "the run would " + size + from + " (expected " + limit_text + "; " + top.advice + ", or " +
                             remedy + ")");
}

// The sources of the projected events, one per kind (riders' swaps, arrivals, random faults,
// heartbeats), each at the line of its biggest entry.
std::vector<driver> event_drivers(const context& c, const run_projection& p) {
  const scenario& sc = c.out;
  const node& r = c.root;
  std::vector<driver> out;
  int riders_at = -1, arrivals_at = -1, populations = 0;
  double riders = 0, rate = 0;
  for (int i = 0; i < static_cast<int>(sc.populations.size()); ++i) {
    const auto& pop = sc.populations[static_cast<std::size_t>(i)];
    if (pop.arrivals_per_hour > 0) {
      rate += pop.arrivals_per_hour;
      if (arrivals_at < 0 || pop.arrivals_per_hour > sc.populations[static_cast<std::size_t>(arrivals_at)].arrivals_per_hour)
        arrivals_at = i;
      continue;
    }
    const auto swaps = [&](int k) {
      const auto& q = sc.populations[static_cast<std::size_t>(k)];
      return q.count * swaps_a_day(sc, q);
    };
    riders += pop.count;
    ++populations;
    if (riders_at < 0 || swaps(i) > swaps(riders_at)) riders_at = i;
  }
  if (riders_at >= 0)
    out.push_back({events_per_swap * p.swaps, r.child("populations", riders_at), "count",
                   approx(events_per_swap * p.swaps) + " from the swaps of " + num(riders) + " riders" +
                       (populations > 1 ? " of " + std::to_string(populations) + " populations" : std::string{}) +
                       " at " + short_num(p.swaps / riders / p.days) + " a day each",
                   sample_riders});
  if (arrivals_at >= 0)
    out.push_back({events_per_arrival * p.arrivals, r.child("populations", arrivals_at), "arrivals_per_hour",
                   approx(events_per_arrival * p.arrivals) + " from " + num(rate) + " arrivals an hour",
                   "lower arrivals_per_hour"});
  int faults_at = -1;
  double fault_rate = 0;
  for (int i = 0; i < static_cast<int>(sc.faults.size()); ++i) {
    const auto& f = sc.faults[static_cast<std::size_t>(i)];
    if (f.at) continue;  // one each: counted, never the place to act
    fault_rate += f.rate_per_station_day;
    if (faults_at < 0 || f.rate_per_station_day > sc.faults[static_cast<std::size_t>(faults_at)].rate_per_station_day)
      faults_at = i;
  }
  if (faults_at >= 0)
    out.push_back({events_per_fault * p.faults, r.child("faults", faults_at), "rate_per_station_day",
                   approx(events_per_fault * p.faults) + " from faults at " + num(fault_rate) + " a station-day",
                   "lower rate_per_station_day"});
  const auto stations = sc.stations.size();
  out.push_back({p.heartbeats, r, "heartbeat_interval_s",
                 approx(p.heartbeats) + " heartbeats of " + std::to_string(stations) +
                     (stations == 1 ? " station" : " stations") + " every " + std::to_string(sc.heartbeat_interval_s) +
                     " s",
                 std::string{"raise heartbeat_interval_s"} + (sc.heartbeat_interval_s < 300 ? " (metro beats every 300 s)" : "")});
  return out;
}

double machine_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page > 0 ? static_cast<double>(pages) * static_cast<double>(page) : 0;
}

}  // namespace

void check_run_size(context& c, const load_options& opt) {
  const node& r = c.root;
  const scenario& sc = c.out;
  if (opt.days && !(*opt.days > 0 && *opt.days <= limit::days)) {  // the command line's: no line
    r.sink().add(0, twin::errc::invalid_argument, "--days",
                 num(*opt.days) + " is not a duration (expected days, more than 0 and at most " + num(limit::days) + ")");
    return;
  }
  const double days = opt.days ? *opt.days : static_cast<double>(sc.duration.count()) / 86'400'000.0;
  const std::string days_field = opt.days ? "--days" : "duration_days";
  const std::string fewer_days = "simulate fewer days (" + days_field + ")";
  const auto p = project_run(sc, days);

  if (p.events > limit::events) {
    refuse(event_drivers(c, p),
           "simulate about " + approx(p.events) + " events in " + num(days) + " days and write about " +
               bytes(p.journal_bytes) + " of journal",
           "at most " + approx(limit::events) + " events", fewer_days);
    return;
  }
  if (p.station_hours > limit::station_hours) {
    refuse({{p.station_hours, r, "stations", "", "split the network into regions, one scenario each"}},
           "keep about " + approx(p.station_hours) + " hourly station samples (" + std::to_string(sc.stations.size()) +
               " stations x " + num(std::ceil(days * 24)) + " hours)",
           "at most " + approx(limit::station_hours), fewer_days);
    return;
  }
  const double memory = opt.memory_bytes ? *opt.memory_bytes : machine_memory_bytes();
  if (memory > 0 && p.memory_bytes > memory) {
    std::vector<driver> drivers;
    for (int i = 0; i < static_cast<int>(sc.populations.size()); ++i) {
      const auto& pop = sc.populations[static_cast<std::size_t>(i)];
      drivers.push_back({riders_of(pop) * bytes_per_rider, r.child("populations", i), "count",
                         bytes(riders_of(pop) * bytes_per_rider) + " for " + approx(riders_of(pop)) + " riders",
                         sample_riders});
    }
    double slots = 0;
    for (const auto& s : sc.stations) slots += s.slots;
    drivers.push_back({slots * bytes_per_slot, r, "stations",
                       bytes(slots * bytes_per_slot) + " for " + approx(slots) + " slots",
                       "split the network into regions, one scenario each"});
    drivers.push_back({(p.swaps + p.arrivals) * bytes_per_swap, r, "duration_days",
                       bytes((p.swaps + p.arrivals) * bytes_per_swap) + " for " + approx(p.swaps + p.arrivals) +
                           " swaps and arrivals",
                       fewer_days});
    refuse(std::move(drivers), "need about " + bytes(p.memory_bytes) + " of memory",
           "at most the " + bytes(memory) + " of memory of this machine", "run it on a machine with more memory");
  }
}

}  // namespace detail
}  // namespace swaptwin::scenarios
