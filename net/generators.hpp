// Synthetic topologies: transit-stub (GT-ITM style), power-law AS graphs (Barabási–Albert) and
// enterprise/campus networks. Every choice is drawn from the project's counter-based streams
// (sim/random.hpp, sim/variates.hpp), so the same parameters and seed give the same graph on
// every machine and standard library (DESIGN.md, "Random streams"). Each generator publishes its
// parameter table (key, type, unit, default, valid range, doc), as models do.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "net/topology.hpp"
#include "sim/time.hpp"

namespace wormsim::net {

enum class ParamType { count, probability, bandwidth, duration, boolean };

struct GeneratorParam {
  std::string key;  ///< snake_case, as given to `wormsim topo --param key=value`
  ParamType type = ParamType::count;
  std::string unit;           ///< "" for counts, probabilities and booleans
  std::string default_value;  ///< as written on the command line
  std::string doc;
  std::uint64_t min_count = 0;  ///< for counts: the valid range
  std::uint64_t max_count = 0;
};

struct GeneratorInfo {
  std::string name;  ///< "transit-stub", "as-powerlaw", "campus"
  std::string summary;
  std::string source;
  std::vector<GeneratorParam> params;
};

/// The built-in generators, in a fixed order.
const std::vector<GeneratorInfo>& generators();

/// Transit-stub internetwork after Zegura, Calvert and Bhattacharjee's GT-ITM ("How to model an
/// internetwork", INFOCOM 1996): transit domains of core routers (a ring plus random chords,
/// every pair of domains joined by one link between random cores), regional ISPs (stub domains)
/// hanging off each core, access routers under each regional router, customer sites under each
/// access router. Node count: T*C*(1 + R*(1 + A*(1 + S))). Capacities are the SONET/T-carrier
/// tiers of a 2001 ISP hierarchy.
struct TransitStubParams {
  std::uint32_t transit_domains = 2;      ///< T
  std::uint32_t cores_per_domain = 4;     ///< C: core routers per transit domain
  double core_link_probability = 0.5;     ///< chord between two cores not on the ring
  std::uint32_t regionals_per_core = 3;   ///< R: regional ISPs (stub domains) per core
  double multihoming_probability = 0.1;   ///< a regional router's second uplink, same domain
  std::uint32_t access_per_regional = 2;  ///< A: access routers per regional ISP
  std::uint32_t sites_per_access = 4;     ///< S: customer sites per access router
  std::uint64_t inter_domain_capacity_bps = 2'500'000'000;  ///< OC-48
  std::uint64_t core_capacity_bps = 2'500'000'000;          ///< OC-48
  std::uint64_t regional_capacity_bps = 622'000'000;        ///< OC-12
  std::uint64_t access_capacity_bps = 155'000'000;          ///< OC-3
  std::uint64_t site_capacity_bps = 1'544'000;              ///< T1
  sim::SimTime inter_domain_latency = sim::SimTime::from_ms(20);
  sim::SimTime core_latency = sim::SimTime::from_ms(5);
  sim::SimTime regional_latency = sim::SimTime::from_ms(2);
  sim::SimTime access_latency = sim::SimTime::from_ms(1);
  sim::SimTime site_latency = sim::SimTime::from_us(500);
};

/// Power-law AS graph by preferential attachment (Barabási and Albert, "Emergence of scaling in
/// random networks", Science 286, 1999): a complete graph of m + 1 ASes, then each new AS links to
/// m distinct existing ASes chosen with probability proportional to their degree. ASes that no
/// later AS chose (degree m) are stubs (kind access), the others transit (kind core).
struct PowerLawParams {
  std::uint32_t nodes = 1000;  ///< ASes, at least m + 1
  std::uint32_t m = 2;         ///< links each new AS makes
  std::uint64_t link_capacity_bps = 1'000'000'000;
  sim::SimTime link_latency = sim::SimTime::from_ms(10);
};

/// Enterprise or campus network of the early 2000s: the rest of the Internet, one border router
/// (with a firewall: its device model), distribution routers on a gigabit backbone, and LAN
/// segments (site nodes) spread over the distribution routers at random (the first one each,
/// then uniformly), a share of them still on shared 10 Mbit/s Ethernet. `flat`: one big segment
/// straight behind the border router, no distribution routers.
struct CampusParams {
  std::uint32_t distribution_routers = 4;
  std::uint32_t segments = 24;
  bool flat = false;
  bool firewall = true;
  std::uint64_t uplink_capacity_bps = 45'000'000;  ///< DS3 to the ISP
  sim::SimTime uplink_latency = sim::SimTime::from_ms(10);
  std::uint64_t backbone_capacity_bps = 1'000'000'000;  ///< Gigabit Ethernet
  sim::SimTime backbone_latency = sim::SimTime::from_us(100);
  std::uint64_t segment_capacity_bps = 100'000'000;  ///< switched Fast Ethernet
  double slow_segment_share = 0.25;                  ///< segments on shared 10 Mbit/s Ethernet
  std::uint64_t slow_segment_capacity_bps = 10'000'000;
  sim::SimTime segment_latency = sim::SimTime::from_us(50);
};

Topology generate_transit_stub(const TransitStubParams& params, std::uint64_t seed);
/// Throws std::invalid_argument unless 1 <= m < nodes.
Topology generate_as_powerlaw(const PowerLawParams& params, std::uint64_t seed);
/// The links of generate_as_powerlaw(params, seed) as vertex index pairs, in the order it adds
/// them (the complete graph of the first m + 1 ASes, then each new AS's m links in the order its
/// targets were drawn), without building the topology: a graph of 10^6 ASes takes well under a
/// second this way, for uses that need the structure only (models/contact). Throws
/// std::invalid_argument unless 1 <= m < nodes.
std::vector<std::pair<std::uint32_t, std::uint32_t>> as_powerlaw_links(const PowerLawParams& params,
                                                                       std::uint64_t seed);
Topology generate_campus(const CampusParams& params, std::uint64_t seed);

/// Runs the generator `name` with parameters given as text (key, value with unit), the others at
/// their defaults. `target_nodes` (`--nodes`): as-powerlaw's `nodes`; for transit-stub the
/// smallest sites_per_access giving at least that many nodes; for campus the segments giving
/// exactly that many (internet, border and distribution routers included). An unknown generator
/// or key, a value out of range or without its unit throws InputError listing what is valid.
Topology generate(std::string_view name, std::uint64_t seed,
                  const std::vector<std::pair<std::string, std::string>>& settings,
                  std::optional<std::uint64_t> target_nodes = std::nullopt);

/// The parameters `generate("as-powerlaw", ...)` uses for these settings and node count, with the
/// same checks and the same InputError, and the parameters as used in table order (what
/// TopologyInfo::parameters holds).
std::pair<PowerLawParams, std::vector<std::pair<std::string, std::string>>> as_powerlaw_params(
    const std::vector<std::pair<std::string, std::string>>& settings,
    std::optional<std::uint64_t> target_nodes = std::nullopt);

}  // namespace wormsim::net
