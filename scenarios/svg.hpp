#pragma once
/// A few drawing primitives that write SVG 1.1 text, and the axes the report charts share. Private to
/// scenarios/ (used by charts.cpp). Coordinates are pixels with y growing downwards, as in SVG.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "twin/time.hpp"

namespace swaptwin::scenarios::svg {

/// A standalone SVG document being written: `<svg>` opened with a white background and a `<title>`.
class canvas {
 public:
  /// Starts a `width` x `height` document whose accessible title is `title`.
  canvas(int width, int height, std::string_view title);
  /// Text at (x, y); `anchor` is start, middle or end; `extra` adds raw attributes.
  void text(double x, double y, std::string_view s, std::string_view anchor = "start", int size = 12,
            std::string_view extra = {});
  /// A straight line; `dash` is a stroke-dasharray ("6 4") or empty.
  void line(double x1, double y1, double x2, double y2, std::string_view stroke, double width,
            std::string_view dash = {});
  /// A filled rectangle; negative sizes are normalised.
  void rect(double x, double y, double w, double h, std::string_view fill);
  /// An open polyline through `pts`.
  void polyline(const std::vector<std::pair<double, double>>& pts, std::string_view stroke, double width,
                std::string_view dash = {});
  /// Opens a `<g>` with raw attributes `attrs` (may be empty); close it with `close_group`.
  void open_group(std::string_view attrs = {});
  /// Closes the innermost open `<g>`.
  void close_group();
  /// The chart title and a grey subtitle centred at the top.
  void heading(std::string_view title, std::string_view subtitle);
  /// Closes every open element and returns the document.
  std::string finish();

  int width() const { return width_; }
  int height() const { return height_; }

 private:
  std::string out_;
  int width_, height_;
  int open_groups_ = 0;
};

/// The plot area of a panel, in pixels.
struct frame {
  double left, top, right, bottom;
};

/// A numeric axis: from `lo` to `hi` with ticks every `step`.
struct axis {
  double lo = 0, hi = 1, step = 1;
  /// Pixel position of `v` when lo maps to `p0` and hi to `p1`.
  double map(double v, double p0, double p1) const { return p0 + (v - lo) / (hi - lo) * (p1 - p0); }
};

/// An axis covering [lo, hi] (and 0) with about `ticks` round steps (1, 2, 5 x 10^k); at least 1 when
/// `integer`. Never empty: [0, 0] becomes [0, 1].
axis nice_axis(double lo, double hi, int ticks = 5, bool integer = false);
/// A tick label for `v` on an axis of step `step`: enough decimals, thousands grouped.
std::string tick_label(double v, double step);

/// Horizontal grid lines, tick labels on the left and the rotated axis label `label`.
void y_axis(canvas& c, const frame& f, const axis& a, std::string_view label);
/// Vertical grid lines and tick labels at round UTC hours or days from `t0` to `t1`; with
/// `labels` false only the grid is drawn (for upper panels sharing the axis).
void time_axis(canvas& c, const frame& f, twin::unix_ms t0, twin::unix_ms t1, bool labels = true);
/// The plot border.
void border(canvas& c, const frame& f);

/// One legend line: a coloured stroke of `width` px (dashed when `dash`) and its label; colour
/// "none" gives a line of text only.
struct legend_entry {
  std::string label;
  std::string colour;
  double width = 2;
  std::string dash;
};
/// The legend, top left at (x, y), one entry per 18 px.
void legend(canvas& c, double x, double y, const std::vector<legend_entry>& entries);

/// A complete chart saying there is nothing to draw, with the usual title.
std::string no_data(std::string_view title, std::string_view subtitle, std::string_view why);

/// Series colours, in order of use.
std::string_view palette(std::size_t i);

/// `s` with &, <, >, " and ' escaped for XML text and attributes.
std::string escape(std::string_view s);

}  // namespace swaptwin::scenarios::svg
