#include "models/network/network_runtime.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numbers>
#include <stdexcept>

#include "models/host/world.hpp"
#include "net/site_attachment.hpp"
#include "sim/random.hpp"
#include "sim/variates.hpp"

namespace wormsim::models {

namespace var = sim::variates;

const char* DeviceEvent::name(State s) {
  switch (s) {
    case State::crashed:
      return "crashed";
    case State::reloading:
      return "reloading";
    case State::up:
      return "up";
  }
  return "?";
}

const char* DeviceEvent::name(Cause c) {
  switch (c) {
    case Cause::http_probe:
      return "http-probe";
    case Cause::packet_rate:
      return "packet-rate";
    case Cause::flow_cache:
      return "flow-cache";
    case Cause::arp:
      return "arp";
    case Cause::recovered:
      return "recovered";
  }
  return "?";
}

namespace {

constexpr double kQ16 = 65536.0;

std::int64_t q16(double v) { return std::llround(v * kQ16); }

/// The address blocks that the attachment nodes own, sorted, and the position of each block's
/// first address in their concatenation.
struct Ranges {
  std::vector<sim::Prefix> blocks;
  std::vector<std::uint64_t> offset;  // per block, and the total at the end
  std::uint64_t total() const { return offset.back(); }
  /// Position of an address in the concatenation, or nullopt if no block holds it.
  std::optional<std::uint64_t> position(std::uint32_t a) const {
    auto it = std::upper_bound(blocks.begin(), blocks.end(), a,
                               [](std::uint32_t x, const sim::Prefix& p) { return x < p.base; });
    if (it == blocks.begin()) return std::nullopt;
    --it;
    if (!it->contains(a)) return std::nullopt;
    const auto i = static_cast<std::size_t>(it - blocks.begin());
    return offset[i] + (a - it->base);
  }
  std::uint32_t address(std::uint64_t pos) const {
    const auto it = std::upper_bound(offset.begin(), offset.end() - 1, pos);
    const auto i = static_cast<std::size_t>(it - offset.begin()) - 1;
    return static_cast<std::uint32_t>(blocks[i].base + (pos - offset[i]));
  }
};

double prefix_size(const sim::Prefix& p) { return std::ldexp(1.0, 32 - p.length); }

bool node_matches(const net::Topology& t, net::Vertex v, const std::vector<std::string>& on) {
  for (const std::string& what : on) {
    if (const auto kind = net::parse_node_kind(what)) {
      if (t.node(v).kind == *kind) return true;
    } else if (t.node(v).id == what) {
      return true;
    }
  }
  return false;
}

}  // namespace

NetworkRuntime::NetworkRuntime(const Scenario& scenario, const World& world,
                               std::array<std::uint32_t, 2> key)
    : scenario_(scenario), config_(scenario.network), key_(key) {
  if (!config_.topology) throw std::logic_error("NetworkRuntime: the scenario has no topology");
  const net::Topology& topology = *config_.topology;
  const sim::Prefix space = scenario.address_space.prefix;
  space_size_ = prefix_size(space);
  const std::optional<net::Vertex> internet = topology.internet();

  // Address ranges of the attachment nodes.
  Ranges ranges;
  ranges.blocks = internet ? config_.inside : std::vector<sim::Prefix>{space};
  std::sort(ranges.blocks.begin(), ranges.blocks.end(),
            [](const sim::Prefix& a, const sim::Prefix& b) { return a.base < b.base; });
  ranges.offset.push_back(0);
  for (const sim::Prefix& b : ranges.blocks)
    ranges.offset.push_back(ranges.offset.back() +
                            static_cast<std::uint64_t>(prefix_size(b)));
  const std::vector<net::Vertex> candidates = net::attachment_candidates(topology);
  const std::uint64_t total = ranges.total();
  const std::size_t c_count = total == 0 ? 0 : candidates.size();
  std::vector<std::uint64_t> start(c_count + 1, 0);
  for (std::size_t c = 1; c <= c_count; ++c)
    start[c] = static_cast<std::uint64_t>((static_cast<sim::uint128>(total) * c) / c_count);
  std::map<std::uint64_t, std::uint32_t> group_of_key;
  auto new_group = [&](std::uint64_t key_value) {
    const auto [it, inserted] =
        group_of_key.emplace(key_value, static_cast<std::uint32_t>(group_of_key.size()));
    static_cast<void>(inserted);
    return it->second;
  };
  std::uint64_t unique_key = std::uint64_t{1} << 40;  // keys of groups with one member
  for (std::size_t c = 0; c < c_count; ++c) {
    net_site_node_.push_back(candidates[c]);
    const std::uint64_t n = start[c + 1] - start[c];
    net_site_addresses_.push_back(static_cast<double>(n));
    // Local traffic (a scanner's own /16) of ranges smaller than a /16 spreads over the ranges of
    // that /16; a larger range keeps it inside.
    std::uint64_t group_key = unique_key++;
    if (n > 0) {
      const std::uint32_t first = ranges.address(start[c]);
      const std::uint32_t last = ranges.address(start[c + 1] - 1);
      if ((first >> 16) == (last >> 16) && last - first == n - 1) group_key = first >> 16;
    }
    net_site_group_.push_back(new_group(group_key));
  }
  if (internet) {
    net_site_node_.push_back(*internet);
    net_site_addresses_.push_back(space_size_ - static_cast<double>(total));
    net_site_group_.push_back(new_group(unique_key++));
  }
  const std::size_t sites = net_site_node_.size();
  group_addresses_.assign(group_of_key.size(), 0.0);
  for (std::size_t s = 0; s < sites; ++s)
    group_addresses_[net_site_group_[s]] += net_site_addresses_[s];

  // World sites on net sites.
  site_net_.resize(world.sites.size());
  net_site_hosts_.assign(sites, 0);
  net_site_sites_.assign(sites, 0);
  // The net site owning an address.
  address_to_net_site_ = [ranges, start, c_count, internet](std::uint32_t a) -> std::uint32_t {
    const auto pos = ranges.position(a);
    if (pos && c_count > 0) {
      const auto it = std::upper_bound(start.begin(), start.end(), *pos);
      return static_cast<std::uint32_t>(std::min<std::size_t>(
          static_cast<std::size_t>(it - start.begin()) - 1, c_count - 1));
    }
    if (internet) return static_cast<std::uint32_t>(c_count);
    throw std::logic_error("NetworkRuntime: an address lies outside the address space");
  };
  for (std::size_t i = 0; i < world.sites.size(); ++i) {
    const std::uint32_t s = address_to_net_site_(world.sites[i].base);
    site_net_[i] = s;
    ++net_site_sites_[s];
  }
  for (std::size_t h = 0; h < world.hosts.size(); ++h) ++net_site_hosts_[site_net_[world.hosts.site[h]]];

  // The topology as this run sees it: background loads where the file had none.
  topology_ = topology;
  if (config_.background_utilisation > 0) {
    for (auto [e, end] = boost::edges(topology_.graph()); e != end; ++e) {
      net::Link& l = topology_.link(*e);
      if (l.background_bps[0] == 0 && l.background_bps[1] == 0) {
        const auto bg = static_cast<std::uint64_t>(
            std::llround(config_.background_utilisation * static_cast<double>(l.capacity_bps)));
        l.background_bps = {bg, bg};
      }
    }
  }
  net::SiteAttachment attachment;
  attachment.node = net_site_node_;
  for (std::size_t s = 0; s < sites; ++s)
    attachment.address_share.push_back(internet && s == c_count ? 0.0
                                                                 : net_site_addresses_[s] /
                                                                       space_size_);
  attachment.local_group = net_site_group_;
  attachment.internet = internet;
  loads_ = std::make_unique<net::LinkLoads>(topology_, std::move(attachment));
  probes_local_q16_.assign(group_addresses_.size(), 0);
  http_local_q16_.assign(group_addresses_.size(), 0);
  pending_.resize(world.partitions);
  pending_running_.resize(world.partitions);

  // Devices: each node gets the first [[device]] whose nodes include it and whose draw for it
  // falls within its share.
  std::vector<std::uint8_t> has_device(topology.node_count(), 0);
  std::vector<std::uint32_t> site_on_node(topology.node_count(), net::kNone);
  for (std::size_t s = 0; s < sites; ++s) site_on_node[net_site_node_[s]] = static_cast<std::uint32_t>(s);
  for (std::size_t di = 0; di < config_.devices.size(); ++di) {
    const DeviceConfig& d = config_.devices[di];
    for (net::Vertex v = 0; v < topology.node_count(); ++v) {
      if (has_device[v] || !node_matches(topology, v, d.on)) continue;
      sim::RandomStream rng(key_, (static_cast<std::uint64_t>(di) << 32) | v,
                            sim::Purpose::network);
      if (!(var::uniform01(rng) < d.share)) continue;
      has_device[v] = 1;
      Device dev;
      dev.node = v;
      dev.config = &d;
      dev.params = {d.flag("http_crash"),
                    d.flag("recovers"),
                    d.duration("recovery").seconds(),
                    d.number("max_pps"),
                    d.number("cache_entries"),
                    d.duration("cache_lifetime").seconds(),
                    d.number("arp_pending"),
                    d.duration("arp_timeout").seconds(),
                    d.number("reload_probability"),
                    d.duration("reload_time")};
      dev.net_site = site_on_node[v];
      devices_.push_back(dev);
    }
  }
  std::sort(devices_.begin(), devices_.end(),
            [](const Device& a, const Device& b) { return a.node < b.node; });
  // The net sites each device ARPs for: those whose gateway it is.
  arp_first_.assign(devices_.size() + 1, 0);
  {
    std::vector<std::uint32_t> device_on_node(topology.node_count(), net::kNone);
    for (std::uint32_t i = 0; i < devices_.size(); ++i) device_on_node[devices_[i].node] = i;
    std::vector<std::vector<std::uint32_t>> lists(devices_.size());
    for (std::uint32_t s = 0; s < sites; ++s) {
      if (internet && s == c_count) continue;
      const net::Vertex g = net::gateway(topology, net_site_node_[s]);
      if (device_on_node[g] != net::kNone) lists[device_on_node[g]].push_back(s);
    }
    for (std::size_t i = 0; i < lists.size(); ++i) {
      arp_first_[i + 1] = arp_first_[i] + static_cast<std::uint32_t>(lists[i].size());
      for (std::uint32_t s : lists[i]) arp_sites_.push_back(s);
    }
  }
  for (const Device& dev : devices_) {
    record_.device_node.push_back(topology.node(dev.node).id);
    record_.device_name.push_back(dev.config->name);
    record_.device_model.push_back(dev.config->model);
  }
  // Cut off: judged from the internet node, else the first core node, else node 0.
  reference_ = internet ? *internet : 0;
  if (!internet)
    for (net::Vertex v = 0; v < topology.node_count(); ++v)
      if (topology.node(v).kind == net::NodeKind::core) {
        reference_ = v;
        break;
      }
  // Links and devices are named by their nodes' names (a Zoo PoP's label) when those are unique,
  // else by node ids.
  std::vector<std::string> names;
  for (net::Vertex v = 0; v < topology.node_count(); ++v) names.push_back(topology.node(v).name);
  {
    std::vector<std::string> sorted = names;
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end() ||
        std::find(sorted.begin(), sorted.end(), std::string()) != sorted.end())
      for (net::Vertex v = 0; v < topology.node_count(); ++v) names[v] = topology.node(v).id;
  }
  for (std::size_t i = 0; i < devices_.size(); ++i) record_.device_node[i] = names[devices_[i].node];
  const net::Routing& routing = loads_->routing();
  for (net::DirectedLink dl = 0; dl < routing.directed_link_count(); ++dl) {
    record_.link_from.push_back(names[routing.from(dl)]);
    record_.link_to.push_back(names[routing.to(dl)]);
    record_.capacity_bps.push_back(loads_->capacity_bps(dl));
  }
  record_.links.assign(routing.directed_link_count(), LinkStats{});
  record_.target_utilisation = config_.target_utilisation;
  update_cut_off();
}

