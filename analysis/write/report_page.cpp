#include "analysis/write/report_page.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <stdexcept>

#include "analysis/write/html.hpp"
#include "models/scenario/diagnostics.hpp"
#include "sim/time.hpp"

namespace wormsim::analysis::report {

// --- Reading ----------------------------------------------------------------------------------

Json read_json(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string() + ": " + std::strerror(errno));
  try {
    return Json::parse(in);
  } catch (const Json::exception& e) {
    throw models::InputError(fmt::format("{}: error: expected JSON as wormsim writes it: {}\n",
                                         file.string(), e.what()));
  }
}

const Json& at(const Json& j, std::string_view key) {
  static const Json null;
  if (!j.is_object()) return null;
  const auto it = j.find(key);
  return it == j.end() ? null : *it;
}

std::string text_of(const Json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_null()) return "";
  return j.dump();
}

std::optional<double> number_of(const Json& j) {
  if (j.is_number()) return j.get<double>();
  return std::nullopt;
}

double number_or(const Json& j, double fallback) {
  return number_of(j).value_or(fallback);
}

// --- Numbers in words
// -----------------------------------------------------------------------------

std::string count_text(double v) {
  const bool whole = std::abs(v - std::round(v)) < 1e-9;
  return with_commas(v, whole || std::abs(v) >= 1000 ? 0 : 1);
}

std::string percent_text(double percent) {
  const double a = std::abs(percent);
  if (a < 5e-13) return "0%";
  std::string t = a >= 1 ? fmt::format("{:.1f}", percent) : fmt::format("{:.2g}", percent);
  if (t.size() > 2 && t.compare(t.size() - 2, 2, ".0") == 0) t.resize(t.size() - 2);
  if (t.find_first_of("123456789") == std::string::npos) return "0%";
  return t + "%";
}

std::string share_text(double share) {
  return percent_text(share * 100);
}

std::string duration_text(double seconds) {
  const double a = std::abs(seconds);
  const double step = a >= 3600 ? 60 : a >= 60 ? 1 : 0.1;
  const double rounded = std::round(a / step) * step;
  const std::string compact = sim::format_duration(sim::SimTime::from_seconds(rounded));
  std::string out = seconds < 0 && rounded > 0 ? "-" : "";
  for (std::size_t i = 0; i < compact.size(); ++i) {
    const bool digit = compact[i] >= '0' && compact[i] <= '9';
    if (digit && i > 0 && compact[i - 1] >= 'a' && compact[i - 1] <= 'z') out.push_back(' ');
    out.push_back(compact[i]);
  }
  return out;
}

std::string short_number(double v) {
  const double a = std::abs(v);
  std::string t = fmt::format("{:.{}f}", v, a >= 100 ? 0 : a >= 10 ? 1 : 2);
  if (t.find('.') != std::string::npos) {
    while (t.back() == '0') t.pop_back();
    if (t.back() == '.') t.pop_back();
  }
  return t;
}

std::string bits_text(double bps) {
  const double a = std::abs(bps);
  if (a >= 1e9) return short_number(bps / 1e9) + " Gbit/s";
  if (a >= 1e6) return short_number(bps / 1e6) + " Mbit/s";
  if (a >= 1e3) return short_number(bps / 1e3) + " kbit/s";
  return short_number(bps) + " bit/s";
}

std::string bytes_text(double bytes) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
  int u = 0;
  while (std::abs(bytes) >= 1000 && u < 5) {
    bytes /= 1000;
    ++u;
  }
  return fmt::format("{:.{}f} {}", bytes, u == 0 ? 0 : 1, units[u]);
}

std::string clock_text(const std::string& iso) {
  if (iso.size() == 20 && iso[10] == 'T' && iso.back() == 'Z')
    return fmt::format("{} {} UTC", iso.substr(0, 10),
                       iso.substr(17, 2) == "00" ? iso.substr(11, 5) : iso.substr(11, 8));
  return iso;
}

std::string plural(double n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", count_text(n), n == 1 ? one : many);
}

