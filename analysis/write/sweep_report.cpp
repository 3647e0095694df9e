// A sweep's page (DESIGN.md, "Outputs"): the swept parameters in words and every point's figures
// side by side with their 95% intervals (sweep.json). A sweep keeps each point's figures, not its
// curves (what an interrupted sweep resumes from is figures), so the page has no curves to
// overlay and says so.
#include <fmt/format.h>
#include <string_view>
#include <vector>

#include "analysis/comparison.hpp"
#include "analysis/write/html.hpp"
#include "analysis/write/report_page.hpp"

namespace wormsim::analysis::report {

namespace {

/// A figure's row label as the comparison table words it, or in words here, else its key.
std::string figure_label(const std::string& key) {
  for (const auto& f : comparison_figures())
    if (f.key == key) return std::string(f.label);
  if (key == "time_to_10pct_s") return "time to 10% of vulnerable";
  if (key == "time_to_90pct_s") return "time to 90% of vulnerable";
  if (key == "hits_lost") return "hits lost in the network";
  if (key == "device_crashes") return "device crashes and reloads";
  if (key == "links_saturated") return "links saturated";
  if (key == "bytes_dropped") return "bytes dropped";
  return key;
}

std::string sweep_value(double v, const std::string& unit) {
  if (unit == "s") return duration_text(v);
  if (unit == "percent") return percent_text(v);
  return count_text(v);
}

}  // namespace

std::string sweep_report_html(const std::filesystem::path& folder) {
  const Json j = read_json(folder / "sweep.json");
  const Json& parameters = at(j, "parameters");
  const Json& figures = at(j, "figures");
  const Json& points = at(j, "points");
  const std::size_t n_points = points.is_array() ? points.size() : 0;
  const double reps = number_or(at(j, "replications"), 0);
  const std::string path = text_of(at(at(j, "scenario"), "path"));
  const std::string variant = text_of(at(at(j, "scenario"), "variant"));
  const std::string name =
      n_points > 0 ? text_of(at(points[0], "scenario")) : std::string("a scenario");

  std::string body = fmt::format(
      "<header>\n<h1>Sweep: {}</h1>\n<p class=\"sub\">wormsim {} · {} · {} points × {} · seed "
      "{}</p>\n<nav><a href=\"#parameters\">Parameters</a><a href=\"#figures\">Figures</a>"
      "</nav>\n</header>\n",
      html_escape(name), html_escape(text_of(at(at(j, "program"), "version"))), html_escape(path),
      n_points, plural(reps, "replication", "replications"), html_escape(text_of(at(j, "seed"))));

  body += "<section id=\"parameters\">\n<h2>Parameters</h2>\n<div class=\"words\">\n";
  std::vector<std::string> swept;
  if (parameters.is_array())
    for (const auto& p : parameters)
      swept.push_back(fmt::format("<b>{}</b> over {}", html_escape(text_of(at(p, "key"))),
                                  list_text(at(p, "values"))));
  body += fmt::format(
      "<p>The scenario {}{} (file hash {}) runs at every combination of {}, the first varying "
      "slowest: {} points. Every point runs replications 0 to {} with seed {}: replication r of "
      "every point draws from the same random streams, so the points share their randomness "
      "wherever they agree (common random numbers).</p>\n",
      html_escape(path),
      variant.empty() ? std::string() : fmt::format(", variant {},", html_escape(variant)),
      html_escape(text_of(at(at(j, "scenario"), "hash_fnv1a64"))), joined(swept, "; "), n_points,
      count_text(std::max(reps - 1, 0.0)), html_escape(text_of(at(j, "seed"))));
  body += "</div>\n</section>\n";

  // One column per point, headed by the values that vary (a parameter given one value is the
  // same everywhere and said in words above); one row per figure, as in a comparison.
  body += "<section id=\"figures\">\n<h2>Figures side by side</h2>\n";
  std::vector<std::string> varying;
  if (parameters.is_array())
    for (const auto& p : parameters)
      if (at(p, "values").is_array() && at(p, "values").size() > 1)
        varying.push_back(text_of(at(p, "key")));
  std::vector<std::string> header = {"figure"};
  for (std::size_t p = 0; p < n_points; ++p) {
    std::string head = fmt::format("point {}", count_text(number_or(at(points[p], "point"), 0)));
    for (const auto& key : varying)
      head += fmt::format("<br><span class=\"param\">{} = {}</span>", html_escape(key),
                          html_escape(text_of(at(at(points[p], "parameters"), key))));
    header.push_back(head);
  }
  std::vector<std::vector<std::string>> rows;
  if (figures.is_array())
    for (const auto& f : figures) {
      const std::string key = text_of(at(f, "key"));
      const std::string unit = text_of(at(f, "unit"));
      std::vector<std::string> row = {html_escape(figure_label(key))};
      for (std::size_t p = 0; p < n_points; ++p) {
        const Json& e = at(at(at(points[p], "figures"), key), "estimate");
        if (!e.is_object()) {
          row.emplace_back(unit == "s" ? "not reached" : "none");
          continue;
        }
        std::string text = fmt::format("{} <span class=\"ci\">[{},&nbsp;{}]</span>",
                                       sweep_value(number_or(at(e, "mean"), 0), unit),
                                       sweep_value(number_or(at(e, "ci95_low"), 0), unit),
                                       sweep_value(number_or(at(e, "ci95_high"), 0), unit));
        const double n = number_or(at(e, "n"), 0);
        if (n < reps)
          text += fmt::format(" <span class=\"n\">n={}/{}</span>", count_text(n), count_text(reps));
        row.push_back(text);
      }
      rows.push_back(std::move(row));
    }
  std::string kinds(n_points + 1, 'c');  // a figure's label, then a cell per point
  kinds[0] = 't';
  body += table(header, rows, kinds);
  body +=
      "<p class=\"note\">Cells: mean [95% Student-t interval] over the replications (sweep.json). "
      "n=k/N: only k replications reached the figure. A sweep records each point's figures, not "
      "its curves: there are no curves to overlay (run a point with <code>wormsim run --set</code> "
      "for its report, or <code>wormsim compare</code> for overlaid curves).</p>\n</section>\n";
  body += fmt::format(
      "<footer>\n<p>Built by wormsim {} from sweep.json in this folder; <code>wormsim report "
      "DIR</code> rebuilds it.</p>\n</footer>\n",
      html_escape(text_of(at(at(j, "program"), "version"))));
  return page(fmt::format("wormsim report: sweep of {}", name), body);
}

}  // namespace wormsim::analysis::report
