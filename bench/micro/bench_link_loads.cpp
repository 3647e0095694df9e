// The fluid network model on transit-stub Internets of about 10^3, 10^4 and 10^5 nodes, one site
// per customer site, local groups by access router: building the routes and the routing matrix,
// one site's rate change (spread and local), the network step after a number of changes, the
// full recompute it must match, a path's delivery probability, and reading every link's
// utilisation (what links.csv needs per step).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "net/generators.hpp"
#include "net/link_loads.hpp"
#include "net/site_attachment.hpp"
#include "sim/random.hpp"
#include "sim/variates.hpp"

namespace {

using namespace wormsim;

/// The transit-stub graph (defaults, seed 1) with at least `nodes` nodes, generated once.
const net::Topology& transit_stub(std::int64_t nodes) {
  static std::map<std::int64_t, net::Topology> cache;  // map: references stay valid
  auto it = cache.find(nodes);
  if (it == cache.end())
    it =
        cache
            .emplace(nodes, net::generate("transit-stub", 1, {}, static_cast<std::uint64_t>(nodes)))
            .first;
  return it->second;
}

net::SiteAttachment sites_on(const net::Topology& t) {
  // One site per customer site, each a /16 (2^-16 of the space): the graph is the Internet.
  return net::attach_sites(t, net::attachment_candidates(t).size(), 1.0 / 65536);
}

/// Every site scanning at a Code Red host's rate times a few hosts.
void load_everyone(net::LinkLoads& loads) {
  sim::RandomStream rng(1, 0, 0, sim::Purpose::test);
  for (std::uint32_t s = 0; s < loads.site_count(); ++s) {
    const double hosts = 1.0 + static_cast<double>(sim::variates::uniform_below(rng, 20));
    loads.set_rate(s, net::TrafficClass::spread, net::FluidRate::from(hosts * 2976, hosts * 6));
    loads.set_rate(s, net::TrafficClass::local, net::FluidRate::from(hosts * 992, hosts * 2));
  }
  loads.step();
}

std::vector<std::uint32_t> random_sites(std::size_t sites, std::size_t count) {
  sim::RandomStream rng(2, 0, 0, sim::Purpose::test);
  std::vector<std::uint32_t> out(count);
  for (auto& s : out) s = static_cast<std::uint32_t>(sim::variates::uniform_below(rng, sites));
  return out;
}

void set_counters(benchmark::State& state, const net::LinkLoads& loads) {
  state.counters["nodes"] = static_cast<double>(loads.routing().node_count());
  state.counters["links"] = static_cast<double>(loads.routing().link_count());
  state.counters["sites"] = static_cast<double>(loads.site_count());
  state.counters["roots"] = static_cast<double>(loads.routing().roots().size());
}

void BM_BuildRoutingMatrix(benchmark::State& state) {
  const auto& t = transit_stub(state.range(0));
  const auto sites = sites_on(t);
  std::optional<net::LinkLoads> loads;
  for (auto _ : state) {
    loads.emplace(t, sites);
    benchmark::DoNotOptimize(loads->matrix().local_entry_count());
  }
  set_counters(state, *loads);
  state.counters["local_entries"] = static_cast<double>(loads->matrix().local_entry_count());
  state.counters["core_nnz"] = static_cast<double>(loads->matrix().core_spread().nonZeros());
}
BENCHMARK(BM_BuildRoutingMatrix)
    ->Arg(1000)
    ->Arg(10'000)
    ->Arg(100'000)
    ->Unit(benchmark::kMillisecond);

/// The worst case for the 2-core: a Barabási–Albert AS graph (m = 2) has no node of degree one,
/// so its 2-core is the whole graph and routes need a Dijkstra per node and a last hop per pair.
void BM_BuildRoutingMatrixPowerLaw(benchmark::State& state) {
  const auto t = net::generate("as-powerlaw", 1, {}, static_cast<std::uint64_t>(state.range(0)));
  const auto sites = sites_on(t);
  std::optional<net::LinkLoads> loads;
  for (auto _ : state) {
    loads.emplace(t, sites);
    benchmark::DoNotOptimize(loads->matrix().core_spread().nonZeros());
  }
  set_counters(state, *loads);
  state.counters["core_nnz"] = static_cast<double>(loads->matrix().core_spread().nonZeros());
}
BENCHMARK(BM_BuildRoutingMatrixPowerLaw)
    ->Arg(300)
    ->Arg(1000)
    ->Arg(3000)
    ->Unit(benchmark::kMillisecond);

/// One site's rate up by one host, then down again (two changes per iteration, so the rates
/// stay bounded): state.range(1) = 0 spread, 1 local.
void BM_SiteRateChange(benchmark::State& state) {
  const auto& t = transit_stub(state.range(0));
  net::LinkLoads loads(t, sites_on(t));
  load_everyone(loads);
  const auto c = state.range(1) == 0 ? net::TrafficClass::spread : net::TrafficClass::local;
  const auto which = random_sites(loads.site_count(), 4096);
  const net::FluidRate host = net::FluidRate::from(2976, 6);
  const net::FluidRate minus_host = net::FluidRate{} - host;
  std::size_t i = 0;
  for (auto _ : state) {
    const std::uint32_t s = which[i++ & 4095];
    loads.add_rate(s, c, host);
    loads.add_rate(s, c, minus_host);
  }
  state.SetItemsProcessed(2 * state.iterations());  // rate changes
  set_counters(state, loads);
}
BENCHMARK(BM_SiteRateChange)
    ->Args({1000, 0})
    ->Args({10'000, 0})
    ->Args({100'000, 0})
    ->Args({1000, 1})
    ->Args({10'000, 1})
    ->Args({100'000, 1});

/// A network step after state.range(1) sites changed their spread and local rates (each change
/// inside the timing: a step's whole cost).
void BM_NetworkStep(benchmark::State& state) {
  const auto& t = transit_stub(state.range(0));
  net::LinkLoads loads(t, sites_on(t));
  load_everyone(loads);
  const auto changes = static_cast<std::size_t>(state.range(1));
  const auto which = random_sites(loads.site_count(), 4096);
  const net::FluidRate host = net::FluidRate::from(2976, 6);
  std::size_t i = 0;
  std::int64_t sign = 1;
  for (auto _ : state) {
    const net::FluidRate delta{sign * host.bps_q16, sign * host.pps_q16};
    for (std::size_t k = 0; k < changes; ++k) {
      const std::uint32_t s = which[i++ & 4095];
      loads.add_rate(s, net::TrafficClass::spread, delta);
      loads.add_rate(s, net::TrafficClass::local, delta);
    }
    sign = -sign;
    loads.step();
  }
  state.SetItemsProcessed(state.iterations());  // steps
  set_counters(state, loads);
}
BENCHMARK(BM_NetworkStep)
    ->Args({1000, 0})
    ->Args({1000, 1})
    ->Args({1000, 100})
    ->Args({10'000, 0})
    ->Args({10'000, 1})
    ->Args({10'000, 100})
    ->Args({10'000, 1000})
    ->Args({100'000, 1})
    ->Args({100'000, 1000});

/// The full recompute that the incremental path is checked against.
void BM_FullRecompute(benchmark::State& state) {
  const auto& t = transit_stub(state.range(0));
  net::LinkLoads loads(t, sites_on(t));
  load_everyone(loads);
  for (auto _ : state) loads.recompute();
  set_counters(state, loads);
}
BENCHMARK(BM_FullRecompute)->Arg(1000)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMicrosecond);

/// Delivery probability between two random sites (a route of up to 3 + 2-core + 3 links).
void BM_PathDelivery(benchmark::State& state) {
  const auto& t = transit_stub(state.range(0));
  net::LinkLoads loads(t, sites_on(t));
  load_everyone(loads);
  const auto a = random_sites(loads.site_count(), 4096);
  const auto b = random_sites(loads.site_count() - 1, 4096);
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(loads.path_delivery(a[i & 4095], b[i & 4095]));
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
  set_counters(state, loads);
}
BENCHMARK(BM_PathDelivery)->Arg(1000)->Arg(10'000)->Arg(100'000);

/// Utilisation of every directed link, as links.csv reads them at a step.
void BM_AllLinkUtilisation(benchmark::State& state) {
  const auto& t = transit_stub(state.range(0));
  net::LinkLoads loads(t, sites_on(t));
  load_everyone(loads);
  for (auto _ : state) {
    double peak = 0;
    for (net::DirectedLink dl = 0; dl < loads.directed_link_count(); ++dl)
      peak = std::max(peak, loads.utilisation(dl));
    benchmark::DoNotOptimize(peak);
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<std::int64_t>(loads.directed_link_count()));
  set_counters(state, loads);
}
BENCHMARK(BM_AllLinkUtilisation)
    ->Arg(1000)
    ->Arg(10'000)
    ->Arg(100'000)
    ->Unit(benchmark::kMicrosecond);

}  // namespace
