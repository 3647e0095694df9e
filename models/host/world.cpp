#include "models/host/world.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <numeric>
#include <stdexcept>
#include <unordered_set>

#include "sim/random.hpp"
#include "sim/variates.hpp"

namespace wormsim::models {

namespace {

namespace var = sim::variates;

template <typename T>
T draw_from_mix(const Mix<T>& mix, sim::RandomStream& rng) {
  const double u = var::uniform01(rng);
  double cumulative = 0;
  for (const auto& [value, weight] : mix) {
    cumulative += weight;
    if (u < cumulative) return value;
  }
  return mix.back().first;  // rounding: the weights sum to 1 within 1e-6
}

/// k distinct integers from [0, n), ascending (Floyd's algorithm, then sorted).
std::vector<std::uint64_t> sample_distinct(std::uint64_t n, std::uint64_t k,
                                           sim::RandomStream& rng) {
  std::vector<std::uint64_t> out;
  if (k >= n) {
    out.resize(n);
    std::iota(out.begin(), out.end(), 0);
    return out;
  }
  std::unordered_set<std::uint64_t> chosen;
  chosen.reserve(k * 2);
  for (std::uint64_t j = n - k; j < n; ++j) {
    const std::uint64_t t = var::uniform_below(rng, j + 1);
    if (!chosen.insert(t).second) chosen.insert(j);
  }
  out.assign(chosen.begin(), chosen.end());
  std::sort(out.begin(), out.end());
  return out;
}

/// Sorts (address << 32 | index) keys built in index order by address, stably (two 16-bit LSD
/// radix passes on the address), which is their order as 64-bit numbers.
void sort_by_address(std::vector<std::uint64_t>& keys) {
  std::vector<std::uint64_t> buffer(keys.size());
  for (const unsigned shift : {32u, 48u}) {
    std::vector<std::size_t> count(65537, 0);
    for (const std::uint64_t k : keys) ++count[((k >> shift) & 0xffffu) + 1];
    for (std::size_t d = 1; d < count.size(); ++d) count[d] += count[d - 1];
    for (const std::uint64_t k : keys) buffer[count[(k >> shift) & 0xffffu]++] = k;
    keys.swap(buffer);
  }
}

struct Placed {
  std::uint32_t address;
  std::uint32_t block;  // index into the population's chosen blocks
};

/// Places one population: chooses blocks, spreads hosts over them, picks distinct addresses
/// that no earlier population holds (`taken`, sorted).
std::vector<std::uint32_t> place_population(const Scenario& s, std::size_t pop_index,
                                            sim::RandomStream& rng,
                                            const std::vector<std::uint32_t>& taken) {
  const PopulationConfig& p = s.populations[pop_index];
  const std::uint8_t len = p.placement.block_length;
  const sim::Prefix space = s.address_space.prefix;
  // Candidate blocks: every /len inside an allocated block, inside the space.
  std::vector<std::pair<sim::Prefix, std::uint64_t>> spans;  // (allocated block, blocks in it)
  std::uint64_t candidates = 0;
  // An enterprise's population sits in its own blocks; the others anywhere allocated.
  for (const auto& b : p.placement.within.empty() ? s.address_space.allocated
                                                  : p.placement.within) {
    const std::uint8_t outer = std::max(b.length, space.length);
    const std::uint64_t n = std::uint64_t{1} << (len - outer);
    spans.emplace_back(b, n);
    candidates += n;
  }
  const auto wanted = static_cast<std::uint64_t>(
      std::ceil(static_cast<double>(p.count) / p.placement.mean_per_block));
  const std::vector<std::uint64_t> chosen = sample_distinct(candidates, wanted, rng);
  std::vector<std::uint32_t> block_base(chosen.size());
  {
    std::size_t span = 0;
    std::uint64_t span_first = 0;
    for (std::size_t i = 0; i < chosen.size(); ++i) {
      while (chosen[i] >= span_first + spans[span].second) span_first += spans[span++].second;
      block_base[i] = static_cast<std::uint32_t>(spans[span].first.base +
                                                 ((chosen[i] - span_first) << (32 - len)));
    }
  }
  // Each host falls in a uniformly chosen block (so counts per block are multinomial, mean
  // mean_per_block), at a uniform address other than the block's first and last.
  const std::uint64_t usable = (std::uint64_t{1} << (32 - len)) - 2;
  std::vector<std::uint32_t> addresses(p.count);
  for (auto& a : addresses) {
    const auto block = var::uniform_below(rng, chosen.size());
    a = block_base[block] + 1 + static_cast<std::uint32_t>(var::uniform_below(rng, usable));
  }
  // Redraw collisions (within the population or with an earlier one) in the same block until
  // none remain. Round by round: in the order of (address, index), every host whose address
  // equals its predecessor's or an earlier population's is redrawn, in that order; so the result
  // is deterministic. The order is kept as a sorted array of (address << 32 | index) keys, sorted
  // once and then updated by merging in the few redrawn keys, so each round costs one linear pass
  // (ten million hosts place in about a second).
  const auto key_of = [&](std::uint32_t i) {
    return (static_cast<std::uint64_t>(addresses[i]) << 32) | i;
  };
  std::vector<std::uint64_t> keys(addresses.size());
  for (std::uint32_t i = 0; i < keys.size(); ++i) keys[i] = key_of(i);
  sort_by_address(keys);
  auto is_taken = [&](std::uint32_t a) {
    return std::binary_search(taken.begin(), taken.end(), a);
  };
  std::vector<std::uint8_t> moved(addresses.size(), 0);  // redrawn in the last round
  std::vector<std::uint32_t> redraw;
  bool first_round = true;
  for (;;) {
    redraw.clear();
    std::uint64_t previous = ~std::uint64_t{0};  // no address is 2^64 - 1
    for (const std::uint64_t k : keys) {
      const std::uint64_t a = k >> 32;
      const auto i = static_cast<std::uint32_t>(k);
      // Only a changed address can have become taken.
      if (a == previous || ((first_round || moved[i]) && is_taken(static_cast<std::uint32_t>(a))))
        redraw.push_back(i);
      previous = a;
    }
    if (redraw.empty()) break;
    first_round = false;
    std::fill(moved.begin(), moved.end(), 0);
    std::vector<std::uint64_t> fresh;
    fresh.reserve(redraw.size());
    for (const std::uint32_t i : redraw) {
      const std::uint32_t base =
          addresses[i] & static_cast<std::uint32_t>(~std::uint64_t{0} << (32 - len));
      addresses[i] = base + 1 + static_cast<std::uint32_t>(var::uniform_below(rng, usable));
      moved[i] = 1;
      fresh.push_back(key_of(i));
    }
    std::sort(fresh.begin(), fresh.end());
    std::vector<std::uint64_t> kept;
    kept.reserve(keys.size());
    for (const std::uint64_t k : keys)
      if (!moved[static_cast<std::uint32_t>(k)]) kept.push_back(k);
    keys.clear();
    std::merge(kept.begin(), kept.end(), fresh.begin(), fresh.end(), std::back_inserter(keys));
  }
  return addresses;
}

}  // namespace

World build_world(const Scenario& s, std::uint64_t replication) {
  const auto key = sim::stream_key(s.simulation.seed, replication);
  struct Draft {
    std::uint32_t address;
    std::uint16_t population;
    std::uint32_t index;
  };
  std::vector<Draft> drafts;
  std::vector<std::uint32_t> taken;
  for (std::size_t i = 0; i < s.populations.size(); ++i) {
    sim::RandomStream rng(key, i, sim::Purpose::placement);
    std::vector<std::uint32_t> addresses = place_population(s, i, rng, taken);
    for (std::uint32_t j = 0; j < addresses.size(); ++j)
      drafts.push_back({addresses[j], static_cast<std::uint16_t>(i), j});
    taken.insert(taken.end(), addresses.begin(), addresses.end());
    sim::radix_sort(taken);
  }
  {  // Sort the drafts by address (distinct, so the order is unique), by radix on the keys.
    std::vector<std::uint64_t> keys(drafts.size());
    for (std::size_t i = 0; i < drafts.size(); ++i)
      keys[i] = (static_cast<std::uint64_t>(drafts[i].address) << 32) | i;
    sort_by_address(keys);
    std::vector<Draft> sorted(drafts.size());
    for (std::size_t i = 0; i < keys.size(); ++i)
      sorted[i] = drafts[static_cast<std::uint32_t>(keys[i])];
    drafts.swap(sorted);
  }

  World w;
  HostTable& h = w.hosts;
  const std::size_t n = drafts.size();
  h.address.resize(n);
  h.population.resize(n);
  h.index_in_population.resize(n);
  h.os.resize(n);
  h.locale.resize(n);
  h.services.resize(n);
  h.antivirus.resize(n);
  h.patches.resize(n);
  h.unreachable.resize(n);
  h.site.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    h.address[i] = drafts[i].address;
    h.population[i] = drafts[i].population;
    h.index_in_population[i] = drafts[i].index;
  }
  // Attributes: each host draws a fixed number of words from its population's stream at a
  // position given by its index, so a host's attributes do not depend on any other host.
  constexpr std::uint64_t kWordsPerHost = 4;
  for (std::size_t i = 0; i < n; ++i) {
    const PopulationConfig& p = s.populations[h.population[i]];
    sim::RandomStream rng(key, h.population[i], sim::Purpose::attributes,
                          kWordsPerHost * h.index_in_population[i]);
    h.os[i] = draw_from_mix(p.os, rng);
    h.locale[i] = draw_from_mix(p.locale, rng);
    h.antivirus[i] = sim::variates::uniform01(rng) < p.antivirus ? 1 : 0;
    h.services[i] = p.services;
    const double diligence = sim::variates::uniform01(rng);
    std::uint8_t patches = included_in_service_pack(h.os[i]);
    for (const auto& [patch, share] : p.patched)
      if (diligence < share && can_install(patch, h.os[i])) patches |= patch;
    h.patches[i] = patches;
    if (p.unreachable > 0) {
      // Its own stream, one word per host, so the shares above draw what they always drew.
      sim::RandomStream exposure(key, h.population[i], sim::Purpose::exposure,
                                 h.index_in_population[i]);
      h.unreachable[i] = sim::variates::uniform01(exposure) < p.unreachable ? 1 : 0;
    }
  }
  // Sites: the placement blocks that hold hosts, ordered by (base, length).
  std::vector<sim::Prefix> site_of_host(n);
  for (std::size_t i = 0; i < n; ++i)
    site_of_host[i] =
        sim::Prefix::of(h.address[i], s.populations[h.population[i]].placement.block_length);
  // Hosts are in address order, so a site's hosts mostly sit together: drop those repeats first.
  w.sites.reserve(site_of_host.size() / 8);
  for (const sim::Prefix& site : site_of_host)
    if (w.sites.empty() || w.sites.back().base != site.base || w.sites.back().length != site.length)
      w.sites.push_back(site);
  auto site_less = [](const sim::Prefix& a, const sim::Prefix& b) {
    return a.base != b.base ? a.base < b.base : a.length < b.length;
  };
  std::sort(w.sites.begin(), w.sites.end(), site_less);
  w.sites.erase(std::unique(w.sites.begin(), w.sites.end(),
                            [](const sim::Prefix& a, const sim::Prefix& b) {
                              return a.base == b.base && a.length == b.length;
                            }),
                w.sites.end());
  std::vector<std::uint64_t> hosts_per_site(w.sites.size(), 0);
  for (std::size_t i = 0; i < n; ++i) {
    const auto it = std::lower_bound(w.sites.begin(), w.sites.end(), site_of_host[i], site_less);
    h.site[i] = static_cast<std::uint32_t>(it - w.sites.begin());
    ++hosts_per_site[h.site[i]];
  }
  // Partitions: contiguous runs of sites with about equal numbers of hosts.
  const std::uint32_t wanted =
      s.simulation.partitions != 0 ? s.simulation.partitions : kDefaultPartitions;
  w.partitions = static_cast<std::uint32_t>(
      std::max<std::size_t>(1, std::min<std::size_t>(wanted, w.sites.size())));
  w.site_partition.resize(w.sites.size());
  std::uint64_t cumulative = 0;
  for (std::size_t site = 0; site < w.sites.size(); ++site) {
    const auto part = static_cast<std::uint32_t>(
        (static_cast<sim::uint128>(cumulative) * w.partitions) / std::max<std::size_t>(n, 1));
    w.site_partition[site] = std::min(part, w.partitions - 1);
    cumulative += hosts_per_site[site];
  }
  return w;
}

}  // namespace wormsim::models
