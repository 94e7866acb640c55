// SVG text output and shared axes for the report charts. Every number goes through detail::fixed so
// the documents are the same bytes on every machine and locale.

#include "scenarios/svg.hpp"

#include <algorithm>
#include <cmath>

#include "scenarios/report_internal.hpp"

namespace swaptwin::scenarios::svg {

namespace {

using detail::fixed;

std::string num(double v) { return fixed(v, 1); }

constexpr std::int64_t hour_ms = 3'600'000;

}  // namespace

std::string escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // Control characters other than tab and newline are not allowed in XML 1.0.
        if (static_cast<unsigned char>(ch) < 0x20 && ch != '\t' && ch != '\n') out += ' ';
        else out += ch;
    }
  }
  return out;
}

std::string_view palette(std::size_t i) {
  static constexpr std::string_view colours[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                                 "#9467bd", "#8c564b", "#e377c2", "#17becf"};
  return colours[i % (sizeof colours / sizeof colours[0])];
}

canvas::canvas(int width, int height, std::string_view title) : width_(width), height_(height) {
  const std::string w = std::to_string(width), h = std::to_string(height);
  out_ = "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" + w + "\" height=\"" + h +
         "\" viewBox=\"0 0 " + w + " " + h + "\" font-family=\"DejaVu Sans, Arial, Helvetica, sans-serif\">\n";
  out_ += "<title>" + escape(title) + "</title>\n";
  out_ += "<rect x=\"0\" y=\"0\" width=\"" + w + "\" height=\"" + h + "\" fill=\"#ffffff\"/>\n";
}

void canvas::text(double x, double y, std::string_view s, std::string_view anchor, int size, std::string_view extra) {
  out_ += "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" font-size=\"" + std::to_string(size) + "\"";
  if (anchor != "start") out_ += " text-anchor=\"" + std::string{anchor} + "\"";
  if (!extra.empty()) out_ += " " + std::string{extra};
  out_ += ">" + escape(s) + "</text>\n";
}

void canvas::line(double x1, double y1, double x2, double y2, std::string_view stroke, double width,
                  std::string_view dash) {
  out_ += "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" + num(y2) +
          "\" stroke=\"" + std::string{stroke} + "\" stroke-width=\"" + num(width) + "\"";
  if (!dash.empty()) out_ += " stroke-dasharray=\"" + std::string{dash} + "\"";
  out_ += "/>\n";
}

void canvas::rect(double x, double y, double w, double h, std::string_view fill) {
  if (w < 0) x += w, w = -w;
  if (h < 0) y += h, h = -h;
  out_ += "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(w) + "\" height=\"" + num(h) +
          "\" fill=\"" + std::string{fill} + "\"/>\n";
}

void canvas::polyline(const std::vector<std::pair<double, double>>& pts, std::string_view stroke, double width,
                      std::string_view dash) {
  if (pts.empty()) return;
  out_ += "<polyline fill=\"none\" stroke=\"" + std::string{stroke} + "\" stroke-width=\"" + num(width) +
          "\" stroke-linejoin=\"round\"";
  if (!dash.empty()) out_ += " stroke-dasharray=\"" + std::string{dash} + "\"";
  out_ += " points=\"";
  for (std::size_t i = 0; i < pts.size(); ++i) out_ += (i ? " " : "") + num(pts[i].first) + "," + num(pts[i].second);
  out_ += "\"/>\n";
}

void canvas::open_group(std::string_view attrs) {
  out_ += attrs.empty() ? "<g>\n" : "<g " + std::string{attrs} + ">\n";
  ++open_groups_;
}

void canvas::close_group() {
  if (open_groups_ == 0) return;
  out_ += "</g>\n";
  --open_groups_;
}

void canvas::heading(std::string_view title, std::string_view subtitle) {
  text(width_ / 2.0, 28, title, "middle", 18, "font-weight=\"bold\" fill=\"#222222\"");
  if (!subtitle.empty()) text(width_ / 2.0, 48, subtitle, "middle", 12, "fill=\"#555555\"");
}

std::string canvas::finish() {
  while (open_groups_ > 0) close_group();
  return out_ + "</svg>\n";
}

axis nice_axis(double lo, double hi, int ticks, bool integer) {
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;
  if (hi - lo <= 0) hi = lo + 1;
  const double raw = (hi - lo) / std::max(1, ticks);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / mag;
  double step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
  if (integer) step = std::max(step, 1.0);
  return axis{std::floor(lo / step) * step, std::ceil(hi / step) * step, step};
}

