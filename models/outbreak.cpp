#include "models/outbreak.hpp"

#include "models/outbreak_state.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "models/scanning/block_sweep_scan.hpp"
#include "models/scanning/fixed_sequence_scan.hpp"
#include "models/scanning/local_preference_scan.hpp"
#include "models/scanning/sequential_scan.hpp"
#include "models/scanning/uniform_scan.hpp"
#include "models/worm/calendar.hpp"
#include "models/worm/worm_catalog.hpp"
#include "sim/variates.hpp"

namespace wormsim::models {

namespace {

namespace var = sim::variates;
using namespace outbreak_detail;

std::vector<std::uint64_t> choose_distinct(std::uint64_t n, std::uint64_t k,
                                           sim::RandomStream& rng) {
  std::vector<std::uint64_t> chosen;
  chosen.reserve(k);
  for (std::uint64_t j = n - k; j < n; ++j) {
    const std::uint64_t t = var::uniform_below(rng, j + 1);
    if (std::find(chosen.begin(), chosen.end(), t) == chosen.end())
      chosen.push_back(t);
    else
      chosen.push_back(j);
  }
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

}  // namespace

Outbreak::~Outbreak() = default;

const char* OutbreakEvent::name(Kind k) {
  switch (k) {
    case Kind::seeded:
      return "seeded";
    case Kind::infected:
      return "infected";
    case Kind::rpc_crash:
      return "rpc_crash";
    case Kind::iis_crash:
      return "iis_crash";
    case Kind::rpc_stopped:
      return "rpc_stopped";
    case Kind::reboot:
      return "reboot";
    case Kind::back_up:
      return "back_up";
    case Kind::defaced:
      return "defaced";
    case Kind::removed:
      return "removed";
    case Kind::patched:
      return "patched";
    case Kind::defended:
      return "defended";
    case Kind::disconnected:
      return "disconnected";
    case Kind::cleaned:
      return "cleaned";
  }
  return "?";
}

void Outbreak::record(sim::Context& ctx, std::uint32_t host, OutbreakEvent::Kind kind,
                      std::uint16_t worm, std::uint32_t cause) {
  if (!options_.record_events) return;
  books(ctx).log.push_back({ctx.now(), host, kind, static_cast<std::uint8_t>(worm), cause});
}

std::vector<OutbreakEvent> Outbreak::event_log() const {
  std::vector<OutbreakEvent> all;
  if (!options_.record_events) return all;
  for (const auto& wp : worms_)  // seeds, at time 0
    for (std::size_t j = 0; j < wp->slot.size(); ++j)
      if (wp->slot[j].infected_at == 0 && wp->slot[j].infected_by == wp->slot[j].host)
        all.push_back({sim::SimTime{0}, wp->slot[j].host, OutbreakEvent::Kind::seeded,
                       static_cast<std::uint8_t>(wp->index), wp->slot[j].host});
  for (const PartitionBooks& b : books_) all.insert(all.end(), b.log.begin(), b.log.end());
  // Partitions log in their own order; the merged log is sorted so that it depends on nothing
  // but the events themselves.
  std::sort(all.begin(), all.end(), [](const OutbreakEvent& a, const OutbreakEvent& b) {
    if (a.time != b.time) return a.time < b.time;
    if (a.host != b.host) return a.host < b.host;
    if (a.kind != b.kind) return a.kind < b.kind;
    if (a.worm != b.worm) return a.worm < b.worm;
    return a.cause < b.cause;
  });
  for (OutbreakEvent& e : all) {
    e.address = world_.hosts.address[e.host];
    e.cause_address = world_.hosts.address[e.cause];
    e.site = world_.sites[world_.hosts.site[e.host]];
  }
  return all;
}

std::size_t Outbreak::worm_count() const {
  return worms_.size();
}

std::optional<std::uint32_t> Outbreak::infected_by(std::size_t worm, std::size_t host) const {
  const Worm& w = *worms_[worm];
  const std::size_t pos = w.position_of(world_.hosts.address[host]);
  if (pos >= w.slot.size() || w.slot[pos].infected_at == kNever) return std::nullopt;
  return w.slot[pos].infected_by;
}

sim::SimTime Outbreak::infected_at(std::size_t worm, std::size_t host) const {
  const Worm& w = *worms_[worm];
  const std::size_t pos = w.position_of(world_.hosts.address[host]);
  return sim::SimTime{static_cast<std::int64_t>(w.slot[pos].infected_at)};
}

WormState Outbreak::state(std::size_t worm, std::size_t host) const {
  const Worm& w = *worms_[worm];
  const std::size_t pos = w.position_of(world_.hosts.address[host]);
  return pos < w.slot.size() ? w.slot[pos].state : WormState::immune;
}

Outbreak::Outbreak(const Scenario& scenario, World world, std::uint64_t replication,
                   OutbreakOptions options)
    : scenario_(scenario),
      world_(std::move(world)),
      replication_(replication),
      options_(options),
      key_(sim::stream_key(scenario.simulation.seed, replication)),
      hosts_(std::make_unique<HostState>()),
      reboot_time_(sim::SimTime{0}) {
  const HostTable& hosts = world_.hosts;
  const std::size_t n = hosts.size();
  host_partition_.resize(n);
  for (std::uint32_t h = 0; h < n; ++h) host_partition_[h] = world_.partition_of_host(h);
  hosts_->at.assign(n, HostState::Host{});
  books_.assign(world_.partitions, PartitionBooks{});
  for (auto& b : books_) b.worm.resize(scenario.worms.size());

  const sim::Prefix space = scenario.address_space.prefix;
  lookahead_ = sim::SimTime::max();
  // Infected hosts may leave a worm's live set only if nothing can make them susceptible again.
  const bool restores = defences_may_restore_susceptible(scenario, world_);
  const bool cleans = defences_clean_hosts(scenario, world_);
  for (std::size_t wi = 0; wi < scenario.worms.size(); ++wi) {
    const WormConfig& c = scenario.worms[wi];
    auto w = std::make_unique<Worm>();
    w->model = c.model;
    w->index = static_cast<std::uint16_t>(wi);
    w->config = &c;
    w->exploit_delay = c.duration("exploit_delay");
    if (c.model == "codered-v1") {
      w->kind = Worm::Kind::codered_v1;
      w->strategy = std::make_unique<FixedSequenceScan>(
          space, static_cast<std::uint64_t>(c.integer("sequence_seed")));
      w->clock.rate_per_s = c.number("probe_rate");
      w->spread_until_day = static_cast<int>(c.integer("spread_until_day"));
      w->memory_resident = true;
      w->flood_days = {static_cast<unsigned>(c.integer("spread_until_day")),
                       static_cast<unsigned>(c.integer("dormant_from_day")), 13};
      w->flood_rate = c.number("flood_rate");
    } else if (c.model == "codered-v2") {
      w->kind = Worm::Kind::codered_v2;
      w->strategy = std::make_unique<UniformScan>(space);
      w->clock.rate_per_s = c.number("probe_rate");
      w->spread_until_day = static_cast<int>(c.integer("spread_until_day"));
      w->memory_resident = true;
      // Infected hosts can leave the live set only if nothing in the scenario reboots hosts
      // (a reboot would clear the worm and make them susceptible again).
      w->shrink_on_infection = scenario.worms.size() == 1 && !restores;
      w->flood_days = {static_cast<unsigned>(c.integer("spread_until_day")),
                       static_cast<unsigned>(c.integer("dormant_from_day")), 13};
      w->flood_rate = c.number("flood_rate");
    } else if (c.model == "codered-ii") {
      w->kind = Worm::Kind::codered_ii;
      w->strategy = std::make_unique<LocalPreferenceScan>(
          space, std::array<double, 3>{c.number("same_slash8"), c.number("same_slash16"),
                                       1.0 - c.number("same_slash8") - c.number("same_slash16")});
      w->clock.rate_per_s =
          c.number("probe_rate_per_thread") * static_cast<double>(c.integer("threads"));
      w->active_period = c.duration("active_period");
      w->active_period_zh = c.duration("active_period_zh");
      w->rate_zh = c.number("probe_rate_per_thread") * static_cast<double>(c.integer("threads_zh"));
      w->iis_down_for = c.duration("iis_down_for");
      // Persistent: a probe never changes an infected host (unless quarantine cleans it).
      w->shrink_on_infection = !cleans;
    } else if (c.model == "sadmind-iis") {
      w->kind = Worm::Kind::sadmind_iis;
      w->strategy = std::make_unique<BlockSweepScan>(
          space, static_cast<std::uint8_t>(c.integer("sweep_block")));
      w->clock.rate_per_s = c.number("probe_rate");
      w->exploit_success = c.number("sadmind_success");
      w->deface_limit = static_cast<std::uint32_t>(c.integer("deface_limit"));
      // Infected Solaris hosts leave the live set (persistent, nothing more to do to them); IIS
      // servers stay: every hit defaces them again and counts towards the attacker's limit.
      w->shrink_on_infection = !cleans;
      w->rescans_after_reboot = true;  // started again from the system's start-up scripts
    } else if (c.model == "blaster") {
      w->kind = Worm::Kind::blaster;
      w->strategy = std::make_unique<SequentialScan>(space, c.number("random_start"));
      w->clock.batch_size = static_cast<std::uint32_t>(c.integer("batch_size"));
      w->clock.batch_interval = c.duration("batch_interval");
      w->xp_offsets_probability = c.number("xp_offsets");
      w->tftp_success = c.number("tftp_success");
      w->tftp_time = c.duration("tftp_time");
      w->reboot_after_crash = c.duration("reboot_after_crash");
      w->rescans_after_reboot = true;  // msblast.exe starts again from the Run key
      w->port = Worm::Port::tcp135;
      w->flood_days = {static_cast<unsigned>(c.integer("flood_from_day")), 32,
                       static_cast<unsigned>(c.integer("flood_from_month"))};
      w->flood_rate = c.number("flood_rate");
      // Infected hosts stay live: a probe with the wrong offsets still crashes them.
    } else if (c.model == "welchia") {
      w->kind = Worm::Kind::welchia;
      w->strategy = std::make_unique<SequentialScan>(space, c.number("random_start"));
      w->clock.rate_per_s = c.number("ping_rate");  // every ping is a probe
      w->shrink_on_infection = !cleans;  // persistent, and the patch it installs closes the hole
      w->rescans_after_reboot = true;    // installed as a service
      w->patch_success = c.number("patch_success");
      w->patch_time = c.duration("patch_time");
      w->remove_in_year = c.integer("remove_in_year");
      w->port = Worm::Port::icmp;
    } else {
      throw std::logic_error("no behaviour for worm model " + c.model);
    }
    if (scenario.network.enabled) {
      // What each probe puts on the network: SYN and its retransmissions (most addresses do
      // not answer), or Welchia's echo; the share spread over the whole space (the own-/8 share
      // of Code Red II counts as spread: a simplification for the core's load pattern only).
      const NetworkConfig& nc = scenario.network;
      ProbeTraffic& t = w->traffic;
      if (w->port == Worm::Port::icmp) {
        t.packets = 1;
        t.bytes = nc.echo_bytes;
        t.tcp = false;
      } else {
        t.packets = nc.syn_attempts;
        t.bytes = nc.syn_bytes;
        t.http = w->port == Worm::Port::tcp80;
      }
      if (w->kind == Worm::Kind::codered_ii)
        t.spread_share = 1.0 - c.number("same_slash16");
      else if (w->kind == Worm::Kind::blaster || w->kind == Worm::Kind::welchia)
        t.spread_share = c.number("random_start");
    }
    lookahead_ = std::min(lookahead_, w->exploit_delay);
    // How long a reboot keeps a host down: the first worm that says (they describe one world).
    if (c.params.count("reboot_time") && reboot_time_ == sim::SimTime{0})
      reboot_time_ = c.duration("reboot_time");

    std::vector<std::uint32_t> addresses;
    for (std::uint32_t h = 0; h < n; ++h) {
      if (hosts.unreachable[h] ||
          !is_relevant(c.model, hosts.os[h], hosts.services[h], hosts.patches[h]))
        continue;
      addresses.push_back(hosts.address[h]);
      Worm::Slot slot;
      slot.host = h;
      slot.infectable =
          is_infectable(c.model, hosts.os[h], hosts.services[h], hosts.patches[h]) ? 1 : 0;
      slot.state = slot.infectable ? WormState::susceptible : WormState::immune;
      // One scan stream per (host, worm): the worm index is folded into the purpose's entity.
      slot.scan_entity = hosts.entity(h) ^ (std::uint64_t{wi} << 48);
      w->slot.push_back(slot);
      w->infectable_count += slot.infectable;
    }
    const std::size_t m = w->slot.size();
    w->relevant = sim::AddressIndex(std::move(addresses));
    w->live = sim::LiveIndex(w->relevant);
    w->strategy->prepare(w->relevant);
    w->xp_offsets.assign(m, 0);
    w->scanner.assign(m, ScannerState{});
    w->planned_probes.assign(m, 0);
    w->partition_begin.assign(world_.partitions + 1, 0);
    for (std::size_t j = 0; j < m; ++j) ++w->partition_begin[host_partition_[w->slot[j].host] + 1];
    for (std::uint32_t p = 0; p < world_.partitions; ++p)
      w->partition_begin[p + 1] += w->partition_begin[p];
    w->partition_positions.resize(m);
    {
      std::vector<std::uint32_t> next(w->partition_begin.begin(), w->partition_begin.end() - 1);
      for (std::uint32_t j = 0; j < m; ++j)
        w->partition_positions[next[host_partition_[w->slot[j].host]]++] = j;
    }
    for (std::size_t j = 1; j < m; ++j)
      if (host_partition_[w->slot[j].host] < host_partition_[w->slot[j - 1].host]) {
        w->partition_of_position.resize(m);
        for (std::size_t i = 0; i < m; ++i)
          w->partition_of_position[i] = host_partition_[w->slot[i].host];
        break;
      }
    w->calendar_stop_posted.assign(world_.partitions, sim::SimTime{0});
    w->pending_source.assign(m, 0);
    w->patch_ok_pending.assign(m, 0);
    w->defacements.assign(m, 0);
    for (auto& b : books_) {
      auto& bw = b.worm[wi];
      if (w->flood_rate > 0) bw.flood_days = &w->flood_days;
      bw.flood_rate = w->flood_rate;
      bw.start_epoch_us = scenario.simulation.start_epoch_s * 1'000'000;
    }
    for (std::size_t j = 0; j < m; ++j)
      if (w->slot[j].infectable) ++books_[host_partition_[w->slot[j].host]].worm[wi].susceptible;

    // The initially infected: distinct infectable hosts drawn uniformly.
    std::vector<std::uint32_t> infectable_positions;
    std::vector<std::uint8_t> seeds_from(scenario.populations.size(), 1);
    if (!c.initial_populations.empty())
      for (std::size_t pi = 0; pi < scenario.populations.size(); ++pi)
        seeds_from[pi] = std::find(c.initial_populations.begin(), c.initial_populations.end(),
                                   scenario.populations[pi].name) != c.initial_populations.end();
    for (std::uint32_t j = 0; j < m; ++j)
      if (w->slot[j].infectable && seeds_from[hosts.population[w->slot[j].host]])
        infectable_positions.push_back(j);
    sim::RandomStream seeding(key_, wi, sim::Purpose::seeding);
    const std::uint64_t k =
        std::min<std::uint64_t>(c.initial_infected, infectable_positions.size());
    for (std::uint64_t pick : choose_distinct(infectable_positions.size(), k, seeding)) {
      const std::uint32_t pos = infectable_positions[pick];
      auto& b = books_[host_partition_[w->slot[pos].host]].worm[wi];
      w->slot[pos].state = WormState::infected;
      w->slot[pos].infected_at = 0;
      w->slot[pos].infected_by = w->slot[pos].host;
      --b.susceptible;
      ++b.infected_now;
      ++b.infected_total;
      ++b.running;
      if (w->shrink_on_infection) w->live.remove(pos);
      if (w->kind == Worm::Kind::codered_ii) hosts_->at[w->slot[pos].host].backdoor = 1;
    }
    w->initial_infected = k;
    worms_.push_back(std::move(w));
  }

  init_defences();
  if (scenario.network.enabled) {
    network_ = std::make_unique<NetworkRuntime>(scenario, world_, key_);
    // Code Red's flood of www.whitehouse.gov's address of July 2001 loads the routes to it.
    for (const auto& w : worms_)
      if (w->flood_rate > 0 &&
          (w->kind == Worm::Kind::codered_v1 || w->kind == Worm::Kind::codered_v2)) {
        constexpr std::uint32_t kWhiteHouse = (198u << 24) | (137u << 16) | (240u << 8) | 91u;
        network_->set_flood(w->index, &w->flood_days, w->flood_rate, kWhiteHouse);
        for (std::uint32_t pos = 0; pos < w->slot.size(); ++pos)
          if (w->slot[pos].state == WormState::infected) {
            const std::uint32_t host = w->slot[pos].host;
            network_->change_running(host_partition_[host], world_.hosts.site[host], w->index, +1);
          }
      }
  }

  // Curves: per worm (suffixed with the model when several are released), then host outcomes.
  const bool several = worms_.size() > 1;
  for (const auto& w : worms_) {
    const std::string suffix = several ? "." + w->model : "";
    metric_ids_.push_back(
        curves_.declare({"susceptible" + suffix, "hosts", "infectable hosts not infected"}));
    metric_ids_.push_back(
        curves_.declare({"infected_now" + suffix, "hosts", "hosts infected and not cleared"}));
    metric_ids_.push_back(
        curves_.declare({"infected_total" + suffix, "hosts", "distinct hosts ever infected"}));
    metric_ids_.push_back(
        curves_.declare({"scanning" + suffix, "hosts", "infected hosts scanning"}));
    metric_ids_.push_back(curves_.declare(
        {"new_infections" + suffix, "hosts", "infections since the previous sample"}));
    metric_ids_.push_back(
        curves_.declare({"probes_sent" + suffix, "probes", "connection attempts since the start"}));
  }
  metric_ids_.push_back(
      curves_.declare({"probes_tcp80", "probes",
                       "TCP 80 connection attempts since the start (Code Red family, "
                       "sadmind/IIS)"}));
  metric_ids_.push_back(curves_.declare(
      {"probes_tcp135", "probes",
       "TCP 135 connection attempts since the start (Blaster; Welchia after an echo reply)"}));
  metric_ids_.push_back(
      curves_.declare({"pings_icmp", "packets", "ICMP echo requests since the start (Welchia)"}));
  metric_ids_.push_back(curves_.declare(
      {"flood_packets", "packets",
       "flood packets since the start (Code Red to 198.137.240.91:80, Blaster's SYN flood to "
       "windowsupdate.com:80)"}));
  for (const char* name : {"hosts_down", "rpc_crashes", "iis_crashes", "reboots", "defaced",
                           "backdoored", "rpc_stopped", "patched_by_welchia", "blaster_removed"})
    metric_ids_.push_back(curves_.declare({name, "hosts", ""}));
  // Defences (zero in a scenario without them).
  metric_ids_.push_back(
      curves_.declare({"patched", "hosts", "fix installs completed by patch policies"}));
  metric_ids_.push_back(curves_.declare(
      {"protected", "hosts", "workarounds, host firewalls and anti-virus put in place"}));
  metric_ids_.push_back(curves_.declare(
      {"installs_interrupted", "installs", "patch installs cut short by a crash or reboot"}));
  metric_ids_.push_back(curves_.declare(
      {"probes_blocked", "probes", "hits stopped by a firewall, filter or quarantine"}));
  metric_ids_.push_back(
      curves_.declare({"hosts_disconnected", "hosts", "hosts cut off by quarantine now"}));
  metric_ids_.push_back(curves_.declare({"hosts_cleaned", "hosts", "hosts cleaned by quarantine"}));
  if (network_) {
    // Network curves only with [network], so that other scenarios' outputs stay as they were.
    for (const sim::MetricInfo& m : std::initializer_list<sim::MetricInfo>{
             {"worm_traffic_bps", "bit/s", "worm traffic sent (probes, retransmissions, echoes)"},
             {"max_link_utilisation", "share", "highest utilisation of any link"},
             {"links_above_80", "links", "directed links above 80% utilisation"},
             {"links_above_100", "links", "directed links offered more than their capacity"},
             {"hits_lost", "probes", "hits the network did not deliver (drops, cut off)"},
             {"devices_down", "devices", "routers and CPE crashed or reloading now"},
             {"device_crashes", "crashes", "device crashes and reloads since the start"},
             {"sites_cut_off", "sites", "sites that cannot reach the rest of the network"},
             {"hosts_cut_off", "hosts", "hosts in those sites"}})
      metric_ids_.push_back(curves_.declare(m));
  }
}

void Outbreak::set_running(Worm& w, std::uint32_t host, int delta, sim::Context& ctx) {
  books(ctx).worm[w.index].run(ctx.now(), delta);
  if (network_) network_->change_running(ctx.partition(), world_.hosts.site[host], w.index, delta);
}

Outbreak::PartitionBooks& Outbreak::books(sim::Context& ctx) {
  return books_[ctx.partition()];
}

sim::RandomStream Outbreak::scan_stream(const Worm& w, std::uint32_t pos) const {
  return sim::RandomStream(key_, w.slot[pos].scan_entity, sim::Purpose::scan,
                           w.slot[pos].stream_position);
}

double Outbreak::rate_of(const Worm& w, std::uint32_t host) const {
  if (w.kind == Worm::Kind::codered_ii && world_.hosts.locale[host] == Locale::zh) return w.rate_zh;
  return w.clock.is_poisson() ? w.clock.rate_per_s : w.clock.mean_rate_per_s();
}

void Outbreak::start(sim::Context& ctx) {
  start_defences(ctx);
  for (auto& wp : worms_) {
    Worm& w = *wp;
    const std::uint32_t p = ctx.partition();
    for (std::uint32_t i = w.partition_begin[p]; i < w.partition_begin[p + 1]; ++i) {
      const std::uint32_t pos = w.partition_positions[i];
      if (w.slot[pos].state == WormState::infected) start_scanning(w, pos, ctx);
    }
  }
}

// Welchia checks the host clock and deletes itself once the year reaches remove_in_year.
sim::SimTime Outbreak::removal_time(const Worm& w) const {
  const std::int64_t at_s =
      days_from_civil(w.remove_in_year, 1, 1) * 86400 - scenario_.simulation.start_epoch_s;
  return at_s <= 0 ? sim::SimTime{0} : sim::SimTime::from_s(at_s);
}

void Outbreak::remove_worm(Worm& w, std::uint32_t pos, sim::Context& ctx) {
  if (w.slot[pos].state != WormState::infected) return;
  stop_scanning(w, pos, ctx);
  auto& bw = books(ctx).worm[w.index];
  set_running(w, w.slot[pos].host, -1, ctx);
  --bw.infected_now;
  ++bw.susceptible;
  w.slot[pos].state = WormState::susceptible;
  record(ctx, w.slot[pos].host, OutbreakEvent::Kind::removed, w.index, w.slot[pos].host);
}

void Outbreak::start_scanning(Worm& w, std::uint32_t pos, sim::Context& ctx) {
  const std::uint32_t host = w.slot[pos].host;
  const sim::SimTime now = ctx.now();
  sim::SimTime until = sim::SimTime::max();
  if (w.spread_until_day > 0) {
    const std::int64_t epoch_s = scenario_.simulation.start_epoch_s + now.us / 1'000'000;
    const std::int64_t end_s = spread_end_epoch_s(epoch_s, w.spread_until_day);
    until =
        end_s <= epoch_s ? now : sim::SimTime::from_s(end_s - scenario_.simulation.start_epoch_s);
  }
  bool reboot_at_end = false, remove_at_end = false;
  if (w.remove_in_year > 0) {
    const sim::SimTime removal = removal_time(w);
    if (removal <= now) {  // the date came while the host was down: it deletes itself now
      remove_worm(w, pos, ctx);
      return;
    }
    if (removal < until) {
      until = removal;
      remove_at_end = true;
    }
  }
  if (w.active_period.us > 0) {
    const sim::SimTime active =
        world_.hosts.locale[host] == Locale::zh ? w.active_period_zh : w.active_period;
    if (now + active < until) {
      until = now + active;
      reboot_at_end = true;
      remove_at_end = false;
    }
  }
  w.slot[pos].scan_until = until;
  if (until <= now) return;
  ++w.slot[pos].episode;
  w.slot[pos].scanning = 1;
  w.slot[pos].scan_started = now;
  books(ctx).worm[w.index].account(now, rate_of(w, host), +1);
  if (network_)
    network_->change(ctx.partition(), world_.hosts.site[host], w.traffic, rate_of(w, host), +1);
  if (defences_) watch_scanning(host, ctx);
  w.slot[pos].calendar_stop = 0;
  if (until != sim::SimTime::max()) {
    if (reboot_at_end || remove_at_end) {
      ctx.post_local(until, reboot_at_end ? kWormReboot : kWormRemove, w.index, pos,
                     w.slot[pos].episode);
    } else {
      // The calendar's end is the same instant for every host of the partition that started in
      // the same period: one event stops them all.
      w.slot[pos].calendar_stop = 1;
      sim::SimTime& posted = w.calendar_stop_posted[ctx.partition()];
      if (posted != until) {
        posted = until;
        ctx.post_local(until, kCalendarStop, w.index, 0, 0);
      }
    }
  }
  sim::RandomStream rng = scan_stream(w, pos);
  if (w.strategy->is_sequential()) {
    w.scanner[pos].probes = 0;
    w.strategy->begin(w.relevant.address(pos), w.scanner[pos], rng);
    if (w.kind == Worm::Kind::blaster)
      w.xp_offsets[pos] = var::bernoulli(rng, w.xp_offsets_probability) ? 1 : 0;
  }
  const double p = options_.per_probe || w.strategy->is_sequential()
                       ? 1.0
                       : w.strategy->hit_probability(w.relevant.address(pos), w.live);
  schedule_next(w, pos, p, rng, ctx);
}

// Memoryless strategies: the host's relevant hits are a Poisson process of rate rate * p.
// Sequential strategies: the next hit is the next live relevant address in scan order, at the
// time its probe leaves. Per-probe mode: every probe is an event.
void Outbreak::schedule_next(Worm& w, std::uint32_t pos, double p, sim::RandomStream& rng,
                             sim::Context& ctx) {
  const std::uint32_t host = w.slot[pos].host;
  w.slot[pos].hit_probability = p;
  sim::SimTime at = sim::SimTime::max();
  if (w.strategy->is_sequential()) {
    ScannerState& st = w.scanner[pos];
    std::uint64_t probes = 1;
    if (!options_.per_probe) {
      const OrderedHit hit = w.strategy->next_in_order(w.relevant.address(pos), st, w.live);
      probes = hit.target == OrderedHit::kNone ? 0 : hit.probes;
      w.planned_probes[pos] = probes;
    }
    if (probes > 0) {
      if (w.clock.is_poisson())
        at = ctx.now() + w.clock.after_probes(probes, rng);
      else
        at = w.slot[pos].scan_started + w.clock.batch_time(st.probes + probes - 1);
    }
  } else if (p > 0) {
    const ProbeClock clock{rate_of(w, host), 0, {}};
    at =
        ctx.now() + (options_.per_probe ? clock.after_probes(1, rng) : clock.until_success(p, rng));
  }
  w.slot[pos].stream_position = rng.position();
  if (at >= w.slot[pos].scan_until) return;  // the stop event ends the scanning
  ctx.post_local(at, options_.per_probe ? kProbe : kScan, w.index, pos, w.slot[pos].episode);
}

void Outbreak::stop_scanning(Worm& w, std::uint32_t pos, sim::Context& ctx) {
  if (!w.slot[pos].scanning) return;
  w.slot[pos].scanning = 0;
  ++w.slot[pos].episode;
  books(ctx).worm[w.index].account(ctx.now(), -rate_of(w, w.slot[pos].host), -1);
  if (network_) {
    const std::uint32_t host = w.slot[pos].host;
    network_->change(ctx.partition(), world_.hosts.site[host], w.traffic, rate_of(w, host), -1);
  }
}

void Outbreak::deliver(Worm& w, std::uint32_t source_pos, std::size_t target_pos,
                       sim::RandomStream& rng, sim::Context& ctx) {
  std::uint16_t tag = w.index;
  if (w.kind == Worm::Kind::blaster) {
    // Decided by the attacker's run and its TFTP server: drawn from the source's stream.
    if (w.xp_offsets[source_pos]) tag |= kXpOffsets;
    if (var::bernoulli(rng, w.tftp_success)) tag |= kTftpOk;
  } else if (w.kind == Worm::Kind::welchia) {
    // Whether the patch it will download installs: decided with the attacker's copy.
    if (var::bernoulli(rng, w.patch_success)) tag |= kTftpOk;
  }
  // Solaris or an IIS server: the target's OS never changes, so the source may read it.
  const bool solaris =
      w.kind == Worm::Kind::sadmind_iis && world_.hosts.os[w.slot[target_pos].host] == Os::solaris;
  if (solaris) {
    // Whether the sadmind brute force finds the stack offset: the attacker's try.
    if (var::bernoulli(rng, w.exploit_success)) tag |= kExploitOk;
  }
  if (defences_ && blocked_at_source(w, source_pos, target_pos, tag, ctx)) {
    ++books(ctx).probes_blocked;
    return;
  }
  // The network as of its last step: a saturated path or a crashed router loses the connection
  // with the probability the fluid model gives. Drawn only when something is lost, so a network
  // without losses leaves every stream as it was.
  if (network_ && !network_->lossless()) {
    const double c =
        network_->connection_probability(world_.hosts.site[w.slot[source_pos].host],
                                         world_.hosts.site[w.slot[target_pos].host], w.traffic);
    if (c < 1.0 && !(var::uniform01(rng) < c)) {
      ++books(ctx).hits_lost;
      return;
    }
  }
  if (w.kind == Worm::Kind::sadmind_iis && !solaris &&
      ++w.defacements[source_pos] == w.deface_limit) {
    // The attacker counts the IIS servers it defaced; at the limit it defaces its own host.
    deface(w.slot[source_pos].host, w.slot[source_pos].host, w, ctx);
  }
  ++books(ctx).worm[w.index].hits;
  ctx.post(w.partition_of(target_pos), ctx.now() + w.exploit_delay, kDeliver, tag,
           static_cast<std::uint32_t>(target_pos), w.slot[source_pos].host);
}

void Outbreak::on_scan(Worm& w, const sim::Event& e, sim::Context& ctx) {
  const std::uint32_t pos = e.subject;
  const std::uint32_t address = w.relevant.address(pos);
  sim::RandomStream rng = scan_stream(w, pos);
  if (w.strategy->is_sequential()) {
    const OrderedHit hit = w.strategy->next_in_order(address, w.scanner[pos], w.live);
    // The event was set for the probe that reaches the hit planned then, `planned` probes on. The
    // live set only shrinks, so the hit now is that one (same distance) or, if it has left the
    // live set since (stopped RPC, patched, infected by another), a later one whose probe has
    // not left yet: then the probe leaving now reaches an address that does not answer, and the
    // next hit is searched from just past it, at its own time.
    const std::uint64_t planned = w.planned_probes[pos];
    if (hit.target != OrderedHit::kNone && hit.probes == planned) {
      w.strategy->advance(w.scanner[pos], hit.probes);
      deliver(w, pos, hit.target, rng, ctx);
    } else {
      w.strategy->advance(w.scanner[pos], planned);
    }
    schedule_next(w, pos, 1.0, rng, ctx);
    return;
  }
  // The pending hit was drawn with probability p_then; the live set may have shrunk since (it
  // only shrinks). Thinning: keep the hit with probability p_now / p_then, then draw its target
  // among the live addresses: exactly a Poisson process of rate rate * p_now.
  const double p_then = w.slot[pos].hit_probability;
  const double p_now = w.strategy->hit_probability(address, w.live);
  const bool kept = p_now >= p_then || var::uniform01(rng) * p_then < p_now;
  if (kept && p_now > 0) deliver(w, pos, w.strategy->draw_target(address, w.live, rng), rng, ctx);
  schedule_next(w, pos, p_now, rng, ctx);
}

void Outbreak::on_probe(Worm& w, const sim::Event& e, sim::Context& ctx) {
  const std::uint32_t pos = e.subject;
  sim::RandomStream rng = scan_stream(w, pos);
  const std::uint32_t address =
      w.strategy->next_probe(w.relevant.address(pos), w.scanner[pos], rng);
  if (const auto target = w.relevant.find(address)) deliver(w, pos, *target, rng, ctx);
  schedule_next(w, pos, 1.0, rng, ctx);
}

void Outbreak::on_deliver(Worm& w, const sim::Event& e, sim::Context& ctx) {
  const std::uint32_t pos = e.subject;
  const std::uint32_t host = w.slot[pos].host;
  HostState& hs = *hosts_;
  if (hs.at[host].down) return;  // rebooting: nothing answers
  const HostTable& hosts = world_.hosts;
  const Os os = hosts.os[host];
  auto& b = books(ctx);
  std::uint16_t tag = e.tag;
  if (defences_ && blocked_at_target(w, pos, e.aux, tag, ctx)) {
    ++b.probes_blocked;
    return;
  }
  const bool infection_gets_through = (tag & kNoInfect) == 0;
  const std::uint16_t services = hosts.services[host];
  const std::uint8_t patches = hosts.patches[host];
  if (w.kind == Worm::Kind::codered_v1 || w.kind == Worm::Kind::codered_v2 ||
      w.kind == Worm::Kind::codered_ii) {              // the Code Red family, on TCP 80
    if (hs.at[host].iis_up_at > ctx.now().us) return;  // IIS is down
    // IIS 4.0 with URL redirection (fixed by MS01-044) crashes on the long request; Code Red
    // II's overflow also crashes IIS on NT 4.0 (fixed by MS01-033).
    const bool redirect = (services & kIis4Redirect) != 0 && (patches & kMs01044) == 0;
    const bool redirect_crash =
        w.kind == Worm::Kind::codered_ii
            ? is_nt4(os) && (redirect || ((services & (kIis4Index | kIis5Index)) != 0 &&
                                          (patches & kMs01033) == 0))
            : redirect;
    if (redirect_crash && !w.slot[pos].infectable) {
      // IIS 4.0 with URL redirection (Code Red) or IIS on NT 4.0 (Code Red II) crashes.
      hs.at[host].iis_up_at = (ctx.now() + w.iis_down_for).us;
      ++b.iis_crashes;
      record(ctx, host, OutbreakEvent::Kind::iis_crash, w.index, e.aux);
      return;
    }
    if (w.slot[pos].state == WormState::susceptible && infection_gets_through)
      infect(w, pos, e.aux, ctx);
    return;
  }
  if (w.kind == Worm::Kind::sadmind_iis) {
    if (os != Os::solaris) {  // an IIS server without MS00-078: the Unicode traversal
      if ((patches & kMs00078) == 0) deface(host, e.aux, w, ctx);
      return;
    }
    if (w.slot[pos].state == WormState::susceptible && (tag & kExploitOk) != 0 &&
        infection_gets_through)
      infect(w, pos, e.aux, ctx);
    return;
  }
  if (w.kind == Worm::Kind::welchia) {
    if (w.slot[pos].state != WormState::susceptible || hosts.antivirus[host] ||
        !infection_gets_through)
      return;
    w.patch_ok_pending[pos] = (tag & kTftpOk) != 0;
    infect(w, pos, e.aux, ctx);
    return;
  }
  if (w.kind == Worm::Kind::blaster) {
    if (hs.at[host].rpc_stopped) return;
    // Patched (by a patch policy or Welchia), or DCOM off: the exploit neither infects nor
    // crashes.
    if ((patches & kDcomFixes) != 0 || (services & kDcomRpc) == 0) return;
    if (os == Os::win2003) {
      // Server 2003 detects the overflow and stops RPC without being infected.
      hs.at[host].rpc_stopped = 1;
      ++b.rpc_stopped;
      record(ctx, host, OutbreakEvent::Kind::rpc_stopped, w.index, e.aux);
      b.worm[w.index].leave_live.push_back(pos);
      return;
    }
    const bool xp_offsets = (tag & kXpOffsets) != 0;
    const bool right_offsets = (is_xp(os) && xp_offsets) || (is_win2000(os) && !xp_offsets);
    if (!right_offsets) {  // NT 4.0, or the wrong guess: the RPC service crashes
      crash_rpc(host, e.aux, w, ctx);
      return;
    }
    if (w.slot[pos].state != WormState::susceptible || hosts.antivirus[host]) return;
    // The shell ran but msblast.exe never arrived (TFTP failed, or a firewall stopped the
    // shell or the pull).
    if ((tag & kTftpOk) == 0 || !infection_gets_through) return;
    // The infection completes when the TFTP pull does, if the host has not rebooted since.
    w.pending_source[pos] = e.aux;
    ctx.post_local(ctx.now() + w.tftp_time, kInfect, w.index, pos, hs.at[host].episode);
  }
}

void Outbreak::crash_rpc(std::uint32_t host, std::uint32_t source, const Worm& w,
                         sim::Context& ctx) {
  HostState& hs = *hosts_;
  auto& b = books(ctx);
  ++b.rpc_crashes;
  record(ctx, host, OutbreakEvent::Kind::rpc_crash, w.index, source);
  hs.at[host].ever_crashed = 1;
  if (hs.at[host].crash_pending) return;
  hs.at[host].crash_pending = 1;
  ctx.post_local(ctx.now() + w.reboot_after_crash, kRebootStart, 0, host, hs.at[host].episode);
}

// A web site's pages replaced: counted once per host, logged every time.
void Outbreak::deface(std::uint32_t host, std::uint32_t source, const Worm& w, sim::Context& ctx) {
  HostState& hs = *hosts_;
  if (hs.at[host].defaced) return;
  hs.at[host].defaced = 1;
  ++books(ctx).defaced;
  record(ctx, host, OutbreakEvent::Kind::defaced, w.index, source);
}

void Outbreak::infect(Worm& w, std::uint32_t pos, std::uint32_t source, sim::Context& ctx) {
  const std::uint32_t host = w.slot[pos].host;
  auto& b = books(ctx);
  auto& bw = b.worm[w.index];
  HostState& hs = *hosts_;
  w.slot[pos].state = WormState::infected;
  if (w.slot[pos].infected_at == kNever) {
    w.slot[pos].infected_at = static_cast<std::uint64_t>(ctx.now().us);
    w.slot[pos].infected_by = source;
    w.slot[pos].crashed_first = hs.at[host].ever_crashed;
    ++bw.infected_total;
  }
  record(ctx, host, OutbreakEvent::Kind::infected, w.index, source);
  --bw.susceptible;
  ++bw.infected_now;
  ++bw.new_infections;
  set_running(w, host, +1, ctx);
  if (w.shrink_on_infection) bw.leave_live.push_back(pos);
  if ((w.kind == Worm::Kind::codered_v1 || w.kind == Worm::Kind::codered_v2) &&
      world_.hosts.locale[host] == Locale::en)
    deface(host, source, w, ctx);  // "Hacked By Chinese!"
  if (w.kind == Worm::Kind::codered_ii && !hs.at[host].backdoor) {
    hs.at[host].backdoor = 1;  // root.exe in the scripts folders, explorer.exe trojan
    ++b.backdoored;
  }
  if (w.kind == Worm::Kind::welchia)
    welchia_cleans(host, w.patch_ok_pending[pos] != 0, w.patch_time, ctx);
  start_scanning(w, pos, ctx);
}

// Welchia deletes Blaster, downloads and installs MS03-026 (when that works: the host is then
// immune to every DCOM worm) and reboots the host to finish.
void Outbreak::welchia_cleans(std::uint32_t host, bool patched, sim::SimTime reboot_in,
                              sim::Context& ctx) {
  auto& b = books(ctx);
  for (auto& wp : worms_) {
    Worm& other = *wp;
    if (other.kind != Worm::Kind::blaster) continue;
    const std::size_t found = other.position_of(world_.hosts.address[host]);
    if (found >= other.slot.size()) continue;
    const auto p = static_cast<std::uint32_t>(found);
    auto& bo = b.worm[other.index];
    if (other.slot[p].state == WormState::infected) {
      stop_scanning(other, p, ctx);
      set_running(other, host, -1, ctx);
      --bo.infected_now;
      ++bo.susceptible;
      other.slot[p].state = WormState::susceptible;
      ++b.blaster_removed;
    }
    if (patched && other.slot[p].state == WormState::susceptible) {
      other.slot[p].state = WormState::immune;
      --bo.susceptible;
      bo.leave_live.push_back(p);
    }
  }
  if (patched) {
    ++b.patched_by_welchia;
    world_.hosts.patches[host] |= static_cast<std::uint8_t>(kMs03026);
  }
  hosts_->at[host].crash_pending = 1;  // the reboot is on its way
  ctx.post_local(ctx.now() + reboot_in, kRebootStart, 0, host, hosts_->at[host].episode);
}

void Outbreak::on_reboot_start(std::uint32_t host, sim::Context& ctx) {
  HostState& hs = *hosts_;
  if (hs.at[host].down) return;
  hs.at[host].down = 1;
  hs.at[host].crash_pending = 0;
  ++hs.at[host].episode;
  auto& b = books(ctx);
  ++b.down;
  ++b.reboots;
  record(ctx, host, OutbreakEvent::Kind::reboot, 0, host);
  // Every worm stops scanning; memory-resident ones are gone from the host.
  for (auto& wp : worms_) {
    Worm& w = *wp;
    const std::size_t pos = w.position_of(world_.hosts.address[host]);
    if (pos >= w.slot.size()) continue;
    const auto p = static_cast<std::uint32_t>(pos);
    stop_scanning(w, p, ctx);
    if (w.slot[p].state == WormState::infected) set_running(w, host, -1, ctx);
    if (w.memory_resident && w.slot[p].state == WormState::infected) {
      --b.worm[w.index].infected_now;
      if (w.slot[p].infectable) {
        w.slot[p].state = WormState::susceptible;
        ++b.worm[w.index].susceptible;
      } else {
        w.slot[p].state = WormState::immune;  // patched or protected since its infection
      }
    }
  }
  ctx.post_local(ctx.now() + reboot_time_, kRebootEnd, 0, host, hs.at[host].episode);
}

void Outbreak::on_reboot_end(std::uint32_t host, sim::Context& ctx) {
  HostState& hs = *hosts_;
  hs.at[host].down = 0;
  --books(ctx).down;
  record(ctx, host, OutbreakEvent::Kind::back_up, 0, host);
  resume_installs(host, ctx);
  for (auto& wp : worms_) {
    Worm& w = *wp;
    const std::size_t pos = w.position_of(world_.hosts.address[host]);
    if (pos >= w.slot.size() || w.slot[pos].state != WormState::infected) continue;
    set_running(w, host, +1, ctx);
    if (w.rescans_after_reboot) start_scanning(w, static_cast<std::uint32_t>(pos), ctx);
  }
}

// The next event's per-position state (one cache line), fetched while the current one is
// handled: the handlers are bound by cache misses on state indexed by a random position.
void Outbreak::prefetch(const sim::Event& e) const {
  if (e.kind != kScan && e.kind != kDeliver) return;
  const Worm& w = *worms_[e.tag & kWormMask];
  const std::uint32_t pos = e.subject;
  __builtin_prefetch(w.slot.data() + pos);
  __builtin_prefetch(w.relevant.addresses().data() + pos);
}

void Outbreak::handle(const sim::Event& e, sim::Context& ctx) {
  switch (e.kind) {
    case kScan:
    case kProbe: {
      Worm& w = *worms_[e.tag & kWormMask];
      if (e.aux != w.slot[e.subject].episode || !w.slot[e.subject].scanning)
        return;  // stopped since
      if (e.kind == kScan)
        on_scan(w, e, ctx);
      else
        on_probe(w, e, ctx);
      return;
    }
    case kDeliver:
      on_deliver(*worms_[e.tag & kWormMask], e, ctx);
      return;
    case kInfect: {
      Worm& w = *worms_[e.tag & kWormMask];
      const std::uint32_t host = w.slot[e.subject].host;
      if (e.aux == hosts_->at[host].episode && !hosts_->at[host].down &&
          w.slot[e.subject].state == WormState::susceptible)
        infect(w, e.subject, w.pending_source[e.subject], ctx);
      return;
    }
    case kCalendarStop: {
      Worm& w = *worms_[e.tag & kWormMask];
      const std::uint32_t p = ctx.partition();
      for (std::uint32_t i = w.partition_begin[p]; i < w.partition_begin[p + 1]; ++i) {
        const std::uint32_t pos = w.partition_positions[i];
        if (w.slot[pos].scanning && w.slot[pos].calendar_stop &&
            w.slot[pos].scan_until == ctx.now())
          stop_scanning(w, pos, ctx);
      }
      return;
    }
    case kWormRemove: {
      Worm& w = *worms_[e.tag & kWormMask];
      if (e.aux == w.slot[e.subject].episode) remove_worm(w, e.subject, ctx);
      return;
    }
    case kWormReboot: {
      Worm& w = *worms_[e.tag & kWormMask];
      if (e.aux == w.slot[e.subject].episode) on_reboot_start(w.slot[e.subject].host, ctx);
      return;
    }
    case kRebootStart:
      if (e.aux == hosts_->at[e.subject].episode) on_reboot_start(e.subject, ctx);
      return;
    case kRebootEnd:
      if (e.aux == hosts_->at[e.subject].episode) on_reboot_end(e.subject, ctx);
      return;
    case kDefenceHost:
      on_defence_host(e.tag, e.subject, ctx);
      return;
    case kDefenceSite:
      on_defence_site(e.tag, e.subject, ctx);
      return;
    case kInstallDone:
      on_install_done(e, ctx);
      return;
    case kDetect:
      if (e.aux == hosts_->at[e.subject].episode) on_detect(e, ctx);
      return;
    case kCleanDone:
      on_clean_done(e.tag, e.subject, ctx);
      return;
    default:
      throw std::logic_error("Outbreak: unknown event kind " + std::to_string(e.kind));
  }
}

void Outbreak::on_sample(sim::SimTime t, std::uint64_t) {
  if (options_.progress_us != nullptr) options_.progress_us->store(t.us, std::memory_order_relaxed);
  refresh_live(t);
  curves_.begin_sample(t);
  std::size_t m = 0;
  double by_port[3] = {}, flood = 0;  // tcp80, tcp135, icmp
  for (auto& wp : worms_) {
    Worm& w = *wp;
    std::int64_t sus = 0, now = 0, total = 0, scanning = 0, fresh = 0, hits = 0;
    double probes = 0;
    for (PartitionBooks& pb : books_) {
      auto& b = pb.worm[w.index];
      b.account(t, 0, 0);
      sus += b.susceptible;
      now += b.infected_now;
      total += b.infected_total;
      scanning += b.scanning;
      fresh += b.new_infections;
      probes += b.probes;
      hits += b.hits;
      flood += b.flood;
      b.new_infections = 0;
    }
    curves_.set(metric_ids_[m++], static_cast<double>(sus));
    curves_.set(metric_ids_[m++], static_cast<double>(now));
    curves_.set(metric_ids_[m++], static_cast<double>(total));
    curves_.set(metric_ids_[m++], static_cast<double>(scanning));
    curves_.set(metric_ids_[m++], static_cast<double>(fresh));
    curves_.set(metric_ids_[m++], std::round(probes));
    by_port[static_cast<int>(w.port)] += std::round(probes);
    // Welchia tries its exploits (TCP 135, or TCP 80 for WebDAV) on the hosts that answer its
    // echo: counted as TCP 135 attempts.
    if (w.kind == Worm::Kind::welchia) by_port[1] += static_cast<double>(hits);
  }
  curves_.set(metric_ids_[m++], by_port[0]);
  curves_.set(metric_ids_[m++], by_port[1]);
  curves_.set(metric_ids_[m++], by_port[2]);
  curves_.set(metric_ids_[m++], std::round(flood));
  std::int64_t totals[15] = {};
  for (const PartitionBooks& b : books_) {
    totals[0] += b.down;
    totals[1] += b.rpc_crashes;
    totals[2] += b.iis_crashes;
    totals[3] += b.reboots;
    totals[4] += b.defaced;
    totals[5] += b.backdoored;
    totals[6] += b.rpc_stopped;
    totals[7] += b.patched_by_welchia;
    totals[8] += b.blaster_removed;
    totals[9] += b.patched;
    totals[10] += b.protected_hosts;
    totals[11] += b.installs_interrupted;
    totals[12] += b.probes_blocked;
    totals[13] += b.disconnected;
    totals[14] += b.cleaned;
  }
  for (std::int64_t v : totals) curves_.set(metric_ids_[m++], static_cast<double>(v));
  if (network_) {
    std::int64_t lost = 0;
    for (const PartitionBooks& b : books_) lost += b.hits_lost;
    network_->sample(t);
    const NetworkRuntime& n = *network_;
    for (double v :
         {std::round(n.worm_bps()), n.max_utilisation(), static_cast<double>(n.links_above_80()),
          static_cast<double>(n.links_above_100()), static_cast<double>(lost),
          static_cast<double>(n.devices_down()), static_cast<double>(n.device_crashes()),
          static_cast<double>(n.sites_cut_off()), static_cast<double>(n.hosts_cut_off())})
      curves_.set(metric_ids_[m++], v);
  }
}

// Hosts infected since the last refresh stay in the live set, so hits on them are drawn (and
// come to nothing) until the next refresh. The live sets are refreshed at every sample and, when
// that is too far off, at steps brought forward for it: a worm with I hosts scanning at r
// probes/s each over N addresses, L of them live, infects about I (e^{r (L/N) D} - 1) of them
// in an interval D, and D is cut so that this stays below kRefreshShare of L. In the default
// scenario that allows more than the sample interval throughout; in a dense space, where the
// population is infected within seconds, refreshes come milliseconds apart instead of a minute
// of wasted hits. The times depend only on the books at refreshes, so every scheduler, with or
// without a network stepping in between, refreshes at the same times.
void Outbreak::refresh_live(sim::SimTime t) {
  for (auto& wp : worms_)
    for (PartitionBooks& pb : books_) {
      auto& b = pb.worm[wp->index];
      for (std::uint32_t pos : b.leave_live) wp->live.remove(pos);
      b.leave_live.clear();
    }
  constexpr double kRefreshShare = 0.05;
  constexpr std::int64_t kShortestUs = 1000;
  const std::int64_t every = scenario_.simulation.sample_every.us;
  const std::int64_t next_sample = (t.us / every + 1) * every;
  const double space = static_cast<double>(scenario_.address_space.prefix.size());
  double interval_s = std::numeric_limits<double>::infinity();
  for (const auto& wp : worms_) {
    const auto live = static_cast<double>(wp->live.live_count());
    double rate = 0, scanning = 0;
    for (const PartitionBooks& pb : books_) {
      rate += pb.worm[wp->index].rate_sum;
      scanning += static_cast<double>(pb.worm[wp->index].scanning);
    }
    if (!(live > 0) || !(rate > 0) || !(scanning > 0)) continue;
    const double growth = rate / scanning * live / space;  // per scanning host, per second
    interval_s = std::min(interval_s, std::log1p(kRefreshShare * live / scanning) / growth);
  }
  const double interval_us = interval_s * 1e6;
  next_refresh_ =
      interval_us < static_cast<double>(next_sample - t.us)
          ? sim::SimTime{t.us + std::max(kShortestUs, static_cast<std::int64_t>(interval_us))}
          : sim::SimTime::max();
  refresh_planned_ = true;
}

void Outbreak::on_step(sim::SimTime t) {
  if (t == next_refresh_) refresh_live(t);
  if (network_ && t.us % scenario_.network.step.us == 0) network_->step(t);
}

sim::SimTime Outbreak::next_step(sim::SimTime t, sim::SimTime every) {
  if (!refresh_planned_) refresh_live(t);  // before the first sample: plan from the start
  const sim::SimTime regular{(t.us / every.us + 1) * every.us};
  return next_refresh_ > t && next_refresh_ < regular ? next_refresh_ : regular;
}

sim::SimTime Outbreak::step_every() const {
  return network_ ? scenario_.network.step : scenario_.simulation.sample_every;
}

NetworkRecord Outbreak::take_network_record() {
  return network_ ? network_->take_record() : NetworkRecord{};
}

ReplicationSummary Outbreak::summarize(std::uint64_t events) const {
  ReplicationSummary s;
  s.replication = replication_;
  s.hosts = world_.hosts.size();
  s.events = events;
  for (const auto& wp : worms_) {
    const Worm& w = *wp;
    WormSummary ws;
    ws.model = w.model;
    ws.vulnerable = w.infectable_count;
    ws.initial_infected = w.initial_infected;
    std::vector<std::uint64_t> times;
    for (std::size_t j = 0; j < w.slot.size(); ++j) {
      if (w.slot[j].infected_at != kNever) times.push_back(w.slot[j].infected_at);
      if (w.slot[j].state == WormState::infected) ++ws.infected_now;
      if (w.slot[j].state == WormState::susceptible) ++ws.susceptible;
    }
    ws.infected_total = times.size();
    // Peak of new infections in one-minute bins since the start (seeded hosts excluded): the
    // earliest bin with the most.
    std::vector<std::uint64_t> per_minute;
    for (const std::uint64_t t : times) {
      if (t == 0) continue;
      const std::uint64_t b = t / 60'000'000;
      if (b >= per_minute.size()) per_minute.resize(b + 1, 0);
      ++per_minute[b];
    }
    std::uint64_t best = 0, best_bin = 0;
    for (std::size_t b = 0; b < per_minute.size(); ++b)
      if (per_minute[b] > best) {
        best = per_minute[b];
        best_bin = b;
      }
    // Times to 10/50/90%: order statistics, selected without sorting every time.
    const double fractions[3] = {0.1, 0.5, 0.9};
    for (std::size_t i = 0; i < 3; ++i) {
      const auto needed = static_cast<std::uint64_t>(
          std::max(1.0, std::ceil(fractions[i] * static_cast<double>(ws.vulnerable) - 1e-9)));
      if (ws.vulnerable > 0 && times.size() >= needed) {
        const auto nth = times.begin() + static_cast<std::ptrdiff_t>(needed - 1);
        std::nth_element(times.begin(), nth, times.end());
        ws.time_to_fraction_s[i] = static_cast<double>(*nth) * 1e-6;
      }
    }
    ws.peak_infections_per_minute = best;
    ws.peak_minute_start_s = static_cast<double>(best_bin) * 60.0;
    for (std::size_t j = 0; j < w.slot.size(); ++j) {
      if (w.slot[j].infected_at == kNever) continue;
      if (hosts_->at[w.slot[j].host].ever_crashed) ++s.infected_ever_crashed;
      if (w.slot[j].crashed_first) ++s.crashed_before_infection;
    }
    s.worms.push_back(std::move(ws));
  }
  for (const PartitionBooks& b : books_) {
    s.rpc_crashes += static_cast<std::uint64_t>(b.rpc_crashes);
    s.iis_crashes += static_cast<std::uint64_t>(b.iis_crashes);
    s.reboots += static_cast<std::uint64_t>(b.reboots);
    s.defaced += static_cast<std::uint64_t>(b.defaced);
    s.backdoored += static_cast<std::uint64_t>(b.backdoored);
    s.patched_by_welchia += static_cast<std::uint64_t>(b.patched_by_welchia);
    s.patched += static_cast<std::uint64_t>(b.patched);
    s.protected_hosts += static_cast<std::uint64_t>(b.protected_hosts);
    s.probes_blocked += static_cast<std::uint64_t>(b.probes_blocked);
    s.hosts_cleaned += static_cast<std::uint64_t>(b.cleaned);
  }
  if (network_) {
    const NetworkRuntime& n = *network_;
    s.has_network = true;
    for (const PartitionBooks& b : books_) s.hits_lost += static_cast<std::uint64_t>(b.hits_lost);
    s.device_crashes = n.device_crashes();
    s.peak_devices_down = n.peak_devices_down();
    s.peak_sites_cut_off = n.peak_sites_cut_off();
    s.peak_hosts_cut_off = n.peak_hosts_cut_off();
    s.links_saturated = n.links_saturated();
    s.max_link_utilisation = n.peak_utilisation();
    s.bytes_dropped = n.bits_dropped() / 8.0;
  }
  double flood = 0;  // summed as the curve sums it, so the two agree
  for (const auto& wp : worms_)
    for (const PartitionBooks& b : books_) flood += b.worm[wp->index].flood;
  s.flood_packets = static_cast<std::uint64_t>(std::llround(flood));
  if (!s.worms.empty()) static_cast<WormSummary&>(s) = s.worms.front();
  return s;
}

}  // namespace wormsim::models
