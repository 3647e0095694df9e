// The reference scheduler (DESIGN.md, "Schedulers"): one queue for every partition, events
// handled one at a time in the total order (time, source partition, sequence). It carries no
// window overhead and is the fast path on one thread.
#pragma once

#include <cstdint>

#include "sim/model.hpp"
#include "sim/time.hpp"

namespace wormsim::sim {

/// Sample times are 0, every, 2*every, ... and `end` itself; on_sample(t) sees every event with
/// time < t handled. With `step_every` > 0, step times are every, 2*every, ... before `end`:
/// on_step(t) runs at each, after every event before t and before any at or after t; at a time
/// that is both, on_step runs first.
struct RunPlan {
  SimTime end;
  SimTime sample_every;
  SimTime step_every{0};
};

/// The next barrier after `t` (a sample or a step, whichever comes first), and which it is.
struct NextBarrier {
  SimTime sample;  ///< the next sample time
  SimTime step;    ///< the next step time (SimTime::max() if none)
  SimTime at() const { return sample < step ? sample : step; }
};

/// Runs the barrier at b.at(): on_step if it is a step time, then on_sample if it is a sample
/// time; advances `b` and the sample index. Returns false after the last sample (at the end).
bool run_barrier(Model& model, const RunPlan& plan, NextBarrier& b, std::uint64_t& sample_index);

class SequentialScheduler {
 public:
  RunStats run(Model& model, const RunPlan& plan);
};

}  // namespace wormsim::sim
