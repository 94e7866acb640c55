#include "scenarios/world.hpp"

#include "scenarios/sim.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include <date/tz.h>

#include "twin/billing.hpp"

namespace swaptwin::scenarios {

std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t salt, std::uint64_t index) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ull * (salt * 1000003ull + index + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::int64_t utc_offset_ms(const scenario& sc) { return utc_offset_ms(sc, sc.time_zone); }

std::int64_t utc_offset_ms(const scenario& sc, const std::string& zone) {
  try {
    auto at = date::sys_seconds{std::chrono::duration_cast<std::chrono::seconds>(sc.start.time_since_epoch())};
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               date::locate_zone(zone.empty() ? sc.time_zone : zone)->get_info(at).offset)
        .count();
  } catch (const std::exception&) {  // the loader checked the zone; this is only a fallback
    return 0;
  }
}

int riders_in(const population_spec& pop) {
  if (pop.count > 0) return pop.count;
  return pop.arrivals_per_hour > 0 ? 100 : 0;
}

actors::billing_setup billing_accounts(const scenario& sc) {
  actors::billing_setup b;  // by member: the set-up grows fields (a store) that the world leaves unset
  b.countries = sc.countries;
  b.plans = sc.plans;
  b.auto_renew = true;  // simulated riders renew their plans
  return b;
}

namespace {
std::string fault_name(fault_kind k) {
  switch (k) {
    case fault_kind::link_outage: return "link_outage";
    case fault_kind::slot_fault: return "slot_fault";
    case fault_kind::over_temperature: return "over_temperature";
  }
  return "link_outage";
}

// Scheduled faults at this station, then random ones (a Poisson process per rate) over the run.
std::vector<std::pair<std::int64_t, actors::fault>> faults_for(const scenario& sc, std::size_t i, std::uint64_t seed,
                                                               std::int64_t end_ms) {
  std::vector<std::pair<std::int64_t, actors::fault>> out;
  const auto& spec = sc.stations[i];
  std::mt19937_64 rng{derive_seed(seed, 5, i)};
  std::uniform_int_distribution<int> any_slot{1, std::max(1, spec.slots)};
  const auto start_ms = twin::to_ms(sc.start);
  for (const auto& f : sc.faults) {
    const auto duration_ms = static_cast<std::int64_t>(f.duration_min * 60000.0);
    if (f.at && f.station_sn == spec.sn) {
      out.push_back({twin::to_ms(*f.at), actors::fault{fault_name(f.kind), f.slot ? f.slot : any_slot(rng), duration_ms}});
      continue;
    }
    if (f.at || f.rate_per_station_day <= 0) continue;
    std::exponential_distribution<double> gap_days{f.rate_per_station_day};
    for (double t = start_ms + gap_days(rng) * 86400000.0; t < static_cast<double>(end_ms); t += gap_days(rng) * 86400000.0)
      out.push_back({static_cast<std::int64_t>(t), actors::fault{fault_name(f.kind), any_slot(rng), duration_ms}});
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}
}  // namespace

actors::station_setup station_for(const scenario& sc, std::size_t i, std::uint64_t seed, std::int64_t end_ms) {
  const auto& spec = sc.stations[i];
  actors::station_setup out;
  out.station = twin::make_station(spec.sn, spec.name, spec.location, spec.slots, spec.power_cap_w, sc.start);
  out.station.agent_id = spec.agent_id;
  out.station.link.online = true;
  out.station.link.last_seen = sc.start;
  for (const auto& p : spec.packs) {
    twin::battery b;
    b.sn = p.sn;
    b.model_id = p.model_id;
    b.soc = p.soc;
    b.soh = p.soh;
    b.place = twin::pack_place::slot;
    b.place_ref = spec.sn + ":" + std::to_string(p.slot);
    out.packs.push_back(b);
    out.station.slots[static_cast<size_t>(p.slot - 1)] =
        twin::slot{p.slot, p.soc >= sc.charging.ready_soc ? twin::slot_state::ready : twin::slot_state::charging, false,
                   p.sn, p.model_id, p.soc, 0};
  }
  for (const auto& m : sc.models) out.capacity_wh[m.id] = m.capacity_wh;
  out.charger_power_w = spec.charger_power_w;
  const auto& c = sc.charging;
  out.charging = actors::charging_config{c.model == charge_model::exponential, c.ready_soc, c.knee_soc, c.taper_floor,
                                         c.exp_mean_min * 60.0};
  out.seed = derive_seed(seed, 1, i);
  out.heartbeat_ms = static_cast<std::int64_t>(sc.heartbeat_interval_s) * 1000;
  out.offline_after_beats = sc.offline_after_beats;
  out.faults = faults_for(sc, i, seed, end_ms);
  out.soh_loss_per_cycle = sc.ageing.soh_loss_per_cycle;
  out.retire_below_soh = sc.ageing.retire_below_soh;
  return out;
}

namespace {
// A point uniformly in a disc (metres converted to degrees near its centre).
twin::geo_point point_in(const zone& z, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u{0.0, 1.0};
  double r = z.radius_m * std::sqrt(u(rng)), a = u(rng) * 2 * 3.14159265358979323846;
  double dlat = r * std::cos(a) / 111320.0;
  double dlon = r * std::sin(a) / (111320.0 * std::max(0.01, std::cos(z.centre.lat * 3.14159265358979323846 / 180)));
  return {z.centre.lat + dlat, z.centre.lon + dlon};
}

// Stations on a grid of cells, to find a rider's nearest few without measuring every station.
class station_grid {
 public:
  explicit station_grid(const std::vector<station_spec>& st) : st_(st) {
    for (std::size_t i = 0; i < st.size(); ++i) cells_[key(st[i].location)].push_back(i);
  }
  std::vector<std::size_t> nearest(twin::geo_point p, std::size_t k) const {
    std::vector<std::pair<double, std::size_t>> found;
    auto [cx, cy] = cell(p);
    for (int ring = 0; ring < 400; ++ring) {
      for (int dx = -ring; dx <= ring; ++dx)
        for (int dy = -ring; dy <= ring; ++dy) {
          if (std::max(std::abs(dx), std::abs(dy)) != ring) continue;
          auto it = cells_.find(pack(cx + dx, cy + dy));
          if (it == cells_.end()) continue;
          for (auto i : it->second) found.emplace_back(twin::distance_m(p, st_[i].location), i);
        }
      if (found.size() == st_.size()) break;
      // Every station not scanned yet lies outside the block of cells scanned so far: once k found
      // are strictly nearer than the block's nearest edge, no unscanned one can displace them.
      if (found.size() >= k) {
        std::nth_element(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(k - 1), found.end());
        if (found[k - 1].first < outside_block_m(p, cx, cy, ring)) break;
      }
    }
    const auto n = std::min(k, found.size());
    std::partial_sort(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(n), found.end());
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < n; ++i) out.push_back(found[i].second);
    return out;
  }

