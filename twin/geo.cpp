#include "twin/geo.hpp"

#include <cmath>

namespace swaptwin::twin {

double distance_m(geo_point a, geo_point b) noexcept {
  constexpr double earth_radius_m = 6371008.8;
  constexpr double rad = 3.14159265358979323846 / 180.0;
  double dlat = (b.lat - a.lat) * rad, dlon = (b.lon - a.lon) * rad;
  double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
             std::cos(a.lat * rad) * std::cos(b.lat * rad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * earth_radius_m * std::asin(std::sqrt(h));
}

bool valid(geo_point p) noexcept {
  return std::isfinite(p.lat) && std::isfinite(p.lon) && p.lat >= -90 && p.lat <= 90 && p.lon >= -180 &&
         p.lon <= 180;
}

}  // namespace swaptwin::twin
