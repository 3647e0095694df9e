// Reads an output folder's files back (DESIGN.md, "Outputs"): CSV tables as analysis/write/ writes
// them, and curves.csv or compare_curves.csv as series by metric and replication. report.html is
// built from these files rather than from a run's memory, so that `wormsim report DIR` and the
// writers at the end of `wormsim run` and `wormsim compare` share one code path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wormsim::analysis {

/// A CSV file: its header's fields and its rows, RFC 4180 quoting undone.
struct CsvTable {
  std::filesystem::path file;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  ///< every row has as many fields as the header

  /// Position of the named column; throws models::InputError naming the file if it is absent.
  std::size_t column(std::string_view name) const;
};

/// Reads a CSV file written by analysis/write/. Nullopt when the file does not exist; throws
/// models::InputError (`file:line: error: ...`) when a row's field count differs from the header's
/// or a quote is left open, and std::runtime_error with the OS message when it cannot be read.
std::optional<CsvTable> read_csv(const std::filesystem::path& file);

/// A number field of a CSV row; throws models::InputError naming the file, row and column when it
/// is not a number. `row` counts data rows from 0 (the file's line is row + 2).
double csv_number(const CsvTable& table, std::size_t row, std::size_t column);

/// The sampled series of one run, or of one column of a comparison: every metric's value at every
/// sample time, by replication. Samples of a replication are in time order; a replication's
/// sample times are shared by all its metrics (curves.csv writes every metric at every sample).
class CurveSet {
 public:
  /// Appends a value; `time_s` must not decrease within a replication.
  void add(std::uint32_t replication, double time_s, const std::string& metric, double value);

  bool has(const std::string& metric) const { return index_.count(metric) != 0; }
  /// Metric names in the order they first appear.
  const std::vector<std::string>& metrics() const { return names_; }
  /// Replications present, in increasing order.
  std::vector<std::uint32_t> replications() const;
  /// Sample times of a replication (empty if it has none), seconds since the scenario's start.
  const std::vector<double>& times(std::uint32_t replication) const;
  /// Values of a metric in a replication, one per sample time (empty if absent).
  const std::vector<double>& values(const std::string& metric, std::uint32_t replication) const;

 private:
  std::vector<std::string> names_;
  std::map<std::string, std::size_t> index_;
  std::map<std::uint32_t, std::vector<double>> times_;
  std::map<std::pair<std::size_t, std::uint32_t>, std::vector<double>> values_;
};

/// curves.csv (`time_s,replication,metric,value`) as a CurveSet.
CurveSet read_curves(const CsvTable& curves);

/// compare_curves.csv (`column,time_s,replication,metric,value`): one CurveSet per column label,
/// in the order the columns first appear.
std::vector<std::pair<std::string, CurveSet>> read_column_curves(const CsvTable& curves);

}  // namespace wormsim::analysis
