#include "sim/sequential_scheduler.hpp"

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/context.hpp"
#include "sim/event_queue.hpp"

namespace wormsim::sim {

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
  SimTime next_sample{0};
  for (;;) {
    // Handle every event strictly before the next sample time.
    while (!queue.empty() && queue.top().time < next_sample) {
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
    model.on_sample(next_sample, sample_index++);
    stats.barrier_ns +=
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                       std::chrono::steady_clock::now() - barrier_start)
                                       .count());
    ++stats.samples;
    if (next_sample >= plan.end) break;
    next_sample = next_sample + plan.sample_every;
    if (next_sample > plan.end) next_sample = plan.end;
  }
  return stats;
}

}  // namespace wormsim::sim
