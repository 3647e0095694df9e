// The reference scheduler (DESIGN.md, "Schedulers"): one queue for every partition, events
// handled one at a time in the total order (time, source partition, sequence). It carries no
// window overhead and is the fast path on one thread.
#pragma once

#include <cstdint>
#include <memory>

#include "sim/model.hpp"
#include "sim/time.hpp"

namespace wormsim::sim {

/// Sample times are 0, every, 2*every, ... and `end` itself; on_sample(t) sees every event with
/// time < t handled. With `step_every` > 0, step times are every, 2*every, ... before `end`:
/// on_step(t) runs at each, after every event before t and before any at or after t; at a time
/// that is both, on_step runs first. A model may bring the next step forward after any barrier
/// (Model::next_step): steps are then step_every apart at most.
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

/// The first barrier after the model's start: the first sample at 0 and the model's first step
/// (Model::next_step from 0), if the plan has steps.
NextBarrier first_barrier(Model& model, const RunPlan& plan);

/// Runs the barrier at b.at(): on_step if it is a step time, then on_sample if it is a sample
/// time; advances `b` and the sample index. Returns false after the last sample (at the end).
bool run_barrier(Model& model, const RunPlan& plan, NextBarrier& b, std::uint64_t& sample_index);

class SequentialScheduler {
 public:
  RunStats run(Model& model, const RunPlan& plan);
};

/// One run of the sequential scheduler that can pause: advance_to(t) handles every event before
/// t and every barrier at or before t, then returns; the next call goes on from there. Running
/// to the end in any number of pauses gives what SequentialScheduler::run gives (an exercise
/// steps through a run this way).
class SequentialRun {
 public:
  /// Starts the model (its start() for every partition); nothing is handled yet.
  SequentialRun(Model& model, const RunPlan& plan);
  ~SequentialRun();
  SequentialRun(const SequentialRun&) = delete;
  SequentialRun& operator=(const SequentialRun&) = delete;

  /// Runs until t (clamped to the end). Returns false once the run has ended.
  bool advance_to(SimTime t);
  /// The time reached: every barrier at or before it has run.
  SimTime now() const { return reached_; }
  bool finished() const { return finished_; }
  const RunStats& stats() const { return stats_; }

 private:
  struct State;
  Model& model_;
  RunPlan plan_;
  std::unique_ptr<State> state_;
  SimTime reached_{0};
  bool finished_ = false;
  RunStats stats_;
};

}  // namespace wormsim::sim
