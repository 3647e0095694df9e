// The network an outbreak runs over (DESIGN.md, "Network impact"), at run time: the scenario's
// topology with the address space laid on its nodes, the fluid worm load on its links, the
// devices on its nodes and their crashes, and the records planners read (links.csv,
// links_summary.csv, devices.csv).
//
// Address space on nodes. The nodes hosts sit behind (net::attachment_candidates: site nodes,
// else access, else all but the internet node) own equal contiguous ranges of the space (a
// topology without an internet node: the graph is the Internet) or of the scenario's `inside`
// blocks (the rest of the space lies behind the internet node). A "net site" is such a node
// with its range, plus one for the internet node; each world site (placement block) belongs to
// the net site owning its first address.
//
// Threads and determinism. Handlers of partition p report a host starting or stopping to scan
// with change(p, ...), which only appends to p's own list. step() (a barrier) applies the lists
// in partition order, in fixed point (net::FluidRate), so loads do not depend on the schedule;
// everything a handler reads (connection_probability) is the state of the last step.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/scenario/scenario.hpp"
#include "models/worm/calendar.hpp"
#include "net/link_loads.hpp"
#include "sim/time.hpp"

namespace wormsim::models {

struct World;

/// What one probe of a worm puts on the network: packets and bytes, the share of its probes
/// spread over the whole space (the rest stays in the scanner's own /16: local preference,
/// sequential scanning from a local start), and whether it is a TCP port-80 probe.
struct ProbeTraffic {
  double packets = 0;
  double bytes = 0;
  double spread_share = 1;
  bool http = false;
  bool tcp = true;  ///< a TCP connection (retried per SYN); false: an ICMP echo and its reply
};

/// A state change of a device (devices.csv).
struct DeviceEvent {
  sim::SimTime time;
  std::uint32_t device = 0;
  enum class State : std::uint8_t { crashed, reloading, up } state = State::up;
  enum class Cause : std::uint8_t {
    http_probe,   ///< a port-80 probe reached its web interface
    packet_rate,  ///< forwarding load above max_pps
    flow_cache,   ///< per-destination cache entries above cache_entries
    arp,          ///< pending ARP entries above arp_pending
    recovered,    ///< power-cycled or rebooted: forwarding again
  } cause = Cause::recovered;
  static const char* name(State s);
  static const char* name(Cause c);
};

/// One row of links.csv.
struct LinkSample {
  sim::SimTime time;
  std::uint32_t link = 0;  ///< directed link
  double worm_bps = 0, worm_pps = 0, offered_bps = 0, utilisation = 0, dropped_bps = 0;
};

/// Per directed link over the run, from every network step.
struct LinkStats {
  double peak_utilisation = 0;
  double peak_offered_bps = 0;
  sim::SimTime peak_time{0};
  sim::SimTime first_above_80 = sim::SimTime::max();
  sim::SimTime first_above_100 = sim::SimTime::max();
  double bits_dropped = 0;
  double worm_bits = 0;  ///< worm traffic carried (offered), bits
};

/// What a replication's network records, for the writers.
struct NetworkRecord {
  std::vector<std::string> link_from, link_to;  ///< node ids of each directed link's ends
  std::vector<double> capacity_bps;             ///< per directed link
  std::vector<LinkStats> links;                 ///< per directed link
  std::vector<LinkSample> samples;              ///< links.csv rows
  std::vector<std::string> device_node, device_name, device_model;
  std::vector<DeviceEvent> device_events;
  double target_utilisation = 0.8;
};

class NetworkRuntime {
 public:
  NetworkRuntime(const Scenario& scenario, const World& world, std::array<std::uint32_t, 2> key);
  ~NetworkRuntime();

  /// A host of world site `site` starts (sign +1) or stops (-1) sending `probes_per_s` probes
  /// shaped as `shape`. Called by handlers of `partition` only.
  void change(std::uint32_t partition, std::uint32_t site, const ProbeTraffic& shape,
              double probes_per_s, int sign);

  /// A worm's flood: `packets_per_s` from every running infected host to `target` on its
  /// calendar's flood days, packets of NetworkConfig::flood_bytes. Before the first step.
  void set_flood(std::uint16_t worm, const FloodCalendar* calendar, double packets_per_s,
                 std::uint32_t target);
  /// An infected host of world site `site` starts (+1) or stops (-1) running `worm` (up and
  /// infected: it floods on flood days). Called by handlers of `partition` only.
  void change_running(std::uint32_t partition, std::uint32_t site, std::uint16_t worm, int delta);

  /// True when no link drops and no node is down (as of the last step): every hit lands.
  bool lossless() const { return lossless_; }
  /// The probability that a connection attempt from world site a to world site b gets through,
  /// as of the last step: the probe and the reply both cross (delivery each way), retried per SYN
  /// for TCP; for an echo, the echo and its reply, then the TCP connection.
  double connection_probability(std::uint32_t site_a, std::uint32_t site_b,
                                const ProbeTraffic& shape) const;

  /// The network step at t (a barrier): pending changes, background cycle, loads, devices.
  void step(sim::SimTime t);
  /// At a sample: keeps links.csv rows if t is a links sample.
  void sample(sim::SimTime t);

