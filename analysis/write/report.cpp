#include "analysis/write/report.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <tuple>
#include <vector>

#include "analysis/output_reader.hpp"
#include "analysis/statistics.hpp"
#include "analysis/write/html.hpp"
#include "analysis/write/outputs.hpp"
#include "analysis/write/svg_chart.hpp"
#include "models/scenario/diagnostics.hpp"
#include "sim/time.hpp"

namespace wormsim::analysis {

namespace {

using Json = nlohmann::ordered_json;

// --- Reading ----------------------------------------------------------------------------------

Json read_json(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string() + ": " + std::strerror(errno));
  try {
    return Json::parse(in);
  } catch (const Json::exception& e) {
    throw models::InputError(
        fmt::format("{}: error: expected JSON as wormsim writes it: {}\n", file.string(), e.what()));
  }
}

/// The member `key` of an object, or null: the report reads what is there and leaves out what is
/// not, so that a summary.json from an older or newer wormsim still gives a page.
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

// --- Numbers in words -----------------------------------------------------------------------------

/// A count, or a mean of counts: whole numbers and large ones without decimals.
std::string count_text(double v) {
  const bool whole = std::abs(v - std::round(v)) < 1e-9;
  return with_commas(v, whole || std::abs(v) >= 1000 ? 0 : 1);
}

/// A percentage: one decimal from 1% up ("38.1%", "25%"), two significant digits below
/// ("0.013%"), so that a small share does not read as nothing; never "-0%".
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

/// "2h 30m" from seconds, rounded to the minute above an hour, to the second above a minute.
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

/// Up to three significant digits, trailing zeros dropped ("1.54", "155", "2.5").
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

/// "2001-07-19T10:00:00Z" → "2001-07-19 10:00 UTC".
std::string clock_text(const std::string& iso) {
  if (iso.size() == 20 && iso[10] == 'T' && iso.back() == 'Z')
    return fmt::format("{} {} UTC", iso.substr(0, 10),
                       iso.substr(17, 2) == "00" ? iso.substr(11, 5) : iso.substr(11, 8));
  return iso;
}

std::string plural(double n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", count_text(n), n == 1 ? one : many);
}

std::string joined(const std::vector<std::string>& items, std::string_view separator = ", ") {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

/// A JSON array of strings as "a, b, c" (escaped).
std::string list_text(const Json& j) {
  std::vector<std::string> items;
  if (j.is_array())
    for (const auto& v : j) items.push_back(html_escape(text_of(v)));
  return joined(items);
}

// --- How figures read ---------------------------------------------------------------------------

enum class Figure { count, seconds, share, bytes };

std::string figure_text(double v, Figure kind) {
  switch (kind) {
    case Figure::seconds:
      return duration_text(v);
    case Figure::share:
      return share_text(v);
    case Figure::bytes:
      return bytes_text(v);
    default:
      return count_text(v);
  }
}

/// A figure over the replications: "mean [low, high]" (95% Student-t interval), or the value of a
/// single replication; "n=2/3" when some replications lack it (a threshold not reached).
std::string estimate_text(const std::vector<std::optional<double>>& values, Figure kind) {
  const auto e = estimate(values);
  if (!e) return kind == Figure::seconds ? "not reached" : "none";
  std::string out = figure_text(e->mean, kind);
  if (values.size() > 1 && e->n > 1)
    out += fmt::format(" <span class=\"ci\">[{}, {}]</span>", figure_text(e->ci_low, kind),
                       figure_text(e->ci_high, kind));
  if (e->n < values.size()) out += fmt::format(" <span class=\"n\">n={}/{}</span>", e->n,
                                               values.size());
  return out;
}

std::string range_text(const std::vector<std::optional<double>>& values, Figure kind) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  std::size_t n = 0;
  for (const auto& v : values)
    if (v) {
      lo = std::min(lo, *v);
      hi = std::max(hi, *v);
      ++n;
    }
  if (n == 0) return kind == Figure::seconds ? "not reached" : "none";
  if (lo == hi) return figure_text(lo, kind);
  return fmt::format("{} – {}", figure_text(lo, kind), figure_text(hi, kind));
}

// --- Series from curves ---------------------------------------------------------------------------

/// How a series of curves.csv becomes a line: as it is (hosts now, totals since the start), per
/// minute (counts since the previous sample), or per second (the slope of a total since the start).
enum class Transform { level, per_minute, per_second };

/// The mean over the replications at each sample, with the lowest and highest replication as the
/// band (when there are several). Replications share their sample times; the shortest one bounds
/// the line.
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

/// The worms' metric suffixes: "" for one worm, ".blaster", ".welchia" for several (curves.csv
/// suffixes the per-worm metrics with the model when several worms are released).
std::vector<std::string> worm_suffixes(const CurveSet& curves) {
  if (curves.has("infected_total")) return {""};
  std::vector<std::string> out;
  const std::string base = "infected_total.";
  for (const auto& m : curves.metrics())
    if (m.compare(0, base.size(), base) == 0) out.push_back(m.substr(base.size() - 1));
  return out;
}

/// " — blaster" for a worm's suffix ".blaster"; nothing for a single worm.
std::string worm_label(const std::string& suffix) {
  return suffix.empty() ? std::string() : fmt::format(" — {}", suffix.substr(1));
}

/// The reference model's curve from summary.json's optional "reference" block, as a dashed
/// series: `{"label": ..., "curve": [[time_s, value], ...]}` or `"curve": {"time_s": [...],
/// "value": [...]}`. Nullopt when there is none.
std::optional<ChartSeries> reference_series(const Json& summary) {
  const Json& ref = at(summary, "reference");
  const Json& curve = at(ref, "curve");
  ChartSeries s;
  s.dashed = true;
  s.colour = 6;  // black: apart from every simulated line
  const std::string label = text_of(at(ref, "label"));
  const std::string model = text_of(at(ref, "model"));
  s.name = fmt::format("reference: {}", !label.empty() ? label : !model.empty() ? model : "model");
  if (curve.is_array()) {
    for (const auto& point : curve)
      if (point.is_array() && point.size() >= 2 && point[0].is_number() && point[1].is_number()) {
        s.time_s.push_back(point[0].get<double>());
        s.value.push_back(point[1].get<double>());
      }
  } else if (curve.is_object()) {
    const Json& t = at(curve, "time_s");
    const Json& v = at(curve, "value");
    if (t.is_array() && v.is_array())
      for (std::size_t i = 0; i < std::min(t.size(), v.size()); ++i)
        if (t[i].is_number() && v[i].is_number()) {
          s.time_s.push_back(t[i].get<double>());
          s.value.push_back(v[i].get<double>());
        }
  }
  if (s.time_s.empty()) return std::nullopt;
  return s;
}

// --- The page -----------------------------------------------------------------------------------

constexpr std::string_view kStyle = R"css(
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1200px; padding: 0 28px 48px; color: #111; background: #fff;
  font: 20px/1.45 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 1.9em; line-height: 1.2; margin: 0.7em 0 0.2em; }
