// KPI statistics, the number formatting shared by every output, and the terminal summary.

#include "scenarios/report.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ostream>
#include <set>

#include "scenarios/report_internal.hpp"
#include "twin/money.hpp"

namespace swaptwin::scenarios {

stats summarise(std::vector<double> values) {
  stats s;
  if (values.empty()) return s;
  // Sorting first also fixes the summation order, so the mean does not depend on the input order.
  std::sort(values.begin(), values.end());
  const auto n = values.size();
  double sum = 0;
  for (double v : values) sum += v;
  s.count = static_cast<std::int64_t>(n);
  s.mean = sum / static_cast<double>(n);
  // Nearest rank: the smallest value with at least 95 % of the sample at or below it.
  // rank = ceil(0.95 n), computed in integers so that n = 20 gives exactly 19.
  const std::size_t rank = (95 * n + 99) / 100;
  s.p95 = values[rank - 1];
  s.max = values.back();
  return s;
}

namespace detail {

std::string fixed(double v, int decimals) {
  if (!std::isfinite(v)) return "n/a";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  if (res.ec != std::errc{}) return "n/a";
  std::string s(buf, res.ptr);
  if (s.front() == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

std::string grouped(std::int64_t v) {
  const bool negative = v < 0;
  // Via unsigned so that INT64_MIN does not overflow on negation.
  std::uint64_t u = negative ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  std::string digits = std::to_string(u), out;
  const std::size_t n = digits.size();
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[i];
    if ((n - i - 1) % 3 == 0 && i + 1 != n) out += ',';
  }
  return negative ? "-" + out : out;
}

int minor_digits(const std::string& currency) {
  auto c = twin::find_currency(currency);
  return c ? c->minor_digits : 2;
}

std::string major_units(std::int64_t minor, const std::string& currency) {
  const int digits = minor_digits(currency);
  std::uint64_t scale = 1;
  for (int i = 0; i < digits; ++i) scale *= 10;
  const bool negative = minor < 0;
  std::uint64_t u = negative ? 0 - static_cast<std::uint64_t>(minor) : static_cast<std::uint64_t>(minor);
  std::string out = (negative ? "-" : "") + std::to_string(u / scale);
  if (digits > 0) {
    std::string frac = std::to_string(u % scale);
    out += '.' + std::string(static_cast<std::size_t>(digits) - frac.size(), '0') + frac;
  }
  return out;
}

std::string format_duration_s(double seconds) {
  if (std::fabs(seconds) < 120) return fixed(seconds, 1) + " s";
  if (std::fabs(seconds) < 3 * 3600) return fixed(seconds / 60, 1) + " min";
  return fixed(seconds / 3600, 2) + " h";
}

std::string format_distance_m(double metres) {
  if (std::fabs(metres) < 1000) return fixed(metres, 0) + " m";
  return fixed(metres / 1000, 2) + " km";
}

std::string format_energy_wh(double wh) {
  if (std::fabs(wh) < 1e6) return fixed(wh / 1000, 1) + " kWh";
  return fixed(wh / 1e6, 2) + " MWh";
}

std::string format_power_w(double w) { return fixed(w / 1000, 1) + " kW"; }

std::vector<std::pair<std::string, std::int64_t>> by_count(const std::map<std::string, std::int64_t>& m) {
  std::vector<std::pair<std::string, std::int64_t>> v(m.begin(), m.end());
  // The map is already ordered by name, so a stable sort keeps name order among equal counts.
  std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return v;
}

std::int64_t total(const std::map<std::string, std::int64_t>& m) {
  std::int64_t t = 0;
  for (const auto& [k, v] : m) t += v;
  return t;
}

std::int64_t ready_total(const hourly_sample& h) {
  std::int64_t t = 0;
  for (int v : h.ready_packs) t += v;
  return t;
}

std::int64_t power_total(const hourly_sample& h) {
  std::int64_t t = 0;
  for (int v : h.site_power_w) t += v;
  return t;
}

int peak_power_station(const run_report& r) {
  int best = -1;
  for (std::size_t i = 0; i < r.stations.size(); ++i) {
    const auto& s = r.stations[i];
    if (best < 0) { best = static_cast<int>(i); continue; }
    const auto& b = r.stations[static_cast<std::size_t>(best)];
    if (s.peak_power_w > b.peak_power_w || (s.peak_power_w == b.peak_power_w && s.sn < b.sn))
      best = static_cast<int>(i);
  }
  return best;
}

std::vector<int> most_stockout_stations(const run_report& r, std::size_t n) {
  std::vector<int> idx(r.stations.size());
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = static_cast<int>(i);
  std::sort(idx.begin(), idx.end(), [&](int a, int b) {
    const auto& sa = r.stations[static_cast<std::size_t>(a)];
    const auto& sb = r.stations[static_cast<std::size_t>(b)];
    if (sa.stockout_hours != sb.stockout_hours) return sa.stockout_hours > sb.stockout_hours;
    return sa.sn != sb.sn ? sa.sn < sb.sn : a < b;
  });
  if (idx.size() > n) idx.resize(n);
  return idx;
}

}  // namespace detail

namespace {

using namespace detail;

// Terminal columns taken by UTF-8 text (one per code point: the symbols used here are all narrow).
std::size_t width(const std::string& s) {
  std::size_t w = 0;
  for (unsigned char c : s) w += (c & 0xC0) != 0x80;
  return w;
}

std::string pad(const std::string& s, std::size_t w) { return s + std::string(w > width(s) ? w - width(s) : 0, ' '); }
std::string rpad(const std::string& s, std::size_t w) { return std::string(w > width(s) ? w - width(s) : 0, ' ') + s; }

// "mean 2.3 min   p95 8.1 min   max 15.0 min   (n = 120)", or a note when nothing was measured.
std::string describe(const stats& s, std::string (*unit)(double)) {
  if (s.count == 0) return "no samples";
  return "mean " + pad(unit(s.mean), 10) + "  p95 " + pad(unit(s.p95), 10) + "  max " + pad(unit(s.max), 10) +
         "  (n = " + grouped(s.count) + ")";
}

void line(std::ostream& os, const std::string& label, const std::string& value) {
  os << "  " << pad(label, 20) << value << '\n';
}

void print_revenue(std::ostream& os, const network_kpi& n) {
  os << "Revenue (net, by currency and plan kind)\n";
  if (n.revenue.empty()) {
    os << "  none\n";
    return;
  }
  for (const auto& [currency, kinds] : n.revenue) {
    std::size_t w = 5;
    std::int64_t sum = 0;
    for (const auto& [kind, minor] : kinds) {
      w = std::max(w, width(twin::format_money_human({minor, currency})));
      sum += minor;
    }
    w = std::max(w, width(twin::format_money_human({sum, currency})));
    bool first = true;
    for (const auto& [kind, minor] : kinds) {
      os << "  " << pad(first ? currency : "", 6) << pad(kind, 14) << rpad(twin::format_money_human({minor, currency}), w)
         << '\n';
      first = false;
    }
    os << "  " << pad(first ? currency : "", 6) << pad("total", 14) << rpad(twin::format_money_human({sum, currency}), w)
       << '\n';
  }
}

void print_busiest(std::ostream& os, const run_report& r) {
  std::vector<std::size_t> idx(r.stations.size());
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
    const auto& sa = r.stations[a];
    const auto& sb = r.stations[b];
    return sa.swaps != sb.swaps ? sa.swaps > sb.swaps : (sa.sn != sb.sn ? sa.sn < sb.sn : a < b);
  });
  if (idx.size() > 5) idx.resize(5);
  os << "Busiest stations\n";
  if (idx.empty()) {
    os << "  none\n";
    return;
  }
  std::size_t wsn = 2, wname = 4;
  for (auto i : idx) {
    wsn = std::max(wsn, width(r.stations[i].sn));
    wname = std::min<std::size_t>(24, std::max(wname, width(r.stations[i].name)));
  }
  os << "  " << pad("SN", wsn + 2) << pad("name", wname + 2) << rpad("swaps", 8) << rpad("refused", 9)
     << rpad("stock-out", 11) << rpad("slots busy", 12) << rpad("energy", 12) << rpad("peak / cap", 20)
     << rpad("offline", 9) << '\n';
  for (auto i : idx) {
    const auto& s = r.stations[i];
    std::string name = s.name;
    if (width(name) > wname) {
      // Cut on a code point boundary so the terminal never sees half a character.
      std::size_t bytes = 0, cols = 0;
      while (bytes < name.size() && cols < wname - 1) {
        ++bytes;
        while (bytes < name.size() && (static_cast<unsigned char>(name[bytes]) & 0xC0) == 0x80) ++bytes;
        ++cols;
      }
      name = name.substr(0, bytes) + "~";
    }
    os << "  " << pad(s.sn, wsn + 2) << pad(name, wname + 2) << rpad(grouped(s.swaps), 8)
       << rpad(grouped(total(s.refusals)), 9) << rpad(fixed(s.stockout_hours, 1) + " h", 11)
       << rpad(fixed(100 * s.slot_utilisation, 1) + " %", 12)
       << rpad(format_energy_wh(static_cast<double>(s.energy_wh)), 12)
       << rpad(fixed(s.peak_power_w / 1000.0, 1) + " / " + format_power_w(s.power_cap_w), 20)
       << rpad(grouped(s.offline_incidents), 9) << '\n';
  }
}

}  // namespace

