// report.html as a reader meets it: written by `wormsim run`, `compare` and `sweep`, rebuilt to
// the same bytes by `wormsim report DIR`, self-contained (nothing fetched over a network), and
// shown by a real browser (Debian's chromium, headless) without script errors and without a page
// wider than a 1280-pixel laptop screen, with exactly the charts and series the folder's files
// imply: the expected charts are worked out here from curves.csv, summary.json and compare.json,
// independently of the report's code. A sweep's report is a table (a sweep keeps no curves). Each
// test saves a screenshot in the build tree and prints its path.
#include <catch2/catch.hpp>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/command.hpp"

using wormsim::test::read_file;
using wormsim::test::run_command;
using wormsim::test::scratch_dir;
using wormsim::test::wormsim_exe;

namespace {

/// Chart name → the number of series it draws.
using Charts = std::map<std::string, int>;

/// The value of `name="..."` in the tag that starts at `tag`.
std::string attribute(const std::string& html, std::size_t tag, const std::string& name) {
  const std::size_t end = html.find('>', tag);
  std::string key = " ";  // appends: g++ 12 warns falsely on "literal" + string chains
  key += name;
  key += "=\"";
  const std::size_t at = html.find(key, tag);
  if (at == std::string::npos || at > end) return {};
  const std::size_t from = at + key.size();
  return html.substr(from, html.find('"', from) - from);
}

/// The charts of a page (the HTML file or the DOM after scripts ran): every <svg class="chart">
/// with its data-series, checked against the paths of class "series" it really holds.
Charts charts_in(const std::string& html) {
  Charts charts;
  for (std::size_t at = html.find("<svg class=\"chart\""); at != std::string::npos;
       at = html.find("<svg class=\"chart\"", at + 1)) {
    const std::string name = attribute(html, at, "data-chart");
    const std::string series = attribute(html, at, "data-series");
    const std::size_t end = html.find("</svg>", at);
    REQUIRE(end != std::string::npos);
    int paths = 0;
    for (std::size_t p = html.find("class=\"series\"", at); p != std::string::npos && p < end;
         p = html.find("class=\"series\"", p + 1))
      ++paths;
    CAPTURE(name, series, paths);
    REQUIRE(!series.empty());
    CHECK(std::stoi(series) == paths);
    CHECK(charts.count(name) == 0);
    charts[name] = paths;
  }
  return charts;
}

/// curves.csv: metric → whether any row of it is non-zero (metrics in the file only).
std::map<std::string, bool> metrics_of(const std::string& curves) {
  std::map<std::string, bool> nonzero;
  std::istringstream in(curves);
  std::string line;
  std::getline(in, line);
  REQUIRE(line == "time_s,replication,metric,value");
  while (std::getline(in, line)) {
    const std::size_t a = line.find(','), b = line.find(',', a + 1), c = line.find(',', b + 1);
    if (c == std::string::npos) FAIL("curves.csv: a line without four fields: " << line);
    const std::string metric = line.substr(b + 1, c - b - 1);
    nonzero[metric] = nonzero[metric] || std::stod(line.substr(c + 1)) != 0;
  }
  return nonzero;
}

/// The fitted curves of summary.json's reference block: one per value column of every model
/// that has a curve (random constant spread: 1; the two-factor model: 2).
int reference_curves(const nlohmann::json& summary) {
  int n = 0;
  if (summary.contains("reference"))
    for (const auto& [key, model] : summary["reference"].items())
      if (model.is_object() && model.contains("curve") && model.contains("curve_columns"))
        n += static_cast<int>(model["curve_columns"].size()) - 1;
  return n;
}

/// The charts a run's report must draw, from its curves.csv and summary.json: infected hosts
/// (ever and now, per worm, and the reference fits), new infections (per worm), traffic and link
/// utilisation with [network]; the charts of optional series (probes by port, hosts out of
/// service, crashes, routers and sites) draw those that are non-zero somewhere and are left out
/// when none is.
Charts expected_run_charts(const std::filesystem::path& folder) {
  const auto m = metrics_of(read_file(folder / "curves.csv"));
  const auto summary = nlohmann::json::parse(read_file(folder / "summary.json"));
  int worms = 0;
  for (const auto& [name, any] : m)
    if (name == "infected_total" || name.rfind("infected_total.", 0) == 0) ++worms;
  Charts charts{{"infection", 2 * worms + reference_curves(summary)}, {"new-infections", worms}};
  auto optional = [&](const std::string& chart, const std::vector<std::string>& names) {
    int n = 0;
    for (const auto& name : names)
      if (m.count(name) && m.at(name)) ++n;
    if (n > 0) charts[chart] = n;
  };
  optional("probes", {"probes_tcp80", "probes_tcp135", "pings_icmp", "flood_packets"});
  optional("hosts-out", {"hosts_down", "hosts_cut_off", "hosts_disconnected"});
  optional("crashes", {"rpc_crashes", "iis_crashes", "reboots"});
  optional("network-outage", {"devices_down", "sites_cut_off"});
  if (m.count("worm_traffic_bps")) charts["traffic"] = 1;
  if (m.count("max_link_utilisation")) charts["utilisation"] = 1;
  return charts;
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

/// The fields of one CSV line, RFC 4180 quotes undone (labels such as "blacklist 20m, all").
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      fields.back().push_back('"');
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else {
      fields.back().push_back(c);
    }
  }
  return fields;
}

