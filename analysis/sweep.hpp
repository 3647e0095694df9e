// A parameter sweep (`wormsim sweep`): the Cartesian grid of `--set KEY=v1,v2,...` overrides of
// one scenario, every point run with one seed and the same replications, so that replication r
// of every point draws from the same random streams wherever the points agree (DESIGN.md,
// "Random streams": common random numbers). Holds the grid, the figures of each finished
// (point, replication) and their estimates; the writers are in write/sweep_outputs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/comparison.hpp"
#include "analysis/statistics.hpp"
#include "models/outbreak.hpp"
#include "models/scenario/overrides.hpp"

namespace wormsim::analysis {

/// One swept key: a `--set KEY=v1,v2,...` of the command line, values as given.
struct SweepParameter {
  std::string key;
  std::vector<std::string> values;

  friend bool operator==(const SweepParameter&, const SweepParameter&) = default;
};

/// The points of a sweep: every combination of the parameters' values, the first parameter
/// varying slowest (point 0 takes every parameter's first value).
class SweepGrid {
 public:
  /// Throws std::invalid_argument if a parameter has no value or the grid would hold more than
  /// `max_points` points.
  explicit SweepGrid(std::vector<SweepParameter> parameters,
                     std::size_t max_points = 1'000'000);

  std::size_t size() const { return size_; }
  const std::vector<SweepParameter>& parameters() const { return parameters_; }
  /// The index of each parameter's value at `point`, in parameter order.
  std::vector<std::size_t> coordinates(std::size_t point) const;
  /// The overrides that make `point`: one per parameter, in parameter order.
  std::vector<models::Override> overrides(std::size_t point) const;

 private:
  std::vector<SweepParameter> parameters_;
  std::size_t size_ = 1;
};

/// One figure of a sweep: a column of sweep.csv.
struct SweepFigure {
  std::string_view key;  ///< column name, unit in the name where needed
  FigureUnit unit;
  /// The figure of one replication; nullopt when it has none (a threshold never reached).
  std::optional<double> (*value)(const models::ReplicationSummary&);
};

/// The figures of a sweep, in column order: vulnerable, infected_total, infected_now, the times
/// to 10, 50 and 90% of the vulnerable and the peak new infections per minute; with a network
/// (`network`: some point has [network]) hits_lost, device_crashes, links_saturated and
/// bytes_dropped; with defences (some point has a [[defence]] or [[action]]) patched and
/// probes_blocked.
std::vector<SweepFigure> sweep_figures(bool network, bool defences);

/// The values of `figures` for one replication, in their order.
std::vector<std::optional<double>> figure_values(const std::vector<SweepFigure>& figures,
                                                 const models::ReplicationSummary& summary);

/// What makes two runs of `wormsim sweep` the same sweep, so that one may finish the other's
/// work: the scenario file's bytes (its hash), the variant, the parameters and their values,
/// the seed, the replications, the figures recorded and the program's version. The path is
/// kept to be shown, not compared (a file may be reached by another path).
struct SweepIdentity {
  std::string version;
  std::string scenario_path;
  std::string text_hash;
  std::string variant;  ///< empty: the file itself
  std::vector<SweepParameter> parameters;
  std::uint64_t seed = 0;
  std::uint32_t replications = 0;
  std::vector<std::string> figures;  ///< keys of sweep_figures(), in order
};

/// What differs between two identities, one phrase each ("seed 7 here, 8 in the progress
/// file"); empty when they describe the same sweep. `here` is this run's, `there` the file's.
std::vector<std::string> identity_differences(const SweepIdentity& here,
                                              const SweepIdentity& there);

/// The figures of one finished (point, replication), in the order of the sweep's figures.
struct SweepRecord {
  std::size_t point = 0;
  std::uint32_t replication = 0;
  std::vector<std::optional<double>> values;
};

/// Every figure of every (point, replication): `values[point][replication][figure]`.
struct SweepResults {
  SweepIdentity identity;
  std::vector<std::string> scenario_names;  ///< [simulation] name of each point
  std::vector<std::vector<std::vector<std::optional<double>>>> values;
};

/// The estimate (mean, median, 95% Student-t interval over the replications that have the
/// figure) of one figure at one point.
std::optional<Estimate> point_estimate(const SweepResults& results, std::size_t point,
                                       std::size_t figure);

}  // namespace wormsim::analysis