NetworkRuntime::~NetworkRuntime() = default;

void NetworkRuntime::change(std::uint32_t partition, std::uint32_t site, const ProbeTraffic& shape,
                            double probes_per_s, int sign) {
  const double packets = probes_per_s * shape.packets;
  const double bits = packets * shape.bytes * 8.0;
  const double spread = shape.spread_share, local = 1.0 - shape.spread_share;
  Change c{site_net_[site],
           net::FluidRate::from(bits * spread, packets * spread),
           net::FluidRate::from(bits * local, packets * local),
           q16(probes_per_s * spread),
           q16(probes_per_s * local),
           shape.http ? q16(probes_per_s * spread) : 0,
           shape.http ? q16(probes_per_s * local) : 0};
  if (sign < 0) {
    c.spread = net::FluidRate{} - c.spread;
    c.local = net::FluidRate{} - c.local;
    c.probes_spread_q16 = -c.probes_spread_q16;
    c.probes_local_q16 = -c.probes_local_q16;
    c.http_spread_q16 = -c.http_spread_q16;
    c.http_local_q16 = -c.http_local_q16;
  }
  pending_[partition].push_back(c);
}

double NetworkRuntime::connection_probability(std::uint32_t site_a, std::uint32_t site_b,
                                              const ProbeTraffic& shape) const {
  if (lossless_) return 1.0;
  const net::Vertex a = net_site_node_[site_net_[site_a]];
  const net::Vertex b = net_site_node_[site_net_[site_b]];
  const double d = delivery(a, b) * delivery(b, a);
  if (d >= 1.0) return 1.0;
  const double tcp = 1.0 - std::pow(1.0 - d, static_cast<double>(config_.syn_attempts));
  return shape.tcp ? tcp : d * tcp;
}

