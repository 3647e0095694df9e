// bands.csv (README, "Outputs"): per sample time and metric, the mean, median and a 95% band of
// the replications' curves. Deterministic bytes: replications are read in index order and the
// numbers are written in their shortest round-trip form, so the file does not depend on the
// thread count.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "analysis/write/outputs.hpp"

namespace wormsim::analysis {

/// The text of bands.csv: `time_s,metric,n,mean,median,low,high`, one row per sample time (in
/// order) and metric (in curves.csv's order), over the replications that recorded it (n). The
/// band is the 95% Student-t interval for the mean curve, mean ± t(0.975, n - 1) s / sqrt(n)
/// with s the replications' standard deviation at that time: the same method as the aggregates
/// of summary.json, meaningful for the handful of replications a study runs (with 10, the 2.5%
/// and 97.5% empirical quantiles would only interpolate between the two extreme values). It
/// shows how precisely the mean curve is known, not the spread of single runs. With one
/// replication, or where every replication has the same value, low = high = mean. Time and
/// metric names are taken from the first replication; a replication without that metric or
/// sample is left out of its row.
std::string bands_csv(const std::vector<ReplicationResult>& runs);

/// Writes bands_csv(runs) to `file`; throws std::runtime_error naming the path on failure.
void write_bands_csv(const std::filesystem::path& file, const std::vector<ReplicationResult>& runs);

}  // namespace wormsim::analysis