void print_summary(std::ostream& os, const run_report& r) {
  const network_kpi& n = r.network;
  const double hours = static_cast<double>(twin::to_ms(r.end) - twin::to_ms(r.start)) / 3.6e6;
  std::string digest = r.digest.size() > 16 ? r.digest.substr(0, 16) + "..." : r.digest;
  os << "Scenario  " << r.scenario << "  (seed " << std::to_string(r.seed)
     << (digest.empty() ? "" : ", digest " + digest) << ")\n";
  os << "Period    " << twin::format_instant(r.start) << " to " << twin::format_instant(r.end) << "  ("
     << fixed(hours, 1) << " h" << (hours >= 48 ? ", " + fixed(hours / 24, 1) + " days" : "")
     << (r.time_zone.empty() ? "" : "; local zone " + r.time_zone) << ")\n\n";

  os << "Demand\n";
  line(os, "Swaps", grouped(n.swaps));
  line(os, "Success rate", fixed(100 * n.swap_success_rate, 1) + " %  (" + grouped(n.riders_served) +
                               " riders served, " + grouped(n.riders_gave_up) + " searches given up)");
  line(os, "Refused attempts", grouped(total(n.refusals)));
  for (const auto& [reason, count] : by_count(n.refusals))
    os << "    " << pad(reason, 26) << rpad(grouped(count), 10) << '\n';
  line(os, "Wait", describe(n.wait_s, format_duration_s));
  line(os, "Walk", describe(n.walk_m, format_distance_m));
  os << "\nSupply\n";
  line(os, "Stock-out", fixed(n.stockout_station_hours, 1) + " station-hours");
  line(os, "Slot utilisation", fixed(100 * n.slot_utilisation, 1) + " %");
  line(os, "Energy drawn", format_energy_wh(static_cast<double>(n.energy_wh)));
  line(os, "Packs retired", grouped(n.packs_retired));
  os << '\n';
  print_revenue(os, n);
  os << "\nOperations\n";
  line(os, "Offline incidents", grouped(n.offline_incidents));
  line(os, "Detection delay", describe(n.detection_delay_s, format_duration_s));
  line(os, "Agent response", describe(n.agent_response_s, format_duration_s));
  line(os, "Repair time", describe(n.repair_s, format_duration_s));
  line(os, "SLA breaches", grouped(n.sla_breaches));
  line(os, "Messages handled", grouped(n.messages));
  os << '\n';
  print_busiest(os, r);
}

}  // namespace swaptwin::scenarios
