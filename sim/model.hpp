// The contract between a simulation model and the schedulers (DESIGN.md, "The engine contract").
// A model owns its state split into partitions; a handler touches only the state of the event's
// target partition; on_sample runs at barriers when no handler is running.
#pragma once

#include <cstdint>

#include "sim/context.hpp"
#include "sim/event.hpp"
#include "sim/time.hpp"

namespace wormsim::sim {

class Model {
 public:
  virtual ~Model() = default;
  /// Fixed by the model's configuration, never by the thread count.
  virtual std::uint32_t partition_count() const = 0;
  /// The least delay between an event in one partition and its effect on another.
  virtual SimTime lookahead() const = 0;
  /// Posts the initial events of one partition (called once per partition, in index order, at 0).
  virtual void start(Context& ctx) = 0;
  /// Handles one event; `ctx.partition() == e.target_partition`.
  virtual void handle(const Event& e, Context& ctx) = 0;
  /// A hint that `e` is the next event this thread will handle (unless a handler posts an earlier
  /// one): a model whose handlers miss the cache on per-entity state may prefetch that state here,
  /// overlapping the miss with the work in between. Must not change any state.
  virtual void prefetch(const Event& e) const { static_cast<void>(e); }
  /// A barrier at time t: every event before t has been handled, none at or after t.
  virtual void on_sample(SimTime t, std::uint64_t sample_index) = 0;
  /// A barrier at a step time t (RunPlan::step_every), as on_sample: every event before t has
  /// been handled, none at or after t. A model's periodic global update (the network step).
  virtual void on_step(SimTime t) { static_cast<void>(t); }
  /// The next step after the barrier (step, sample or both) at t, asked once the barrier is
  /// done: the next multiple of every (RunPlan::step_every) unless the model wants an earlier
  /// time, later than t. It must decide from its state at the barrier only, so that every
  /// scheduler and thread count sees the same steps.
  virtual SimTime next_step(SimTime t, SimTime every) {
    return SimTime{(t.us / every.us + 1) * every.us};
  }
};

/// What a scheduler did, for --stats and tuning; never written to summary.json. The wall-clock
/// fields depend on the machine and the load, so no output may use them.
struct RunStats {
  std::uint64_t events = 0;
  /// Conservative windows run (0 for the sequential scheduler, which has none).
  std::uint64_t windows = 0;
  std::uint64_t samples = 0;
  /// The most events handled in one window.
  std::uint64_t max_window_events = 0;
  /// Wall-clock nanoseconds spent in on_sample barriers.
  std::uint64_t barrier_ns = 0;
  /// Wall-clock nanoseconds spent merging outboxes into target queues.
  std::uint64_t merge_ns = 0;

  /// Events per window on average (0 without windows).
  double mean_window_events() const {
    return windows == 0 ? 0.0 : static_cast<double>(events) / static_cast<double>(windows);
  }
};

}  // namespace wormsim::sim
