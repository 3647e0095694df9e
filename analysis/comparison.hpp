// A comparison of scenarios run on common random numbers (`wormsim compare`): the headline figures
// of each replication, their means with 95% intervals, and the paired differences to the first
// column. Keeps DESIGN.md's "Random streams" contract: the same seed and replication index give
// the same draws wherever the compared scenarios agree, so replication r of two columns pair.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/statistics.hpp"
#include "models/outbreak.hpp"
#include "models/scenario/overrides.hpp"

namespace wormsim::analysis {

/// How a figure reads: its unit decides how the table prints it.
enum class FigureUnit {
  hosts,
  percent,     ///< of the vulnerable hosts
  seconds,     ///< since the scenario's start
  per_minute,  ///< new infections in one minute
  count,       ///< events (crashes, reboots, blocked probes)
};

/// One headline figure: a row of the printed table and of compare.csv.
struct ComparisonFigure {
  std::string_view key;    ///< name in compare.csv and compare.json, unit in the name if needed
  std::string_view label;  ///< row label of the printed table, unit in words
  FigureUnit unit;
  /// The figure of one replication; nullopt when that replication has none (a threshold never
  /// reached, a share of nothing).
  std::optional<double> (*value)(const models::ReplicationSummary&);
};

/// The figures compared, in table order. Adding a row here adds the figure to the table,
/// compare.csv and compare.json.
const std::vector<ComparisonFigure>& comparison_figures();

/// One column of the comparison: a scenario file, or one [[variant]] of a file.
struct ComparisonColumn {
  std::string label;          ///< unique among the columns
  std::string path;           ///< the file, as given on the command line
  std::string scenario_name;  ///< [simulation] name
  std::string variant;        ///< the [[variant]] applied; empty for the file itself
  std::string text_hash;      ///< FNV-1a 64 of the file's bytes
  std::string duration;       ///< simulated duration, as a duration with units
  std::vector<models::Override> overrides;  ///< `--set` overrides applied to the file
};

/// One figure of one column.
struct ComparisonCell {
  std::vector<std::optional<double>> values;  ///< by replication index
  std::optional<Estimate> estimate;           ///< over the replications that have the figure
  /// Paired differences to the first column (this column minus the first, replication by
  /// replication, where both have the figure); nullopt for the first column and when no
  /// replication pairs.
  std::optional<Estimate> difference;
};

struct Comparison {
  std::uint64_t seed = 0;  ///< every column's
  std::uint32_t replications = 0;
  std::vector<ComparisonColumn> columns;
  std::vector<std::vector<ComparisonCell>> cells;  ///< [figure][column], figures in table order
};

/// Builds the comparison from the replication summaries of every column (`runs[column][r]` is
/// replication r). Every column must have the same number of replications, at least one, and
/// `runs` one entry per column; otherwise throws std::invalid_argument.
Comparison compare(std::vector<ComparisonColumn> columns,
                   const std::vector<std::vector<models::ReplicationSummary>>& runs,
                   std::uint64_t seed);

}  // namespace wormsim::analysis
