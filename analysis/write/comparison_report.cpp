// A comparison's page (DESIGN.md, "Outputs"): the columns, their figures side by side with 95%
// intervals and the paired differences to the first column (compare.json), and every column's
// infection curves overlaid (compare_curves.csv).
#include <fmt/format.h>
#include <algorithm>
#include <optional>
#include <string_view>
#include <vector>

#include "analysis/write/html.hpp"
#include "analysis/write/report_page.hpp"
#include "sim/time.hpp"

namespace wormsim::analysis::report {

namespace {

/// A figure of compare.json by its unit ("hosts", "percent", "s", "hosts/min", "events").
std::string compare_value(double v, const std::string& unit) {
  if (unit == "s") return duration_text(v);
  if (unit == "percent") return percent_text(v);
  return count_text(v);
}

std::string compare_estimate(const Json& e, const std::string& unit, bool signed_) {
  if (!e.is_object()) return std::string();
  const double mean = number_or(at(e, "mean"), 0);
  std::string m = compare_value(mean, unit);
  if (signed_ && mean > 0) m = "+" + m;
  return fmt::format("{} <span class=\"ci\">[{},&nbsp;{}]</span>", m,
                     compare_value(number_or(at(e, "ci95_low"), 0), unit),
                     compare_value(number_or(at(e, "ci95_high"), 0), unit));
}

}  // namespace

std::string comparison_report_html(const std::filesystem::path& folder) {
  const Json c = read_json(folder / "compare.json");
  std::optional<CsvTable> curve_file = read_csv(folder / "compare_curves.csv");
  const Json& columns = at(c, "columns");
  const Json& figures = at(c, "figures");
  const Json& results = at(c, "results");
  const std::size_t n_columns = columns.is_array() ? columns.size() : 0;
  const double reps = number_or(at(c, "replications"), 0);

  std::string body = fmt::format(
      "<header>\n<h1>Comparison of {} scenarios</h1>\n<p class=\"sub\">wormsim {} · seed {} · {} "
      "each</p>\n<nav><a href=\"#columns\">Columns</a><a href=\"#figures\">Figures</a>"
      "<a href=\"#curves\">Curves</a></nav>\n</header>\n",
      n_columns, html_escape(text_of(at(at(c, "program"), "version"))),
      html_escape(text_of(at(c, "seed"))), plural(reps, "replication", "replications"));

  // The columns, in words and as a table.
  body += "<section id=\"columns\">\n<h2>Columns</h2>\n<div class=\"words\">\n";
  body += fmt::format(
      "<p>Each column is a scenario file, or one [[variant]] of a file (the scenario with that "
      "variant's defences and actions). Every column runs replications 0 to {} with seed {}: "
      "replication r of every column draws from the same random streams, so the columns share "
      "their randomness wherever the scenarios agree (common random numbers), and their "
      "differences are measured pair by pair.</p>\n</div>\n",
      count_text(std::max(reps - 1, 0.0)), html_escape(text_of(at(c, "seed"))));
  std::vector<std::vector<std::string>> column_rows;
  if (columns.is_array())
    for (const auto& col : columns)
      column_rows.push_back(
          {fmt::format("<b>{}</b>", html_escape(text_of(at(col, "label")))),
           html_escape(text_of(at(col, "scenario"))), html_escape(text_of(at(col, "path"))),
           at(col, "variant").is_null() ? std::string("—")
                                        : html_escape(text_of(at(col, "variant"))),
           html_escape(text_of(at(col, "duration"))),
           html_escape(text_of(at(col, "hash_fnv1a64")))});
  body +=
      table({"column", "scenario", "file", "variant", "duration", "scenario hash"}, column_rows);
  body += "</section>\n";

  // The figures side by side.
  body += "<section id=\"figures\">\n<h2>Figures side by side</h2>\n";
  std::vector<std::string> header = {"figure"};
  if (columns.is_array())
    for (const auto& col : columns) header.push_back(html_escape(text_of(at(col, "label"))));
  std::vector<std::vector<std::string>> rows;
  if (figures.is_array())
    for (const auto& f : figures) {
      const std::string key = text_of(at(f, "key"));
      const std::string unit = text_of(at(f, "unit"));
      std::vector<std::string> row = {html_escape(text_of(at(f, "label")))};
      for (std::size_t k = 0; k < n_columns; ++k) {
        static const Json none;
        const Json& result = results.is_array() && k < results.size() ? results[k] : none;
        const Json& cell = at(at(result, "figures"), key);
        const Json& e = at(cell, "estimate");
        std::string text = e.is_object() ? compare_estimate(e, unit, false)
                                         : (unit == "s" ? "not reached" : "none");
        const double n = number_or(at(e, "n"), 0);
        if (e.is_object() && n < reps)
          text += fmt::format(" <span class=\"n\">n={}/{}</span>", count_text(n), count_text(reps));
        if (k > 0) {
          const Json& d = at(cell, "difference");
          if (d.is_object()) {
            const double lo = number_or(at(d, "ci95_low"), 0),
                         hi = number_or(at(d, "ci95_high"), 0);
            // An interval that excludes 0: a difference the replications resolve.
            const bool resolved = lo > 0 || hi < 0;
            text += fmt::format("<span class=\"diff{}\">Δ {}</span>", resolved ? " resolved" : "",
                                compare_estimate(d, unit, true));
          } else {
            text += "<span class=\"diff\">Δ none: no replication pairs</span>";
          }
        }
        row.push_back(text);
      }
      rows.push_back(std::move(row));
    }
  std::string cells(n_columns + 1, 'c');  // a figure's label, then a cell per column
  cells[0] = 't';
  body += table(header, rows, cells);
  body += fmt::format(
      "<p class=\"note\">Cells: mean [95% Student-t interval] over the replications. Δ: the "
      "column minus the first ({}), paired by replication, with its 95% interval; in bold when "
      "the interval excludes 0. n=k/N: only k replications reached the figure.</p>\n</section>\n",
      n_columns > 0 ? html_escape(text_of(at(columns[0], "label"))) : std::string());

  // The curves of every column, overlaid.
  body += "<section id=\"curves\">\n<h2>Infection curves</h2>\n";
  if (!curve_file) {
    body +=
        "<p>No compare_curves.csv in this folder (written by wormsim compare since the report "
        "was added): no curves to overlay.</p>\n";
  } else {
    const auto per_column = read_column_curves(*curve_file);
    double duration = 0;
    if (columns.is_array())
      for (const auto& col : columns)
        if (const auto d = sim::parse_duration(text_of(at(col, "duration"))))
          duration = std::max(duration, d->seconds());
    const std::pair<const char*, const char*> kinds[] = {
        {"infected_total", "Ever infected, by column"},
        {"infected_now", "Infected now, by column"}};
    for (const auto& [metric, title] : kinds) {
      Chart chart;
      chart.id = metric == std::string_view("infected_total") ? "compare-infection"
                                                              : "compare-infected-now";
      chart.title = title;
      chart.unit = "hosts";
      chart.duration_s = duration;
      for (std::size_t k = 0; k < per_column.size(); ++k) {
        const auto& [label, curves] = per_column[k];
        for (const auto& suffix : worm_suffixes(curves)) {
          ChartSeries s =
              series_of(curves, metric + suffix, label + worm_label(suffix), Transform::level);
          s.colour = static_cast<int>(k);
          // Columns agree until their scenarios differ: earlier columns are drawn wider, so a
          // column hidden under a later one still shows as its edge.
          const double step = per_column.size() > 1
                                  ? std::min(1.8, 6.5 / static_cast<double>(per_column.size() - 1))
                                  : 0.0;
          s.width = 3.5 + step * static_cast<double>(per_column.size() - 1 - k);
          chart.series.push_back(std::move(s));
        }
      }
      chart.band_opacity = 0.12;
      chart.note = std::string(kBandNote) +
                   " One colour per column (compare_curves.csv); where columns coincide, the "
                   "earlier column shows as the wider line underneath.";
      body += render_chart(chart);
    }
  }
  body += "</section>\n";
  body += fmt::format(
      "<footer>\n<p>Built by wormsim {} from compare.json{} in this folder; <code>wormsim report "
      "DIR</code> rebuilds it.</p>\n</footer>\n",
      html_escape(text_of(at(at(c, "program"), "version"))),
      curve_file ? " and compare_curves.csv" : "");
  return page(fmt::format("wormsim report: comparison of {} scenarios", n_columns), body);
}

}  // namespace wormsim::analysis::report
