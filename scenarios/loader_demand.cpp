// Loader steps for demand and disturbances: rider populations and faults.
#include <cmath>
#include <exception>

#include <date/tz.h>

#include "scenarios/loader_internal.hpp"
#include "twin/station.hpp"

namespace swaptwin::scenarios::detail {
namespace {

constexpr double share_tolerance = 1e-6;

zone read_zone(const node& parent, std::string_view field, const v1::Scenario::Zone& z) {
  const node n = parent.child(field);
  zone out{read_point(n, z.has_lat(), z.lat(), z.has_lon(), z.lon()), z.radius_m()};
  if (check(n, "radius_m", z.radius_m(), z.radius_m() > 0, "a radius", "metres, more than 0", true))
    at_most(n, "radius_m", z.radius_m(), 200000, "metres", "a metropolitan area; the radius is in metres");
  return out;
}

const twin::country_policy* find_country(const context& c, const std::string& code) {
  for (const auto& p : c.out.countries)
    if (p.country == code) return &p;
  return nullptr;
}

const twin::plan* find_plan(const context& c, const std::string& id) {
  for (const auto& p : c.out.plans)
    if (p.id == id) return &p;
  return nullptr;
}

void read_plan_mix(context& c, const v1::Scenario::Population& x, const node& n, population_spec& p,
                   const twin::country_policy* country) {
  if (x.plan_mix_size() == 0) {
    n.fail("plan_mix", "missing (expected plan_mix entries { plan: \"...\" share: ... } summing to 1)");
    return;
  }
  double sum = 0;
  bool fine = true;
  id_set seen;
  for (int k = 0; k < x.plan_mix_size(); ++k) {
    const auto& y = x.plan_mix(k);
    const node m = n.child("plan_mix", k);
    p.plan_mix.push_back(plan_share{y.plan(), y.share()});
    fine &= check(m, "share", y.share(), within(y.share(), 0, 1), "a share", "0..1", true);
    sum += y.share();
    if (y.plan().empty()) {
      m.fail("plan", "missing (expected a plan id)");
      fine = false;
      continue;
    }
    const auto* plan = find_plan(c, y.plan());
    if (plan == nullptr) {
      std::vector<std::string> ids;
      for (const auto& q : c.out.plans) ids.push_back(q.id);
      m.fail("plan", "unknown plan " + quoted(y.plan()) + " (expected " + one_of(ids) + ")", twin::errc::plan_unknown);
      fine = false;
      continue;
    }
    fine &= seen.add(y.plan(), m, "plan", twin::errc::plan_duplicate, "plan in this mix");
    if (country != nullptr && plan->currency != country->currency) {
      m.fail("plan", "plan " + quoted(plan->id) + " is priced in " + plan->currency + " but riders of " +
                         country->country + " pay in " + country->currency + " (expected a " + country->currency +
                         " plan)",
             twin::errc::currency_mismatch);
      fine = false;
    }
  }
  if (fine && std::abs(sum - 1) > share_tolerance)
    n.fail("plan_mix", "shares sum to " + num(sum) + " (expected 1)");
}

void read_population(context& c, int i) {
  const auto& x = c.msg.populations(i);
  const node n = c.root.child("populations", i);
  population_spec p;
  p.name = x.name();
  if (x.name().empty())
    n.fail("name", "missing (expected a population name)");
  else if (x.name().size() > 30 || !twin::validate_sn(x.name()).empty())  // rider ids and pack SNs derive from it
    n.fail("name", quoted(x.name()) + " must be 1..30 letters, digits, '-', '_' or '.'");
  else
    c.populations.add(x.name(), n, "name", twin::errc::invalid_argument, "population name");
  p.count = x.count();
  p.country = x.country();
  const twin::country_policy* country = nullptr;
  if (x.country().empty()) {
    n.fail("country", "missing (expected a country code of countries)");
  } else if ((country = find_country(c, x.country())) == nullptr) {
    std::vector<std::string> codes;
    for (const auto& q : c.out.countries) codes.push_back(q.country);
    n.fail("country", "unknown country " + quoted(x.country()) + " (expected " + one_of(codes) + ")",
           twin::errc::country_unknown);
  }
  p.model_id = x.model();
  known_model(c, n, "model", x.model());
  p.arrivals_per_hour = x.arrivals_per_hour();
  p.station_sn = x.station();
  const bool queueing = x.arrivals_per_hour() > 0;
  if (check(n, "arrivals_per_hour", x.arrivals_per_hour(), x.arrivals_per_hour() >= 0, "an arrival rate",
            "per hour, 0 = riding mode"))
    at_most(n, "arrivals_per_hour", x.arrivals_per_hour(), 3600, "per hour",
            "a cabinet serves at most one a second; spread the demand over several stations");
  if (queueing) {
    check(n, "count", x.count(), x.count() >= 0, "a rider count", "0 or more");
    if (x.station().empty())
      n.fail("station", "missing (expected the SN of the station riders arrive at when arrivals_per_hour > 0)");
    else if (!c.stations.has(x.station()))
      n.fail("station", "unknown station " + quoted(x.station()) + " (expected the SN of a station)",
             twin::errc::station_unknown);
  } else {
    check(n, "count", x.count(), x.count() > 0, "a rider count", "1 or more", true);
    if (!x.station().empty())
      n.fail("station", "is only for queueing mode (expected no station, or arrivals_per_hour > 0)");
    if (!x.has_home())
      n.fail_here("no home zone (expected home { lat: ... lon: ... radius_m: ... })");
    if (!x.has_work())
      n.fail_here("no work zone (expected work { lat: ... lon: ... radius_m: ... })");
    if (check(n, "km_per_day_mean", x.km_per_day_mean(), x.km_per_day_mean() > 0, "a daily distance",
              "km, more than 0", true))
      at_most(n, "km_per_day_mean", x.km_per_day_mean(), 1000, "km", "a day of riding; the distance is in km");
  }
  if (x.has_home()) p.home = read_zone(n, "home", x.home());
  if (x.has_work()) p.work = read_zone(n, "work", x.work());
  p.km_per_day_mean = x.km_per_day_mean();
  p.km_per_day_sd = x.km_per_day_sd();
  if (check(n, "km_per_day_sd", p.km_per_day_sd, p.km_per_day_sd >= 0, "a standard deviation", "km, 0 or more"))
    at_most(n, "km_per_day_sd", p.km_per_day_sd, 1000, "km", "a day of riding; the distance is in km");
  if (x.has_wh_per_km()) p.wh_per_km = x.wh_per_km();
  if (x.has_swap_threshold_soc()) p.swap_threshold_soc = x.swap_threshold_soc();
  if (x.has_kyc_verified_share()) p.kyc_verified_share = x.kyc_verified_share();
  if (x.has_patience_min()) p.patience_min = x.patience_min();
  if (x.has_walk_speed_kmh()) p.walk_speed_kmh = x.walk_speed_kmh();
  if (x.has_ride_start_h()) p.ride_start_h = x.ride_start_h();
  if (x.has_ride_end_h()) p.ride_end_h = x.ride_end_h();
  if (!x.time_zone().empty()) {
    p.time_zone = x.time_zone();
    try {
      (void)date::locate_zone(p.time_zone);
    } catch (const std::exception&) {
      n.fail("time_zone", quoted(p.time_zone) + " is not an IANA time zone (expected e.g. \"Africa/Nairobi\")");
    }
  }
  check(n, "ride_start_h", p.ride_start_h, p.ride_start_h >= 0 && p.ride_start_h <= 23, "an hour", "0..23");
  check(n, "ride_end_h", p.ride_end_h, p.ride_end_h > p.ride_start_h && p.ride_end_h <= 24, "an hour",
        "after ride_start_h, at most 24");
  if (check(n, "wh_per_km", p.wh_per_km, p.wh_per_km > 0, "a consumption", "Wh per km, more than 0"))
    at_most(n, "wh_per_km", p.wh_per_km, 1000, "Wh per km", "a two-wheeler needs 20 to 50, a car 200");
  check(n, "swap_threshold_soc", p.swap_threshold_soc, p.swap_threshold_soc > 0 && p.swap_threshold_soc < 1,
        "a SoC threshold", "more than 0, less than 1");
  check(n, "kyc_verified_share", p.kyc_verified_share, within(p.kyc_verified_share, 0, 1), "a share", "0..1");
  if (check(n, "patience_min", p.patience_min, p.patience_min >= 0, "a patience", "minutes, 0 or more"))
    at_most(n, "patience_min", p.patience_min, 1440, "minutes", "a day; the time is in minutes");
  if (check(n, "walk_speed_kmh", p.walk_speed_kmh, p.walk_speed_kmh >= 1, "a speed", "km/h, at least 1"))
    at_most(n, "walk_speed_kmh", p.walk_speed_kmh, 200, "km/h", "the speed is in km/h");
  read_plan_mix(c, x, n, p, country);
  c.out.populations.push_back(std::move(p));
}

bool fault_kind_from(std::string_view s, fault_kind& out) {
  if (s == "link_outage") out = fault_kind::link_outage;
  else if (s == "slot_fault") out = fault_kind::slot_fault;
  else if (s == "over_temperature") out = fault_kind::over_temperature;
  else return false;
  return true;
}

const station_spec* find_station(const context& c, const std::string& sn) {
  for (const auto& s : c.out.stations)
    if (s.sn == sn) return &s;
  return nullptr;
}

void read_fault(context& c, int i) {
  const auto& x = c.msg.faults(i);
  const node n = c.root.child("faults", i);
  fault_spec f;
  const char* kinds = "\"link_outage\", \"slot_fault\" or \"over_temperature\"";
  if (x.kind().empty())
    n.fail("kind", std::string{"missing (expected "} + kinds + ")");
  else if (!fault_kind_from(x.kind(), f.kind))
    n.fail("kind", quoted(x.kind()) + " is not a fault kind (expected " + kinds + ")");
  f.station_sn = x.station();
  f.slot = x.slot();
  f.duration_min = x.duration_min();
  f.rate_per_station_day = x.rate_per_station_day();
  if (check(n, "duration_min", f.duration_min, f.duration_min >= 0, "a duration", "minutes, 0 = until repaired"))
    at_most(n, "duration_min", f.duration_min, limit::days * 1440, "minutes",
            "the longest run; 0 means until repaired");
  if (f.duration_min > 0 && f.kind != fault_kind::link_outage)
    n.fail("duration_min", "only link outages have a duration (expected no duration_min for " + x.kind() + ")");
  const bool slot_kind = f.kind != fault_kind::link_outage;
  if (x.at().empty()) {  // random
    if (check(n, "rate_per_station_day", f.rate_per_station_day, f.rate_per_station_day > 0, "a fault rate",
              "faults per station-day, more than 0; or `at` for a scheduled fault", true))
      at_most(n, "rate_per_station_day", f.rate_per_station_day, 100, "faults per station-day",
              "a fault every 15 minutes at every cabinet");
    if (!x.station().empty())
      n.fail("station", "random faults strike every station (expected `at` for a scheduled fault, or no station)");
    if (f.slot != 0) n.fail("slot", "random faults choose their slot (expected no slot, or `at` for a scheduled fault)");
    c.out.faults.push_back(std::move(f));
    return;
  }
  if (x.rate_per_station_day() != 0)
    n.fail("rate_per_station_day", "a scheduled fault has no rate (expected either `at` or rate_per_station_day)");
  if (auto t = twin::parse_instant(x.at())) {
    f.at = *t;
    const auto end = c.out.start + c.out.duration;
    const bool run_known = twin::parse_instant(c.msg.start()).has_value() && c.out.duration.count() > 0;
    if (run_known && (*t < c.out.start || *t >= end))
      n.fail("at", quoted(x.at()) + " is outside the run (expected from " + twin::format_instant(c.out.start) +
                       " to before " + twin::format_instant(end) + ")");
  } else {
    n.fail("at", quoted(x.at()) + " is not an instant (expected UTC like \"2026-11-23T10:00:00Z\")");
  }
  const station_spec* s = nullptr;
  if (x.station().empty())
    n.fail("station", "missing (expected the SN of the station a scheduled fault strikes)");
  else if ((s = find_station(c, x.station())) == nullptr)
    n.fail("station", "unknown station " + quoted(x.station()) + " (expected the SN of a station)",
           twin::errc::station_unknown);
  if (!slot_kind && f.slot != 0)
    n.fail("slot", "a link outage takes the whole station (expected no slot)");
  else if (s != nullptr && s->slots > 0)
    check(n, "slot", f.slot, f.slot >= 0 && f.slot <= s->slots, "a slot of this station",
          "0 = chosen by the seed, or 1.." + std::to_string(s->slots));
  c.out.faults.push_back(std::move(f));
}

}  // namespace

void read_populations(context& c) {
  for (int i = 0; i < c.msg.populations_size(); ++i) read_population(c, i);
}

void read_faults(context& c) {
  for (int i = 0; i < c.msg.faults_size(); ++i) read_fault(c, i);
}

}  // namespace swaptwin::scenarios::detail
