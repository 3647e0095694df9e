// Progress of long runs, sweeps and comparisons on stderr (DESIGN.md, "Outputs": shown when
// stderr is a terminal, quiet otherwise): tasks done of the total, the rate and the time left,
// redrawn in place. It only reads what the workers publish, so it can never change a result.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sim/time.hpp"

namespace wormsim::app {

/// Whether a command draws its progress: `--progress` forces it, `--no-progress` stops it, and
/// without either it is drawn only when stderr is a terminal.
bool progress_wanted(bool forced_on, bool forced_off);

/// A progress line over a set of tasks (replications), each simulating up to its horizon. The
/// worker running task i publishes the simulated time it reached through clock(i) (the model
/// stores it at every sample) and calls task_done(i) at the end; a thread of the meter's own
/// redraws the line a few times a second, so the workers never wait on the terminal. The share
/// done is simulated time over the sum of the horizons, which tracks the work better than a count
/// of tasks when there are few of them. A disabled meter starts no thread and draws nothing.
class ProgressMeter {
 public:
  /// `label` starts the line ("run", "sweep"); `unit` names the tasks ("replications", "runs");
  /// `horizons` has one simulated duration per task still to run; `done_before` counts tasks
  /// done by an earlier run (a resumed sweep), shown in the count but not in the rate.
  ProgressMeter(std::string label, std::string unit, std::vector<sim::SimTime> horizons,
                bool enabled, std::size_t done_before = 0);
  ~ProgressMeter();
  ProgressMeter(const ProgressMeter&) = delete;
  ProgressMeter& operator=(const ProgressMeter&) = delete;

  /// Where task i publishes its simulated time; nullptr when disabled. Any thread.
  std::atomic<std::int64_t>* clock(std::size_t task);
  /// Task i has finished. Any thread.
  void task_done(std::size_t task);
  /// Stops redrawing and erases the line. Called by the destructor if not before.
  void finish();

  /// The line as drawn after `elapsed_s` seconds (exposed for tests).
  std::string line(double elapsed_s) const;

 private:
  void loop();
  void draw();

  std::string label_;
  std::string unit_;
  std::vector<sim::SimTime> horizons_;
  double total_us_ = 0;
  std::size_t done_before_ = 0;
  bool enabled_ = false;
  std::vector<std::atomic<std::int64_t>> clocks_;
  std::atomic<std::size_t> done_{0};
  std::chrono::steady_clock::time_point start_;
  std::size_t drawn_width_ = 0;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace wormsim::app
