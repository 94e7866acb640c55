// The five charts of a run, as standalone SVG 1.1 text. Each one has a title, a subtitle naming the
// scenario and seed, labelled axes with units, and a "no data" form when the run gives nothing to draw.

#include <algorithm>
#include <cmath>
#include <set>

#include "scenarios/report_internal.hpp"
#include "scenarios/svg.hpp"
#include "twin/money.hpp"

namespace swaptwin::scenarios::detail {

namespace {

constexpr std::int64_t hour_ms = 3'600'000;

std::string subtitle(const run_report& r, const std::string& more = {}) {
  std::string s = (r.scenario.empty() ? std::string{"unnamed scenario"} : r.scenario) + ", seed " + std::to_string(r.seed);
  return more.empty() ? s : s + ": " + more;
}

// First hour's start and last hour's end: the time span the hourly samples cover.
std::pair<twin::unix_ms, twin::unix_ms> span(const run_report& r) {
  std::int64_t a = twin::to_ms(r.hours.front().at), b = a;
  for (const auto& h : r.hours) {
    a = std::min(a, twin::to_ms(h.at));
    b = std::max(b, twin::to_ms(h.at));
  }
  return {twin::from_ms(a), twin::from_ms(b + hour_ms)};
}

// Maps an instant to x inside a frame spanning [t0, t1].
struct time_scale {
  std::int64_t t0, t1;
  double left, right;
  double x(std::int64_t t) const {
    return left + static_cast<double>(t - t0) / static_cast<double>(t1 - t0) * (right - left);
  }
};

}  // namespace

std::string chart_swaps_per_hour(const run_report& r) {
  const std::string title = "Swaps per hour";
  if (r.hours.empty()) return svg::no_data(title, subtitle(r), "the run recorded no hourly samples");
  const auto [t0, t1] = span(r);
  std::int64_t swaps = 0, refused = 0;
  double top = 0;
  for (const auto& h : r.hours) {
    swaps += h.swaps;
    refused += total(h.refusals);
    top = std::max({top, static_cast<double>(h.swaps), static_cast<double>(total(h.refusals))});
  }
  svg::canvas c(960, 480, title);
  c.heading(title, subtitle(r, grouped(swaps) + " swaps and " + grouped(refused) + " refused attempts in " +
                                   grouped(static_cast<std::int64_t>(r.hours.size())) + " hours"));
  const svg::frame f{80, 64, 790, 400};
  const auto ya = svg::nice_axis(0, top, 5, true);
  svg::y_axis(c, f, ya, "count per hour");
  svg::time_axis(c, f, t0, t1);
  const time_scale ts{twin::to_ms(t0), twin::to_ms(t1), f.left, f.right};

  c.open_group("class=\"swaps\" shape-rendering=\"crispEdges\"");
  std::vector<std::pair<double, double>> refusals;
  for (const auto& h : r.hours) {
    const std::int64_t a = twin::to_ms(h.at);
    const double x0 = ts.x(a), x1 = ts.x(a + hour_ms), w = x1 - x0;
    const double gap = w >= 4 ? w * 0.15 : 0;
    const double y = ya.map(static_cast<double>(h.swaps), f.bottom, f.top);
    if (h.swaps != 0) c.rect(x0 + gap, y, w - 2 * gap, ya.map(0, f.bottom, f.top) - y, svg::palette(0));
    refusals.emplace_back((x0 + x1) / 2, ya.map(static_cast<double>(total(h.refusals)), f.bottom, f.top));
  }
  c.close_group();
  c.open_group("class=\"refusals\"");
  c.polyline(refusals, svg::palette(1), 1.5);
  c.close_group();
  svg::border(c, f);
  svg::legend(c, 808, 72,
              {{"swaps (bars)", std::string{svg::palette(0)}, 8, {}},
               {"refused attempts", std::string{svg::palette(1)}, 1.5, {}}});
  return c.finish();
}

std::string chart_ready_packs(const run_report& r) {
  const std::string title = "Ready packs over time";
  if (r.hours.empty() || r.stations.empty())
    return svg::no_data(title, subtitle(r), "the run recorded no hourly samples of stations");
  const auto [t0, t1] = span(r);
  const auto worst = most_stockout_stations(r, 5);
  double top_total = 0, top_station = 0;
  for (const auto& h : r.hours) {
    top_total = std::max(top_total, static_cast<double>(ready_total(h)));
    for (int i : worst)
      if (static_cast<std::size_t>(i) < h.ready_packs.size())
        top_station = std::max(top_station, static_cast<double>(h.ready_packs[static_cast<std::size_t>(i)]));
  }
  svg::canvas c(1000, 560, title);
  c.heading(title, subtitle(r, "at the end of each hour; below, the stations with the most stock-out hours"));
  // Two panels on one time axis: the network total dwarfs any one station.
  const svg::frame upper{80, 64, 770, 250}, lower{80, 290, 770, 480};
  const time_scale ts{twin::to_ms(t0), twin::to_ms(t1), upper.left, upper.right};

  const auto ya = svg::nice_axis(0, top_total, 4, true);
  svg::y_axis(c, upper, ya, "network total (packs)");
  svg::time_axis(c, upper, t0, t1, false);
  std::vector<std::pair<double, double>> pts;
  for (const auto& h : r.hours)
    pts.emplace_back(ts.x(twin::to_ms(h.at) + hour_ms), ya.map(static_cast<double>(ready_total(h)), upper.bottom, upper.top));
  c.open_group("class=\"network-total\"");
  c.polyline(pts, "#222222", 2.5);
  c.close_group();
  svg::border(c, upper);

  const auto yb = svg::nice_axis(0, top_station, 4, true);
  svg::y_axis(c, lower, yb, "per station (packs)");
  svg::time_axis(c, lower, t0, t1);
  std::vector<svg::legend_entry> entries{{"network total (top panel)", "#222222", 2.5, {}},
                                         {"most stock-out (bottom):", "none", 0, {}}};
  for (std::size_t k = 0; k < worst.size(); ++k) {
    const auto i = static_cast<std::size_t>(worst[k]);
    pts.clear();
    for (const auto& h : r.hours)
      if (i < h.ready_packs.size())
        pts.emplace_back(ts.x(twin::to_ms(h.at) + hour_ms),
                         yb.map(static_cast<double>(h.ready_packs[i]), lower.bottom, lower.top));
    c.open_group("class=\"station\"");
    c.polyline(pts, svg::palette(k + 1), 1.5);
    c.close_group();
    std::string sn = r.stations[i].sn.size() > 16 ? r.stations[i].sn.substr(0, 15) + "~" : r.stations[i].sn;
    entries.push_back({sn + " (" + fixed(r.stations[i].stockout_hours, 1) + " h out)", std::string{svg::palette(k + 1)},
                       1.5, {}});
  }
  svg::border(c, lower);
  svg::legend(c, 790, 72, entries);
  return c.finish();
}

std::string chart_refusals(const run_report& r) {
  const std::string title = "Refused swap attempts by reason";
  const auto rows = by_count(r.network.refusals);
  const std::int64_t all = total(r.network.refusals);
  if (rows.empty() || all <= 0) return svg::no_data(title, subtitle(r), "no swap attempt was refused");
  std::size_t longest = 0;
  for (const auto& [reason, n] : rows) longest = std::max(longest, reason.size());
  const double left = std::max(140.0, 24.0 + 7.0 * static_cast<double>(longest));
  const double row = 30;
  const int height = 130 + static_cast<int>(row * static_cast<double>(rows.size()));
  svg::canvas c(900, height, title);
  c.heading(title, subtitle(r, grouped(all) + " refused attempts; a rider may be refused several times per search"));
  const svg::frame f{left, 64, 760, 64 + row * static_cast<double>(rows.size())};
  const auto xa = svg::nice_axis(0, static_cast<double>(rows.front().second), 5, true);

  c.open_group("class=\"x-axis\"");
  const int ticks = static_cast<int>(std::llround((xa.hi - xa.lo) / xa.step));
  for (int k = 0; k <= ticks; ++k) {
    const double v = xa.lo + k * xa.step, x = xa.map(v, f.left, f.right);
    c.line(x, f.top, x, f.bottom, k == 0 ? "#999999" : "#e5e5e5", 1);
    c.text(x, f.bottom + 17, svg::tick_label(v, xa.step), "middle", 11, "fill=\"#333333\"");
  }
  c.text((f.left + f.right) / 2, f.bottom + 40, "refused attempts (count)", "middle", 12, "fill=\"#333333\"");
  c.close_group();

  c.open_group("class=\"bars\"");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const double y = f.top + row * static_cast<double>(i), x1 = xa.map(static_cast<double>(rows[i].second), f.left, f.right);
    c.rect(f.left, y + 6, x1 - f.left, row - 12, svg::palette(1));
    c.text(f.left - 8, y + row / 2 + 4, rows[i].first, "end", 12, "fill=\"#222222\"");
    const double share = 100.0 * static_cast<double>(rows[i].second) / static_cast<double>(all);
    c.text(x1 + 6, y + row / 2 + 4, grouped(rows[i].second) + " (" + fixed(share, 1) + " %)", "start", 11,
           "fill=\"#333333\"");
  }
  c.close_group();
  svg::border(c, f);
  return c.finish();
}

