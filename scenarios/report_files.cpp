// The files of a run: report.json, timeseries.csv and the SVG charts, written byte-for-byte the same
// for the same report.

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <set>
#include <system_error>

#include <nlohmann/json.hpp>

#include "scenarios/report.hpp"
#include "scenarios/report_internal.hpp"

namespace swaptwin::scenarios {

namespace {

using nlohmann::ordered_json;
using namespace detail;

ordered_json to_json(const stats& s) {
  return ordered_json{{"count", s.count}, {"mean", s.mean}, {"p95", s.p95}, {"max", s.max}};
}

ordered_json to_json(const std::map<std::string, std::int64_t>& m) {
  ordered_json j = ordered_json::object();
  for (const auto& [k, v] : m) j[k] = v;
  return j;
}

ordered_json to_json(const network_kpi& n) {
  ordered_json revenue = ordered_json::object();
  for (const auto& [currency, kinds] : n.revenue) revenue[currency] = to_json(kinds);
  ordered_json j;
  j["swaps"] = n.swaps;
  j["refusals"] = to_json(n.refusals);
  j["riders_served"] = n.riders_served;
  j["riders_gave_up"] = n.riders_gave_up;
  j["swap_success_rate"] = n.swap_success_rate;
  j["wait_s"] = to_json(n.wait_s);
  j["walk_m"] = to_json(n.walk_m);
  j["stockout_station_hours"] = n.stockout_station_hours;
  j["slot_utilisation"] = n.slot_utilisation;
  j["energy_wh"] = n.energy_wh;
  j["revenue"] = std::move(revenue);
  j["offline_incidents"] = n.offline_incidents;
  j["detection_delay_s"] = to_json(n.detection_delay_s);
  j["agent_response_s"] = to_json(n.agent_response_s);
  j["repair_s"] = to_json(n.repair_s);
  j["sla_breaches"] = n.sla_breaches;
  j["packs_retired"] = n.packs_retired;
  j["messages"] = n.messages;
  return j;
}

ordered_json to_json(const station_kpi& s) {
  ordered_json j;
  j["sn"] = s.sn;
  j["name"] = s.name;
  j["swaps"] = s.swaps;
  j["refusals"] = to_json(s.refusals);
  j["stockout_hours"] = s.stockout_hours;
  j["slot_utilisation"] = s.slot_utilisation;
  j["energy_wh"] = s.energy_wh;
  j["peak_power_w"] = s.peak_power_w;
  j["power_cap_w"] = s.power_cap_w;
  j["offline_incidents"] = s.offline_incidents;
  return j;
}

std::string report_json(const run_report& r) {
  ordered_json j;
  j["scenario"] = r.scenario;
  j["digest"] = r.digest;
  j["seed"] = r.seed;
  j["start"] = twin::format_instant(r.start);
  j["end"] = twin::format_instant(r.end);
  j["time_zone"] = r.time_zone;
  j["network"] = to_json(r.network);
  ordered_json stations = ordered_json::array();
  for (const auto& s : r.stations) stations.push_back(to_json(s));
  j["stations"] = std::move(stations);
  // Replace invalid UTF-8 in names rather than throwing: a report is still worth writing.
  return j.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

// RFC 4180 quoting, only when needed.
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string timeseries_csv(const run_report& r) {
  std::set<std::string> currencies;
  for (const auto& [c, kinds] : r.network.revenue) currencies.insert(c);
  for (const auto& h : r.hours)
    for (const auto& [c, v] : h.revenue) currencies.insert(c);

  std::string out = "hour_start,swaps,refusals,stations_offline,ready_packs,site_power_w";
  for (const auto& c : currencies) out += "," + csv_field("revenue:" + c);
  for (const auto& s : r.stations) out += "," + csv_field("ready:" + s.sn);
  out += '\n';
  for (const auto& h : r.hours) {
    out += twin::format_instant(h.at) + ',' + std::to_string(h.swaps) + ',' + std::to_string(total(h.refusals)) + ',' +
           std::to_string(h.stations_offline) + ',' + std::to_string(ready_total(h)) + ',' +
           std::to_string(power_total(h));
    for (const auto& c : currencies) {
      auto it = h.revenue.find(c);
      out += ',' + major_units(it == h.revenue.end() ? 0 : it->second, c);
    }
    for (std::size_t i = 0; i < r.stations.size(); ++i) {
      out += ',';
      // An empty cell, not a made-up zero, when the simulator sampled fewer stations.
      if (i < h.ready_packs.size()) out += std::to_string(h.ready_packs[i]);
    }
    out += '\n';
  }
  return out;
}

twin::status write_file(const std::filesystem::path& path, const std::string& content) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) {
    int e = errno;
    return twin::error{twin::errc::invalid_argument,
                       "cannot open " + path.string() + " for writing: " + std::generic_category().message(e)};
  }
  std::size_t written = std::fwrite(content.data(), 1, content.size(), f);
  int e = written == content.size() ? 0 : errno;
  if (std::fclose(f) != 0 && e == 0) e = errno ? errno : EIO;
  if (written != content.size() && e == 0) e = EIO;
  if (e != 0)
    return twin::error{twin::errc::invalid_argument,
                       "cannot write " + path.string() + ": " + std::generic_category().message(e)};
  return twin::done{};
}

}  // namespace

twin::status write_outputs(const run_report& r, const std::string& dir) {
  namespace fs = std::filesystem;
  if (dir.empty()) return twin::error{twin::errc::invalid_argument, "output directory is empty"};
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return twin::error{twin::errc::invalid_argument, "cannot create output directory " + dir + ": " + ec.message()};
  if (!fs::is_directory(dir, ec))
    return twin::error{twin::errc::invalid_argument, "output path " + dir + " exists and is not a directory"};

  const std::pair<const char*, std::string> files[] = {
      {"report.json", report_json(r)},
      {"timeseries.csv", timeseries_csv(r)},
      {"swaps_per_hour.svg", chart_swaps_per_hour(r)},
      {"ready_packs.svg", chart_ready_packs(r)},
      {"refusals.svg", chart_refusals(r)},
      {"site_power.svg", chart_site_power(r)},
      {"revenue_per_day.svg", chart_revenue_per_day(r)},
  };
  for (const auto& [name, content] : files) {
    auto st = write_file(fs::path{dir} / name, content);
    if (!st) return st;
  }
  return twin::done{};
}

}  // namespace swaptwin::scenarios
