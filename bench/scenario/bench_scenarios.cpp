// Whole-scenario benchmarks: the default Code Red v2 day (2^32 addresses, 360,000 vulnerable
// hosts, 24 simulated hours) on one thread, with the world drawn inside the timing, and the same
// scenario's world alone; the floor of any simulation of that day (a bare loop drawing only its
// 360,000 infections); a world of ten million hosts. Counters: events/s, probes and packets
// accounted per wall second, simulated seconds per wall second, bytes per host.
#include <benchmark/benchmark.h>

#include <cmath>
#include <string>

#include "models/host/world.hpp"
#include "models/scenario/loader.hpp"
#include "models/simulation.hpp"
#include "sim/random.hpp"
#include "sim/variates.hpp"

namespace {

const std::string kCodeRed =
    std::string(WORMSIM_SOURCE_DIR) + "/scenarios/codered/codered-v2-2001-07-19.toml";

void BM_CodeRedV2Day(benchmark::State& state) {
  const auto scenario = wormsim::models::load_scenario_file(kCodeRed);
  std::uint64_t events = 0, replication = 0;
  double probes = 0;
  for (auto _ : state) {
    const auto run = wormsim::models::run_replication(scenario, replication++, {});
    events += run.stats.events;
    const std::size_t metric = run.curves.find("probes_sent");
    probes += run.curves.value(run.curves.sample_count() - 1, metric);
    benchmark::DoNotOptimize(run.summary.infected_total);
  }
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  // Every probe (connection attempt) is accounted, as a rate: 358 a minute per scanning host,
  // about 5e10 in the day. A probe to an address that does not answer is three SYN packets (the
  // initial one and Windows' two retransmissions, [network] syn_attempts = 3).
  state.counters["probes_per_s"] = benchmark::Counter(probes, benchmark::Counter::kIsRate);
  state.counters["packets_per_s"] = benchmark::Counter(3 * probes, benchmark::Counter::kIsRate);
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

// The floor: the least work any simulation of the default day does, one step per state change.
// A bare loop over the 360,000 infections of the same SI process (10 hosts infected at the
// start, each infected host hitting each susceptible one at 358/60 / 2^32 per second): per
// infection, the time to the next one (an exponential of rate beta I S) and which susceptible
// host it is (a uniform draw), with the project's random stream and variates. No calendar, no
// state per host, no outputs.
void BM_InfectionFloor(benchmark::State& state) {
  constexpr std::uint64_t kVulnerable = 360'000, kInitial = 10;
  const double beta = 358.0 / 60.0 / std::ldexp(1.0, 32);
  std::uint64_t replication = 0;
  for (auto _ : state) {
    wormsim::sim::RandomStream rng(1, replication++, 0, wormsim::sim::Purpose::test);
    double t = 0;
    std::uint64_t picked = 0;
    for (std::uint64_t infected = kInitial; infected < kVulnerable; ++infected) {
      const auto susceptible = static_cast<double>(kVulnerable - infected);
      t += wormsim::sim::variates::exponential(rng,
                                               beta * static_cast<double>(infected) * susceptible);
      picked += wormsim::sim::variates::uniform_below(rng, kVulnerable - infected);
    }
    benchmark::DoNotOptimize(t);
    benchmark::DoNotOptimize(picked);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kVulnerable - kInitial));
}
BENCHMARK(BM_InfectionFloor)->Unit(benchmark::kMillisecond)->UseRealTime();

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