  // Figures of the last step, for curves.csv.
  std::uint32_t devices_down() const { return devices_down_; }
  std::uint64_t sites_cut_off() const { return sites_cut_off_; }
  std::uint64_t hosts_cut_off() const { return hosts_cut_off_; }
  double worm_bps() const { return worm_bps_; }
  std::uint32_t links_above_80() const { return links_above_80_; }
  std::uint32_t links_above_100() const { return links_above_100_; }
  double max_utilisation() const { return max_utilisation_; }
  std::uint64_t device_crashes() const { return device_crashes_; }
  std::uint32_t peak_devices_down() const { return peak_devices_down_; }
  std::uint64_t peak_sites_cut_off() const { return peak_sites_cut_off_; }
  std::uint64_t peak_hosts_cut_off() const { return peak_hosts_cut_off_; }

  /// Over the run: directed links ever above capacity, the highest utilisation, bits dropped.
  std::uint64_t links_saturated() const;
  double peak_utilisation() const;
  double bits_dropped() const;

  /// The k most utilised directed links at the last step: "from->to" and utilisation.
  std::vector<std::pair<std::string, double>> busiest_links_now(std::size_t k) const;

  const net::LinkLoads& loads() const { return *loads_; }
  std::size_t net_site_count() const { return net_site_node_.size(); }
  std::uint32_t net_site_of(std::uint32_t world_site) const { return site_net_[world_site]; }
  NetworkRecord take_record();

 private:
  struct Change {
    std::uint32_t net_site;
    net::FluidRate spread, local;
    std::int64_t probes_spread_q16, probes_local_q16, http_spread_q16, http_local_q16;
  };
  /// A device model's keys, read once.
  struct DeviceParams {
    bool http_crash = false, recovers = true;
    double recovery_s = 0, max_pps = 0, cache_entries = 0, cache_lifetime_s = 0, arp_pending = 0,
           arp_timeout_s = 0, reload_probability = 0;
    sim::SimTime reload_time{0};
  };
  struct Device {
    net::Vertex node;
    const DeviceConfig* config;
    DeviceParams params;
    bool down = false;
    sim::SimTime up_at = sim::SimTime::max();
    std::uint32_t net_site = net::kNone;  ///< the net site whose range holds its address
  };

  /// A flood: running hosts per net site, and on each directed link the running hosts whose
  /// route to the target crosses it (integers: exact whatever the order of changes).
  struct Flood {
    std::uint16_t worm = 0;
    const FloodCalendar* calendar = nullptr;
    double packets_per_s = 0;
    std::uint32_t target_site = 0;
    std::vector<std::int64_t> running, on_route;
    std::int64_t total = 0;
    double active = 0;  ///< share of the current step that falls on flood days
  };
  struct RunChange {
    std::uint32_t net_site;
    std::uint16_t worm;
    std::int32_t delta;
  };

  void apply_changes();
  void route_flood(Flood& f, std::uint32_t net_site, std::int64_t delta);
  void reroute_floods();
  void flood_loads();
  /// Returns whether a device went down or came back (routes changed).
  bool update_devices(sim::SimTime t, std::uint64_t step_index);
  void update_cut_off();
  void update_links(sim::SimTime t);
  /// Share of traffic from a that reaches b at the last step (LinkLoads::delivery, from keep_).
  double delivery(net::Vertex a, net::Vertex b) const;

  const Scenario& scenario_;
  const NetworkConfig& config_;
  std::array<std::uint32_t, 2> key_;
  net::Topology topology_;  ///< the scenario's, with generated background loads
  std::unique_ptr<net::LinkLoads> loads_;
  double space_size_ = 0;
  // Net sites: node, address range size, hosts, world sites, local group (address count).
  std::vector<net::Vertex> net_site_node_;
  std::vector<double> net_site_addresses_;
  std::vector<std::uint64_t> net_site_hosts_, net_site_sites_;
  std::vector<std::uint32_t> net_site_group_;
  std::vector<double> group_addresses_;
  std::vector<std::uint32_t> site_net_;  ///< world site -> net site
  std::vector<std::vector<Change>> pending_;
  std::vector<std::vector<RunChange>> pending_running_;
  std::vector<Flood> floods_;
  bool flooding_ = false;  ///< a flood was on at the last step
  std::vector<double> flood_bps_, flood_pps_, flood_node_pps_;  ///< per directed link, per node
  std::function<std::uint32_t(std::uint32_t)> address_to_net_site_;
  // Probe rates (fixed point, 2^-16 probes/s): spread over the space in all, local per group.
  std::int64_t probes_spread_q16_ = 0, http_spread_q16_ = 0;
  std::vector<std::int64_t> probes_local_q16_, http_local_q16_;
  std::vector<Device> devices_;
  std::vector<std::uint32_t> arp_first_, arp_sites_;  ///< per device, the net sites it ARPs for
  net::FluidRate sent_;     ///< worm traffic sent, in all
  std::int64_t probes_q16_ = 0;
  std::vector<net::Vertex> down_nodes_;
  net::Vertex reference_ = net::kNone;  ///< where "cut off" is judged from
  bool lossless_ = true;
  std::vector<double> keep_;  ///< per directed link, 1 − drop probability at the last step
  std::uint64_t step_index_ = 0;
  sim::SimTime last_step_{0};
  // Figures.
  std::uint32_t devices_down_ = 0, links_above_80_ = 0, links_above_100_ = 0;
  std::uint64_t sites_cut_off_ = 0, hosts_cut_off_ = 0, device_crashes_ = 0;
  std::uint32_t peak_devices_down_ = 0;
  std::uint64_t peak_sites_cut_off_ = 0, peak_hosts_cut_off_ = 0;
  double worm_bps_ = 0, max_utilisation_ = 0;
  NetworkRecord record_;
};

}  // namespace wormsim::models