void NetworkRuntime::set_flood(std::uint16_t worm, const FloodCalendar* calendar,
                               double packets_per_s, std::uint32_t target) {
  // A target outside a generated Internet's address space sits on no node: nothing to load.
  if (!scenario_.address_space.prefix.contains(target) && !topology_.internet()) return;
  Flood f;
  f.worm = worm;
  f.calendar = calendar;
  f.packets_per_s = packets_per_s;
  f.target_site = address_to_net_site_(target);
  f.running.assign(net_site_node_.size(), 0);
  f.on_route.assign(loads_->directed_link_count(), 0);
  floods_.push_back(std::move(f));
}

void NetworkRuntime::change_running(std::uint32_t partition, std::uint32_t site,
                                    std::uint16_t worm, int delta) {
  for (const Flood& f : floods_)
    if (f.worm == worm) {
      pending_running_[partition].push_back({site_net_[site], worm, delta});
      return;
    }
}

void NetworkRuntime::route_flood(Flood& f, std::uint32_t net_site, std::int64_t delta) {
  loads_->routing().for_each_on_route(net_site_node_[net_site], net_site_node_[f.target_site],
                                      [&](net::DirectedLink dl) { f.on_route[dl] += delta; });
}

void NetworkRuntime::reroute_floods() {
  for (Flood& f : floods_) {
    std::fill(f.on_route.begin(), f.on_route.end(), 0);
    for (std::uint32_t s = 0; s < f.running.size(); ++s)
      if (f.running[s] != 0) route_flood(f, s, f.running[s]);
  }
}