std::string joined(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

std::string list_text(const Json& j) {
  std::vector<std::string> items;
  if (j.is_array())
    for (const auto& v : j) items.push_back(html_escape(text_of(v)));
  return joined(items);
}

// --- Series from curves
// ---------------------------------------------------------------------------

ChartSeries series_of(const CurveSet& curves, const std::string& metric, std::string name,
                      Transform transform) {
  ChartSeries s;
  s.name = std::move(name);
  const auto reps = curves.replications();
  if (reps.empty() || !curves.has(metric)) return s;
  std::vector<std::vector<double>> per_rep;
  std::size_t n = std::numeric_limits<std::size_t>::max();
  for (const std::uint32_t r : reps) {
    const auto& t = curves.times(r);
    const auto& v = curves.values(metric, r);
    const std::size_t m = std::min(t.size(), v.size());
    std::vector<double> out;
    if (transform == Transform::level) {
      out.assign(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(m));
    } else {
      for (std::size_t i = 1; i < m; ++i) {
        const double dt = t[i] - t[i - 1];
        if (dt <= 0)
          out.push_back(0);
        else if (transform == Transform::per_minute)
          out.push_back(v[i] * 60 / dt);
        else
          out.push_back((v[i] - v[i - 1]) / dt);
      }
    }
    n = std::min(n, out.size());
    per_rep.push_back(std::move(out));
  }
  const auto& times = curves.times(reps.front());
  const std::size_t offset = transform == Transform::level ? 0 : 1;
  for (std::size_t i = 0; i < n; ++i) {
    double sum = 0, lo = per_rep.front()[i], hi = lo;
    for (const auto& values : per_rep) {
      sum += values[i];
      lo = std::min(lo, values[i]);
      hi = std::max(hi, values[i]);
    }
    s.time_s.push_back(times[i + offset]);
    s.value.push_back(sum / static_cast<double>(per_rep.size()));
    if (per_rep.size() > 1) {
      s.low.push_back(lo);
      s.high.push_back(hi);
    }
  }
  return s;
}

bool any_nonzero(const CurveSet& curves, const std::string& metric) {
  for (const std::uint32_t r : curves.replications())
    for (const double v : curves.values(metric, r))
      if (v != 0) return true;
  return false;
}

std::vector<std::string> worm_suffixes(const CurveSet& curves) {
  if (curves.has("infected_total")) return {""};
  std::vector<std::string> out;
  const std::string base = "infected_total.";
  for (const auto& m : curves.metrics())
    if (m.compare(0, base.size(), base) == 0) out.push_back(m.substr(base.size() - 1));
  return out;
}

std::string worm_label(const std::string& suffix) {
  return suffix.empty() ? std::string() : fmt::format(" — {}", suffix.substr(1));
}

// --- The page -----------------------------------------------------------------------------------

namespace {

constexpr std::string_view kStyle = R"css(
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1200px; padding: 0 28px 48px; color: #111; background: #fff;
  font: 20px/1.45 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 1.9em; line-height: 1.2; margin: 0.7em 0 0.2em; }
h2 { font-size: 1.45em; margin: 1.6em 0 0.5em; padding-bottom: 0.15em;
  border-bottom: 3px solid #111; }
h3 { font-size: 1.15em; margin: 1.2em 0 0.4em; }
p.sub { margin: 0; color: #333; }
nav { margin: 0.8em 0; }
nav a { margin-right: 1.1em; color: #0645ad; }
.words { max-width: 62em; }
.attribution { font-weight: bold; }
ul.populations li { margin-bottom: 0.3em; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.92em;
  font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #777; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
th { background: #e6e6e6; }
td.num { text-align: right; white-space: nowrap; }
td.keep { white-space: nowrap; }
td.cmp { text-align: right; }
th .param { font-weight: normal; }
td.cmp .ci, td.cmp .n { display: block; white-space: nowrap; font-size: 0.9em; }
.ci, .n, .diff { color: #333; }
.diff { display: block; font-size: 0.9em; white-space: nowrap; border-top: 1px dotted #777; }
.resolved { font-weight: bold; color: #111; }
figure.chart { margin: 1.2em 0 2em; break-inside: avoid; }
figcaption { font-size: 1.15em; font-weight: bold; margin-bottom: 0.2em; }
figcaption .unit { font-weight: normal; color: #333; }
.plot { position: relative; }
svg.chart { display: block; width: 100%; height: auto; }
svg.chart text { font-family: inherit; fill: #111; }
ul.legend { list-style: none; padding: 0; margin: 0.3em 0; display: flex; flex-wrap: wrap;
  gap: 0.3em 1.6em; }
.swatch { display: inline-block; width: 2.2em; margin-right: 0.45em; vertical-align: middle;
  border-top: 5px solid #111; }
.swatch.dashed { border-top-style: dashed; }
p.note { margin: 0.2em 0; color: #333; font-size: 0.9em; max-width: 62em; }
.tip { position: absolute; top: 8px; background: #fff; border: 2px solid #111; padding: 0.3em 0.6em;
  font-size: 0.85em; white-space: nowrap; pointer-events: none; }
.tip-time { font-weight: bold; }
.tip-mark { display: inline-block; width: 0.8em; height: 0.8em; margin-right: 0.4em; }
footer { margin-top: 2.5em; font-size: 0.9em; color: #333; border-top: 1px solid #777; }
@media (min-width: 1700px) { body { max-width: 1500px; font-size: 23px; } }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  nav, .tip, svg.chart .cursor { display: none; }
  a { color: inherit; text-decoration: none; }
  h2 { break-after: avoid; }
  table, figure.chart { break-inside: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
)css";

// Hover values: the script reads the lines back from the drawing (path coordinates and the axes'
// extent, kept on each <svg>), so the page carries its data once. The charts need none of it.
constexpr std::string_view kScript = R"js(
(function () {
  "use strict";
  function number(v, format) {
    if (format === "percent") return (v * 100).toFixed(1) + "%";
    var unit = format === "bps" ? "bit/s" : "";
    var a = Math.abs(v);
    var scales = [[1e9, "G"], [1e6, "M"], [format === "bps" ? 1e3 : 1e4, "k"]];
    for (var i = 0; i < scales.length; i++) {
      var divisor = scales[i][1] === "k" ? 1e3 : scales[i][0];
      if (a >= scales[i][0])
        return (v / divisor).toPrecision(3) + (unit ? " " + scales[i][1] + unit : scales[i][1]);
    }
    var text = a >= 100 ? v.toFixed(0).replace(/\B(?=(\d{3})+(?!\d))/g, ",")
                        : String(Math.round(v * 10) / 10);
    return text + (unit ? " " + unit : "");
  }
  function clock(s) {
    s = Math.max(0, Math.round(s));
    var d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
    return (d ? d + "d " : "") + h + "h " + (m < 10 ? "0" : "") + m + "m";
  }
  Array.prototype.forEach.call(document.querySelectorAll("svg.chart"), function (svg) {
    var data = svg.dataset;
    var left = +data.left, right = +data.right, top = +data.top, bottom = +data.bottom;
    var xmax = +data.xmax, ymin = +data.ymin, ymax = +data.ymax;
    var lines = Array.prototype.map.call(svg.querySelectorAll("path.series"), function (p) {
      var n = p.getAttribute("d").replace(/[ML]/g, " ").trim().split(/\s+/).map(Number);
      var xs = [], ys = [];
      for (var i = 0; i + 1 < n.length; i += 2) { xs.push(n[i]); ys.push(n[i + 1]); }
      return { name: p.getAttribute("data-name"), colour: p.getAttribute("stroke"),
               xs: xs, ys: ys };
    });
    var cursor = svg.querySelector("line.cursor");
    var tip = svg.parentNode.querySelector(".tip");
    function hide() { cursor.setAttribute("visibility", "hidden"); tip.hidden = true; }
    svg.addEventListener("mousemove", function (e) {
      var box = svg.getBoundingClientRect();
      var x = (e.clientX - box.left) * svg.viewBox.baseVal.width / box.width;
      if (x < left || x > right || lines.length === 0) { hide(); return; }
      cursor.setAttribute("x1", x);
      cursor.setAttribute("x2", x);
      cursor.setAttribute("visibility", "visible");
      tip.textContent = "";
      var head = document.createElement("div");
      head.className = "tip-time";
      head.textContent = clock((x - left) / (right - left) * xmax) + " since the start";
      tip.appendChild(head);
      lines.forEach(function (l) {
        if (l.xs.length === 0) return;
        var lo = 0, hi = l.xs.length - 1;
        while (lo < hi) {
          var mid = (lo + hi) >> 1;
          if (l.xs[mid] < x) lo = mid + 1; else hi = mid;
        }
        if (lo > 0 && x - l.xs[lo - 1] < l.xs[lo] - x) lo -= 1;
        var v = ymin + (bottom - l.ys[lo]) / (bottom - top) * (ymax - ymin);
        var row = document.createElement("div");
        var mark = document.createElement("span");
        mark.className = "tip-mark";
        mark.style.background = l.colour;
        row.appendChild(mark);
        row.appendChild(document.createTextNode(l.name + ": " + number(v, data.format)));
        tip.appendChild(row);
      });
      tip.hidden = false;
      var px = e.clientX - box.left;
      tip.style.left = (px > box.width / 2 ? px - tip.offsetWidth - 16 : px + 16) + "px";
    });
    svg.addEventListener("mouseleave", hide);
  });
  var root = document.documentElement;
  document.body.dataset.overflow = root.scrollWidth > root.clientWidth ? "1" : "0";
  document.body.dataset.ready = "1";
})();
)js";

}  // namespace

std::string page(const std::string& title, const std::string& body) {
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  html += fmt::format("<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n", html_escape(title),
                      kStyle);
  html += body;
  html += fmt::format("<script>{}</script>\n</body>\n</html>\n", kScript);
  return html;
}

std::string table(const std::vector<std::string>& header,
                  const std::vector<std::vector<std::string>>& rows, std::string_view kinds) {
  std::string html = "<div class=\"scroll\"><table>\n<thead><tr>";
  for (const auto& h : header) html += fmt::format("<th>{}</th>", h);
  html += "</tr></thead>\n<tbody>\n";
  for (const auto& row : rows) {
    html += "<tr>";
    for (std::size_t i = 0; i < row.size(); ++i) {
      const char kind = i < kinds.size() ? kinds[i] : 't';
      html += fmt::format("<td{}>{}</td>",
                          kind == 'n'   ? " class=\"num\""
                          : kind == 'k' ? " class=\"keep\""
                          : kind == 'c' ? " class=\"cmp\""
                                        : "",
                          row[i]);
    }
    html += "</tr>\n";
  }
  html += "</tbody>\n</table></div>\n";
  return html;
}

}  // namespace wormsim::analysis::report
