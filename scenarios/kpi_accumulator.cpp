#include "scenarios/kpi_accumulator.hpp"

#include <cstdio>

namespace swaptwin::scenarios {

namespace {
// More hours than any run has: an event stamped absurdly late is not worth a huge table.
constexpr std::int64_t max_hours = 24 * 366 * 100;
}  // namespace

kpi_accumulator::kpi_accumulator(std::int64_t start_ms, const std::vector<std::string>& station_sns)
    : start_ms_{start_ms}, stations_(station_sns.size()) {
  for (std::size_t i = 0; i < station_sns.size(); ++i) index_[station_sns[i]] = i;
}

kpi_accumulator::per_hour* kpi_accumulator::hour_of(std::int64_t at_ms) {
  // Truncating division, as the report always did: the last ms before the start counts in hour 0.
  const std::int64_t h = (at_ms - start_ms_) / 3600000;
  if (h < 0 || h >= max_hours) return nullptr;
  if (static_cast<std::size_t>(h) >= hours_.size()) hours_.resize(static_cast<std::size_t>(h) + 1);
  return &hours_[static_cast<std::size_t>(h)];
}

void kpi_accumulator::add(const actors::sim_event& e) {
  auto& n = n_;
  per_station* st = nullptr;
  if (auto it = index_.find(e.station_sn); it != index_.end()) st = &stations_[it->second];
  if (e.kind == "swap") {
    ++n.swaps;
    if (st) ++st->swaps;
    if (auto* h = hour_of(e.at_ms)) ++h->swaps;
  } else if (e.kind == "refused") {
    ++n.refusals[e.code];
    if (st) ++st->refusals[e.code];
    if (auto* h = hour_of(e.at_ms)) ++h->refusals[e.code];
  } else if (e.kind == "served") {
    served_.insert(e.rider_id);
    wait_s_.push_back(static_cast<double>(e.value) / 1000.0);
    walk_m_.push_back(static_cast<double>(e.value2));
  } else if (e.kind == "gave_up") {
    ++n.riders_gave_up;
  } else if (e.kind == "retired") {
    ++n.packs_retired;
  } else if (e.kind == "offline") {
    ++n.offline_incidents;
    if (st) ++st->offline_incidents;
    if (e.value > 0) detection_s_.push_back(static_cast<double>(e.value) / 1000.0);
  } else if (e.kind == "on_site") {
    response_s_.push_back(static_cast<double>(e.value) / 1000.0);
  } else if (e.kind == "resolved") {
    if (e.value > 0) repair_s_.push_back(static_cast<double>(e.value) / 1000.0);
    n.sla_breaches += e.value2;
  } else if (e.kind == "charge") {
    n.revenue[e.text][e.code] += e.value;
    if (auto* h = hour_of(e.at_ms)) h->revenue[e.text] += e.value;
  }
}

run_report kpi_accumulator::finish(const scenario& sc, std::uint64_t seed, twin::unix_ms end,
                                   std::vector<hourly_sample> hours, std::vector<station_kpi> stations,
                                   std::int64_t messages) && {
  run_report r;
  r.scenario = sc.name;
  r.digest = sc.digest;
  r.seed = seed;
  r.start = sc.start;
  r.end = end;
  r.time_zone = sc.time_zone;
  auto& n = n_;
  n.messages = messages;
  for (std::size_t i = 0; i < stations.size() && i < stations_.size(); ++i) {
    auto& s = stations_[i];
    stations[i].swaps += s.swaps;
    stations[i].offline_incidents += s.offline_incidents;
    for (auto& [code, count] : s.refusals) stations[i].refusals[code] += count;
  }
  for (std::size_t i = 0; i < hours.size() && i < hours_.size(); ++i) {
    auto& h = hours_[i];
    hours[i].swaps += h.swaps;
    for (auto& [code, count] : h.refusals) hours[i].refusals[code] += count;
    for (auto& [currency, minor] : h.revenue) hours[i].revenue[currency] += minor;
  }
  n.riders_served = static_cast<std::int64_t>(served_.size());
  const auto attempts = n.swaps + n.riders_gave_up;
  n.swap_success_rate = attempts ? static_cast<double>(n.swaps) / static_cast<double>(attempts) : 0.0;
  n.detection_delay_s = summarise(std::move(detection_s_));
  n.agent_response_s = summarise(std::move(response_s_));
  n.repair_s = summarise(std::move(repair_s_));
  n.wait_s = summarise(std::move(wait_s_));
  n.walk_m = summarise(std::move(walk_m_));
  for (std::size_t i = 0; i < stations.size(); ++i) {
    n.stockout_station_hours += stations[i].stockout_hours;
    n.energy_wh += stations[i].energy_wh;
    n.slot_utilisation += stations[i].slot_utilisation / static_cast<double>(stations.size());
  }
  r.network = std::move(n);
  r.stations = std::move(stations);
  r.hours = std::move(hours);
  return r;
}

void event_digest::bytes(const void* p, std::size_t n) noexcept {
  const auto* b = static_cast<const unsigned char*>(p);
  for (std::size_t i = 0; i < n; ++i) {
    h_ ^= b[i];
    h_ *= 0x100000001b3ull;
  }
}

void event_digest::add(const actors::sim_event& e) noexcept {
  // Numbers as fixed-width little-endian bytes, strings with their length: no two events fold alike.
  auto number = [this](std::int64_t v) {
    unsigned char b[8];
    for (int i = 0; i < 8; ++i) b[i] = static_cast<unsigned char>(static_cast<std::uint64_t>(v) >> (8 * i));
    bytes(b, sizeof b);
  };
  auto text = [&](const std::string& s) {
    number(static_cast<std::int64_t>(s.size()));
    bytes(s.data(), s.size());
  };
  number(e.at_ms);
  text(e.kind);
  text(e.station_sn);
  text(e.rider_id);
  text(e.code);
  number(e.value);
  number(e.value2);
  text(e.text);
}

std::string event_digest::hex() const {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h_));
  return buf;
}

}  // namespace swaptwin::scenarios
