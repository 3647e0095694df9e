// The engine under PHOLD (bench/engine/phold.hpp), ROSS's settings unless an argument says
// otherwise: the sequential scheduler beside the windowed one on 1, 2 and 4 threads. Arguments:
// threads (windowed only), remote fraction in percent, lookahead in milliseconds. One iteration
// is one whole run; counters: events/s, committed events, events per window.
#include <benchmark/benchmark.h>
#include <oneapi/tbb/global_control.h>

#include <algorithm>
#include <cstdint>
#include <thread>

#include "bench/engine/phold.hpp"
#include "sim/sequential_scheduler.hpp"
#include "sim/windowed_scheduler.hpp"

namespace {

using wormsim::bench::Phold;
using wormsim::bench::PholdConfig;
using wormsim::sim::RunStats;
using wormsim::sim::SimTime;

PholdConfig config_for(std::int64_t remote_percent, std::int64_t lookahead_ms) {
  PholdConfig config;
  config.remote = static_cast<double>(remote_percent) / 100.0;
  config.lookahead = SimTime::from_ms(lookahead_ms);
  return config;
}

/// Runs PHOLD once per iteration on `scheduler`, building a fresh model outside the timing.
template <typename Scheduler>
void run_phold(benchmark::State& state, Scheduler& scheduler, const PholdConfig& config) {
  std::uint64_t committed = 0;
  RunStats stats;
  for (auto _ : state) {
    state.PauseTiming();
    Phold model(config);
    state.ResumeTiming();
    stats = scheduler.run(model, model.plan());
    committed = model.committed();
  }
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(committed) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
  state.counters["committed"] = static_cast<double>(committed);
  state.counters["events/window"] = stats.mean_window_events();
}

void BM_PholdSequential(benchmark::State& state) {
  wormsim::sim::SequentialScheduler scheduler;
  run_phold(state, scheduler, config_for(state.range(0), state.range(1)));
}

void BM_PholdWindowed(benchmark::State& state) {
  // As many threads as asked for, even beyond the cores (oneTBB stops at the cores by default).
  const auto threads = static_cast<std::size_t>(state.range(0));
  const tbb::global_control parallelism(
      tbb::global_control::max_allowed_parallelism,
      std::max<std::size_t>(threads, std::thread::hardware_concurrency()));
  wormsim::sim::WindowedScheduler scheduler(static_cast<int>(threads));
  run_phold(state, scheduler, config_for(state.range(1), state.range(2)));
}

}  // namespace

BENCHMARK(BM_PholdSequential)
    ->ArgNames({"remote%", "lookahead_ms"})
    ->Args({25, 100})
    ->Args({10, 100})
    ->Args({25, 500})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_PholdWindowed)
    ->ArgNames({"threads", "remote%", "lookahead_ms"})
    ->Args({1, 25, 100})
    ->Args({2, 25, 100})
    ->Args({4, 25, 100})
    ->Args({2, 10, 100})
    ->Args({2, 25, 500})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