 private:
  static constexpr double cell_deg_ = 0.01;
  static constexpr double earth_radius_m_ = 6371008.8;  // as twin::distance_m
  static constexpr double rad_ = 3.14159265358979323846 / 180.0;
  // A lower bound of the great-circle distance from `p` to any point outside the cells within
  // `ring` of p's cell: beyond a parallel it is at least the latitude difference; beyond a
  // meridian Δλ away it is at least R asin(cos φ sin Δλ) (the foot of the perpendicular).
  static double outside_block_m(twin::geo_point p, int cx, int cy, int ring) {
    const double south = p.lat - (cx - ring) * cell_deg_, north = (cx + ring + 1) * cell_deg_ - p.lat;
    const double west = p.lon - (cy - ring) * cell_deg_, east = (cy + ring + 1) * cell_deg_ - p.lon;
    const double lat_m = std::min(south, north) * rad_ * earth_radius_m_;
    const double dlon = std::min(std::min(west, east), 90.0) * rad_;
    const double lon_m = earth_radius_m_ * std::asin(std::cos(p.lat * rad_) * std::sin(dlon));
    return std::min(lat_m, lon_m) * (1 - 1e-9);  // a hair under: rounding never lets a nearer one slip
  }
  static std::pair<int, int> cell(twin::geo_point p) {
    return {static_cast<int>(std::floor(p.lat / cell_deg_)), static_cast<int>(std::floor(p.lon / cell_deg_))};
  }
  static std::int64_t pack(int x, int y) {  // unsigned shift: cells south or west of 0 are negative
    return static_cast<std::int64_t>((static_cast<std::uint64_t>(static_cast<std::uint32_t>(x)) << 32) |
                                     static_cast<std::uint32_t>(y));
  }
  static std::int64_t key(twin::geo_point p) {
    auto [x, y] = cell(p);
    return pack(x, y);
  }
  const std::vector<station_spec>& st_;
  std::unordered_map<std::int64_t, std::vector<std::size_t>> cells_;
};
}  // namespace