void NetworkRuntime::flood_loads() {
  bool any = false;
  for (const Flood& f : floods_) any = any || (f.active > 0 && f.total > 0);
  if (!any && !flooding_) return;
  const std::size_t n = loads_->directed_link_count();
  flood_bps_.assign(n, 0.0);
  flood_pps_.assign(n, 0.0);
  flood_node_pps_.assign(topology_.node_count(), 0.0);
  flooding_ = any;
  if (!any) return;
  const net::Routing& routing = loads_->routing();
  for (const Flood& f : floods_) {
    const double pps_per_host = f.active * f.packets_per_s;
    if (pps_per_host <= 0) continue;
    for (net::DirectedLink dl = 0; dl < n; ++dl) {
      if (f.on_route[dl] == 0) continue;
      const double pps = pps_per_host * static_cast<double>(f.on_route[dl]);
      flood_pps_[dl] += pps;
      flood_bps_[dl] += pps * config_.flood_bytes * 8.0;
      flood_node_pps_[routing.to(dl)] += pps;
    }
  }
}

void NetworkRuntime::apply_changes() {
  for (auto& list : pending_running_) {
    for (const RunChange& c : list)
      for (Flood& f : floods_)
        if (f.worm == c.worm) {
          f.running[c.net_site] += c.delta;
          f.total += c.delta;
          route_flood(f, c.net_site, c.delta);
        }
    list.clear();
  }
  for (auto& list : pending_) {
    for (const Change& c : list) {
      if (c.spread != net::FluidRate{}) loads_->add_rate(c.net_site, net::TrafficClass::spread, c.spread);
      if (c.local != net::FluidRate{}) loads_->add_rate(c.net_site, net::TrafficClass::local, c.local);
      const std::uint32_t g = net_site_group_[c.net_site];
      probes_spread_q16_ += c.probes_spread_q16;
      probes_local_q16_[g] += c.probes_local_q16;
      http_spread_q16_ += c.http_spread_q16;
      http_local_q16_[g] += c.http_local_q16;
      sent_ += c.spread;
      sent_ += c.local;
      probes_q16_ += c.probes_spread_q16 + c.probes_local_q16;
    }
    list.clear();
  }
}

