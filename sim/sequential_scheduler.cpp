#include "sim/sequential_scheduler.hpp"

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/context.hpp"
#include "sim/event_queue.hpp"

namespace wormsim::sim {

namespace {

SimTime checked_next_step(Model& model, const RunPlan& plan, SimTime t) {
  const SimTime next = model.next_step(t, plan.step_every);
  if (next <= t || next > t + plan.step_every)
    throw std::logic_error("Model::next_step: the step after " + std::to_string(t.us) +
                           " us must be later and at most step_every after it");
  return next >= plan.end ? SimTime::max() : next;
}

}  // namespace

NextBarrier first_barrier(Model& model, const RunPlan& plan) {
  if (!(plan.step_every > SimTime{0}) || plan.step_every >= plan.end)
    return NextBarrier{SimTime{0}, SimTime::max()};
  return NextBarrier{SimTime{0}, checked_next_step(model, plan, SimTime{0})};
}

bool run_barrier(Model& model, const RunPlan& plan, NextBarrier& b, std::uint64_t& sample_index) {
  const SimTime t = b.at();
  const bool has_steps = b.step != SimTime::max();
  if (b.step == t) model.on_step(t);
  if (b.sample == t) {
    model.on_sample(t, sample_index++);
    if (b.sample >= plan.end) return false;
    b.sample = b.sample + plan.sample_every;
    if (b.sample > plan.end) b.sample = plan.end;
  }
  // Asked after the whole barrier, samples included: what a sample did may bring a step forward.
  if (has_steps) b.step = checked_next_step(model, plan, t);
  return true;
}

struct SequentialRun::State {
  std::vector<std::uint64_t> sequence;
  EventQueue queue;
  Context ctx;
  std::uint64_t sample_index = 0;
  NextBarrier next;
};

SequentialRun::SequentialRun(Model& model, const RunPlan& plan)
    : model_(model), plan_(plan), state_(std::make_unique<State>()) {
  State& st = *state_;
  const std::uint32_t partitions = model.partition_count();
  st.sequence.assign(partitions, 0);
  for (std::uint32_t p = 0; p < partitions; ++p) {
    st.ctx.bind(p, SimTime{0}, &st.sequence[p], &st.queue, nullptr, model.lookahead(), plan.end);
    model.start(st.ctx);
  }
  st.next = first_barrier(model, plan);
}

SequentialRun::~SequentialRun() = default;

bool SequentialRun::advance_to(SimTime t) {
  if (finished_) return false;
  if (t > plan_.end) t = plan_.end;
  State& st = *state_;
  EventQueue& queue = st.queue;
  Context& ctx = st.ctx;
  while (st.next.at() <= t) {
    // Handle every event strictly before the next barrier.
    const SimTime barrier = st.next.at();
    while (!queue.empty() && queue.top().time < barrier) {
      const Event e = queue.pop();
      if (e.time < ctx.now()) [[unlikely]]
        throw std::logic_error("SequentialScheduler: the event queue returned an event at " +
                               std::to_string(e.time.us) + " us after one at " +
                               std::to_string(ctx.now().us) + " us");
      if (!queue.empty()) model_.prefetch(queue.top());
      ctx.set_now(e.time);
      ctx.set_partition(e.target_partition, &st.sequence[e.target_partition]);
      model_.handle(e, ctx);
      ++stats_.events;
    }
    const auto barrier_start = std::chrono::steady_clock::now();
    const bool is_sample = st.next.sample == barrier;
    const bool more = run_barrier(model_, plan_, st.next, st.sample_index);
    stats_.barrier_ns +=
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                       std::chrono::steady_clock::now() - barrier_start)
                                       .count());
    if (is_sample) ++stats_.samples;
    reached_ = barrier;
    if (!more) {
      finished_ = true;
      return false;
    }
  }
  reached_ = t;
  return true;
}

RunStats SequentialScheduler::run(Model& model, const RunPlan& plan) {
  SequentialRun run(model, plan);
  run.advance_to(plan.end);
  return run.stats();
}

}  // namespace wormsim::sim
