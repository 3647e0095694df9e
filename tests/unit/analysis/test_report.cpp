// The report's pieces on small, hand-made inputs: output files read back exactly as the writers
// wrote them (quoted CSV fields, bad rows reported by line); a chart's data-series counts the lines
// it really draws, long series are thinned, names are escaped; a reference curve in summary.json is
// drawn dashed beside the simulated ones; the same files give the same bytes; a folder that is
// not an output folder is bad input.
#include <unistd.h>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "analysis/output_reader.hpp"
#include "analysis/write/comparison_outputs.hpp"
#include "analysis/write/outputs.hpp"
#include "analysis/write/report.hpp"
#include "analysis/write/svg_chart.hpp"
#include "models/scenario/diagnostics.hpp"

using namespace wormsim;
using namespace wormsim::analysis;

namespace {

/// A fresh folder under the temp directory, unique to this process and `name`.
std::filesystem::path temp_folder(const std::string& name) {
  std::string leaf = "wormsim-report-";
  leaf += std::to_string(::getpid());
  leaf += '-';
  leaf += name;
  const auto dir = std::filesystem::temp_directory_path() / leaf;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

void write(const std::filesystem::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary) << text;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

/// The opening tag of the chart named `id`, up to its closing </svg>.
std::string chart_svg(const std::string& html, const std::string& id) {
  std::string key = "data-chart=\"";  // appends: g++ 12 warns falsely on "literal" + string
  key += id;
  key += '"';
  const std::size_t at = html.find(key);
  if (at == std::string::npos) return {};
  return html.substr(at, html.find("</svg>", at) - at);
}

/// A minimal run folder: one worm, two replications, three samples a minute apart.
std::filesystem::path small_run(const std::string& name, const std::string& reference) {
  const auto dir = temp_folder(name);
  write(dir / "summary.json", std::string(R"({
  "schema_version": 1,
  "program": {"name": "wormsim", "version": "test"},
  "scenario": {"name": "hand-made <run> & co", "hash_fnv1a64": "0123456789abcdef"},
  "mode": "exact-sampling",
  "parameters": {
    "simulation": {"name": "hand-made", "start": "2001-07-19T10:00:00Z", "duration": "2m",
                   "seed": 1, "sample_every": "1m", "partitions": 4, "replications": 2},
    "address_space": {"prefix": "10.0.0.0/16", "size": 65536, "allocated_blocks": "all",
                      "blocks": []},
    "population": [{"name": "iis", "count": 100,
                    "placement": {"per": "/24", "mean_per_block": 8.0, "within": []},
                    "os": {"win2000-sp1": 1.0}, "services": ["iis5-index"],
                    "locale": {"en": 1.0}}],
    "worms": [{"model": "codered-v2", "initial_infected": 2, "probe_rate": 6.0,
               "initial_populations": []}],
    "defences": []
  },
  "replications": [
    {"replication": 0, "vulnerable": 100, "infected_total": 9, "infected_now": 9,
     "time_to_10pct_s": null, "peak_infections_per_minute": 4},
    {"replication": 1, "vulnerable": 100, "infected_total": 7, "infected_now": 7,
     "time_to_10pct_s": null, "peak_infections_per_minute": 3}
  ])") + reference + "\n}\n");
  std::string curves = "time_s,replication,metric,value\n";
  const int total[2][3] = {{2, 5, 9}, {2, 4, 7}};
  for (int r = 0; r < 2; ++r)
    for (int s = 0; s < 3; ++s) {
      const std::string prefix = std::to_string(60 * s) + "," + std::to_string(r) + ",";
      curves += prefix + "infected_now," + std::to_string(total[r][s]) + "\n";
      curves += prefix + "infected_total," + std::to_string(total[r][s]) + "\n";
      const int fresh = s == 0 ? 0 : total[r][s] - total[r][s - 1];
      curves += prefix + "new_infections," + std::to_string(fresh) + "\n";
      curves += prefix + "probes_tcp80," + std::to_string(360 * s) + "\n";
      curves += prefix + "reboots,0\n";
    }
  write(dir / "curves.csv", curves);
  write(dir / "actions.csv", "time_s,replication,name,type,kind,unit,selected,eligible,adopting\n");
  return dir;
}

}  // namespace

TEST_CASE("analysis::read_csv: quoted fields read back as csv_field wrote them", "[analysis]") {
  const auto dir = temp_folder("csv");
  const std::string names[] = {"plain", "a, comma", "a \"quote\"", "two\nlines", ""};
  std::string text = "name,value\n";
  for (const auto& n : names) text += csv_field(n) + ",1\n";
  write(dir / "t.csv", text);
  const auto table = read_csv(dir / "t.csv");
  REQUIRE(table);
  REQUIRE(table->rows.size() == 5);
  for (std::size_t i = 0; i < 5; ++i) {
    CAPTURE(i);
    CHECK(table->rows[i][0] == names[i]);
    CHECK(csv_number(*table, i, table->column("value")) == 1.0);
  }
  CHECK_FALSE(read_csv(dir / "absent.csv"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("analysis::read_csv: a short row and a word for a number are reported by line",
          "[analysis]") {
  const auto dir = temp_folder("csv-bad");
  write(dir / "short.csv", "a,b\n1,2\n3\n");
  try {
    read_csv(dir / "short.csv");
    FAIL("a row with one field of two was accepted");
  } catch (const models::InputError& e) {
    CHECK(std::string(e.what()).find("short.csv:3: error: expected 2 fields") != std::string::npos);
  }
  write(dir / "word.csv", "a,b\n1,two\n");
  const auto table = read_csv(dir / "word.csv");
  REQUIRE(table);
  CHECK_THROWS_AS(csv_number(*table, 0, 1), models::InputError);
  CHECK_THROWS_AS(table->column("c"), models::InputError);
  std::filesystem::remove_all(dir);
}

TEST_CASE("analysis::CurveSet: values by metric and replication, sample times shared",
          "[analysis]") {
  const auto dir = temp_folder("curves");
  write(dir / "curves.csv",
        "time_s,replication,metric,value\n0,0,a,1\n0,0,b,2\n60,0,a,3\n60,0,b,4\n0,1,a,5\n"
        "0,1,b,6\n60,1,a,7\n60,1,b,8\n");
  const CurveSet set = read_curves(*read_csv(dir / "curves.csv"));
  CHECK(set.metrics() == std::vector<std::string>{"a", "b"});
  CHECK(set.replications() == std::vector<std::uint32_t>{0, 1});
  CHECK(set.times(1) == std::vector<double>{0, 60});
  CHECK(set.values("b", 1) == std::vector<double>{6, 8});
  CHECK(set.values("c", 0).empty());
  std::filesystem::remove_all(dir);
}

TEST_CASE("analysis::render_chart: data-series counts the lines drawn, bands are not lines",
          "[analysis]") {
  Chart chart;
  chart.id = "test";
  chart.title = "A <test> & more";
  chart.unit = "hosts";
  chart.duration_s = 120;
  chart.series.resize(3);
  chart.series[0].name = "one";
  chart.series[0].time_s = {0, 60, 120};
  chart.series[0].value = {1, 2, 3};
  chart.series[0].low = {0, 1, 2};
  chart.series[0].high = {2, 3, 4};
  chart.series[1].name = "empty";
  chart.series[2].name = "two \"quoted\"";
  chart.series[2].time_s = {0, 60, 120};
  chart.series[2].value = {3, 2, 1};
  chart.series[2].dash = "12 8";
  const std::string html = render_chart(chart);
  CHECK(count(html, "data-series=\"2\"") == 1);
  CHECK(count(html, "class=\"series\"") == 2);
  CHECK(count(html, "class=\"band\"") == 1);
  CHECK(count(html, "stroke-dasharray=\"12 8\"") == 1);
  CHECK(html.find("A &lt;test&gt; &amp; more") != std::string::npos);
  CHECK(html.find("data-name=\"two &quot;quoted&quot;\"") != std::string::npos);
  CHECK(html.find("empty") == std::string::npos);  // not in the legend either
  CHECK(render_chart(chart) == html);
}

TEST_CASE(
    "analysis::render_chart: a long series is thinned to at most kMaxChartPoints points, "
    "its last sample kept",
    "[analysis]") {
  Chart chart;
  chart.id = "long";
  ChartSeries s;
  s.name = "long";
  const std::size_t n = 4 * kMaxChartPoints + 7;
  for (std::size_t i = 0; i < n; ++i) {
    s.time_s.push_back(static_cast<double>(i));
    s.value.push_back(i + 1 == n ? 1000.0 : 1.0);  // the last sample stands out
  }
  chart.series = {s};
  const std::string html = render_chart(chart);
  const std::size_t d = html.find(" d=\"M", html.find("class=\"series\""));
  const std::string path = html.substr(d, html.find('"', d + 4) - d);
  CHECK(count(path, "L") + 1 <= kMaxChartPoints + 1);
  CHECK(count(path, "L") + 1 > kMaxChartPoints / 2);
  // The last point is the highest value: at the top of the plot.
  CHECK(path.substr(path.rfind('L')).find(" 16.0") != std::string::npos);
  CHECK(html.find("one is drawn") != std::string::npos);
}

TEST_CASE(
    "analysis::build_report_html: a reference curve in summary.json is drawn dashed on the "
    "infection chart",
    "[analysis]") {
  const auto without = small_run("no-reference", "");
  const std::string plain = build_report_html(without);
  CHECK(chart_svg(plain, "infection").find("data-series=\"2\"") != std::string::npos);
  CHECK(plain.find("stroke-dasharray=\"12 8\"") == std::string::npos);

  // The block as write_summary_json writes it: two models, their curves as shares of the mean
  // vulnerable count, one column for random constant spread and two for the two-factor model.
  const auto with = small_run("reference", R"(,
  "reference": {
    "fitted_to": "the mean curve", "replications": 2, "vulnerable": 100.0,
    "rcs": {"k_per_hour": 61.5, "t_half_s": 140.0, "t_half_utc": "2001-07-19T10:02:20Z",
            "fit": {"r_squared": 0.99}, "curve_columns": ["time_s", "infected_share"],
            "curve": [[0, 0.02], [60, 0.045], [120, 0.085]]},
    "two_factor": {"beta0_n_per_hour": 61.5, "eta": 0.0, "gamma_per_hour": 0.0,
                   "mu_n_per_hour": 0.0, "fit": {"r_squared": 0.995},
                   "curve_columns": ["time_s", "infected_now_share", "ever_infected_share"],
                   "curve": [[0, 0.02, 0.02], [60, 0.045, 0.045], [120, 0.08, 0.08]]}
  })");
  const std::string html = build_report_html(with);
  const std::string infection = chart_svg(html, "infection");
  CHECK(infection.find("data-series=\"5\"") != std::string::npos);
  CHECK(count(infection, "class=\"series\"") == 5);
  CHECK(infection.find("data-name=\"random constant spread fit\"") != std::string::npos);
  CHECK(infection.find("data-name=\"two-factor model fit: infected now\"") != std::string::npos);
  CHECK(count(infection, "stroke-dasharray=\"12 8\"") == 1);
  CHECK(count(infection, "stroke-dasharray=\"4 6\"") == 2);
  CHECK(html.find("K = 61.5 per hour") != std::string::npos);
  CHECK(html.find("R² = 0.9950") != std::string::npos);
  // Shares become hosts: the fit's last point, 0.085 of 100 vulnerable hosts, sits where the
  // simulated mean (9 and 7 hosts: 8) and the axis (0 to 10) put 8.5 hosts.
  const std::size_t rcs = infection.find("data-name=\"random constant spread fit\"");
  const std::string path = infection.substr(rcs, infection.find("/>", rcs) - rcs);
  CHECK(path.find("L936.0 64.6") != std::string::npos);
  CHECK(html.find("No host was down") != std::string::npos);
  std::filesystem::remove_all(without);
  std::filesystem::remove_all(with);
}

TEST_CASE(
    "analysis::build_report_html: the same files give the same bytes, without the folder's "
    "path",
    "[analysis]") {
  const auto dir = small_run("determinism", "");
  const std::string html = build_report_html(dir);
  CHECK(build_report_html(dir) == html);
  CHECK(html.find(dir.string()) == std::string::npos);
  CHECK(html.find("hand-made &lt;run&gt; &amp; co") != std::string::npos);
  // The charts: infected (2 lines), new infections, TCP 80 probes; reboots are zero throughout,
  // so there is no crashes chart, and a sentence says so.
  CHECK(chart_svg(html, "new-infections").find("data-series=\"1\"") != std::string::npos);
  CHECK(chart_svg(html, "probes").find("data-series=\"1\"") != std::string::npos);
  CHECK(chart_svg(html, "crashes").empty());
  CHECK(html.find("No service crashed and no host rebooted.") != std::string::npos);
  const auto file = write_report(dir);
  CHECK(file == dir / "report.html");
  std::ifstream in(file, std::ios::binary);
  const std::string written((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(written == html);
  std::filesystem::remove_all(dir);
}

TEST_CASE(
    "analysis::build_report_html: a folder without summary.json or compare.json is bad "
    "input",
    "[analysis]") {
  const auto dir = temp_folder("empty");
  CHECK_THROWS_AS(build_report_html(dir), models::InputError);
  CHECK_THROWS_AS(build_report_html(dir / "absent"), models::InputError);
  write(dir / "summary.json", "{ not json");
  CHECK_THROWS_AS(build_report_html(dir), models::InputError);
  std::filesystem::remove_all(dir);
}

TEST_CASE("analysis::is_compared_curve: the infection curves, per worm too, and nothing else",
          "[analysis]") {
  CHECK(is_compared_curve("infected_total"));
  CHECK(is_compared_curve("infected_now.blaster"));
  CHECK_FALSE(is_compared_curve("infected_totals"));
  CHECK_FALSE(is_compared_curve("new_infections"));
  CHECK_FALSE(is_compared_curve("susceptible.welchia"));
}
