// Whole-scenario benchmarks: the default Code Red v2 day (2^32 addresses, 360,000 vulnerable
// hosts, 24 simulated hours) on one thread, with the world drawn inside the timing, and the same
// scenario's world alone. Counters: events/s and simulated seconds per wall second.
#include <benchmark/benchmark.h>

#include <string>

#include "models/host/world.hpp"
#include "models/scenario/loader.hpp"
#include "models/simulation.hpp"

namespace {

const std::string kCodeRed =
    std::string(WORMSIM_SOURCE_DIR) + "/scenarios/codered/codered-v2-2001-07-19.toml";

void BM_CodeRedV2Day(benchmark::State& state) {
  const auto scenario = wormsim::models::load_scenario_file(kCodeRed);
  std::uint64_t events = 0, replication = 0;
  for (auto _ : state) {
    const auto run = wormsim::models::run_replication(scenario, replication++, {});
    events += run.stats.events;
    benchmark::DoNotOptimize(run.summary.infected_total);
  }
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["sim_s_per_wall_s"] = benchmark::Counter(
      scenario.simulation.duration.seconds() * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_CodeRedV2Day)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_CodeRedV2World(benchmark::State& state) {
  const auto scenario = wormsim::models::load_scenario_file(kCodeRed);
  std::uint64_t replication = 0;
  for (auto _ : state) {
    const auto world = wormsim::models::build_world(scenario, replication++);
    benchmark::DoNotOptimize(world.hosts.address.data());
  }
  state.SetItemsProcessed(state.iterations() * 360'000);
}
BENCHMARK(BM_CodeRedV2World)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