std::string quoted(const std::filesystem::path& p) {
  return std::string("'") + p.string() + "'";
}

/// Where the screenshots go: the build tree, at a path that does not change between runs.
std::filesystem::path screenshot_path(const std::string& name) {
  return std::filesystem::path(WORMSIM_TEST_OUTPUT_DIR) / name;
}

struct Browser {
  std::string dom;  ///< the document after its scripts ran
  std::string log;  ///< Chromium's stderr, console messages included
  bool ok = false;
};

/// Opens `page` in headless Chromium twice: once to dump the DOM at 1280×800 (after scripts ran),
/// once to save a 1280×2400 screenshot to `png`. Fails the test, saying how to install it, when
/// Chromium is missing: a browser test that skips itself silently tests nothing.
Browser open_in_chromium(const std::filesystem::path& page, const std::filesystem::path& png) {
  const auto which = run_command("command -v chromium");
  if (which.status != 0 || which.out.empty())
    FAIL(
        "chromium not found on PATH: the report's browser test needs Debian's chromium "
        "package (apt-get install --no-install-recommends chromium; tools/install-deps.sh "
        "installs it)");
  // A fresh profile each time, and no background traffic: the browser reaches no network.
  auto chromium = [](const std::filesystem::path& profile) {
    return std::string(
               "timeout 180 chromium --headless --no-sandbox --disable-gpu "
               "--disable-background-networking --disable-component-update --disable-sync "
               "--no-first-run --hide-scrollbars --user-data-dir=") +
           quoted(profile);
  };
  const std::string url = std::string("file://") + std::filesystem::absolute(page).string();
  Browser b;
  const auto profile = scratch_dir("chromium-dom");
  const auto dom =
      run_command(chromium(profile) +
                  " --enable-logging=stderr --v=0 --window-size=1280,800 --dump-dom '" + url + "'");
  std::filesystem::remove_all(profile);
  b.dom = dom.out;
  b.log = dom.err;
  CAPTURE(dom.status, dom.err);
  REQUIRE(dom.status == 0);

  std::filesystem::create_directories(png.parent_path());
  std::filesystem::remove(png);
  const auto shot_profile = scratch_dir("chromium-shot");
  const auto shot =
      run_command(chromium(shot_profile) + " --window-size=1280,2400 --screenshot=" + quoted(png) +
                  " '" + url + "'");
  std::filesystem::remove_all(shot_profile);
  CAPTURE(shot.status, shot.err);
  REQUIRE(shot.status == 0);
  const std::string image = read_file(png);
  REQUIRE(image.size() > 20'000);  // a blank page compresses to a few kB
  CHECK(image.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
  // On stdout, unwrapped (ctest --output-on-failure or -V shows it).
  std::cout << "report screenshot: " << std::filesystem::absolute(png).string() << std::endl;
  b.ok = true;
  return b;
}

/// Checks that hold for every report: self-contained, rebuilt to the same bytes by `wormsim
/// report`, rendered without script errors, as wide as the window at most, with `expected`
/// charts. Returns the page's HTML.
std::string check_report(const std::filesystem::path& folder, const Charts& expected,
                         const std::string& screenshot) {
  const auto file = folder / "report.html";
  REQUIRE(std::filesystem::exists(file));
  const std::string html = read_file(file);
  REQUIRE(html.rfind("<!DOCTYPE html>", 0) == 0);
  // Self-contained: no address of any other document, so nothing can be fetched.
  CHECK(html.find("://") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("<script src") == std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
  // Nothing of the folder's path or of the machine.
  CHECK(html.find(folder.string()) == std::string::npos);

  // `wormsim report DIR` rebuilds the same bytes from the folder's files.
  std::filesystem::remove(file);
  const auto rebuilt = run_command(wormsim_exe() + " report " + quoted(folder));
  CAPTURE(rebuilt.err);
  REQUIRE(rebuilt.status == 0);
  CHECK(rebuilt.out.find("report.html") != std::string::npos);
  CHECK(read_file(file) == html);

  CHECK(charts_in(html) == expected);

  const Browser b = open_in_chromium(file, screenshot_path(screenshot));
  REQUIRE(b.ok);
  CAPTURE(b.log);
  // Chromium logs every console message of the page as "CONSOLE"; the page writes none, so any
  // is an error (an uncaught exception among them).
  CHECK(b.log.find("Uncaught") == std::string::npos);
  CHECK(b.log.find("CONSOLE") == std::string::npos);
  // The script ran to its end, and the page fits a 1280-pixel-wide window (wide tables scroll
  // inside their own box).
  CHECK(b.dom.find("data-ready=\"1\"") != std::string::npos);
  CHECK(b.dom.find("data-overflow=\"0\"") != std::string::npos);
  CHECK(charts_in(b.dom) == expected);
  return html;
}

}  // namespace

TEST_CASE(
    "report: a run's report shows the Code Red v2 curves, renders in Chromium, "
    "and wormsim report rebuilds it",
    "[e2e]") {
  const auto dir = scratch_dir("report-codered");
  const auto r = run_command(wormsim_exe() +
                             " run scenarios/codered/codered-v2-2001-07-19.toml --duration 2h "
                             "--replications 3 --out " +
                             quoted(dir));
  REQUIRE(r.status == 0);
  CHECK(r.out.find("report.html") != std::string::npos);
  const Charts expected = expected_run_charts(dir);
  // One worm: infected (ever and now) with the fits of random constant spread (one curve) and
  // the two-factor model (two), new infections, TCP 80 probes.
  CHECK(expected.at("infection") == 5);
  CHECK(expected.at("new-infections") == 1);
  CHECK(expected.at("probes") >= 1);
  const std::string html = check_report(dir, expected, "report-screenshot.png");
  CHECK(html.find("Code Red v2, 19 July 2001") != std::string::npos);
  CHECK(html.find("<b>codered-v2</b> starts on 10 infected hosts") != std::string::npos);
  CHECK(html.find("252,000 hosts") != std::string::npos);
  CHECK(html.find("min–max band") != std::string::npos);  // the band is named
  CHECK(html.find("over 3 replications") != std::string::npos);
  CHECK(html.find("random constant spread, K = ") != std::string::npos);  // the fit in words
  std::filesystem::remove_all(dir);
}

TEST_CASE(
    "report: a network run's report names the Topology Zoo, charts link load and lists "
    "the busiest links",
    "[e2e]") {
  const auto dir = scratch_dir("report-network");
  const auto r = run_command(wormsim_exe() +
                             " run scenarios/network/codered-v2-geant2001.toml --duration 1h "
                             "--out " +
                             quoted(dir));
  REQUIRE(r.status == 0);
  const Charts expected = expected_run_charts(dir);
  CHECK(expected.at("traffic") == 1);
  CHECK(expected.at("utilisation") == 1);
  const std::string html = check_report(dir, expected, "report-network-screenshot.png");
  // The attribution the Topology Zoo's licence asks for.
  CHECK(html.find("Internet Topology Zoo, Knight et al., IEEE JSAC") != std::string::npos);
  CHECK(html.find("CC BY 4.0") != std::string::npos);
  // The busiest link of links_summary.csv heads the table.
  std::istringstream links(read_file(dir / "links_summary.csv"));
  std::string header, first;
  std::getline(links, header);
  std::getline(links, first);
  const auto fields = csv_fields(first);
  REQUIRE(fields.size() == 13);
  const std::string name = fields[2] + " → " + fields[3];
  CAPTURE(name);
  const std::size_t table = html.find("<h3>The most loaded links</h3>");
  REQUIRE(table != std::string::npos);
  CHECK(html.find(name, table) != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("report: defences are numbered on the charts and tabled with actions.csv's counts",
          "[e2e]") {
  const auto dir = scratch_dir("report-defences");
  const auto r = run_command(wormsim_exe() +
                             " run tests/e2e/data/small-defences.toml --variant quarantine --out " +
                             quoted(dir));
  REQUIRE(r.status == 0);
  const Charts expected = expected_run_charts(dir);
  // Quarantine disconnects hosts; patches reboot them.
  CHECK(expected.at("hosts-out") >= 1);
  CHECK(expected.at("crashes") >= 1);
  const std::string html = check_report(dir, expected, "report-defences-screenshot.png");
  const auto summary = nlohmann::json::parse(read_file(dir / "summary.json"));
  const auto& defences = summary["parameters"]["defences"];
  REQUIRE(defences.size() == 3);
  // One numbered dotted line per defence on the infection chart.
  const std::size_t chart = html.find("data-chart=\"infection\"");
  const std::size_t chart_end = html.find("</svg>", chart);
  int marks = 0;
  for (std::size_t p = html.find("class=\"time\"", chart); p < chart_end;
       p = html.find("class=\"time\"", p + 1))
    ++marks;
  CHECK(marks == 3);
  // The table quotes actions.csv: 1,000 hosts selected for the patch, its name escaped as text.
  const std::size_t table = html.find("<section id=\"defences\">");
  REQUIRE(table != std::string::npos);
  CHECK(html.find("MS01-033, by Windows Update", table) != std::string::npos);
  CHECK(html.find("1,000 / 1,000 / ", table) != std::string::npos);
  CHECK(html.find("quarantine #3", table) != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE(
    "report: a comparison's report sets the columns side by side and overlays their "
    "curves",
    "[e2e]") {
  const auto dir = scratch_dir("report-compare");
  const auto r = run_command(wormsim_exe() +
                             " compare scenarios/defences/codered-v2-containment.toml "
                             "--duration 1h --replications 3 --out " +
                             quoted(dir));
  CAPTURE(r.err);
  REQUIRE(r.status == 0);
  const auto json = nlohmann::json::parse(read_file(dir / "compare.json"));
  const int columns = static_cast<int>(json["columns"].size());
  REQUIRE(columns >= 2);

  // compare_curves.csv: every column and replication, the infection curves only.
  std::istringstream curves(read_file(dir / "compare_curves.csv"));
  std::string line;
  std::getline(curves, line);
  CHECK(line == "column,time_s,replication,metric,value");
  std::set<std::string> pairs, metrics;
  while (std::getline(curves, line)) {
    const auto f = csv_fields(line);
    REQUIRE(f.size() == 5);
    pairs.insert(f[0] + "/" + f[2]);
    metrics.insert(f[3]);
  }
  CHECK(pairs.size() == static_cast<std::size_t>(columns) * 3);
  CHECK(metrics == std::set<std::string>{"infected_now", "infected_total"});

  const Charts expected{{"compare-infection", columns}, {"compare-infected-now", columns}};
  const std::string html = check_report(dir, expected, "report-compare-screenshot.png");
  for (const auto& c : json["columns"]) {
    CAPTURE(c["label"]);
    CHECK(html.find(std::string("<th>") + c["label"].get<std::string>() + "</th>") !=
          std::string::npos);
  }
  // The paired differences are shown under every column after the first.
  CHECK(count_of(html, "Δ") >= static_cast<std::size_t>(columns - 1) * json["figures"].size());
  std::filesystem::remove_all(dir);
}

TEST_CASE("report: a sweep's report sets its points side by side", "[e2e]") {
  const auto dir = scratch_dir("report-sweep");
  const auto r = run_command(wormsim_exe() +
                             " sweep tests/e2e/data/small-codered.toml --set "
                             "worm.probe_rate=6/s,12/s --set worm.initial_infected=5,10 "
                             "--set simulation.duration=20m --replications 3 --out " +
                             quoted(dir));
  CAPTURE(r.err);
  REQUIRE(r.status == 0);
  const auto json = nlohmann::json::parse(read_file(dir / "sweep.json"));
  const std::size_t points = json["points"].size();
  REQUIRE(points == 4);
  // A sweep keeps figures, not curves: a table and no chart.
  const std::string html = check_report(dir, Charts{}, "report-sweep-screenshot.png");
  const std::size_t table = html.find("<section id=\"figures\">");
  REQUIRE(table != std::string::npos);
  const std::size_t end = html.find("</table>", table);
  // One column per point, headed by the swept values; one row per figure of sweep.json.
  const std::string figures = html.substr(table, end - table);
  CHECK(count_of(figures, "<th>point ") == points);
  CHECK(count_of(figures, "<tr>") == 1 + json["figures"].size());
  CHECK(figures.find("worm.probe_rate = 12/s") != std::string::npos);
  CHECK(figures.find("worm.initial_infected = 10") != std::string::npos);
  CHECK(html.find("no curves to overlay") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("report: a folder that is not an output folder exits 2 and says what it expected",
          "[e2e]") {
  const auto dir = scratch_dir("report-empty");
  const auto empty = run_command(wormsim_exe() + " report " + quoted(dir));
  CHECK(empty.status == 2);
  CHECK(empty.err.find("summary.json") != std::string::npos);
  CHECK(empty.err.find("compare.json") != std::string::npos);
  CHECK(empty.err.find("sweep.json") != std::string::npos);
  CHECK(!std::filesystem::exists(dir / "report.html"));
  const auto missing = run_command(wormsim_exe() + " report " + quoted(dir / "no-such-folder"));
  CHECK(missing.status == 2);
  CHECK(missing.err.find("no-such-folder") != std::string::npos);
  const auto usage = run_command(wormsim_exe() + " report");
  CHECK(usage.status == 2);
  std::filesystem::remove_all(dir);
}