std::string chart_site_power(const run_report& r) {
  const int idx = peak_power_station(r);
  if (r.hours.empty() || idx < 0)
    return svg::no_data("Site power against its cap", subtitle(r), "the run recorded no hourly samples of stations");
  const auto i = static_cast<std::size_t>(idx);
  const station_kpi& s = r.stations[i];
  const std::string title = "Site power against its cap: " + s.sn + (s.name.empty() ? "" : " " + s.name);
  const auto [t0, t1] = span(r);
  double top = std::max(s.power_cap_w, s.peak_power_w) / 1000.0;
  for (const auto& h : r.hours)
    if (i < h.site_power_w.size()) top = std::max(top, h.site_power_w[i] / 1000.0);

  svg::canvas c(1000, 480, title);
  c.heading(title, subtitle(r, "the station with the highest peak site power"));
  const svg::frame f{80, 64, 770, 400};
  const auto ya = svg::nice_axis(0, top * 1.05, 5);
  svg::y_axis(c, f, ya, "site power (kW)");
  svg::time_axis(c, f, t0, t1);
  const time_scale ts{twin::to_ms(t0), twin::to_ms(t1), f.left, f.right};

  std::vector<std::pair<double, double>> pts;
  for (const auto& h : r.hours)
    if (i < h.site_power_w.size())
      pts.emplace_back(ts.x(twin::to_ms(h.at) + hour_ms), ya.map(h.site_power_w[i] / 1000.0, f.bottom, f.top));
  c.open_group("class=\"power\"");
  c.polyline(pts, svg::palette(0), 2);
  c.close_group();

  std::vector<svg::legend_entry> entries{{"site power (hour end)", std::string{svg::palette(0)}, 2, {}}};
  c.open_group("class=\"limits\"");
  const double ypeak = ya.map(s.peak_power_w / 1000.0, f.bottom, f.top);
  c.line(f.left, ypeak, f.right, ypeak, "#777777", 1.5, "2 4");
  entries.push_back({"peak " + format_power_w(s.peak_power_w) + " (any instant)", "#777777", 1.5, "2 4"});
  if (s.power_cap_w > 0) {
    const double ycap = ya.map(s.power_cap_w / 1000.0, f.bottom, f.top);
    c.line(f.left, ycap, f.right, ycap, svg::palette(1), 2, "8 5");
    entries.push_back({"power cap " + format_power_w(s.power_cap_w), std::string{svg::palette(1)}, 2, "8 5"});
  } else {
    entries.push_back({"no power cap set", "none", 0, {}});
  }
  c.close_group();
  svg::border(c, f);
  svg::legend(c, 790, 72, entries);
  return c.finish();
}

