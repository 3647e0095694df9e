// Whole-scenario benchmarks: the default Code Red v2 day (2^32 addresses, 360,000 vulnerable
// hosts, 24 simulated hours) on one thread, with the world drawn inside the timing, and the same
// scenario's world alone; a world of ten million hosts. Counters: events/s, simulated seconds per
// wall second, bytes per host.
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

// Ten million hosts (bench/scenario/blaster-10m-hosts.toml): drawing the world and the bytes it
// takes per host.
void BM_TenMillionHostWorld(benchmark::State& state) {
  const auto scenario = wormsim::models::load_scenario_file(
      std::string(WORMSIM_SOURCE_DIR) + "/bench/scenario/blaster-10m-hosts.toml");
  std::uint64_t replication = 0;
  double bytes = 0;
  for (auto _ : state) {
    const auto world = wormsim::models::build_world(scenario, replication++);
    const auto& h = world.hosts;
    bytes = static_cast<double>(h.address.capacity() * 4 + h.population.capacity() * 2 +
                                h.index_in_population.capacity() * 4 + h.os.capacity() +
                                h.locale.capacity() + h.services.capacity() * 2 +
                                h.antivirus.capacity() + h.patches.capacity() +
                                h.unreachable.capacity() + h.site.capacity() * 4 +
                                world.sites.capacity() * sizeof(world.sites[0]) +
                                world.site_partition.capacity() * 4) /
            static_cast<double>(h.size());
    benchmark::DoNotOptimize(world.hosts.address.data());
  }
  state.SetItemsProcessed(state.iterations() * 10'000'000);
  state.counters["world_bytes_per_host"] = bytes;
}
BENCHMARK(BM_TenMillionHostWorld)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

}  // namespace
