// Micro-benchmarks of sim/event_queue under the classic hold model (Jones, "An empirical
// comparison of priority-queue and event-set implementations", CACM 1986): the queue holds N
// pending events and each hold operation removes the earliest and inserts one at its time plus a
// random increment, so the queue size stays N. One item = one hold operation (pop + push).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "sim/event.hpp"
#include "sim/event_queue.hpp"
#include "sim/random.hpp"
#include "sim/variates.hpp"

namespace {

using wormsim::sim::Event;
using wormsim::sim::EventQueue;
using wormsim::sim::Purpose;
using wormsim::sim::RandomStream;
using wormsim::sim::SimTime;
namespace variates = wormsim::sim::variates;

/// Exponential increments with a mean of one simulated second, in microseconds, drawn ahead of
/// time so the figures measure the queue rather than the sampler (bench_random measures that).
/// 2^16 entries are used cyclically; their order is random, so the heap sees no pattern.
class Increments {
 public:
  Increments() : values_(kSize) {
    RandomStream s(1, 0, 0, Purpose::test);
    for (auto& v : values_) v = SimTime::from_seconds(variates::exponential(s, 1.0)) + SimTime{1};
  }
  SimTime next() { return values_[index_++ & (kSize - 1)]; }

 private:
  static constexpr std::size_t kSize = std::size_t{1} << 16;
  std::vector<SimTime> values_;
  std::size_t index_ = 0;
};

/// A queue holding `n` events at times drawn from the increment distribution, as the hold model
/// starts; `sequence` continues the order keys.
EventQueue prefilled(std::size_t n, Increments& increments, std::uint64_t& sequence) {
  EventQueue queue;
  queue.reserve(n + 1);
  for (std::size_t i = 0; i < n; ++i) {
    Event e;
    e.time = increments.next();
    e.order = Event::make_order(static_cast<std::uint32_t>(i & 63), sequence++);
    e.subject = static_cast<std::uint32_t>(i);
    queue.push(e);
  }
  return queue;
}

void BM_EventQueueHoldPopPush(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Increments increments;
  std::uint64_t sequence = 0;
  EventQueue queue = prefilled(n, increments, sequence);
  for (auto _ : state) {
    Event e = queue.pop();
    e.time += increments.next();
    e.order = Event::make_order(e.source_partition(), sequence++);
    queue.push(e);
  }
  benchmark::DoNotOptimize(queue.top());
  state.SetItemsProcessed(state.iterations());
  state.counters["pending"] = static_cast<double>(n);
}

void BM_EventQueueHoldReplaceTop(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Increments increments;
  std::uint64_t sequence = 0;
  EventQueue queue = prefilled(n, increments, sequence);
  for (auto _ : state) {
    Event e = queue.top();
    e.time += increments.next();
    e.order = Event::make_order(e.source_partition(), sequence++);
    queue.replace_top(e);
  }
  benchmark::DoNotOptimize(queue.top());
  state.SetItemsProcessed(state.iterations());
  state.counters["pending"] = static_cast<double>(n);
}

}  // namespace

BENCHMARK(BM_EventQueueHoldPopPush)->RangeMultiplier(10)->Range(1'000, 1'000'000);
BENCHMARK(BM_EventQueueHoldReplaceTop)->RangeMultiplier(10)->Range(1'000, 1'000'000);