void NetworkRuntime::step(sim::SimTime t) {
  apply_changes();
  if (config_.cycle_trough < 1.0) {
    const double hour = std::fmod(
        (static_cast<double>(scenario_.simulation.start_epoch_s) + t.seconds()) / 3600.0, 24.0);
    const double phase = 2.0 * std::numbers::pi * (hour - config_.peak_hour) / 24.0;
    loads_->set_background_factor(config_.cycle_trough +
                                  (1.0 - config_.cycle_trough) * 0.5 * (1.0 + std::cos(phase)));
  }
  loads_->step();
  const double dt = std::min(config_.step, scenario_.simulation.duration - t).seconds();
  double flood_bps = 0;
  for (Flood& f : floods_) {
    const std::int64_t from = scenario_.simulation.start_epoch_s * 1'000'000 + t.us;
    const auto span = static_cast<std::int64_t>(dt * 1e6);
    f.active = span > 0 ? static_cast<double>(f.calendar->flood_us(from, from + span)) /
                              static_cast<double>(span)
                        : 0.0;
    flood_bps += f.active * f.packets_per_s * config_.flood_bytes * 8.0 *
                 static_cast<double>(f.total);
  }
  flood_loads();
  if (update_devices(t, step_index_++)) {
    reroute_floods();
    if (flooding_) flood_loads();
  }
  update_links(t);
  worm_bps_ = sent_.bps() + flood_bps;
}

