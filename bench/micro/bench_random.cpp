// Micro-benchmarks of sim/random and sim/variates: raw Philox words and each sampler the models
// draw from on hot paths. One item = one variate.
#include <benchmark/benchmark.h>

#include <cstdint>

#include "sim/random.hpp"
#include "sim/variates.hpp"

namespace {

using wormsim::sim::Purpose;
using wormsim::sim::RandomStream;
namespace variates = wormsim::sim::variates;

void BM_RandomNextU64(benchmark::State& state) {
  RandomStream s(1, 0, 0, Purpose::test);
  for (auto _ : state) benchmark::DoNotOptimize(s.next_u64());
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * 8);
}

void BM_RandomUniform01(benchmark::State& state) {
  RandomStream s(1, 0, 1, Purpose::test);
  for (auto _ : state) benchmark::DoNotOptimize(variates::uniform01(s));
  state.SetItemsProcessed(state.iterations());
}

void BM_RandomExponential(benchmark::State& state) {
  RandomStream s(1, 0, 2, Purpose::test);
  for (auto _ : state) benchmark::DoNotOptimize(variates::exponential(s, 358.0));
  state.SetItemsProcessed(state.iterations());
}

/// Argument: 1/p. Inversion costs the same for every p; 2^32 is a per-probe hit probability of
/// the order of a sparse vulnerable population.
void BM_RandomGeometricTrials(benchmark::State& state) {
  const double p = 1.0 / static_cast<double>(state.range(0));
  RandomStream s(1, 0, 3, Purpose::test);
  for (auto _ : state) benchmark::DoNotOptimize(variates::geometric_trials(s, p));
  state.SetItemsProcessed(state.iterations());
}

/// Argument: n. Small n, a power of two, and n = 2^62 + 1, for which almost a quarter of the words
/// are rejected (2^64 mod n = 2^62 - 3): close to the worst case of Lemire's method.
void BM_RandomUniformBelow(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  RandomStream s(1, 0, 4, Purpose::test);
  for (auto _ : state) benchmark::DoNotOptimize(variates::uniform_below(s, n));
  state.SetItemsProcessed(state.iterations());
}

void BM_RandomStandardNormal(benchmark::State& state) {
  RandomStream s(1, 0, 5, Purpose::test);
  for (auto _ : state) benchmark::DoNotOptimize(variates::standard_normal(s));
  state.SetItemsProcessed(state.iterations());
}

/// Argument: the shape k of Gamma(k, 1) (Erlang times for k events).
void BM_RandomGamma(benchmark::State& state) {
  const auto shape = static_cast<double>(state.range(0));
  RandomStream s(1, 0, 6, Purpose::test);
  for (auto _ : state) benchmark::DoNotOptimize(variates::gamma(s, shape));
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(BM_RandomNextU64);
BENCHMARK(BM_RandomUniform01);
BENCHMARK(BM_RandomExponential);
BENCHMARK(BM_RandomGeometricTrials)->Arg(2)->Arg(1'000)->Arg(std::int64_t{1} << 32);
BENCHMARK(BM_RandomUniformBelow)
    ->Arg(6)
    ->Arg(1'000)
    ->Arg(std::int64_t{1} << 32)
    ->Arg((std::int64_t{1} << 62) + 1);
BENCHMARK(BM_RandomStandardNormal);
BENCHMARK(BM_RandomGamma)->Arg(3)->Arg(1'000);
