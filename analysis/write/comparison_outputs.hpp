// Writers for `wormsim compare`'s output folder: compare.csv (tidy), compare.json and
// compare_curves.csv (every column's infection curves, which report.html overlays). Like
// summary.json, none holds anything that depends on the machine, the thread count or the clock
// (DESIGN.md, "Outputs"); run.json (write_run_json) holds the rest.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/comparison.hpp"
#include "sim/metrics.hpp"

namespace wormsim::analysis {

inline constexpr int kCompareSchemaVersion = 1;

/// The unit of a figure as compare.json names it ("hosts", "percent", "s", ...).
std::string_view unit_name(FigureUnit unit);

/// compare.csv: `column,figure,replications,mean,ci_low,ci_high,diff_mean,diff_ci_low,
/// diff_ci_high`, one row per column and figure, columns in order, then figures in table order.
/// `replications` counts those that have the figure; the diff fields are empty for the first
/// column, and every number field is empty where there is no value.
void write_compare_csv(const std::filesystem::path& file, const Comparison& comparison);

/// compare.json: schema version, program version, seed, replications, the columns (label, file,
/// scenario name, variant, hash, duration, and `overrides` when `--set` changed the file), the
/// figures, and per column and figure the values of
/// every replication, the estimate and the paired difference to the first column.
void write_compare_json(const std::filesystem::path& file, const Comparison& comparison,
                        const std::string& version);

/// The series of curves.csv that compare_curves.csv keeps: `infected_total` and `infected_now`,
/// per worm when several are released (`infected_total.blaster`).
bool is_compared_curve(std::string_view metric);

/// A copy of one replication's curves with only the series is_compared_curve keeps: what a
/// comparison holds on to while its other replications run.
sim::MetricTable compared_curves(const sim::MetricTable& curves);

/// compare_curves.csv: `column,time_s,replication,metric,value`, columns in order, then
/// replications, then sample times, then metrics in curves.csv's order. `curves[k][r]` is
/// column k's replication r, as compared_curves keeps it.
void write_compare_curves_csv(const std::filesystem::path& file, const Comparison& comparison,
                              const std::vector<std::vector<sim::MetricTable>>& curves);

}  // namespace wormsim::analysis