rider_plans riders_for(const scenario& sc, std::uint64_t seed) {
  rider_plans out;
  station_grid grid{sc.stations};
  const auto offset_ms = utc_offset_ms(sc);
  std::size_t total = 0;
  for (const auto& pop : sc.populations) total += static_cast<std::size_t>(riders_in(pop));
  out.accounts.reserve(total);
  for (std::size_t pi = 0; pi < sc.populations.size(); ++pi) {
    const auto& pop = sc.populations[pi];
    auto& plan = out.populations.emplace_back();
    std::mt19937_64 rng{derive_seed(seed, 2, pi)};
    std::uniform_real_distribution<double> u{0.0, 1.0};
    const twin::country_policy* policy = nullptr;
    for (const auto& c : sc.countries)
      if (c.country == pop.country) policy = &c;
    int capacity = 1500;
    for (const auto& m : sc.models)
      if (m.id == pop.model_id) capacity = m.capacity_wh;
    const bool riding = pop.arrivals_per_hour <= 0;
    if (riding) {
      plan.shared = std::make_shared<actors::rider_population>();
      auto& p = *plan.shared;
      p.model_id = pop.model_id;
      p.capacity_wh = capacity;
      p.wh_per_km = pop.wh_per_km;
      p.threshold_soc = pop.swap_threshold_soc;
      p.patience_s = pop.patience_min * 60.0;
      p.speed_mps = pop.walk_speed_kmh / 3.6;
      p.ride_start_h = pop.ride_start_h;
      p.ride_end_h = pop.ride_end_h;
      p.utc_offset_ms = pop.time_zone.empty() ? offset_ms : utc_offset_ms(sc, pop.time_zone);
      plan.riders.reserve(static_cast<std::size_t>(riders_in(pop)));
    }
    for (int i = 0; i < riders_in(pop); ++i) {
      twin::rider r;
      r.id = pop.name + "-" + std::to_string(i + 1);
      r.name = r.id;
      r.country = pop.country;
      r.wh_per_km = pop.wh_per_km;
      r.created_at = sc.start;
      r.kyc = u(rng) < pop.kyc_verified_share ? twin::kyc_status::verified : twin::kyc_status::unverified;
      if (r.kyc == twin::kyc_status::verified && policy) {  // verified under the policy: its documents, of age
        r.kyc_documents = policy->kyc_documents;
        std::sort(r.kyc_documents.begin(), r.kyc_documents.end());
        r.birth_date = twin::utc_day(sc.start) - 365 * (20 + static_cast<int>(u(rng) * 30));
      }
      for (const auto& d : sc.deposits)
        if (d.model_id == pop.model_id && policy && d.amount.currency == policy->currency) r.deposits[d.model_id] = d.amount;
      // Plan from the mix; bought before the run starts (its sale is not revenue of the run).
      double pick = u(rng), acc = 0;
      for (const auto& share : pop.plan_mix) {
        acc += share.share;
        if (pick > acc) continue;
        for (const auto& p : sc.plans)
          if (p.id == share.plan_id && policy) {
            auto bought = twin::buy_plan(r, p, *policy, sc.start - std::chrono::hours{1}, "pre:" + r.id);
            if (bought) r = bought->after;
          }
        break;
      }
      if (policy && policy->terms == twin::payment_terms::prepaid) r.balance_minor = prepaid_opening_wallet_minor;
      r.holding_sn = r.id + "-P0";
      r.holding_model = pop.model_id;
      // Drawn for every rider, riding or queueing, so that each population's draws stay in step.
      std::normal_distribution<double> km{pop.km_per_day_mean, pop.km_per_day_sd};
      const double km_per_day = std::max(5.0, km(rng));
      const double soc = pop.swap_threshold_soc + u(rng) * (1.0 - pop.swap_threshold_soc);  // mid-charge at the start
      if (!riding) {
        plan.ids.push_back(r.id);
        out.accounts.push_back(std::move(r));
        continue;
      }
      auto& s = plan.riders.emplace_back();
      s.population = plan.shared;
      s.id = r.id;
      s.km_per_day = km_per_day;
      s.holding_sn = r.holding_sn;
      s.soc = soc;
      s.taken_soc = 1.0;
      // Riders swap near home or near work, wherever they are when the pack runs low: the stations
      // nearest each, at the distance from the nearer of the two.
      auto home = point_in(pop.home, rng);
      auto work = pop.work.radius_m > 0 ? point_in(pop.work, rng) : home;
      std::vector<std::pair<double, std::size_t>> near;
      for (auto from : {home, work})
        for (auto idx : grid.nearest(from, 4)) {
          double d = std::min(twin::distance_m(home, sc.stations[idx].location), twin::distance_m(work, sc.stations[idx].location));
          if (std::none_of(near.begin(), near.end(), [&](const auto& n) { return n.second == idx; })) near.emplace_back(d, idx);
        }
      std::sort(near.begin(), near.end());
      s.nearby.reserve(near.size());
      for (const auto& [d, idx] : near) s.nearby.push_back(actors::nearby_station{static_cast<std::uint32_t>(idx), d});
      out.accounts.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace swaptwin::scenarios