bool NetworkRuntime::update_devices(sim::SimTime t, std::uint64_t step_index) {
  if (devices_.empty()) return false;
  const double dt =
      std::min(config_.step, scenario_.simulation.duration - t).seconds();
  bool changed = false;
  const double packets_total = sent_.pps();
  const double probes_per_packet =
      packets_total > 0 ? static_cast<double>(probes_q16_) / kQ16 / packets_total : 0.0;
  const double http_spread = static_cast<double>(http_spread_q16_) / kQ16;
  const double probes_spread = static_cast<double>(probes_spread_q16_) / kQ16;
  for (std::uint32_t i = 0; i < devices_.size(); ++i) {
    Device& dev = devices_[i];
    const DeviceParams& c = dev.params;
    if (dev.down) {
      if (t >= dev.up_at) {
        dev.down = false;
        dev.up_at = sim::SimTime::max();
        --devices_down_;
        changed = true;
        record_.device_events.push_back(
            {t, i, DeviceEvent::State::up, DeviceEvent::Cause::recovered});
      }
      continue;
    }
    sim::RandomStream rng(key_, (std::uint64_t{1} << 48) | i, sim::Purpose::network,
                          step_index * 4);
    // A port-80 probe to its own address: spread probes reach each address of the space at
    // rate total / space; local ones each address of the scanner's group.
    if (c.http_crash) {
      double lambda = http_spread / space_size_;
      if (dev.net_site != net::kNone) {
        const std::uint32_t g = net_site_group_[dev.net_site];
        if (group_addresses_[g] > 0)
          lambda += static_cast<double>(http_local_q16_[g]) / kQ16 / group_addresses_[g];
      }
      if (lambda > 0 && var::uniform01(rng) < -std::expm1(-lambda * dt)) {
        dev.down = true;
        dev.up_at = c.recovers ? t + sim::SimTime::from_seconds(
                                         var::exponential(rng, 1.0 / c.recovery_s))
                               : sim::SimTime::max();
        ++devices_down_;
        ++device_crashes_;
        changed = true;
        record_.device_events.push_back(
            {t, i, DeviceEvent::State::crashed, DeviceEvent::Cause::http_probe});
        continue;
      }
    }
    // Overload: forwarding rate, cache entries, pending ARP requests against the limits.
    const double pps =
        loads_->incoming_pps(dev.node) + (flooding_ ? flood_node_pps_[dev.node] : 0.0);
    if (c.max_pps <= 0 && c.cache_entries <= 0 && c.arp_pending <= 0) continue;
    const double cache = pps * probes_per_packet * c.cache_lifetime_s;
    double arp_rate = 0;
    for (std::uint32_t k = arp_first_[i]; k < arp_first_[i + 1]; ++k) {
      const std::uint32_t s = arp_sites_[k];
      const std::uint32_t g = net_site_group_[s];
      double arrivals = probes_spread * net_site_addresses_[s] / space_size_;
      if (group_addresses_[g] > 0)
        arrivals += static_cast<double>(probes_local_q16_[g]) / kQ16 * net_site_addresses_[s] /
                    group_addresses_[g];
      const double unused =
          net_site_addresses_[s] > 0
              ? std::max(0.0, 1.0 - static_cast<double>(net_site_hosts_[s]) / net_site_addresses_[s])
              : 0.0;
      arp_rate += arrivals * unused;
    }
    const double arp = arp_rate * c.arp_timeout_s;
    double worst = 1.0;
    DeviceEvent::Cause cause = DeviceEvent::Cause::recovered;
    auto judge = [&](double value, double limit, DeviceEvent::Cause why) {
      if (limit > 0 && value / limit > worst) {
        worst = value / limit;
        cause = why;
      }
    };
    judge(pps, c.max_pps, DeviceEvent::Cause::packet_rate);
    judge(cache, c.cache_entries, DeviceEvent::Cause::flow_cache);
    judge(arp, c.arp_pending, DeviceEvent::Cause::arp);
    if (cause == DeviceEvent::Cause::recovered) continue;
    if (var::uniform01(rng) < c.reload_probability) {
      dev.down = true;
      dev.up_at = t + c.reload_time;
      ++devices_down_;
      ++device_crashes_;
      changed = true;
      record_.device_events.push_back({t, i, DeviceEvent::State::reloading, cause});
    }
  }
  if (!changed) return false;
  down_nodes_.clear();
  for (const Device& dev : devices_)
    if (dev.down) down_nodes_.push_back(dev.node);
  loads_->set_down(down_nodes_);
  update_cut_off();
  peak_devices_down_ = std::max(peak_devices_down_, devices_down_);
  return true;
}

void NetworkRuntime::update_cut_off() {
  const net::Routing& routing = loads_->routing();
  sites_cut_off_ = 0;
  hosts_cut_off_ = 0;
  for (std::size_t s = 0; s < net_site_node_.size(); ++s) {
    if (routing.is_reachable(net_site_node_[s], reference_)) continue;
    sites_cut_off_ += net_site_sites_[s];
    hosts_cut_off_ += net_site_hosts_[s];
  }
  peak_sites_cut_off_ = std::max(peak_sites_cut_off_, sites_cut_off_);
  peak_hosts_cut_off_ = std::max(peak_hosts_cut_off_, hosts_cut_off_);
}