std::string chart_revenue_per_day(const run_report& r) {
  const std::string title = "Revenue per day";
  std::set<std::string> currencies;
  std::map<twin::civil_day, std::map<std::string, std::int64_t>> days;
  for (const auto& h : r.hours) {
    auto& d = days[twin::utc_day(h.at)];
    for (const auto& [cur, minor] : h.revenue) {
      currencies.insert(cur);
      d[cur] += minor;
    }
  }
  if (days.empty() || currencies.empty()) return svg::no_data(title, subtitle(r), "the run took no revenue");
  const auto [t0, t1] = span(r);
  const bool partial = twin::to_ms(t0) % (24 * hour_ms) != 0 || twin::to_ms(t1) % (24 * hour_ms) != 0;

  const double panel = 180, gap = 84, top0 = 72;
  const int height = static_cast<int>(top0 + (panel + gap) * static_cast<double>(currencies.size()));
  svg::canvas c(960, height, title);
  c.heading(title, subtitle(r, "net, by UTC day, one panel per currency" +
                                   std::string{partial ? "; first or last day partial" : ""}));
  const double slot = (920.0 - 100.0) / static_cast<double>(days.size());
  const std::size_t label_every = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(44.0 / slot)));

  std::size_t k = 0;
  for (const auto& cur : currencies) {
    const svg::frame f{100, top0 + (panel + gap) * static_cast<double>(k), 920, top0 + (panel + gap) * static_cast<double>(k) + panel};
    const double scale = std::pow(10.0, minor_digits(cur));
    double lo = 0, hi = 0;
    std::int64_t sum = 0;
    for (const auto& [day, by_cur] : days) {
      auto it = by_cur.find(cur);
      const std::int64_t v = it == by_cur.end() ? 0 : it->second;
      sum += v;
      lo = std::min(lo, static_cast<double>(v) / scale);
      hi = std::max(hi, static_cast<double>(v) / scale);
    }
    c.open_group("class=\"currency\"");
    c.text(f.left, f.top - 8, cur + ": " + twin::format_money_human({sum, cur}) + " in the run", "start", 13,
           "font-weight=\"bold\" fill=\"#222222\"");
    const auto ya = svg::nice_axis(lo, hi, 4);
    svg::y_axis(c, f, ya, "per day (" + cur + ")");
    const double y0 = ya.map(0, f.bottom, f.top);
    std::size_t d = 0;
    for (const auto& [day, by_cur] : days) {
      auto it = by_cur.find(cur);
      const std::int64_t v = it == by_cur.end() ? 0 : it->second;
      const double x = f.left + slot * static_cast<double>(d), y = ya.map(static_cast<double>(v) / scale, f.bottom, f.top);
      if (v != 0) c.rect(x + slot * 0.15, y, slot * 0.7, y0 - y, svg::palette(k));
      if (slot >= 64 && v != 0)
        c.text(x + slot / 2, v > 0 ? y - 4 : y + 12, twin::format_money_human({v, cur}), "middle", 10, "fill=\"#333333\"");
      if (d % label_every == 0)
        c.text(x + slot / 2, f.bottom + 16, twin::format_date(day).substr(5), "middle", 11, "fill=\"#333333\"");
      ++d;
    }
    c.text((f.left + f.right) / 2, f.bottom + 34, "day (UTC, month-day)", "middle", 12, "fill=\"#333333\"");
    svg::border(c, f);
    c.close_group();
    ++k;
  }
  return c.finish();
}

}  // namespace swaptwin::scenarios::detail
