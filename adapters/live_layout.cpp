// The shared deterministic layout of emulated cabinets (see live_layout.hpp).
#include "adapters/live_layout.hpp"

namespace swaptwin::adapters::layout {

namespace {
std::string padded(std::size_t n, int width) {
  auto s = std::to_string(n);
  if (static_cast<int>(s.size()) < width) s.insert(0, static_cast<std::size_t>(width) - s.size(), '0');
  return s;
}
}  // namespace

std::string cabinet_sn(const std::string& prefix, std::size_t n, int width) { return prefix + padded(n, width); }

std::string slot_pack_sn(const std::string& sn, int slot) {
  return sn + "-S" + padded(static_cast<std::size_t>(slot), 2);
}

std::string rider_id(const std::string& sn, int r) { return sn + "-R" + padded(static_cast<std::size_t>(r), 2); }

std::string rider_pack_sn(const std::string& sn, int r) {
  return sn + "-H" + padded(static_cast<std::size_t>(r), 2);
}

station station_at(const params& p, std::size_t number) {
  station s;
  s.number = number;
  s.sn = cabinet_sn(p.prefix, number, p.width);
  for (int i = 1; i <= p.slots; ++i) {
    slot sl;
    sl.index = i;
    sl.full = i < p.slots;
    if (sl.full) sl.content = pack{slot_pack_sn(s.sn, i), pack_model, slot_pack_soc, 1.0};
    s.slots.push_back(std::move(sl));
  }
  for (int r = 1; r <= p.riders_per_station; ++r)
    s.riders.push_back(rider{rider_id(s.sn, r), pack{rider_pack_sn(s.sn, r), pack_model, rider_pack_soc, 1.0}});
  return s;
}

std::vector<station> provisioning(const params& p) {
  std::vector<station> out;
  out.reserve(p.stations);
  for (std::size_t i = 0; i < p.stations; ++i) out.push_back(station_at(p, p.first + i));
  return out;
}

}  // namespace swaptwin::adapters::layout