void NetworkRuntime::update_links(sim::SimTime t) {
  const double dt = std::min(config_.step, scenario_.simulation.duration - t).seconds();
  const std::size_t n = loads_->directed_link_count();
  bool drops = false;
  links_above_80_ = 0;
  links_above_100_ = 0;
  max_utilisation_ = 0;
  keep_.assign(n, 1.0);
  for (net::DirectedLink dl = 0; dl < n; ++dl) {
    // As LinkLoads::offered_bps, utilisation and dropped_bps, from one load query.
    const net::LinkLoad load = loads_->load(dl);
    const double worm = std::max(0.0, load.bps) + (flooding_ ? flood_bps_[dl] : 0.0);
    const double offered = worm + loads_->background_bps(dl);
    if (offered <= 0) continue;
    const double capacity = loads_->capacity_bps(dl);
    const double u = capacity > 0 ? offered / capacity : std::numeric_limits<double>::infinity();
    const double dropped = offered > capacity ? offered - capacity : 0.0;
    if (dropped > 0) {
      drops = true;
      keep_[dl] = capacity / offered;
    }
    LinkStats& st = record_.links[dl];
    if (u > st.peak_utilisation) {
      st.peak_utilisation = u;
      st.peak_time = t;
    }
    st.peak_offered_bps = std::max(st.peak_offered_bps, offered);
    if (u > 0.8) {
      ++links_above_80_;
      if (st.first_above_80 == sim::SimTime::max()) st.first_above_80 = t;
    }
    if (u > 1.0) {
      ++links_above_100_;
      if (st.first_above_100 == sim::SimTime::max()) st.first_above_100 = t;
    }
    st.bits_dropped += dropped * dt;
    st.worm_bits += worm * dt;
    max_utilisation_ = std::max(max_utilisation_, u);
  }
  lossless_ = !drops && down_nodes_.empty();
}

double NetworkRuntime::delivery(net::Vertex a, net::Vertex b) const {
  const net::Routing& routing = loads_->routing();
  if (a == b) return routing.is_down(a) ? 0.0 : 1.0;
  double delivered = 1.0;
  if (!routing.for_each_on_route(a, b, [&](net::DirectedLink dl) { delivered *= keep_[dl]; }))
    return 0.0;
  return delivered;
}

void NetworkRuntime::sample(sim::SimTime t) {
  const sim::SimTime every =
      config_.links_every.us > 0 ? config_.links_every : scenario_.simulation.sample_every;
  if (t.us % every.us != 0 && t != scenario_.simulation.duration) return;
  const std::size_t n = loads_->directed_link_count();
  for (net::DirectedLink dl = 0; dl < n; ++dl) {
    const net::LinkLoad l = loads_->load(dl);
    const double bps = std::max(0.0, l.bps) + (flooding_ ? flood_bps_[dl] : 0.0);
    const double pps = std::max(0.0, l.pps) + (flooding_ ? flood_pps_[dl] : 0.0);
    if (!config_.all_links && bps <= 0) continue;
    const double offered = bps + loads_->background_bps(dl);
    const double capacity = loads_->capacity_bps(dl);
    record_.samples.push_back(
        {t, dl, bps, pps, offered,
         capacity > 0 ? offered / capacity : std::numeric_limits<double>::infinity(),
         offered > capacity ? offered - capacity : 0.0});
  }
}

std::uint64_t NetworkRuntime::links_saturated() const {
  std::uint64_t n = 0;
  for (const LinkStats& l : record_.links) n += l.first_above_100 != sim::SimTime::max();
  return n;
}

double NetworkRuntime::peak_utilisation() const {
  double u = 0;
  for (const LinkStats& l : record_.links) u = std::max(u, l.peak_utilisation);
  return u;
}

double NetworkRuntime::bits_dropped() const {
  double b = 0;
  for (const LinkStats& l : record_.links) b += l.bits_dropped;
  return b;
}

std::vector<std::pair<std::string, double>> NetworkRuntime::busiest_links_now(
    std::size_t k) const {
  std::vector<std::pair<double, net::DirectedLink>> all;
  for (net::DirectedLink dl = 0; dl < loads_->directed_link_count(); ++dl) {
    const double worm =
        std::max(0.0, loads_->load(dl).bps) + (flooding_ ? flood_bps_[dl] : 0.0);
    if (worm <= 0) continue;
    const double capacity = loads_->capacity_bps(dl);
    const double offered = worm + loads_->background_bps(dl);
    all.emplace_back(capacity > 0 ? offered / capacity : std::numeric_limits<double>::infinity(),
                     dl);
  }
  std::stable_sort(all.begin(), all.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::pair<std::string, double>> out;
  for (std::size_t i = 0; i < all.size() && i < k; ++i)
    out.emplace_back(record_.link_from[all[i].second] + "->" + record_.link_to[all[i].second],
                     all[i].first);
  return out;
}

NetworkRecord NetworkRuntime::take_record() { return std::move(record_); }

}  // namespace wormsim::models
