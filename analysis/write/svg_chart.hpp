// Time-series charts for report.html as inline SVG (DESIGN.md, "Outputs": self-contained, no
// network access to view it): drawn in C++, readable without any script, byte-identical for the
// same input. Every chart's <svg> carries data-chart (its name) and data-series (how many lines it
// draws), and every line is a <path class="series">, so a test can count what a page shows.
#pragma once

#include <string>
#include <vector>

namespace wormsim::analysis {

/// One line of a chart, with an optional shaded band around it.
struct ChartSeries {
  std::string name;            ///< legend text
  std::vector<double> time_s;  ///< sample times, seconds since the scenario's start, increasing
  std::vector<double> value;   ///< the line: one value per sample time
  std::vector<double> low;     ///< the band's lower edge per sample time; empty: no band
  std::vector<double> high;    ///< the band's upper edge per sample time
  /// SVG stroke-dasharray ("12 8"); empty: a solid line. Reference (model) curves are dashed
  /// beside the simulated ones, each model with its own pattern.
  std::string dash;
  int colour = -1;  ///< palette entry; -1: the series' position in the chart
  /// Stroke width in the drawing's units (960 across). Lines that may coincide (ever infected and
  /// infected now before anyone recovers; columns that agree until a defence starts) are drawn
  /// wide first and narrow on top, so that each stays visible as an edge of the one above it.
  double width = 3.5;
};

/// How the values read: the y axis's tick labels and the hover text follow it.
enum class ValueFormat {
  count,            ///< hosts, probes, devices: 12k, 1.5M
  percent,          ///< a share from 0 to 1, shown as 0–100%
  bits_per_second,  ///< bit/s, kbit/s, Mbit/s, Gbit/s
};

/// A labelled straight line across the plot: a level (utilisation 80%) or a time (a defence).
struct ChartMark {
  double at = 0;  ///< value for a level, seconds since the start for a time
  std::string label;
};

struct Chart {
  std::string id;     ///< data-chart and the figure's id ("infection", "utilisation")
  std::string title;  ///< the figure's caption
  std::string unit;   ///< what the y axis counts, in words ("hosts", "probes per second")
  ValueFormat format = ValueFormat::count;
  double duration_s = 0;  ///< the x axis ends here, or at the last sample if that is later
  std::vector<ChartSeries> series;
  std::vector<ChartMark> levels;  ///< dashed horizontal lines, labelled at the right
  std::vector<ChartMark> times;   ///< dotted vertical lines, labelled at the top
  std::string note;               ///< how to read the chart, printed under it (HTML)
  double band_opacity = 0.22;     ///< lower when several bands overlap
};

/// The chart as an HTML <figure>: caption, the inline <svg>, a legend and the note. Series without
/// samples are left out (and not counted in data-series). Longer series are thinned to at most
/// kMaxChartPoints points (every k-th sample and the last), which the note then says.
std::string render_chart(const Chart& chart);

inline constexpr std::size_t kMaxChartPoints = 1500;

/// The series colours: Okabe and Ito's palette for colour-blind readers, without its yellow,
/// which has too little contrast on white for a projector; then black and a dark grey (6 and 7),
/// which the reference curves use.
const std::vector<std::string>& chart_palette();

}  // namespace wormsim::analysis