h2 { font-size: 1.45em; margin: 1.6em 0 0.5em; padding-bottom: 0.15em; border-bottom: 3px solid #111; }
h3 { font-size: 1.15em; margin: 1.2em 0 0.4em; }
p.sub { margin: 0; color: #333; }
nav { margin: 0.8em 0; }
nav a { margin-right: 1.1em; color: #0645ad; }
.words { max-width: 62em; }
.attribution { font-weight: bold; }
ul.populations li { margin-bottom: 0.3em; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.92em; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #777; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
th { background: #e6e6e6; }
td.num { text-align: right; white-space: nowrap; }
td.keep { white-space: nowrap; }
td.cmp { text-align: right; }
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
ul.legend { list-style: none; padding: 0; margin: 0.3em 0; display: flex; flex-wrap: wrap; gap: 0.3em 1.6em; }
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
      if (a >= scales[i][0]) return (v / divisor).toPrecision(3) + " " + scales[i][1] + unit;
    }
    return (a >= 100 ? v.toFixed(0) : String(Math.round(v * 10) / 10)) + (unit ? " " + unit : "");
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
      return { name: p.getAttribute("data-name"), colour: p.getAttribute("stroke"), xs: xs, ys: ys };
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
        while (lo < hi) { var mid = (lo + hi) >> 1; if (l.xs[mid] < x) lo = mid + 1; else hi = mid; }
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

std::string page(const std::string& title, const std::string& body) {
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  html += fmt::format("<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n", html_escape(title),
                      kStyle);
  html += body;
  html += fmt::format("<script>{}</script>\n</body>\n</html>\n", kScript);
  return html;
}

/// A table; `kinds` has one letter per column: 'n' a number (right-aligned, kept on one line),
/// 'k' text kept on one line, 'c' a comparison cell (mean, interval and difference on lines of
/// their own), anything else text that may wrap.
std::string table(const std::vector<std::string>& header,
                  const std::vector<std::vector<std::string>>& rows, std::string_view kinds = "") {
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

constexpr std::string_view kBandNote =
    "Lines: the mean of the replications at each sample. Shaded: from the lowest to the highest "
    "replication at each sample (the min–max band, not a confidence interval).";

// --- A run's report -------------------------------------------------------------------------------

/// Operating systems as people name them.
std::string os_words(const std::string& name) {
  static const std::map<std::string, std::string> words = {
      {"win9x", "Windows 9x"},
      {"nt4-pre-sp6a", "NT 4.0 before SP6a"},
      {"nt4-sp6a", "NT 4.0 SP6a"},
      {"win2000-rtm", "Windows 2000"},
      {"win2000-sp1", "Windows 2000 SP1"},
      {"win2000-sp2", "Windows 2000 SP2"},
      {"win2000-sp3", "Windows 2000 SP3"},
      {"win2000-sp4", "Windows 2000 SP4"},
      {"xp-rtm", "Windows XP"},
      {"xp-sp1", "Windows XP SP1"},
      {"win2003", "Windows Server 2003"},
      {"solaris", "Solaris"},
      {"other", "other systems"}};
  const auto it = words.find(name);
  return it == words.end() ? name : it->second;
}

/// "Windows 2000 SP1 55%, NT 4.0 SP6a 45%" from a mix {"name": share}.
std::string mix_text(const Json& mix, bool os) {
  std::vector<std::string> parts;
  if (mix.is_object())
    for (const auto& [name, share] : mix.items())
      parts.push_back(fmt::format("{} {}", html_escape(os ? os_words(name) : name),
                                  share_text(number_or(share, 0))));
  return joined(parts);
}

std::string worm_words(const Json& worm) {
  const std::string model = text_of(at(worm, "model"));
  std::string out = fmt::format("<b>{}</b>", html_escape(model));
  if (const auto n = number_of(at(worm, "initial_infected")))
    out += fmt::format(" starts on {}", plural(*n, "infected host", "infected hosts"));
  const Json& from = at(worm, "initial_populations");
  if (from.is_array() && !from.empty()) out += fmt::format(" (in {})", list_text(from));
  if (const auto rate = number_of(at(worm, "probe_rate")))
    out += fmt::format(", each probing {} addresses a second ({} a minute)", short_number(*rate),
                       short_number(*rate * 60));
  else if (const auto per_thread = number_of(at(worm, "probe_rate_per_thread")))
    out += fmt::format(", {} probes a second per scanning thread", short_number(*per_thread));
  return out;
}

std::string defence_settings(const Json& d) {
  std::vector<std::string> parts;
  if (!at(d, "fix").is_null()) parts.push_back(fmt::format("fix {}", html_escape(text_of(at(d, "fix")))));
  for (const char* key : {"block_in", "block_out", "open"}) {
    const Json& rules = at(d, key);
    if (rules.is_array() && !rules.empty())
      parts.push_back(fmt::format("{} {}", key, list_text(rules)));
  }
  // The kind's own keys follow the common ones in summary.json (see write_summary_json).
  static const std::vector<std::string> common = {
      "kind",   "name",     "type",      "start_s",          "populations", "blocks",
      "unit",   "coverage", "adoption",  "half_time",        "spread",      "coverage_by_time",
      "fix",    "block_in", "block_out", "open",             "web_servers_offline"};
  if (d.is_object())
    for (const auto& [key, value] : d.items())
      if (std::find(common.begin(), common.end(), key) == common.end())
        parts.push_back(fmt::format("{} {}", html_escape(key), html_escape(text_of(value))));
  return joined(parts, "; ");
}

std::string adoption_text(const Json& d) {
  const std::string shape = text_of(at(d, "adoption"));
  const std::string coverage = share_text(number_or(at(d, "coverage"), 1));
  if (shape == "linear")
    return fmt::format("{}, linear: half by {}", coverage, html_escape(text_of(at(d, "half_time"))));
  if (shape == "logistic")
    return fmt::format("{}, logistic: half by {} (spread {})", coverage,
                       html_escape(text_of(at(d, "half_time"))),
                       html_escape(text_of(at(d, "spread"))));
  if (shape == "table") {
    std::vector<std::string> steps;
    const Json& t = at(d, "coverage_by_time");
    if (t.is_object())
      for (const auto& [when, share] : t.items())
        steps.push_back(fmt::format("{} by {}", share_text(number_or(share, 0)), html_escape(when)));
    return fmt::format("table: {}", joined(steps));
  }
  return fmt::format("{}, at once", coverage);
}

/// actions.csv's rows grouped by policy: the file lists each policy's replications together, in
/// scenario order, so a policy's group ends where the replication index stops increasing.
std::vector<std::vector<std::size_t>> action_groups(const CsvTable& actions) {
  std::vector<std::vector<std::size_t>> groups;
  const std::size_t rep = actions.column("replication"), name = actions.column("name");
  double last = -1;
  for (std::size_t i = 0; i < actions.rows.size(); ++i) {
    const double r = csv_number(actions, i, rep);
    if (groups.empty() || r <= last ||
        actions.rows[i][name] != actions.rows[groups.back().front()][name])
      groups.emplace_back();
    groups.back().push_back(i);
    last = r;
  }
  return groups;
}

class RunReport {
 public:
  explicit RunReport(const std::filesystem::path& folder) : folder_(folder) {
    summary_ = read_json(folder / "summary.json");
    auto curves = read_csv(folder / "curves.csv");
    if (!curves)
      throw models::InputError(fmt::format(
          "{}: error: expected curves.csv beside summary.json (the report charts it)\n",
          folder.string()));
    curves_ = read_curves(*curves);
    actions_ = read_csv(folder / "actions.csv");
    links_ = read_csv(folder / "links_summary.csv");
    devices_ = read_csv(folder / "devices.csv");
    params_ = at(summary_, "parameters");
    reps_ = at(summary_, "replications").is_array() ? at(summary_, "replications").size() : 0;
    duration_s_ = 0;
    if (const auto d = sim::parse_duration(text_of(at(at(params_, "simulation"), "duration"))))
      duration_s_ = d->seconds();
  }

  std::string html() const {
    const std::string name = text_of(at(at(summary_, "scenario"), "name"));
    std::string body;
    body += fmt::format("<header>\n<h1>{}</h1>\n", html_escape(name));
    const std::string variant = text_of(at(at(summary_, "scenario"), "variant"));
    std::string sub = fmt::format(
        "wormsim {} · {} · scenario hash {}", html_escape(text_of(at(at(summary_, "program"),
                                                                     "version"))),
        html_escape(text_of(at(summary_, "mode"))),
        html_escape(text_of(at(at(summary_, "scenario"), "hash_fnv1a64"))));
    if (!variant.empty()) sub += fmt::format(" · variant <b>{}</b>", html_escape(variant));
    body += fmt::format("<p class=\"sub\">{}</p>\n", sub);
    body +=
        "<nav><a href=\"#scenario\">Scenario</a><a href=\"#figures\">Figures</a>"
        "<a href=\"#spread\">Spread</a><a href=\"#traffic\">Probes and traffic</a>"
        "<a href=\"#hosts\">Hosts</a>";
    if (has_network()) body += "<a href=\"#network\">Network</a>";
    body += "<a href=\"#defences\">Defences</a></nav>\n</header>\n";
    body += scenario_section();
    body += figures_section();
    body += spread_section();
    body += traffic_section();
    body += hosts_section();
    if (has_network()) body += network_section();
    body += defences_section();
    body += footer();
    return page(fmt::format("wormsim report: {}", name), body);
  }

 private:
  bool has_network() const { return at(params_, "network").is_object(); }

  std::vector<std::optional<double>> per_replication(
      const std::function<const Json&(const Json&)>& pick) const {
    std::vector<std::optional<double>> out;
    const Json& reps = at(summary_, "replications");
    if (reps.is_array())
      for (const auto& r : reps) out.push_back(number_of(pick(r)));
    return out;
  }

  std::vector<std::optional<double>> per_replication(std::string_view key) const {
    return per_replication([key](const Json& r) -> const Json& { return at(r, key); });
  }

  std::string scenario_section() const {
    const Json& sim_ = at(params_, "simulation");
    std::string html = "<section id=\"scenario\">\n<h2>The scenario</h2>\n<div class=\"words\">\n";

    // Worms.
    const Json& worms = at(params_, "worms");
    std::vector<std::string> worm_parts;
    if (worms.is_array())
      for (const auto& w : worms) worm_parts.push_back(worm_words(w));
    html += fmt::format("<p>{}: {}.</p>\n",
                        worm_parts.size() == 1 ? "The worm" : "Worms released together",
                        joined(worm_parts, "; "));

    // Populations.
    const Json& pops = at(params_, "population");
    double hosts = 0;
    std::string items;
    if (pops.is_array())
      for (const auto& p : pops) {
        const double count = number_or(at(p, "count"), 0);
        hosts += count;
        const Json& placement = at(p, "placement");
        std::string where = fmt::format("about {} per {} block",
                                        short_number(number_or(at(placement, "mean_per_block"), 0)),
                                        html_escape(text_of(at(placement, "per"))));
        const Json& within = at(placement, "within");
        if (within.is_array() && !within.empty()) where += fmt::format(" within {}", list_text(within));
        items += fmt::format(
            "<li><b>{}</b>: {} running {}; {}; {}{}.</li>\n", html_escape(text_of(at(p, "name"))),
            plural(count, "host", "hosts"), list_text(at(p, "services")),
            mix_text(at(p, "os"), true), where,
            at(p, "locale").empty() ? std::string()
                                    : fmt::format("; locale {}", mix_text(at(p, "locale"), false)));
      }
    html += fmt::format("<p>{} in {}:</p>\n<ul class=\"populations\">\n{}</ul>\n",
                        plural(hosts, "host", "hosts"),
                        pops.is_array() && pops.size() == 1
                            ? std::string("one population")
                            : fmt::format("{} populations", pops.is_array() ? pops.size() : 0),
                        items);

    // Address space.
    const Json& space = at(params_, "address_space");
    const std::string allocated = text_of(at(space, "allocated_blocks"));
    const std::size_t blocks = at(space, "blocks").is_array() ? at(space, "blocks").size() : 0;
    std::string where;
    if (allocated == "all")
      where = "anywhere in it";
    else if (allocated == "iana-2001")
      where = fmt::format("in the {} blocks IANA had allocated by July 2001", blocks);
    else if (allocated == "iana-2003")
      where = fmt::format("in the {} blocks IANA had allocated by August 2003", blocks);
    else
      where = fmt::format("in {} ({} blocks)", html_escape(allocated), blocks);
    html += fmt::format("<p>The {} {} ({} addresses); hosts sit {}.</p>\n",
                        worm_parts.size() == 1 ? "worm scans" : "worms scan",
                        html_escape(text_of(at(space, "prefix"))),
                        count_text(number_or(at(space, "size"), 0)), where);

    // Network.
    if (has_network()) {
      const Json& n = at(params_, "network");
      const Json& topo = at(n, "topology");
      html += fmt::format(
          "<p>The outbreak runs over the network <b>{}</b> ({}, from {}): {} nodes and {} links, "
          "brought up to date every {}; background traffic fills {} of each link's capacity at "
          "the daily peak ({}:00 UTC) and {} of that at the trough.",
          html_escape(text_of(at(topo, "name"))), html_escape(text_of(at(topo, "origin"))),
          html_escape(text_of(at(topo, "source"))), count_text(number_or(at(topo, "nodes"), 0)),
          count_text(number_or(at(topo, "links"), 0)), html_escape(text_of(at(n, "step"))),
          share_text(number_or(at(n, "background_utilisation"), 0)),
          short_number(number_or(at(at(n, "daily_cycle"), "peak_hour"), 0)),
          share_text(number_or(at(at(n, "daily_cycle"), "trough"), 0)));
      const Json& devices = at(n, "devices");
      if (devices.is_array() && !devices.empty()) {
        std::vector<std::string> parts;
        for (const auto& d : devices)
          parts.push_back(fmt::format("{} on {} of the {} nodes ({})",
                                      html_escape(text_of(at(d, "model"))),
                                      share_text(number_or(at(d, "share"), 0)),
                                      list_text(at(d, "on")), html_escape(text_of(at(d, "name")))));
        html += fmt::format(" Devices: {}.", joined(parts, "; "));
      }
      html += "</p>\n";
      const std::string attribution = text_of(at(topo, "attribution"));
      if (!attribution.empty())
        html += fmt::format("<p class=\"attribution\">Topology: {}.</p>\n",
                            html_escape(attribution));
    } else {
      html += "<p>No [network] table: the worms see a network without limits.</p>\n";
    }

    // Defences.
    const Json& defences = at(params_, "defences");
    if (defences.is_array() && !defences.empty()) {
      std::vector<std::string> parts;
      std::size_t i = 0;
      for (const auto& d : defences)
        parts.push_back(fmt::format("{}. {} ({} {}, {} {})", ++i,
                                    html_escape(text_of(at(d, "name"))),
                                    html_escape(text_of(at(d, "kind"))),
                                    html_escape(text_of(at(d, "type"))),
                                    text_of(at(d, "type")) == "action" ? "at" : "from",
                                    duration_text(number_or(at(d, "start_s"), 0))));
      html += fmt::format(
          "<p>Defences and actions, numbered as on the charts and in <a href=\"#defences\">the "
          "table below</a>: {}.</p>\n",
          joined(parts, "; "));
    } else {
      html += "<p>No defences and no actions.</p>\n";
    }

    // The run.
    html += fmt::format(
        "<p>Simulated from {} for {}, sampled every {}; {} with seed {} ({} partitions).</p>\n",
        clock_text(text_of(at(sim_, "start"))), html_escape(text_of(at(sim_, "duration"))),
        html_escape(text_of(at(sim_, "sample_every"))),
        plural(static_cast<double>(reps_), "replication", "replications"),
        html_escape(text_of(at(sim_, "seed"))), html_escape(text_of(at(sim_, "partitions"))));
    html += "</div>\n";

    // Every worm parameter, defaults included, as summary.json records them.
    if (worms.is_array() && !worms.empty()) {
      html += "<details><summary>Worm parameters (defaults included)</summary>\n";
      for (const auto& w : worms) {
        std::vector<std::vector<std::string>> rows;
        if (w.is_object())
          for (const auto& [key, value] : w.items())
            rows.push_back({html_escape(key), html_escape(value.is_array() ? list_text(value)
                                                                          : text_of(value))});
        html += fmt::format("<h3>{}</h3>\n", html_escape(text_of(at(w, "model"))));
        html += table({"key", "value"}, rows);
      }
      html += "</details>\n";
    }
    html += "</section>\n";
    return html;
  }

  std::string figures_section() const {
    struct Row {
      std::string label;
      std::vector<std::optional<double>> values;
      Figure kind;
    };
    std::vector<Row> rows;
    rows.push_back({"vulnerable hosts", per_replication("vulnerable"), Figure::count});
    rows.push_back({"hosts ever infected", per_replication("infected_total"), Figure::count});
    {
      std::vector<std::optional<double>> share;
      const auto total = per_replication("infected_total"), vulnerable = per_replication("vulnerable");
      for (std::size_t i = 0; i < total.size(); ++i)
        share.push_back(total[i] && vulnerable[i] && *vulnerable[i] > 0
                            ? std::optional<double>(*total[i] / *vulnerable[i])
                            : std::nullopt);
      rows.push_back({"share of the vulnerable ever infected", share, Figure::share});
    }
    rows.push_back({"infected at the end", per_replication("infected_now"), Figure::count});
    rows.push_back({"time to 10% of the vulnerable", per_replication("time_to_10pct_s"),
                    Figure::seconds});
    rows.push_back({"time to 50%", per_replication("time_to_50pct_s"), Figure::seconds});
    rows.push_back({"time to 90%", per_replication("time_to_90pct_s"), Figure::seconds});
    rows.push_back({"peak new infections in one minute",
                    per_replication("peak_infections_per_minute"), Figure::count});
    // Several worms: each worm's own spread.
    const Json& worms = at(params_, "worms");
    if (worms.is_array() && worms.size() > 1)
      for (std::size_t w = 0; w < worms.size(); ++w) {
        const std::string model = html_escape(text_of(at(worms[w], "model")));
        auto pick = [w](std::string_view key) {
          return [w, key](const Json& r) -> const Json& {
            const Json& list = at(r, "worms");
            static const Json null;
            return list.is_array() && w < list.size() ? at(list[w], key) : null;
          };
        };
        rows.push_back({fmt::format("{}: hosts ever infected", model),
                        per_replication(pick("infected_total")), Figure::count});
        rows.push_back({fmt::format("{}: time to 50% of its vulnerable", model),
                        per_replication(pick("time_to_50pct_s")), Figure::seconds});
      }
    // Host outcomes, where any replication has some.
    const std::pair<const char*, const char*> outcomes[] = {
        {"rpc_crashes", "RPC crashes"},        {"iis_crashes", "IIS crashes"},
        {"reboots", "reboots"},                {"defaced", "hosts defaced"},
        {"backdoored", "hosts backdoored"},    {"patched_by_welchia", "hosts patched by Welchia"},
        {"flood_packets", "flood packets"}};
    for (const auto& [key, label] : outcomes) {
      auto values = per_replication(key);
      if (std::any_of(values.begin(), values.end(), [](const auto& v) { return v && *v != 0; }))
        rows.push_back({label, values, Figure::count});
    }
    const Json& defences = at(params_, "defences");
    if (defences.is_array() && !defences.empty()) {
      rows.push_back({"hosts patched by the defences", per_replication("patched"), Figure::count});
      rows.push_back({"hosts protected (workarounds, firewalls, anti-virus)",
                      per_replication("protected_hosts"), Figure::count});
      rows.push_back({"probes blocked", per_replication("probes_blocked"), Figure::count});
      rows.push_back({"hosts cleaned by quarantine", per_replication("hosts_cleaned"),
                      Figure::count});
    }
    if (has_network()) {
      auto net = [this](std::string_view key) {
        return per_replication([key](const Json& r) -> const Json& { return at(at(r, "network"), key); });
      };
      rows.push_back({"hits lost in the network", net("hits_lost"), Figure::count});
      rows.push_back({"device crashes and reloads", net("device_crashes"), Figure::count});
      rows.push_back({"most devices down at once", net("peak_devices_down"), Figure::count});
      rows.push_back({"most sites cut off at once", net("peak_sites_cut_off"), Figure::count});
      rows.push_back({"most hosts cut off at once", net("peak_hosts_cut_off"), Figure::count});
      rows.push_back({"links saturated", net("links_saturated"), Figure::count});
      rows.push_back({"highest link utilisation", net("max_link_utilisation"), Figure::share});
      rows.push_back({"traffic dropped", net("bytes_dropped"), Figure::bytes});
    }

    std::vector<std::vector<std::string>> cells;
    for (const auto& row : rows)
      cells.push_back(reps_ > 1 ? std::vector<std::string>{row.label,
                                                           estimate_text(row.values, row.kind),
                                                           range_text(row.values, row.kind)}
                                : std::vector<std::string>{row.label,
                                                           estimate_text(row.values, row.kind)});
    std::string html = "<section id=\"figures\">\n<h2>Figures</h2>\n";
    if (reps_ > 1)
      html += table({"figure", fmt::format("mean [95% interval] over {} replications", reps_),
                     "lowest – highest replication"},
                    cells, "tnn");
    else
      html += table({"figure", "replication 0"}, cells, "tn");
    html += fmt::format(
        "<p class=\"note\">{}</p>\n</section>\n",
        reps_ > 1 ? "Intervals: Student t over the replications, 95%. n=k/N: only k of the N "
                    "replications reached the figure; the estimate covers those."
                  : "One replication: no interval. Run with --replications 10 or more for "
                    "useful intervals.");
    return html;
  }

  /// The defences' times as numbered vertical lines (numbered as in the defences table).
  std::vector<ChartMark> defence_times() const {
    std::vector<ChartMark> out;
    const Json& defences = at(params_, "defences");
    if (defences.is_array())
      for (std::size_t i = 0; i < defences.size(); ++i)
        if (const auto t = number_of(at(defences[i], "start_s")))
          out.push_back({*t, std::to_string(i + 1)});
    return out;
  }

  Chart chart(std::string id, std::string title, std::string unit, ValueFormat format) const {
    Chart c;
    c.id = std::move(id);
    c.title = std::move(title);
    c.unit = std::move(unit);
    c.format = format;
    c.duration_s = duration_s_;
    return c;
  }

  std::string band_note() const {
    return reps_ > 1 ? std::string(kBandNote)
                     : std::string("One replication: its values, without a band.");
  }

  /// The series of `metrics` that are not zero throughout, or a sentence instead of the chart
  /// when every one is: a chart of flat zero lines says less than the sentence.
  std::string optional_chart(Chart c,
                             const std::vector<std::pair<std::string, std::string>>& metrics,
                             Transform transform, const std::string& when_empty) const {
    std::vector<std::string> zero;
    for (const auto& [metric, label] : metrics) {
      if (!curves_.has(metric)) continue;
      if (any_nonzero(curves_, metric))
        c.series.push_back(series_of(curves_, metric, label, transform));
      else
        zero.push_back(label);
    }
    if (c.series.empty()) return fmt::format("<p>{}</p>\n", when_empty);
    if (!zero.empty())
      c.note += fmt::format("{}Zero throughout, not drawn: {}.", c.note.empty() ? "" : " ",
                            html_escape(joined(zero)));
    return render_chart(c);
  }

  std::string spread_section() const {
    std::string html = "<section id=\"spread\">\n<h2>Spread</h2>\n";
    const auto suffixes = worm_suffixes(curves_);
    Chart infection = chart("infection", "Infected hosts", "hosts", ValueFormat::count);
    for (const auto& s : suffixes) {
      infection.series.push_back(series_of(curves_, "infected_total" + s,
                                           "ever infected" + worm_label(s), Transform::level));
      infection.series.back().width = 7;  // under "infected now", which equals it until a recovery
      infection.series.push_back(series_of(curves_, "infected_now" + s,
                                           "infected now" + worm_label(s), Transform::level));
    }
    if (auto ref = reference_series(summary_)) infection.series.push_back(std::move(*ref));
    infection.times = defence_times();
    infection.note = band_note();
    if (!infection.times.empty())
      infection.note += " Dotted lines: the defences and actions, numbered as in the table below.";
    if (!infection.series.empty() && infection.series.back().dashed)
      infection.note += " Dashed: the reference model's curve (summary.json, \"reference\").";
    html += render_chart(infection);

    Chart rate = chart("new-infections", "New infections per minute", "hosts per minute",
                       ValueFormat::count);
    for (const auto& s : suffixes)
      rate.series.push_back(series_of(curves_, "new_infections" + s,
                                      "new infections" + worm_label(s), Transform::per_minute));
    rate.times = defence_times();
    rate.note = band_note() + " Infections in each sample interval, scaled to one minute.";
    html += render_chart(rate);
    html += "</section>\n";
    return html;
  }

  std::string traffic_section() const {
    std::string html = "<section id=\"traffic\">\n<h2>Probes and traffic</h2>\n";
    Chart probes = chart("probes", "Probes sent per second", "probes or packets per second",
                         ValueFormat::count);
    probes.note = band_note() + " The rate between consecutive samples.";
    std::vector<std::pair<std::string, std::string>> by_port = {
        {"probes_tcp80", "TCP 80 probes"},
        {"probes_tcp135", "TCP 135 probes"},
        {"pings_icmp", "ICMP echo requests"},
        {"flood_packets", "flood packets"}};
    // Without per-port counts (an older file), the worms' probes_sent.
    if (std::none_of(by_port.begin(), by_port.end(),
                     [&](const auto& m) { return curves_.has(m.first); })) {
      by_port.clear();
      for (const auto& s : worm_suffixes(curves_))
        by_port.emplace_back("probes_sent" + s, "probes sent" + worm_label(s));
    }
    html += optional_chart(probes, by_port, Transform::per_second, "No probe was sent.");
    if (curves_.has("worm_traffic_bps")) {
      Chart traffic = chart("traffic", "Worm traffic sent", "bit/s", ValueFormat::bits_per_second);
      traffic.series.push_back(
          series_of(curves_, "worm_traffic_bps", "worm traffic", Transform::level));
      traffic.note = band_note() + " SYN packets and echo requests of the scanning hosts, read at "
                                   "the network step of each sample.";
      html += render_chart(traffic);
    }
    html += "</section>\n";
    return html;
  }

  std::string hosts_section() const {
    std::string html = "<section id=\"hosts\">\n<h2>Hosts</h2>\n";
    Chart out = chart("hosts-out", "Hosts out of service", "hosts now", ValueFormat::count);
    out.note = band_note();
    out.times = defence_times();
    html += optional_chart(out,
                           {{"hosts_down", "rebooting (down)"},
                            {"hosts_cut_off", "cut off from the Internet"},
                            {"hosts_disconnected", "disconnected by quarantine"}},
                           Transform::level,
                           "No host was down, cut off or disconnected at any sample.");
    Chart crashes =
        chart("crashes", "Crashes and reboots", "since the start", ValueFormat::count);
    crashes.note = band_note();
    html += optional_chart(crashes,
                           {{"rpc_crashes", "RPC crashes"},
                            {"iis_crashes", "IIS crashes"},
                            {"reboots", "reboots"}},
                           Transform::level, "No service crashed and no host rebooted.");
    html += "</section>\n";
    return html;
  }

  std::string network_section() const {
    std::string html = "<section id=\"network\">\n<h2>Network</h2>\n";
    Chart outage = chart("network-outage", "Routers down and sites cut off", "now",
                         ValueFormat::count);
    outage.note = band_note();
    html += optional_chart(outage,
                           {{"devices_down", "devices (routers) down"},
                            {"sites_cut_off", "sites cut off"}},
                           Transform::level, "No device went down and no site was cut off.");
    if (curves_.has("max_link_utilisation")) {
      Chart util = chart("utilisation", "Highest link utilisation", "of capacity, worm and "
                         "background traffic", ValueFormat::percent);
      util.series.push_back(series_of(curves_, "max_link_utilisation", "busiest link",
                                      Transform::level));
      util.levels = {{0.8, "80%"}, {1.0, "100%"}};
      util.note = band_note() + " The busiest directed link at each sample; above 100% the link "
                                "drops the excess.";
      html += render_chart(util);
    }
    html += links_table();
    html += devices_table();
    html += "</section>\n";
    return html;
  }

  std::string links_table() const {
    if (!links_) return "<p>No links_summary.csv in the folder.</p>\n";
    const CsvTable& t = *links_;
    struct Link {
      std::string from, to;
      double capacity = 0, peak = -1, peak_time = 0, needed = 0, dropped = 0;
      std::optional<double> above80, above100;
      std::size_t replications = 0;
    };
    std::vector<Link> links;
    std::map<std::pair<std::string, std::string>, std::size_t> index;
    const std::size_t from = t.column("from"), to = t.column("to"),
                      capacity = t.column("capacity_bps"), peak = t.column("peak_utilisation"),
                      peak_time = t.column("peak_time_s"), a80 = t.column("first_above_80_s"),
                      a100 = t.column("first_above_100_s"), dropped = t.column("bytes_dropped"),
                      needed = t.column("needed_capacity_bps");
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
      const auto& row = t.rows[i];
      auto [it, inserted] = index.try_emplace({row[from], row[to]}, links.size());
      if (inserted) {
        links.emplace_back();
        links.back().from = row[from];
        links.back().to = row[to];
      }
      Link& l = links[it->second];
      l.capacity = csv_number(t, i, capacity);
      const double p = csv_number(t, i, peak);
      if (p > l.peak) {
        l.peak = p;
        l.peak_time = csv_number(t, i, peak_time);
      }
      if (!row[a80].empty()) {
        const double v = csv_number(t, i, a80);
        l.above80 = l.above80 ? std::min(*l.above80, v) : v;
      }
      if (!row[a100].empty()) {
        const double v = csv_number(t, i, a100);
        l.above100 = l.above100 ? std::min(*l.above100, v) : v;
      }
      l.dropped += csv_number(t, i, dropped);
      l.needed = std::max(l.needed, csv_number(t, i, needed));
      ++l.replications;
    }
    // Busiest first; ties keep the file's order (replication 0's busiest first).
    std::stable_sort(links.begin(), links.end(),
                     [](const Link& a, const Link& b) { return a.peak > b.peak; });
    const std::size_t shown = std::min<std::size_t>(links.size(), 10);
    std::vector<std::vector<std::string>> rows;
    for (std::size_t i = 0; i < shown; ++i) {
      const Link& l = links[i];
      rows.push_back({fmt::format("{} → {}", html_escape(l.from), html_escape(l.to)),
                      bits_text(l.capacity), share_text(l.peak), duration_text(l.peak_time),
                      l.above80 ? duration_text(*l.above80) : "never",
                      l.above100 ? duration_text(*l.above100) : "never",
                      bytes_text(l.dropped / static_cast<double>(std::max<std::size_t>(reps_, 1))),
                      bits_text(l.needed),
                      fmt::format("{}/{}", l.replications, std::max<std::size_t>(reps_, 1))});
    }
    const double target = number_or(at(at(params_, "network"), "target_utilisation"), 0.8);
    std::string html = fmt::format("<h3>The most loaded links</h3>\n");
    if (rows.empty()) return html + "<p>No link carried worm traffic.</p>\n";
    html += table({"link", "capacity", "peak", "at", "above 80% from", "above 100% from",
                   "dropped", fmt::format("needed for a {} peak", share_text(target)),
                   "replications"},
                  rows, "knnnnnnnn");
    html += fmt::format(
        "<p class=\"note\">The {} busiest of {} directed links that carried worm traffic "
        "(links_summary.csv). Over the replications: the highest peak utilisation and its time, "
        "the earliest time above 80% and 100% of capacity, the mean traffic dropped per "
        "replication, the largest capacity that keeps the link's peak at {} of it, and how many "
        "replications loaded the link. Times since the start.</p>\n",
        shown, links.size(), share_text(target));
    return html;
  }

  std::string devices_table() const {
    if (!devices_ || devices_->rows.empty()) return std::string();
    const CsvTable& t = *devices_;
    const std::size_t model = t.column("model"), state = t.column("state"),
                      cause = t.column("cause"), time = t.column("time_s");
    struct Change {
      std::size_t count = 0;
      double first = 0;
    };
    std::map<std::tuple<std::string, std::string, std::string>, Change> changes;
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
      Change& c = changes[{t.rows[i][model], t.rows[i][state], t.rows[i][cause]}];
      const double when = csv_number(t, i, time);
      c.first = c.count == 0 ? when : std::min(c.first, when);
      ++c.count;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& [key, c] : changes)
      rows.push_back({html_escape(std::get<0>(key)), html_escape(std::get<1>(key)),
                      html_escape(std::get<2>(key)),
                      count_text(static_cast<double>(c.count) /
                                 static_cast<double>(std::max<std::size_t>(reps_, 1))),
                      duration_text(c.first)});
    return "<h3>Device state changes</h3>\n" +
           table({"model", "state", "cause", "per replication (mean)", "first at"}, rows,
                 "kkknn") +
           "<p class=\"note\">From devices.csv: every change of a device's state, counted per "
           "replication; the first over all replications.</p>\n";
  }

  std::string defences_section() const {
    std::string html = "<section id=\"defences\">\n<h2>Defences and actions</h2>\n";
    const Json& defences = at(params_, "defences");
    if (!defences.is_array() || defences.empty())
      return html + "<p>None: the scenario has no [[defence]] or [[action]] tables.</p>\n</section>\n";
    std::vector<std::vector<std::size_t>> groups;
    if (actions_) groups = action_groups(*actions_);
    std::vector<std::vector<std::string>> rows;
    for (std::size_t i = 0; i < defences.size(); ++i) {
      const Json& d = defences[i];
      std::vector<std::string> selection;
      if (at(d, "populations").is_array() && !at(d, "populations").empty())
        selection.push_back(fmt::format("populations {}", list_text(at(d, "populations"))));
      if (at(d, "blocks").is_array() && !at(d, "blocks").empty())
        selection.push_back(fmt::format("blocks {}", list_text(at(d, "blocks"))));
      const std::string settings = defence_settings(d);
      selection.push_back(settings);
      std::vector<std::string> row = {
          std::to_string(i + 1),
          html_escape(text_of(at(d, "name"))),
          fmt::format("{} {}", html_escape(text_of(at(d, "kind"))),
                      html_escape(text_of(at(d, "type")))),
          duration_text(number_or(at(d, "start_s"), 0)),
          adoption_text(d),
          selection.size() == 1 && settings.empty() ? std::string("—")
                                                    : joined(selection, "; ")};
      // actions.csv's counts for this policy, when the file lists as many policies.
      if (groups.size() == defences.size()) {
        const CsvTable& a = *actions_;
        const std::size_t sel = a.column("selected"), eli = a.column("eligible"),
                          ado = a.column("adopting"), unit = a.column("unit");
        std::vector<std::optional<double>> s, e, ad;
        for (const std::size_t r : groups[i]) {
          s.push_back(csv_number(a, r, sel));
          e.push_back(csv_number(a, r, eli));
          ad.push_back(csv_number(a, r, ado));
        }
        row.push_back(fmt::format("{} / {} / {} {}", range_text(s, Figure::count),
                                  range_text(e, Figure::count), range_text(ad, Figure::count),
                                  html_escape(a.rows[groups[i].front()][unit])));
      } else {
        row.emplace_back("—");
      }
      rows.push_back(std::move(row));
    }
    html += table({"#", "name", "kind", "start / at", "adoption", "selection and settings",
                   "selected / eligible / adopting"},
                  rows, "nttntt");
    html +=
        "<p class=\"note\">From summary.json's parameters and actions.csv. Adoption: the share of "
        "the selected hosts (or sites) that adopt it in the end, and how fast. Selected: the hosts "
        "(or sites) its populations and blocks select, everywhere unless said; eligible: those it "
        "can act on; adopting: those that adopt it by the end of its adoption curve, lowest – "
        "highest over the replications. Times since the start.</p>\n</section>\n";
    return html;
  }

  std::string footer() const {
    std::vector<std::string> files = {"summary.json", "curves.csv"};
    if (actions_) files.emplace_back("actions.csv");
    if (links_) files.emplace_back("links_summary.csv");
    if (devices_) files.emplace_back("devices.csv");
    return fmt::format(
        "<footer>\n<p>Built by wormsim {} from {} in this folder; <code>wormsim report "
        "DIR</code> rebuilds it. Charts: {} Times on the charts count from the scenario's "
        "start.</p>\n</footer>\n",
        html_escape(text_of(at(at(summary_, "program"), "version"))), joined(files), kBandNote);
  }

  std::filesystem::path folder_;
  Json summary_;
  Json params_;
  CurveSet curves_;
  std::optional<CsvTable> actions_, links_, devices_;
  std::size_t reps_ = 0;
  double duration_s_ = 0;
};

// --- A comparison's report ------------------------------------------------------------------------

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

std::string comparison_html(const std::filesystem::path& folder) {
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
      column_rows.push_back({fmt::format("<b>{}</b>", html_escape(text_of(at(col, "label")))),
                             html_escape(text_of(at(col, "scenario"))),
                             html_escape(text_of(at(col, "path"))),
                             at(col, "variant").is_null() ? std::string("—")
                                                          : html_escape(text_of(at(col, "variant"))),
                             html_escape(text_of(at(col, "duration"))),
                             html_escape(text_of(at(col, "hash_fnv1a64")))});
  body += table({"column", "scenario", "file", "variant", "duration", "scenario hash"},
                column_rows);
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
            const double lo = number_or(at(d, "ci95_low"), 0), hi = number_or(at(d, "ci95_high"), 0);
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
  body += table(header, rows, "t" + std::string(n_columns, 'c'));
  body += fmt::format(
      "<p class=\"note\">Cells: mean [95% Student-t interval] over the replications. Δ: the "
      "column minus the first ({}), paired by replication, with its 95% interval; in bold when "
      "the interval excludes 0. n=k/N: only k replications reached the figure.</p>\n</section>\n",
      n_columns > 0 ? html_escape(text_of(at(columns[0], "label"))) : std::string());

  // The curves of every column, overlaid.
  body += "<section id=\"curves\">\n<h2>Infection curves</h2>\n";
  if (!curve_file) {
    body += "<p>No compare_curves.csv in this folder (written by wormsim compare since the report "
            "was added): no curves to overlay.</p>\n";
  } else {
    const auto per_column = read_column_curves(*curve_file);
    double duration = 0;
    if (columns.is_array())
      for (const auto& col : columns)
        if (const auto d = sim::parse_duration(text_of(at(col, "duration"))))
          duration = std::max(duration, d->seconds());
    const std::pair<const char*, const char*> kinds[] = {
        {"infected_total", "Ever infected, by column"}, {"infected_now", "Infected now, by column"}};
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

}  // namespace

std::string build_report_html(const std::filesystem::path& folder) {
  std::error_code ec;
  if (std::filesystem::exists(folder / "summary.json", ec)) return RunReport(folder).html();
  if (std::filesystem::exists(folder / "compare.json", ec)) return comparison_html(folder);
  if (!std::filesystem::is_directory(folder, ec))
    throw models::InputError(fmt::format(
        "wormsim report: error: {}: expected an output folder of wormsim run or wormsim "
        "compare, but there is no such folder\n",
        folder.string()));
  throw models::InputError(fmt::format(
      "wormsim report: error: {}: expected an output folder of wormsim run (with summary.json) "
      "or wormsim compare (with compare.json), but it holds neither\n",
      folder.string()));
}

std::filesystem::path write_report(const std::filesystem::path& folder) {
  const std::filesystem::path file = folder / "report.html";
  write_text_file(file, build_report_html(folder));
  return file;
}

}  // namespace wormsim::analysis
