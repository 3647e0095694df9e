// The parallel scheduler (DESIGN.md, "The engine contract": partitions and schedulers):
// conservative windows no longer than the model's lookahead, partitions handled in parallel inside
// a window on a oneTBB arena, cross-partition events held in outboxes and merged in
// source-partition order before the next window. It reproduces the sequential scheduler's bytes
// for every model that keeps the engine contract, on any number of threads.
#pragma once

#include <oneapi/tbb/task_arena.h>

#include "sim/model.hpp"
#include "sim/sequential_scheduler.hpp"

namespace wormsim::sim {

class WindowedScheduler {
 public:
  /// Runs windows on up to `threads` threads (the calling thread among them), in a oneTBB arena
  /// of that size; oneTBB starts no more threads than its global limit allows (by default the
  /// number of cores, see tbb::global_control), and the run is then only less parallel. Throws
  /// std::invalid_argument if `threads` < 1.
  explicit WindowedScheduler(int threads);

  /// Runs `model` as SequentialScheduler::run does, with the same samples: on_sample(t, index) at
  /// 0, every, 2*every, ... and the end, each a barrier at which every event before t has been
  /// handled and none at or after t. A window starts at the earliest pending event (empty time
  /// is skipped) and ends at its start plus the lookahead, or at the next sample if sooner.
  /// Handlers of different partitions run concurrently; start and on_sample run on the calling
  /// thread while no handler runs. Throws std::invalid_argument if the model has more than one
  /// partition and a lookahead of zero or less, std::logic_error if a cross-partition event is
  /// due before the end of the window it was posted in; exceptions of the model propagate once
  /// every thread has left the window. One run at a time per scheduler.
  RunStats run(Model& model, const RunPlan& plan);

  int threads() const { return threads_; }

 private:
  int threads_;
  tbb::task_arena arena_;
};

}  // namespace wormsim::sim
