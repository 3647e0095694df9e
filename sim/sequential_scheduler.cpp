#include "sim/sequential_scheduler.hpp"

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/context.hpp"
#include "sim/event_queue.hpp"

namespace wormsim::sim {

bool run_barrier(Model& model, const RunPlan& plan, NextBarrier& b, std::uint64_t& sample_index) {
  const SimTime t = b.at();
  if (b.step == t) {
    model.on_step(t);
    b.step = b.step + plan.step_every;
    if (b.step >= plan.end) b.step = SimTime::max();
  }
  if (b.sample == t) {
    model.on_sample(t, sample_index++);
    if (b.sample >= plan.end) return false;
    b.sample = b.sample + plan.sample_every;
    if (b.sample > plan.end) b.sample = plan.end;
  }
  return true;
}

RunStats SequentialScheduler::run(Model& model, const RunPlan& plan) {
  const std::uint32_t partitions = model.partition_count();
  std::vector<std::uint64_t> sequence(partitions, 0);
  EventQueue queue;
  Context ctx;
  RunStats stats;
  for (std::uint32_t p = 0; p < partitions; ++p) {
    ctx.bind(p, SimTime{0}, &sequence[p], &queue, nullptr, model.lookahead(), plan.end);
    model.start(ctx);
  }
  std::uint64_t sample_index = 0;
  NextBarrier next{SimTime{0}, plan.step_every > SimTime{0} && plan.step_every < plan.end
                                   ? plan.step_every
                                   : SimTime::max()};
  for (;;) {
    // Handle every event strictly before the next barrier.
    const SimTime barrier = next.at();
    while (!queue.empty() && queue.top().time < barrier) {
      const Event e = queue.pop();
      if (e.time < ctx.now()) [[unlikely]]
        throw std::logic_error("SequentialScheduler: the event queue returned an event at " +
                               std::to_string(e.time.us) + " us after one at " +
                               std::to_string(ctx.now().us) + " us");
      if (!queue.empty()) model.prefetch(queue.top());
      ctx.set_now(e.time);
      ctx.set_partition(e.target_partition, &sequence[e.target_partition]);
      model.handle(e, ctx);
      ++stats.events;
    }
    const auto barrier_start = std::chrono::steady_clock::now();
    const bool is_sample = next.sample == barrier;
    const bool more = run_barrier(model, plan, next, sample_index);
    stats.barrier_ns +=
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                       std::chrono::steady_clock::now() - barrier_start)
                                       .count());
    if (is_sample) ++stats.samples;
    if (!more) break;
  }
  return stats;
}

}  // namespace wormsim::sim
