// The contact-graph SIR process (models/contact): one replication on a Barabási–Albert graph
// (m = 3) of 10^5 or 10^6 nodes with EoN's fast_SIR benchmark settings (tau 0.5, gamma 1, 0.1%
// initially infected, S/I/R sampled every 0.1), the graph built once outside the timing. Each
// iteration runs the next replication, so the figure averages over outbreaks.
#include <benchmark/benchmark.h>

#include <map>
#include <memory>

#include "models/contact/contact_epidemic.hpp"

namespace {

using namespace wormsim;

const models::ContactGraph& ba_graph(std::uint32_t nodes) {
  static std::map<std::uint32_t, std::unique_ptr<models::ContactGraph>> graphs;
  auto& g = graphs[nodes];
  if (!g) g = std::make_unique<models::ContactGraph>(models::barabasi_albert_graph(nodes, 3, 1));
  return *g;
}

void BM_ContactSirBarabasiAlbert(benchmark::State& state) {
  const auto nodes = static_cast<std::uint32_t>(state.range(0));
  const models::ContactGraph& graph = ba_graph(nodes);
  models::ContactSettings settings;
  settings.rates.transmission = 0.5;
  settings.rates.recovery = 1.0;
  settings.initial_infected = nodes / 1000;
  settings.sample_every = 0.1;
  const models::ContactEpidemic epidemic(graph, settings);
  models::ContactWorkspace workspace;
  std::uint64_t replication = 0;
  double infected = 0, peak_time = 0;
  for (auto _ : state) {
    const auto r = epidemic.run(replication++, workspace);
    infected += r.final_size;
    peak_time += r.peak_time;
    benchmark::DoNotOptimize(r.final_size);
  }
  const auto runs = static_cast<double>(state.iterations());
  state.counters["runs_per_s"] = benchmark::Counter(runs, benchmark::Counter::kIsRate);
  state.counters["infections_per_s"] = benchmark::Counter(infected, benchmark::Counter::kIsRate);
  state.counters["final_size"] = infected / runs;
  state.counters["peak_time"] = peak_time / runs;
}
BENCHMARK(BM_ContactSirBarabasiAlbert)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_ContactBarabasiAlbertGraph(benchmark::State& state) {
  const auto nodes = static_cast<std::uint32_t>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(models::barabasi_albert_graph(nodes, 3, 1));
}
BENCHMARK(BM_ContactBarabasiAlbertGraph)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond);

}  // namespace
