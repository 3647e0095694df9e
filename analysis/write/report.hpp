// report.html (DESIGN.md, "Outputs"): one self-contained page per output folder — the scenario in
// words, the charts as inline SVG, the tables — built from the folder's files alone, so that the
// page written at the end of `wormsim run`, `compare`, `sweep` or `exercise` and the one
// `wormsim report DIR` rebuilds are the same bytes. Nothing in it depends on the machine, the
// folder's path or the clock (run.json is not read).
#pragma once

#include <filesystem>
#include <string>

namespace wormsim::analysis {

/// Builds report.html's text from the files of `folder`:
/// - a run's folder (summary.json): summary.json and curves.csv, with actions.csv,
///   links_summary.csv and devices.csv when present;
/// - a comparison's folder (compare.json): compare.json, with compare_curves.csv when present;
/// - a sweep's folder (sweep.json): sweep.json.
/// The fitted curves of summary.json's "reference" block (random constant spread, the two-factor
/// model), when present, are drawn dashed on the infected-hosts chart.
/// Throws models::InputError (exit status 2) when the folder holds none of summary.json,
/// compare.json and sweep.json, or when a file is malformed; std::runtime_error when a file
/// cannot be read.
std::string build_report_html(const std::filesystem::path& folder);

/// Writes build_report_html(folder) to folder/report.html and returns that path. Throws as
/// build_report_html does, and std::runtime_error naming the path when it cannot be written.
std::filesystem::path write_report(const std::filesystem::path& folder);

}  // namespace wormsim::analysis
