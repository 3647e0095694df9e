// The uniform sampler's two steps: the hit probability of a source, and the target given a hit,
// on a full relevant set (k-th live is the identity) and on one with half its entries removed
// (a Fenwick descent).
#include <benchmark/benchmark.h>

#include <vector>

#include "models/scanning/uniform_scan.hpp"
#include "sim/live_index.hpp"

namespace {

using namespace wormsim;

sim::AddressIndex make_index(std::size_t n) {
  std::vector<std::uint32_t> a(n);
  for (std::size_t i = 0; i < n; ++i) a[i] = static_cast<std::uint32_t>(i * 11'903 + 7);
  return sim::AddressIndex(std::move(a));
}

void BM_UniformDrawTarget(benchmark::State& state) {
  const auto index = make_index(static_cast<std::size_t>(state.range(0)));
  sim::LiveIndex live(index);
  if (state.range(1) != 0)
    for (std::size_t i = 0; i < index.size(); i += 2) live.remove(i);
  const models::UniformScan scan(sim::Prefix{0, 0});
  sim::RandomStream rng(1, 0, 0, sim::Purpose::test);
  for (auto _ : state) benchmark::DoNotOptimize(scan.draw_target(0, live, rng));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_UniformDrawTarget)->Args({360'000, 0})->Args({360'000, 1})->Args({10'000'000, 1});

void BM_UniformHitDelay(benchmark::State& state) {
  const auto index = make_index(360'000);
  sim::LiveIndex live(index);
  const models::UniformScan scan(sim::Prefix{0, 0});
  const models::ProbeClock clock{358.0 / 60.0};
  sim::RandomStream rng(1, 0, 0, sim::Purpose::test);
  for (auto _ : state)
    benchmark::DoNotOptimize(clock.until_success(scan.hit_probability(0, live), rng));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_UniformHitDelay);

}  // namespace
