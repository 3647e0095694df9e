#include "analysis/write/svg_chart.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>
#include <string_view>

#include "analysis/write/html.hpp"
#include "sim/time.hpp"

namespace wormsim::analysis {

namespace {

// The drawing's own coordinates (its viewBox); CSS scales it to the page's width. The margins
// leave room for tick labels at 18 units, about 20 px on a 1280-pixel-wide screen.
constexpr double kWidth = 960, kHeight = 400;
constexpr double kLeft = 84, kRight = 936, kTop = 16, kBottom = 340;

/// A "nice" step (1, 2, 2.5 or 5 times a power of ten) giving about `ticks` intervals on `range`.
double nice_step(double range, double ticks) {
  const double raw = range / ticks;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double n = raw / magnitude;
  const double m = n <= 1 ? 1 : n <= 2 ? 2 : n <= 2.5 ? 2.5 : n <= 5 ? 5 : 10;
  return m * magnitude;
}

/// The fewest decimals (up to 3) that show `step` exactly, so that ticks read 0.5, 1, 1.5.
int decimals_for(double step) {
  for (int d = 0; d < 3; ++d) {
    const double scaled = step * std::pow(10.0, d);
    if (std::abs(scaled - std::round(scaled)) < 1e-6 * std::max(1.0, scaled)) return d;
  }
  return 3;
}

/// The y axis's labels: one scale (k, M, G) for the whole axis, chosen from its top value, so
/// that the labels of one axis read alike.
struct AxisScale {
  double divisor = 1;
  const char* suffix = "";
};

AxisScale axis_scale(ValueFormat format, double top) {
  if (format == ValueFormat::percent) return {0.01, "%"};
  // Counts stay plain up to 9,999 (a count of hosts reads better whole); rates go SI sooner.
  const double plain_below = format == ValueFormat::count ? 1e4 : 1e3;
  if (top >= 1e9) return {1e9, "G"};
  if (top >= 1e6) return {1e6, "M"};
  if (top >= plain_below) return {1e3, "k"};
  return {};
}

std::string tick_label(double v, double step, const AxisScale& scale) {
  if (std::abs(v) < step * 1e-6) return scale.suffix == std::string_view("%") ? "0%" : "0";
  const int decimals = decimals_for(step / scale.divisor);
  const double scaled = v / scale.divisor + 0.0;  // +0.0: never "-0"
  return with_commas(scaled, decimals) + scale.suffix;
}

/// Time ticks: the smallest step from a list of round durations that gives at most 8 intervals.
double time_step(double x_max) {
  static constexpr double steps[] = {1,      2,      5,       10,      15,      30,      60,
                                     120,    300,    600,     900,     1200,    1800,    3600,
                                     7200,   10800,  14400,   21600,   43200,   86400,   172800,
                                     259200, 604800, 1209600, 2592000, 7776000, 31536000};
  for (double s : steps)
    if (x_max / s <= 8) return s;
  return nice_step(x_max, 8);
}

std::string time_label(double t) {
  if (t <= 0) return "0";
  return sim::format_duration(sim::SimTime::from_seconds(t));
}

std::string coord(double v) {
  return fmt::format("{:.1f}", v + 0.0);
}

const char* format_name(ValueFormat f) {
  switch (f) {
    case ValueFormat::percent:
      return "percent";
    case ValueFormat::bits_per_second:
      return "bps";
    default:
      return "count";
  }
}

/// Sample indices to draw: all of them, or every k-th and the last when there are too many.
std::vector<std::size_t> drawn_indices(std::size_t n, std::size_t stride) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < n; i += stride) out.push_back(i);
  if (n > 0 && out.back() != n - 1) out.push_back(n - 1);
  return out;
}

}  // namespace

const std::vector<std::string>& chart_palette() {
  static const std::vector<std::string> palette = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                                   "#E69F00", "#56B4E9", "#000000", "#555555"};
  return palette;
}

