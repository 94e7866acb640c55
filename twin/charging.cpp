#include "twin/charging.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace swaptwin::twin {

namespace {
constexpr double seconds_per_hour = 3600.0;

// Slope of the taper: accepted = max * (1 - k (soc - knee)) above the knee.
double taper_slope(const charge_params& p) { return (1.0 - p.taper_floor) / (1.0 - p.knee_soc); }

// SoC above which the pack accepts less than `alloc_w` (the allocation stops binding).
double binding_until(const charge_params& p, double alloc_w) {
  if (alloc_w >= p.max_power_w) return p.knee_soc;
  if (alloc_w <= p.taper_floor * p.max_power_w) return 1.0;
  return p.knee_soc + (1.0 - alloc_w / p.max_power_w) / taper_slope(p);
}
}  // namespace

double accepted_power_w(const charge_params& p, double soc) noexcept {
  if (soc < p.knee_soc) return p.max_power_w;
  double s = std::min(soc, 1.0);
  return p.max_power_w * (1.0 - taper_slope(p) * (s - p.knee_soc));
}

double seconds_to_soc(const charge_params& p, double alloc_w, double soc_from, double soc_to) noexcept {
  if (soc_to <= soc_from) return 0.0;
  if (alloc_w <= 0 || p.capacity_wh <= 0 || p.max_power_w <= 0) return std::numeric_limits<double>::infinity();
  soc_to = std::min(soc_to, 1.0);
  const double a = std::min(alloc_w, p.max_power_w);
  const double split = binding_until(p, a);
  double t = 0;
  // Constant power `a` while the pack accepts at least that much.
  double s1 = std::min(soc_to, split);
  if (s1 > soc_from) t += (s1 - soc_from) * p.capacity_wh / a * seconds_per_hour;
  // Then the pack's own taper: dsoc/dt = P (1 - k (soc - knee)) / E.
  double s0 = std::max(soc_from, split);
  if (soc_to > s0) {
    const double k = taper_slope(p);
    const double u0 = 1.0 - k * (s0 - p.knee_soc), u1 = 1.0 - k * (soc_to - p.knee_soc);
    t += p.capacity_wh / (k * p.max_power_w) * std::log(u0 / u1) * seconds_per_hour;
  }
  return t;
}

double soc_after(const charge_params& p, double alloc_w, double soc_from, double seconds) noexcept {
  if (seconds <= 0 || alloc_w <= 0 || p.capacity_wh <= 0 || p.max_power_w <= 0) return soc_from;
  const double a = std::min(alloc_w, p.max_power_w);
  const double split = binding_until(p, a);
  double soc = soc_from;
  double hours = seconds / seconds_per_hour;
  if (soc < split) {
    double need_h = (split - soc) * p.capacity_wh / a;
    if (hours <= need_h) return soc + hours * a / p.capacity_wh;
    hours -= need_h;
    soc = split;
  }
  if (soc >= 1.0) return 1.0;
  const double k = taper_slope(p);
  double u = (1.0 - k * (soc - p.knee_soc)) * std::exp(-k * p.max_power_w * hours / p.capacity_wh);
  return std::min(1.0, p.knee_soc + (1.0 - u) / k);
}

std::vector<double> share_power(double cap_w, const std::vector<double>& demand_w) {
  std::vector<double> out(demand_w.size(), 0.0);
  std::vector<size_t> open(demand_w.size());
  std::iota(open.begin(), open.end(), size_t{0});
  double left = std::max(cap_w, 0.0);
  // Serve the smallest demands first: each round gives everyone left an equal share of what remains.
  std::sort(open.begin(), open.end(), [&](size_t a, size_t b) {
    return demand_w[a] < demand_w[b] || (demand_w[a] == demand_w[b] && a < b);
  });
  size_t i = 0;
  while (i < open.size()) {
    double share = left / static_cast<double>(open.size() - i);
    double want = std::max(demand_w[open[i]], 0.0);
    double give = std::min(want, share);
    out[open[i]] = give;
    left -= give;
    ++i;
  }
  return out;
}

}  // namespace swaptwin::twin
