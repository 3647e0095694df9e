// A scenario as the loader validated it: every value typed, in units, with defaults filled in.
// The rest of models/ builds a simulation from this and never sees the file.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "models/defence/defence_catalog.hpp"
#include "models/host/host_kinds.hpp"
#include "models/scenario/overrides.hpp"
#include "net/topology.hpp"
#include "sim/address_index.hpp"
#include "sim/time.hpp"

namespace wormsim::models {

struct SimulationConfig {
  std::string name;
  /// Wall-clock start in seconds since 1970-01-01T00:00:00Z (worm calendars read this clock).
  std::int64_t start_epoch_s = 0;
  sim::SimTime duration = sim::SimTime::from_h(24);
  std::uint64_t seed = 1;
  sim::SimTime sample_every = sim::SimTime::from_min(1);
  std::uint32_t partitions = 0;  ///< 0: derived from the scenario
  std::uint32_t replications = 1;
};

struct AddressSpaceConfig {
  sim::Prefix prefix{0, 0};
  /// Name of the block list ("all", "iana-2001", "iana-2003") or "custom".
  std::string allocated_name = "all";
  /// The /8 blocks hosts may be placed in (intersected with the prefix).
  std::vector<sim::Prefix> allocated;
};

template <typename T>
using Mix = std::vector<std::pair<T, double>>;  ///< values with weights summing to 1

struct PlacementConfig {
  std::uint8_t block_length = 16;  ///< hosts cluster in blocks of this prefix length
  double mean_per_block = 35;
  /// Blocks the population's hosts are confined to (an enterprise's own network); empty: the
  /// allocated space.
  std::vector<sim::Prefix> within;
};

struct PopulationConfig {
  std::string name;
  std::uint64_t count = 0;
  PlacementConfig placement;
  Mix<Os> os;
  std::uint16_t services = 0;  ///< every host of the population runs these
  Mix<Locale> locale;
  double antivirus = 0;  ///< share of hosts whose anti-virus stops infections (not crashes)
  /// Share of hosts no probe reaches: behind NAT, or a firewall that drops unsolicited inbound
  /// connections. They are in the world (and its memory) but never in a worm's relevant set.
  double unreachable = 0;
  /// Share of hosts that applied each fix (Patch bits). One uniform draw per host decides them
  /// all: a host applied every fix whose share exceeds its draw (diligent administrators apply
  /// the common fixes and the rare ones), when its OS can take the fix (can_install).
  std::vector<std::pair<Patch, double>> patched;
};

/// A parameter value as the loader typed it: integer, number (rates in events per second,
/// probabilities, fractions), text (choices) or duration.
using ParamValue = std::variant<std::int64_t, double, std::string, sim::SimTime>;

/// One worm released in the scenario: its model and every key of that model's parameter table,
/// defaults filled in (registry.cpp).
struct WormConfig {
  std::string model;
  std::uint64_t initial_infected = 1;
  /// Populations the initially infected hosts are drawn from (empty: every population).
  std::vector<std::string> initial_populations;
  std::map<std::string, ParamValue> params;

  std::int64_t integer(const std::string& key) const {
    return std::get<std::int64_t>(params.at(key));
  }
  double number(const std::string& key) const { return std::get<double>(params.at(key)); }
  sim::SimTime duration(const std::string& key) const {
    return std::get<sim::SimTime>(params.at(key));
  }
  const std::string& text(const std::string& key) const {
    return std::get<std::string>(params.at(key));
  }
};

/// A defence policy ([[defence]], scheduled) or a timed action ([[action]], an exercise inject):
/// what it does, to which hosts or sites, from when, reaching which coverage over time. Keys
/// particular to a kind (registry.cpp's defence tables) are in `params`, defaults filled in.
struct DefenceConfig {
  DefenceKind kind = DefenceKind::patch;
  bool is_action = false;  ///< from [[action]] (an inject, `at`) rather than [[defence]] (`start`)
  std::string name;        ///< as written, or "<kind>" followed by its place in the file
  sim::SimTime start{0};   ///< since the scenario's start
  /// Which hosts: those of these populations (empty: every population) inside these blocks
  /// (empty: anywhere). Site defences act on the sites (placement blocks) holding such hosts.
  std::vector<std::string> populations;
  std::vector<sim::Prefix> blocks;
  /// Share adopting over time since `start` (for site defences: share of sites, immediate).
  Adoption adoption;
  std::uint8_t fix = 0;  ///< patch: the Patch bit installed
  /// Port rules as written ("tcp/135", "udp/137-139", "icmp") and the flows they stop.
  std::vector<std::string> block_in, block_out, open;
  std::uint16_t flows_in = 0, flows_out = 0, flows_open = 0;
  /// border-firewall: the scenario accepts that blocking TCP 80 inbound takes its own web
  /// servers off the net.
  bool web_servers_offline = false;
  std::map<std::string, ParamValue> params;

