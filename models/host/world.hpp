// The hosts of one replication, placed in the address space from the scenario's population mixes
// (never listed one by one), grouped into sites (their placement blocks) and partitions.
// Host ids are positions in address order; a host's random streams are keyed by its stable
// identity (population, index in population), so changing one population does not move another
// population's draws.
#pragma once

#include <cstdint>
#include <vector>

#include "models/host/host_kinds.hpp"
#include "models/scenario/scenario.hpp"
#include "sim/address_index.hpp"

namespace wormsim::models {

struct HostTable {
  std::vector<std::uint32_t> address;  ///< ascending: host id = position
  std::vector<std::uint16_t> population;
  std::vector<std::uint32_t> index_in_population;
  std::vector<Os> os;
  std::vector<Locale> locale;
  std::vector<std::uint16_t> services;
  std::vector<std::uint8_t> antivirus;  ///< 1 if its anti-virus stops infections
  std::vector<std::uint8_t> patches;    ///< Patch bits applied (including its service pack's)
  std::vector<std::uint8_t> unreachable;  ///< 1 if behind NAT or a firewall dropping inbound
  std::vector<std::uint32_t> site;

  std::size_t size() const { return address.size(); }
  /// The 56-bit random-stream entity of a host: (population + 1) << 32 | index in population.
  std::uint64_t entity(std::size_t h) const {
    return (static_cast<std::uint64_t>(population[h] + 1u) << 32) | index_in_population[h];
  }
};

struct World {
  HostTable hosts;
  std::vector<sim::Prefix> sites;  ///< a site is a placement block that holds hosts
  std::vector<std::uint32_t> site_partition;
  std::uint32_t partitions = 1;

  std::uint32_t partition_of_host(std::size_t h) const { return site_partition[hosts.site[h]]; }
};

/// Draws the world of one replication. Deterministic in (scenario, replication).
World build_world(const Scenario& scenario, std::uint64_t replication);

/// The default number of partitions when the scenario does not fix one.
inline constexpr std::uint32_t kDefaultPartitions = 64;

}  // namespace wormsim::models