std::string render_chart(const Chart& chart) {
  // The extent of everything drawn: lines, bands and levels, from 0 (every quantity charted is a
  // count, a rate or a share, so 0 is its natural floor) unless some value is negative.
  double x_max = chart.duration_s, y_min = 0, y_max = 0;
  std::size_t longest = 0;
  for (const ChartSeries& s : chart.series) {
    const std::size_t n = std::min(s.time_s.size(), s.value.size());
    longest = std::max(longest, n);
    for (std::size_t i = 0; i < n; ++i) {
      x_max = std::max(x_max, s.time_s[i]);
      y_min = std::min(y_min, s.value[i]);
      y_max = std::max(y_max, s.value[i]);
      if (i < s.low.size()) y_min = std::min(y_min, s.low[i]);
      if (i < s.high.size()) y_max = std::max(y_max, s.high[i]);
    }
  }
  for (const ChartMark& m : chart.levels) y_max = std::max(y_max, m.at);
  if (x_max <= 0) x_max = 1;
  if (y_max <= y_min) y_max = y_min + 1;
  double y_step = nice_step(y_max - y_min, 5);
  // Whole hosts and packets: no tick at 0.5.
  if (chart.format == ValueFormat::count) y_step = std::max(y_step, 1.0);
  const double y_top = std::ceil(y_max / y_step - 1e-9) * y_step;
  const double y_bottom = std::floor(y_min / y_step + 1e-9) * y_step;
  const AxisScale scale = axis_scale(chart.format, std::max(std::abs(y_top), std::abs(y_bottom)));

  auto x_of = [&](double t) { return kLeft + (kRight - kLeft) * t / x_max; };
  auto y_of = [&](double v) {
    return kBottom - (kBottom - kTop) * (v - y_bottom) / (y_top - y_bottom);
  };
  const std::size_t stride =
      longest > kMaxChartPoints ? (longest + kMaxChartPoints - 1) / kMaxChartPoints : 1;

  std::string svg;
  std::size_t drawn = 0;
  for (const ChartSeries& s : chart.series)
    if (std::min(s.time_s.size(), s.value.size()) > 0) ++drawn;
  svg += fmt::format(
      "<svg class=\"chart\" data-chart=\"{}\" data-series=\"{}\" viewBox=\"0 0 {} {}\" "
      "role=\"img\" aria-label=\"{}\" data-left=\"{}\" data-right=\"{}\" data-top=\"{}\" "
      "data-bottom=\"{}\" data-xmax=\"{}\" data-ymin=\"{}\" data-ymax=\"{}\" "
      "data-format=\"{}\">\n",
      html_escape(chart.id), drawn, kWidth, kHeight, html_escape(chart.title), kLeft, kRight, kTop,
      kBottom, x_max, y_bottom + 0.0, y_top, format_name(chart.format));

  // Grid and y ticks.
  svg += "<g class=\"axis\" font-size=\"18\">\n";
  for (double v = y_bottom; v <= y_top + y_step * 1e-6; v += y_step) {
    const std::string y = coord(y_of(v));
    svg += fmt::format(
        "<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"#d4d4d4\" stroke-width=\"1\"/>"
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" dominant-baseline=\"middle\">{}</text>\n",
        kLeft, kRight, y, y, kLeft - 10, y, tick_label(v, y_step, scale));
  }
  const double x_step = time_step(x_max);
  for (double t = 0; t <= x_max + x_step * 1e-6; t += x_step) {
    const std::string x = coord(x_of(t));
    svg += fmt::format(
        "<line x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"#111\" stroke-width=\"1.5\"/>"
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
        x, x, kBottom, kBottom + 7, x, kBottom + 28, time_label(t));
  }
  svg += fmt::format(
      "<line x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\" stroke=\"#111\" stroke-width=\"2\"/>"
      "<line x1=\"{0}\" x2=\"{0}\" y1=\"{3}\" y2=\"{2}\" stroke=\"#111\" stroke-width=\"2\"/>\n"
      "<text x=\"{1}\" y=\"{4}\" text-anchor=\"end\">time since the start</text>\n</g>\n",
      kLeft, kRight, kBottom, kTop, kHeight - 6);

  const auto& palette = chart_palette();
  auto colour_of = [&](std::size_t position, const ChartSeries& s) {
    const std::size_t c = s.colour >= 0 ? static_cast<std::size_t>(s.colour) : position;
    return palette[c % palette.size()];
  };

  // Bands first, under every line.
  for (std::size_t k = 0; k < chart.series.size(); ++k) {
    const ChartSeries& s = chart.series[k];
    const std::size_t n = std::min({s.time_s.size(), s.low.size(), s.high.size()});
    if (n == 0) continue;
    const auto idx = drawn_indices(n, stride);
    std::string d;
    for (std::size_t i : idx)
      d += fmt::format("{}{} {}", d.empty() ? "M" : "L", coord(x_of(s.time_s[i])),
                       coord(y_of(s.high[i])));
    for (auto it = idx.rbegin(); it != idx.rend(); ++it)
      d += fmt::format("L{} {}", coord(x_of(s.time_s[*it])), coord(y_of(s.low[*it])));
    svg += fmt::format(
        "<path class=\"band\" d=\"{}Z\" fill=\"{}\" fill-opacity=\"{}\" stroke=\"none\"/>\n", d,
        colour_of(k, s), chart.band_opacity);
  }

  // Levels and times.
  for (const ChartMark& m : chart.levels) {
    const std::string y = coord(y_of(m.at));
    // The label sits above its line, or below it when the line runs along the top of the plot.
    const double label_y = y_of(m.at) - 7 < kTop + 18 ? y_of(m.at) + 22 : y_of(m.at) - 7;
    svg += fmt::format(
        "<line class=\"level\" x1=\"{}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"#333\" "
        "stroke-width=\"2\" stroke-dasharray=\"10 6\"/><text x=\"{}\" y=\"{}\" "
        "text-anchor=\"end\" font-size=\"18\">{}</text>\n",
        kLeft, kRight, y, y, kRight - 4, coord(label_y), html_escape(m.label));
  }
  for (std::size_t i = 0; i < chart.times.size(); ++i) {
    const ChartMark& m = chart.times[i];
    if (m.at < 0 || m.at > x_max) continue;
    const double x = x_of(m.at);
    // Labels of nearby times are staggered over three rows so that they do not overprint.
    const double y = kTop + 22 + static_cast<double>(i % 3) * 26;
    svg += fmt::format(
        "<line class=\"time\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#333\" "
        "stroke-width=\"2\" stroke-dasharray=\"3 5\"/><text x=\"{3}\" y=\"{4}\" "
        "font-size=\"18\" font-weight=\"bold\" paint-order=\"stroke\" stroke=\"#fff\" "
        "stroke-width=\"5\">{5}</text>\n",
        coord(x), kTop, kBottom, coord(x + 5), coord(y), html_escape(m.label));
  }

  // The lines.
  std::string legend;
  for (std::size_t k = 0; k < chart.series.size(); ++k) {
    const ChartSeries& s = chart.series[k];
    const std::size_t n = std::min(s.time_s.size(), s.value.size());
    if (n == 0) continue;
    std::string d;
    for (std::size_t i : drawn_indices(n, stride))
      d += fmt::format("{}{} {}", d.empty() ? "M" : "L", coord(x_of(s.time_s[i])),
                       coord(y_of(s.value[i])));
    const std::string colour = colour_of(k, s);
    svg += fmt::format(
        "<path class=\"series\" data-name=\"{}\" d=\"{}\" fill=\"none\" stroke=\"{}\" "
        "stroke-width=\"{}\" stroke-linejoin=\"round\" stroke-linecap=\"round\"{}/>\n",
        html_escape(s.name), d, colour, s.width,
        s.dash.empty() ? std::string() : fmt::format(" stroke-dasharray=\"{}\"", s.dash));
    legend +=
        fmt::format("<li><span class=\"swatch{}\" style=\"border-top-color:{}\"></span>{}</li>",
                    s.dash.empty() ? "" : " dashed", colour, html_escape(s.name));
  }
  svg += fmt::format(
      "<line class=\"cursor\" x1=\"0\" x2=\"0\" y1=\"{}\" y2=\"{}\" stroke=\"#111\" "
      "stroke-width=\"1.5\" visibility=\"hidden\"/>\n</svg>",
      kTop, kBottom);

  std::string note = chart.note;
  if (stride > 1)
    note += fmt::format("{}Every {} samples, one is drawn (and the last).", note.empty() ? "" : " ",
                        stride);
  std::string html = fmt::format(
      "<figure class=\"chart\" id=\"chart-{}\">\n<figcaption>{} <span class=\"unit\">({})"
      "</span></figcaption>\n<div class=\"plot\">\n{}\n<div class=\"tip\" hidden></div>\n"
      "</div>\n<ul class=\"legend\">{}</ul>\n",
      html_escape(chart.id), html_escape(chart.title), html_escape(chart.unit), svg, legend);
  if (!note.empty()) html += fmt::format("<p class=\"note\">{}</p>\n", note);
  html += "</figure>\n";
  return html;
}

}  // namespace wormsim::analysis
