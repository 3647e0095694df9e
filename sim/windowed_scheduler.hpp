// The parallel scheduler (DESIGN.md, "Partitions" and "Schedulers"): conservative windows no
// longer than the model's lookahead, partitions handled in parallel inside a window on a oneTBB
// arena, cross-partition events held in per-partition outboxes until the window's end. It
// reproduces the sequential scheduler's bytes for every model that keeps the engine contract.
#pragma once

#include <oneapi/tbb/task_arena.h>

#include "sim/model.hpp"
#include "sim/sequential_scheduler.hpp"

namespace wormsim::sim {

class WindowedScheduler {
 public:
  /// Runs windows on up to `threads` threads (the calling thread among them), in a oneTBB arena
  /// of that size. Throws std::invalid_argument if `threads` < 1.
  explicit WindowedScheduler(int threads);

  /// Runs `model` as SequentialScheduler::run does, with the same samples: on_sample(t, index) at
  /// 0, every, 2*every, ... and the end, each a barrier at which every event before t has been
  /// handled and none at or after t. A window starts at the earliest pending event (empty time
  /// is skipped) and ends at its start plus the lookahead, or at the next sample if sooner.
  /// Handlers of different partitions run concurrently; on_sample runs on the calling thread's
  /// side of the arena with no handler running. Throws std::invalid_argument if the model has
  /// more than one partition and a lookahead of zero or less; exceptions of the model propagate.
  RunStats run(Model& model, const RunPlan& plan);

  int threads() const { return threads_; }

 private:
  int threads_;
  tbb::task_arena arena_;
};

}  // namespace wormsim::sim
