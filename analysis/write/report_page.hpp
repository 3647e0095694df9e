// The building blocks of report.html (analysis/write/report.hpp) that a run's page and a
// comparison's page share: reading JSON leniently, numbers in words, curves.csv series as chart
// lines, and the page's frame (style, the hover script, tables). Internal to analysis/write/.
// Everything here is a pure function of its arguments: the page stays byte-identical for the
// same files (DESIGN.md, "Outputs").
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/output_reader.hpp"
#include "analysis/write/svg_chart.hpp"

namespace wormsim::analysis::report {

/// JSON in the order of the file, so that mixes and parameter tables read as written.
using Json = nlohmann::ordered_json;

// --- Reading
// --------------------------------------------------------------------------------------

/// Parses a JSON file; models::InputError naming the file if it is not JSON, std::runtime_error
/// with the OS message if it cannot be read.
Json read_json(const std::filesystem::path& file);

/// The member `key` of an object, or null: the report reads what is there and leaves out what is
/// not, so that a summary.json from an older or newer wormsim still gives a page.
const Json& at(const Json& j, std::string_view key);
/// A string as it is, null as "", anything else as its JSON text.
std::string text_of(const Json& j);
std::optional<double> number_of(const Json& j);
double number_or(const Json& j, double fallback);

// --- Numbers in words
// -----------------------------------------------------------------------------

/// A count, or a mean of counts: whole numbers and large ones without decimals ("1,234").
std::string count_text(double v);
/// A percentage: one decimal from 1% up ("38.1%", "25%"), two significant digits below
/// ("0.013%"), so that a small share does not read as nothing; never "-0%".
std::string percent_text(double percent);
/// A share from 0 to 1 as a percentage.
std::string share_text(double share);
/// "2h 30m" from seconds, rounded to the minute above an hour, to the second above a minute.
std::string duration_text(double seconds);
/// Up to three significant digits, trailing zeros dropped ("1.54", "155", "2.5").
std::string short_number(double v);
/// "155 Mbit/s".
std::string bits_text(double bps);
/// "3.1 MB" (powers of 1000).
std::string bytes_text(double bytes);
/// "2001-07-19T10:00:00Z" → "2001-07-19 10:00 UTC".
std::string clock_text(const std::string& iso);
/// "1 host", "3 hosts".
std::string plural(double n, std::string_view one, std::string_view many);
std::string joined(const std::vector<std::string>& items, std::string_view separator = ", ");
/// A JSON array of strings as "a, b, c" (escaped).
std::string list_text(const Json& j);

// --- Series from curves
// ---------------------------------------------------------------------------

/// How a series of curves.csv becomes a line: as it is (hosts now, totals since the start), per
/// minute (counts since the previous sample), or per second (the slope of a total since the start).
enum class Transform { level, per_minute, per_second };

/// The mean over the replications at each sample, with the lowest and highest replication as the
/// band (when there are several). Replications share their sample times; the shortest one bounds
/// the line. No samples when the metric is absent.
ChartSeries series_of(const CurveSet& curves, const std::string& metric, std::string name,
                      Transform transform);
/// Whether any replication's value of the metric is non-zero at some sample.
bool any_nonzero(const CurveSet& curves, const std::string& metric);
/// The worms' metric suffixes: "" for one worm, ".blaster", ".welchia" for several (curves.csv
/// suffixes the per-worm metrics with the model when several worms are released).
std::vector<std::string> worm_suffixes(const CurveSet& curves);
/// " — blaster" for a worm's suffix ".blaster"; nothing for a single worm.
std::string worm_label(const std::string& suffix);

// --- The page
// -------------------------------------------------------------------------------------

/// How every chart's band reads, said under each chart and in the footer.
inline constexpr std::string_view kBandNote =
    "Lines: the mean of the replications at each sample. Shaded: from the lowest to the highest "
    "replication at each sample (the min–max band, not a confidence interval).";

/// The whole document: `body` (HTML) inside the frame with the style sheet (large type, high
/// contrast, print rules) and the hover script, which sets `document.body.dataset.ready = "1"`
/// when it has run and `dataset.overflow` to "1" if the page is wider than the window.
std::string page(const std::string& title, const std::string& body);

/// A table of HTML cells; `kinds` has one letter per column: 'n' a number (right-aligned, kept on
/// one line), 'k' text kept on one line, 'c' a comparison cell (mean, interval and difference on
/// lines of their own), anything else text that may wrap. Wide tables scroll in their own box.
std::string table(const std::vector<std::string>& header,
                  const std::vector<std::vector<std::string>>& rows, std::string_view kinds = "");

// --- The pages
// ------------------------------------------------------------------------------------

/// A run's page, from summary.json, curves.csv, and actions.csv, links_summary.csv and
/// devices.csv when present.
std::string run_report_html(const std::filesystem::path& folder);

/// A comparison's page, from compare.json and compare_curves.csv when present.
std::string comparison_report_html(const std::filesystem::path& folder);

/// A sweep's page, from sweep.json.
std::string sweep_report_html(const std::filesystem::path& folder);

}  // namespace wormsim::analysis::report