  sim::SimTime duration(const std::string& key) const {
    return std::get<sim::SimTime>(params.at(key));
  }
  const std::string& text(const std::string& key) const {
    return std::get<std::string>(params.at(key));
  }
};

/// A router or CPE model placed on topology nodes ([[device]]): how it fails under worm traffic.
/// Keys of its model (registry.cpp's device tables) are in `params`, defaults filled in.
struct DeviceConfig {
  std::string name;   ///< as written, or the model followed by its place in the file
  std::string model;  ///< "cisco-600", "cisco-ios", ...
  /// The nodes it may sit on: node kinds ("site", "access", ...) or node ids of the topology.
  std::vector<std::string> on;
  double share = 1;  ///< of those nodes, the share that has it (drawn per node and replication)
  std::map<std::string, ParamValue> params;

  double number(const std::string& key) const { return std::get<double>(params.at(key)); }
  sim::SimTime duration(const std::string& key) const {
    return std::get<sim::SimTime>(params.at(key));
  }
  bool flag(const std::string& key) const { return std::get<std::int64_t>(params.at(key)) != 0; }
};

/// The network the outbreak runs over ([network]): a topology, where the address space sits on
/// it, how worm traffic is counted, and the devices on its nodes. Absent: no network model (the
/// worms see a network without limits).
struct NetworkConfig {
  bool enabled = false;
  /// Read (or generated) once when the scenario is loaded; shared by replications and variants.
  std::shared_ptr<const net::Topology> topology;
  std::string source;  ///< the generator's name or the file, as written
  /// For a topology with an internet node: the blocks owned by its other nodes (split between
  /// them in equal contiguous ranges); the rest of the space lies behind the internet node.
  std::vector<sim::Prefix> inside;
  sim::SimTime step = sim::SimTime::from_s(1);
  double background_utilisation = 0;  ///< background load as a share of capacity, at the peak
  double cycle_trough = 1;            ///< background at the daily trough, relative to the peak
  double peak_hour = 15;              ///< UTC hour of the daily peak
  std::uint32_t syn_attempts = 3;     ///< SYN packets per connection attempt that gets no answer
  double syn_bytes = 48;
  double echo_bytes = 92;
  double flood_bytes = 40;  ///< a flood packet (Code Red's flood of 198.137.240.91)
  sim::SimTime links_every{0};  ///< rows of links.csv; 0: every sample
  bool all_links = false;       ///< links.csv: every link, not only those carrying worm traffic
  double target_utilisation = 0.8;
  std::vector<DeviceConfig> devices;
};

/// One column of a comparison ([[variant]]): a name and the defences and actions it adds to the
/// scenario's own.
struct VariantConfig {
  std::string name;
  std::string description;
  std::vector<DefenceConfig> defences;
};

struct Scenario {
  std::string path;       ///< as given on the command line; never written to summary.json
  std::string text_hash;  ///< FNV-1a 64 of the file's bytes, hex
  SimulationConfig simulation;
  AddressSpaceConfig address_space;
  std::vector<PopulationConfig> populations;
  std::vector<WormConfig> worms;  ///< [worm] or [[worm]]: one or more worms released together
  /// Defences and actions, in file order ([[defence]] first, then [[action]]).
  std::vector<DefenceConfig> defences;
  NetworkConfig network;
  /// [[variant]] tables; empty for a scenario without them. See scenario_columns().
  std::vector<VariantConfig> variants;
  /// The variant applied to this scenario (its defences appended), empty for the base scenario.
  std::string variant;
  /// The `--set` overrides applied to the file before it was validated, in order; text_hash
  /// stays the hash of the file itself.
  std::vector<Override> overrides;
};

/// The scenarios a comparison runs for one file: the file itself if it has no [[variant]], else
/// one scenario per variant, in file order, each the base scenario plus that variant's defences
/// (with `variant` set and `variants` emptied).
std::vector<Scenario> scenario_columns(const Scenario& scenario);

/// The scenario with the named variant applied; nullopt if it has no such variant.
std::optional<Scenario> with_variant(const Scenario& scenario, const std::string& name);

}  // namespace wormsim::models
