// Micro-benchmarks of sim/address_index: building the index of a service's vulnerable addresses
// (done once per scenario and population), and the two look-ups scanning relies on: the next
// vulnerable address at or after a probe, and the count in a /24 block.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "sim/address_index.hpp"
#include "sim/random.hpp"

namespace {

using wormsim::sim::AddressIndex;
using wormsim::sim::Prefix;
using wormsim::sim::Purpose;
using wormsim::sim::RandomStream;

/// `n` distinct addresses in random order: a bijective mixer (an odd multiplier and xor-shifts,
/// each invertible modulo 2^32) applied to 0..n-1, so no set is needed to reject duplicates.
std::vector<std::uint32_t> distinct_addresses(std::size_t n) {
  std::vector<std::uint32_t> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto x = static_cast<std::uint32_t>(i);
    x = (x ^ (x >> 16)) * 0x7FEB352Du;
    x = (x ^ (x >> 15)) * 0x846CA68Bu;
    out[i] = x ^ (x >> 16);
  }
  return out;
}

/// Random probe addresses, drawn ahead of time so the figures measure the index.
std::vector<std::uint32_t> random_probes() {
  std::vector<std::uint32_t> out(std::size_t{1} << 16);
  RandomStream s(7, 0, 0, Purpose::test);
  for (auto& a : out) a = static_cast<std::uint32_t>(s.next_u64());
  return out;
}

/// Argument: number of addresses. Time per iteration is one build (radix sort + /16 offsets);
/// the copy of the unsorted input is not timed.
void BM_AddressIndexBuild(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const std::vector<std::uint32_t> addresses = distinct_addresses(n);
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<std::uint32_t> copy = addresses;
    state.ResumeTiming();
    AddressIndex index(std::move(copy));
    benchmark::DoNotOptimize(index.size());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

/// Argument: number of addresses. One item = one lower_bound at a random address.
void BM_AddressIndexLowerBound(benchmark::State& state) {
  const AddressIndex index(distinct_addresses(static_cast<std::size_t>(state.range(0))));
  const std::vector<std::uint32_t> probes = random_probes();
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(index.lower_bound(probes[i++ & 0xFFFFu]));
  state.SetItemsProcessed(state.iterations());
}

/// Argument: number of addresses. One item = one count() of the /24 block of a random address
/// (finer than /16, so two binary searches inside /16 blocks).
void BM_AddressIndexCount24(benchmark::State& state) {
  const AddressIndex index(distinct_addresses(static_cast<std::size_t>(state.range(0))));
  std::vector<Prefix> blocks;
  for (std::uint32_t a : random_probes()) blocks.push_back(Prefix::of(a, 24));
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(index.count(blocks[i++ & 0xFFFFu]));
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(BM_AddressIndexBuild)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AddressIndexLowerBound)->Arg(1'000'000)->Arg(10'000'000);
BENCHMARK(BM_AddressIndexCount24)->Arg(1'000'000)->Arg(10'000'000);