std::string tick_label(double v, double step) {
  int decimals = 0;
  if (step < 1) decimals = static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
  if (decimals == 0) return detail::grouped(static_cast<std::int64_t>(std::llround(v)));
  return fixed(v, decimals);
}

void y_axis(canvas& c, const frame& f, const axis& a, std::string_view label) {
  c.open_group("class=\"y-axis\"");
  const int n = static_cast<int>(std::llround((a.hi - a.lo) / a.step));
  for (int k = 0; k <= n; ++k) {
    const double v = a.lo + k * a.step;
    const double y = a.map(v, f.bottom, f.top);
    c.line(f.left, y, f.right, y, std::abs(v) < a.step * 1e-9 ? "#999999" : "#e5e5e5", 1);
    c.text(f.left - 6, y + 4, tick_label(v, a.step), "end", 11, "fill=\"#333333\"");
  }
  const double mid = (f.top + f.bottom) / 2, x = f.left - 56;
  c.text(x, mid, label, "middle", 12,
         "fill=\"#333333\" transform=\"rotate(-90 " + num(x) + " " + num(mid) + ")\"");
  c.close_group();
}

void time_axis(canvas& c, const frame& f, twin::unix_ms t0, twin::unix_ms t1, bool labels) {
  const std::int64_t a = twin::to_ms(t0), b = twin::to_ms(t1);
  if (b <= a) return;
  const double span_h = static_cast<double>(b - a) / hour_ms;
  static constexpr std::int64_t steps_h[] = {1, 2, 3, 6, 12, 24, 48, 72, 168, 336, 672, 1344, 2688, 8760};
  std::int64_t step_h = steps_h[sizeof steps_h / sizeof steps_h[0] - 1];
  for (auto s : steps_h)
    if (span_h / static_cast<double>(s) <= 12) { step_h = s; break; }
  const std::int64_t step = step_h * hour_ms;
  // Ticks on round UTC hours (multiples of the step since the epoch), so days start at 00:00.
  std::int64_t t = (a >= 0 ? (a + step - 1) / step : a / step) * step;
  c.open_group("class=\"x-axis\"");
  bool first = true;
  for (; t <= b; t += step) {
    const double x = f.left + static_cast<double>(t - a) / static_cast<double>(b - a) * (f.right - f.left);
    c.line(x, f.top, x, f.bottom, "#e5e5e5", 1);
    if (!labels) continue;
    c.line(x, f.bottom, x, f.bottom + 4, "#999999", 1);
    const std::string instant = twin::format_instant(twin::from_ms(t));  // 2026-11-23T08:00:00Z
    const std::string day = instant.substr(5, 5), hh = instant.substr(11, 5);
    if (step_h >= 24) {
      c.text(x, f.bottom + 17, day, "middle", 11, "fill=\"#333333\"");
    } else {
      c.text(x, f.bottom + 17, hh, "middle", 11, "fill=\"#333333\"");
      if (first || hh == "00:00") c.text(x, f.bottom + 31, day, "middle", 11, "fill=\"#333333\"");
    }
    first = false;
  }
  if (labels) {
    const std::string year = twin::format_instant(t0).substr(0, 4);
    c.text((f.left + f.right) / 2, f.bottom + 50, "time (UTC, " + year + ")", "middle", 12, "fill=\"#333333\"");
  }
  c.close_group();
}

void border(canvas& c, const frame& f) {
  c.line(f.left, f.bottom, f.right, f.bottom, "#666666", 1);
  c.line(f.left, f.top, f.left, f.bottom, "#666666", 1);
}

void legend(canvas& c, double x, double y, const std::vector<legend_entry>& entries) {
  c.open_group("class=\"legend\"");
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const double yy = y + 18.0 * static_cast<double>(i);
    if (entries[i].colour != "none") c.line(x, yy, x + 22, yy, entries[i].colour, entries[i].width, entries[i].dash);
    c.text(entries[i].colour == "none" ? x : x + 28, yy + 4, entries[i].label, "start", 11, "fill=\"#333333\"");
  }
  c.close_group();
}

std::string no_data(std::string_view title, std::string_view subtitle, std::string_view why) {
  canvas c(640, 240, title);
  c.heading(title, subtitle);
  c.open_group("class=\"no-data\"");
  c.rect(40, 70, 560, 140, "#f5f5f5");
  c.text(320, 136, "no data", "middle", 20, "fill=\"#777777\"");
  c.text(320, 160, why, "middle", 12, "fill=\"#777777\"");
  c.close_group();
  return c.finish();
}

}  // namespace swaptwin::scenarios::svg
