// Files of `wormsim sweep`: sweep.csv (tidy, one row per point and replication), sweep_summary.csv
// and sweep.json (per point estimates), none holding anything that depends on the machine, the
// thread count or the clock (DESIGN.md, "Outputs"); and the progress file that lets an
// interrupted sweep resume where it stopped.
#pragma once

#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "analysis/sweep.hpp"

namespace wormsim::analysis {

inline constexpr int kSweepSchemaVersion = 1;
inline constexpr int kSweepProgressVersion = 1;

/// The progress file's name in a sweep's output folder.
inline constexpr const char* kSweepProgressFile = "sweep-progress.jsonl";

/// sweep.csv: `point,<parameter keys>,replication,<figures>`, one row per point and
/// replication, points in grid order, then replications; parameter values as tables show them
/// (models::display_value); empty fields for figures a replication does not have.
void write_sweep_csv(const std::filesystem::path& file, const SweepResults& results);

/// sweep_summary.csv: `point,<parameter keys>,figure,replications,mean,ci_low,ci_high`, one row
/// per point and figure; `replications` counts those that have the figure.
void write_sweep_summary_csv(const std::filesystem::path& file, const SweepResults& results);

/// sweep.json: schema and program version, the scenario (path, name, hash, variant), seed,
/// replications, the parameters and their values, the figures with their units, and per point
/// its parameter values, scenario name and per figure every replication's value and the estimate.
void write_sweep_json(const std::filesystem::path& file, const SweepResults& results);

/// What a progress file held: who wrote it and the records that were complete.
struct SweepProgressContents {
  SweepIdentity identity;
  std::vector<SweepRecord> records;
  std::size_t dropped_lines = 0;  ///< incomplete or unreadable lines (a write cut short)
};

/// Reads a progress file. Nullopt if there is none; throws models::InputError (naming the file)
/// if its first line is not a sweep's header. A record line that does not parse, lacks its line
/// break, or names a point, replication or figure count outside the header's is dropped and
/// counted, never trusted: its task runs again.
std::optional<SweepProgressContents> read_sweep_progress(const std::filesystem::path& file);

/// The progress file of a running sweep: a header line (the identity, JSON) then one JSON line
/// per finished (point, replication), appended as each finishes, in any order. Every line is
/// flushed when written, so that a sweep killed at any moment loses at most the line being
/// written. Thread-safe: the workers of the sweep append concurrently.
class SweepProgressFile {
 public:
  /// Writes the header and the records already done to a new file that replaces `file` (so that
  /// a partial line left by an interrupted run is gone), then keeps it open for appending.
  /// Throws std::runtime_error naming the path if it cannot be written.
  SweepProgressFile(const std::filesystem::path& file, const SweepIdentity& identity,
                    const std::vector<SweepRecord>& done);
  ~SweepProgressFile();
  SweepProgressFile(const SweepProgressFile&) = delete;
  SweepProgressFile& operator=(const SweepProgressFile&) = delete;

  /// Appends one finished (point, replication) and flushes it.
  void append(const SweepRecord& record);

 private:
  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
  std::mutex mutex_;
};

}  // namespace wormsim::analysis
