#pragma once
/// Positions on the Earth.

namespace swaptwin::twin {

/// WGS 84 latitude and longitude in degrees.
struct geo_point {
  double lat = 0.0;
  double lon = 0.0;
};

/// Great-circle distance between `a` and `b` in metres (haversine).
double distance_m(geo_point a, geo_point b) noexcept;

/// True when `p` is a valid position (lat in [-90, 90], lon in [-180, 180]).
bool valid(geo_point p) noexcept;

}  // namespace swaptwin::twin
