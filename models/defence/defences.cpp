// The defences of a scenario as the outbreak applies them (REFERENCE.md, "Advised defences";
// models/README.md, "Defences"). Every change is an event on the partition that owns the host
// or the site it changes; hits are stopped where the state that decides lives: the source's
// side (its host firewall, its site's border, quarantine, blacklists and filters at its site)
// in deliver(), the target's side in on_deliver().
#include <algorithm>
#include <cmath>

#include "models/outbreak.hpp"
#include "models/outbreak_state.hpp"
#include "models/worm/worm_catalog.hpp"
#include "sim/variates.hpp"

namespace wormsim::models {

using namespace outbreak_detail;
namespace var = sim::variates;

namespace {

constexpr std::uint16_t kAllFlows = 0xFFFF;

/// The random stream of one host (or site) for one policy: its adoption draw, its detection
/// and cleaning delays. Independent of every other policy, host and purpose.
sim::RandomStream policy_stream(const std::array<std::uint32_t, 2>& key, std::uint64_t entity,
                                std::size_t policy, sim::Purpose purpose,
                                std::uint64_t position = 0) {
  return sim::RandomStream(key, entity ^ (static_cast<std::uint64_t>(policy) << 48), purpose,
                           position);
}

bool selects(const DefenceConfig& d, const Scenario& s, const HostTable& hosts, std::size_t h) {
  if (!d.populations.empty()) {
    const std::string& pop = s.populations[hosts.population[h]].name;
    if (std::find(d.populations.begin(), d.populations.end(), pop) == d.populations.end())
      return false;
  }
  if (!d.blocks.empty()) {
    const std::uint32_t a = hosts.address[h];
    bool inside = false;
    for (const sim::Prefix& b : d.blocks) inside = inside || b.contains(a);
    if (!inside) return false;
  }
  return true;
}

/// Whether a defence reboots hosts (or clears worms) in a way that can leave a host infectable
/// by Code Red v2 again after it was infected: patches of other holes and DCOM switches reboot
/// without closing Code Red's hole, and quarantine cleans hosts whose OS cannot take MS01-033.
bool may_restore_susceptible(const DefenceConfig& d) {
  switch (d.kind) {
    case DefenceKind::patch:
      return d.fix != kMs01033;
    case DefenceKind::disable_dcom:
    case DefenceKind::quarantine:
      return true;
    default:
      return false;
  }
}

}  // namespace

namespace {

/// Whether some policy of the kinds `pick` accepts may act on some host of the world.
template <typename Pick>
bool some_policy_acts(const Scenario& scenario, const World& world, Pick pick) {
  for (const DefenceConfig& d : scenario.defences) {
    if (!pick(d) || !(d.adoption.coverage > 0)) continue;
    for (std::size_t h = 0; h < world.hosts.size(); ++h)
      if (selects(d, scenario, world.hosts, h) &&
          defence_applies(d.kind, d.fix, world.hosts.os[h], world.hosts.services[h],
                          world.hosts.patches[h]))
        return true;
  }
  return false;
}

}  // namespace

bool Outbreak::defences_may_restore_susceptible(const Scenario& scenario, const World& world) {
  return some_policy_acts(scenario, world, may_restore_susceptible);
}

bool Outbreak::defences_clean_hosts(const Scenario& scenario, const World& world) {
  return some_policy_acts(scenario, world,
                          [](const DefenceConfig& d) { return d.kind == DefenceKind::quarantine; });
}

void Outbreak::init_defences() {
  if (scenario_.defences.empty()) return;
  defences_ = std::make_unique<Defences>();
  Defences& d = *defences_;
  const HostTable& hosts = world_.hosts;
  const std::size_t n = hosts.size(), sites = world_.sites.size();
  d.fw_in.assign(n, 0);
  d.fw_out.assign(n, 0);
  d.isolated.assign(n, 0);
  d.install_waiting.assign(n, 0);
  d.quarantine.assign(n, 0);
  d.site_in.assign(sites, 0);
  d.site_out.assign(sites, 0);
  d.site_isolated.assign(sites, 0);
  d.site_cleaning.assign(sites, 0);
  d.site_blacklist.assign(sites, 0);
  d.site_filter_from.assign(sites, sim::SimTime::max().us);
  // Hosts of each site, for the home-LAN rule.
  d.site_host_begin.assign(sites + 1, 0);
  for (std::size_t h = 0; h < n; ++h) ++d.site_host_begin[hosts.site[h] + 1];
  for (std::size_t s = 0; s < sites; ++s) d.site_host_begin[s + 1] += d.site_host_begin[s];
  d.site_hosts.resize(n);
  std::vector<std::uint32_t> fill(d.site_host_begin.begin(), d.site_host_begin.end() - 1);
  for (std::uint32_t h = 0; h < n; ++h) d.site_hosts[fill[hosts.site[h]]++] = h;

  // Which hosts some worm can touch: the only ones a host defence needs to act on.
  std::vector<std::uint8_t> relevant(n, 0);
  for (const auto& wp : worms_)
    for (const auto& slot : wp->slot) relevant[slot.host] = 1;
  d.partition_host_begin.assign(world_.partitions + 1, 0);
  for (std::uint32_t h = 0; h < n; ++h)
    if (relevant[h]) ++d.partition_host_begin[host_partition_[h] + 1];
  for (std::uint32_t p = 0; p < world_.partitions; ++p)
    d.partition_host_begin[p + 1] += d.partition_host_begin[p];
  d.partition_hosts.resize(d.partition_host_begin.back());
  std::vector<std::uint32_t> next(d.partition_host_begin.begin(), d.partition_host_begin.end() - 1);
  for (std::uint32_t h = 0; h < n; ++h)
    if (relevant[h]) d.partition_hosts[next[host_partition_[h]]++] = h;

  // The traffic each worm's attempts need, per target (few distinct kinds per worm).
  for (auto& wp : worms_) {
    Worm& w = *wp;
    w.attempt_of.resize(w.slot.size());
    for (std::size_t j = 0; j < w.slot.size(); ++j) {
      const std::uint32_t h = w.slot[j].host;
      const AttemptFlows f = attempt_flows(w.model, hosts.os[h], hosts.services[h]);
      std::size_t k = 0;
      while (k < w.attempt_kinds.size() && (w.attempt_kinds[k].reach != f.reach ||
                                            w.attempt_kinds[k].reach_back != f.reach_back ||
                                            w.attempt_kinds[k].infect != f.infect ||
                                            w.attempt_kinds[k].infect_back != f.infect_back))
        ++k;
      if (k == w.attempt_kinds.size()) w.attempt_kinds.push_back(f);
      w.attempt_of[j] = static_cast<std::uint8_t>(k);
    }
  }

  for (std::size_t p = 0; p < scenario_.defences.size(); ++p) {
    const DefenceConfig& c = scenario_.defences[p];
    Defences::Policy policy;
    policy.config = &c;
    if (c.kind == DefenceKind::blacklist)
      d.blacklist_reaction = std::min(d.blacklist_reaction, c.duration("reaction_time"));
    if (defence_per_site(c.kind)) {
      std::vector<std::uint8_t> chosen(sites, 0);
      for (std::size_t h = 0; h < n; ++h)
        if (selects(c, scenario_, hosts, h)) chosen[hosts.site[h]] = 1;
      for (std::size_t s = 0; s < sites; ++s) {
        if (!chosen[s]) continue;
        ++policy.selected;
        ++policy.eligible;
        sim::RandomStream rng = policy_stream(key_, s, p, sim::Purpose::defence_site);
        if (var::uniform01(rng) < c.adoption.coverage) ++policy.adopting;
      }
    } else {
      for (std::size_t h = 0; h < n; ++h) {
        if (!selects(c, scenario_, hosts, h)) continue;
        ++policy.selected;
        if (!relevant[h] ||
            !defence_applies(c.kind, c.fix, hosts.os[h], hosts.services[h], hosts.patches[h]))
          continue;
        ++policy.eligible;
        sim::RandomStream rng = policy_stream(key_, hosts.entity(h), p, sim::Purpose::defence);
        if (adoption_delay(c.adoption, var::uniform01(rng))) ++policy.adopting;
      }
    }
    d.policies.push_back(policy);
  }
}

std::vector<ActionLogEntry> Outbreak::action_log() const {
  std::vector<ActionLogEntry> log;
  if (!defences_) return log;
  for (const Defences::Policy& p : defences_->policies) {
    const DefenceConfig& c = *p.config;
    log.push_back({c.start, c.name, std::string(defence_kind_name(c.kind)), c.is_action,
                   defence_per_site(c.kind), p.selected, p.eligible, p.adopting});
  }
  return log;
}

// Posts, for one partition, every adoption of every policy at its time.
void Outbreak::start_defences(sim::Context& ctx) {
  if (!defences_) return;
  const HostTable& hosts = world_.hosts;
  const std::uint32_t part = ctx.partition();
  for (std::size_t p = 0; p < scenario_.defences.size(); ++p) {
    const DefenceConfig& c = scenario_.defences[p];
    if (defence_per_site(c.kind)) {
      for (std::size_t s = 0; s < world_.sites.size(); ++s) {
        if (world_.site_partition[s] != part) continue;
        bool any = false;
        for (std::uint32_t i = defences_->site_host_begin[s];
             i < defences_->site_host_begin[s + 1] && !any; ++i)
          any = selects(c, scenario_, hosts, defences_->site_hosts[i]);
        if (!any) continue;
        sim::RandomStream rng = policy_stream(key_, s, p, sim::Purpose::defence_site);
        if (var::uniform01(rng) < c.adoption.coverage)
          ctx.post_local(c.start, kDefenceSite, static_cast<std::uint16_t>(p),
                         static_cast<std::uint32_t>(s), 0);
      }
      continue;
    }
    for (std::uint32_t i = defences_->partition_host_begin[part];
         i < defences_->partition_host_begin[part + 1]; ++i) {
      const std::uint32_t h = defences_->partition_hosts[i];
      if (!selects(c, scenario_, hosts, h) ||
          !defence_applies(c.kind, c.fix, hosts.os[h], hosts.services[h], hosts.patches[h]))
        continue;
      sim::RandomStream rng = policy_stream(key_, hosts.entity(h), p, sim::Purpose::defence);
      if (const auto delay = adoption_delay(c.adoption, var::uniform01(rng)))
        ctx.post_local(c.start + *delay, kDefenceHost, static_cast<std::uint16_t>(p), h, 0);
    }
  }
}

void Outbreak::on_defence_site(std::uint16_t policy, std::uint32_t site, sim::Context& ctx) {
  Defences& d = *defences_;
  const DefenceConfig& c = scenario_.defences[policy];
  switch (c.kind) {
    case DefenceKind::border_firewall:
      d.site_in[site] |= c.flows_in;
      d.site_out[site] |= c.flows_out;
      break;
    case DefenceKind::blacklist:
      d.site_blacklist[site] = 1;
      break;
    case DefenceKind::content_filter:
      d.site_filter_from[site] =
          std::min(d.site_filter_from[site], (ctx.now() + c.duration("reaction_time")).us);
      break;
    default:
      break;
  }
}

void Outbreak::on_defence_host(std::uint16_t policy, std::uint32_t host, sim::Context& ctx) {
  Defences& d = *defences_;
  const DefenceConfig& c = scenario_.defences[policy];
  HostTable& hosts = world_.hosts;
  auto& b = books(ctx);
  auto defended = [&] {
    ++b.protected_hosts;
    record(ctx, host, OutbreakEvent::Kind::defended, policy, host);
  };
  switch (c.kind) {
    case DefenceKind::patch:
      begin_install(policy, host, ctx);
      return;
    case DefenceKind::remove_mappings: {
      std::uint16_t& s = hosts.services[host];
      if (s & kIis4Index) s = static_cast<std::uint16_t>((s & ~kIis4Index) | kIis4);
      if (s & kIis5Index) s = static_cast<std::uint16_t>((s & ~kIis5Index) | kIis5);
      defended();
      refresh_host(host, ctx);
      return;
    }
    case DefenceKind::disable_dcom:
      // Takes effect at the reboot it needs, which follows at once; on 2000 before SP3 (and NT
      // 4.0) the setting leaves the exploit working.
      if (dcom_disable_protects(hosts.os[host]))
        hosts.services[host] = static_cast<std::uint16_t>(hosts.services[host] & ~kDcomRpc);
      defended();
      refresh_host(host, ctx);
      on_reboot_start(host, ctx);
      return;
    case DefenceKind::disable_cis:
      defended();  // RPC over HTTP: no built-in worm uses it
      return;
    case DefenceKind::icf:
      d.fw_in[host] |= static_cast<std::uint16_t>(kAllFlows & ~c.flows_open);
      defended();
      refresh_host(host, ctx);
      return;
    case DefenceKind::ipsec:
      d.fw_in[host] |= c.flows_in;
      d.fw_out[host] |= c.flows_out;
      defended();
      refresh_host(host, ctx);
      return;
    case DefenceKind::antivirus:
      hosts.antivirus[host] = 1;
      defended();
      return;
    case DefenceKind::quarantine:
      d.quarantine[host] = static_cast<std::uint8_t>(policy + 1);
      watch_scanning(host, ctx);
      return;
    default:
      return;
  }
}

// A patch install: it takes install_time and ends with a reboot; a reboot (a crash) before
// then interrupts it, and it starts again when the host is back up.
void Outbreak::begin_install(std::uint16_t policy, std::uint32_t host, sim::Context& ctx) {
  HostState& hs = *hosts_;
  if (hs.at[host].down) {
    defences_->install_waiting[host] |= 1u << (policy % 32);
    return;
  }
  const DefenceConfig& c = scenario_.defences[policy];
  ctx.post_local(ctx.now() + c.duration("install_time"), kInstallDone, policy, host,
                 hs.at[host].episode);
}

void Outbreak::resume_installs(std::uint32_t host, sim::Context& ctx) {
  if (!defences_) return;
  std::uint32_t waiting = defences_->install_waiting[host];
  defences_->install_waiting[host] = 0;
  for (std::uint16_t p = 0; waiting != 0 && p < scenario_.defences.size(); ++p)
    if (waiting & (1u << (p % 32)) && scenario_.defences[p].kind == DefenceKind::patch)
      begin_install(p, host, ctx);
}

void Outbreak::on_install_done(const sim::Event& e, sim::Context& ctx) {
  const std::uint32_t host = e.subject;
  HostState& hs = *hosts_;
  auto& b = books(ctx);
  if (e.aux != hs.at[host].episode) {  // rebooted (crashed) while installing: start again
    ++b.installs_interrupted;
    begin_install(e.tag, host, ctx);
    return;
  }
  const DefenceConfig& c = scenario_.defences[e.tag];
  world_.hosts.patches[host] |= c.fix;
  ++b.patched;
  record(ctx, host, OutbreakEvent::Kind::patched, e.tag, host);
  refresh_host(host, ctx);
  on_reboot_start(host, ctx);  // the install's reboot: clears Code Red v1/v2 from memory
}

// Quarantine: a watched host that scans is detected after an exponential delay.
void Outbreak::watch_scanning(std::uint32_t host, sim::Context& ctx) {
  Defences& d = *defences_;
  if (d.quarantine[host] == 0 || d.isolated[host]) return;
  bool scanning = false;
  for (const auto& wp : worms_) {
    const std::size_t pos = wp->position_of(world_.hosts.address[host]);
    scanning = scanning || (pos < wp->slot.size() && wp->slot[pos].scanning);
  }
  if (!scanning) return;
  const std::uint16_t policy = static_cast<std::uint16_t>(d.quarantine[host] - 1);
  const DefenceConfig& c = scenario_.defences[policy];
  sim::RandomStream rng = policy_stream(key_, world_.hosts.entity(host), policy,
                                        sim::Purpose::defence, 2 + 2 * hosts_->at[host].episode);
  const double mean = c.duration("detect_after").seconds();
  const sim::SimTime delay =
      sim::SimTime::from_seconds(mean > 0 ? var::exponential(rng, 1.0 / mean) : 0.0);
  ctx.post_local(ctx.now() + delay, kDetect, policy, host, hosts_->at[host].episode);
}

void Outbreak::on_detect(const sim::Event& e, sim::Context& ctx) {
  Defences& d = *defences_;
  const std::uint32_t host = e.subject;
  if (d.isolated[host]) return;
  const std::uint32_t site = world_.hosts.site[host];
  const DefenceConfig& c = scenario_.defences[e.tag];
  auto& b = books(ctx);
  const sim::SimTime done = ctx.now() + c.duration("clean_time");
  if (c.text("scope") == "site") {
    // The home-LAN rule: the site is cut off until every machine in it is clean.
    if (d.site_isolated[site]) return;
    d.site_isolated[site] = 1;
    for (std::uint32_t i = d.site_host_begin[site]; i < d.site_host_begin[site + 1]; ++i) {
      const std::uint32_t h = d.site_hosts[i];
      d.isolated[h] = 2;  // cut off with its site
      ++d.site_cleaning[site];
      ++b.disconnected;
      record(ctx, h, OutbreakEvent::Kind::disconnected, e.tag, host);
      ctx.post_local(done, kCleanDone, e.tag, h, 0);
    }
    return;
  }
  d.isolated[host] = 1;
  ++b.disconnected;
  record(ctx, host, OutbreakEvent::Kind::disconnected, e.tag, host);
  ctx.post_local(done, kCleanDone, e.tag, host, 0);
}

void Outbreak::on_clean_done(std::uint16_t policy, std::uint32_t host, sim::Context& ctx) {
  Defences& d = *defences_;
  auto& b = books(ctx);
  clean_host(host, ctx);
  ++b.cleaned;
  record(ctx, host, OutbreakEvent::Kind::cleaned, policy, host);
  --b.disconnected;
  const bool with_site = d.isolated[host] == 2;
  d.isolated[host] = 0;
  if (with_site) {
    const std::uint32_t site = world_.hosts.site[host];
    if (--d.site_cleaning[site] == 0) d.site_isolated[site] = 0;
  }
}

// Cleaning: every worm removed (a reinstall where the worm persists), every fix the OS can
// take applied.
void Outbreak::clean_host(std::uint32_t host, sim::Context& ctx) {
  HostTable& hosts = world_.hosts;
  for (const auto& f : kPatchNames)
    if (can_install(static_cast<Patch>(f.bit), hosts.os[host]))
      hosts.patches[host] |= static_cast<std::uint8_t>(f.bit);
  auto& b = books(ctx);
  for (auto& wp : worms_) {
    Worm& w = *wp;
    const std::size_t found = w.position_of(hosts.address[host]);
    if (found >= w.slot.size()) continue;
    const auto pos = static_cast<std::uint32_t>(found);
    if (w.slot[pos].state != WormState::infected) continue;
    stop_scanning(w, pos, ctx);
    auto& bw = b.worm[w.index];
    if (!hosts_->at[host].down) set_running(w, host, -1, ctx);
    --bw.infected_now;
    ++bw.susceptible;
    w.slot[pos].state = WormState::susceptible;
  }
  refresh_host(host, ctx);
}

// After a host's OS services, fixes or firewall changed: what each worm can still do to it.
void Outbreak::refresh_host(std::uint32_t host, sim::Context& ctx) {
  const HostTable& hosts = world_.hosts;
  const Defences* d = defences_.get();
  auto& b = books(ctx);
  for (auto& wp : worms_) {
    Worm& w = *wp;
    const std::size_t found = w.position_of(hosts.address[host]);
    if (found >= w.slot.size()) continue;
    const auto pos = static_cast<std::uint32_t>(found);
    const AttemptFlows& f = w.attempt_kinds[w.attempt_of[pos]];
    const std::uint16_t in = d ? d->fw_in[host] : 0, out = d ? d->fw_out[host] : 0;
    const bool reachable = (in & f.reach) == 0 && (out & f.reach_back) == 0;
    const bool relevant = reachable && is_relevant(w.model, hosts.os[host], hosts.services[host],
                                                   hosts.patches[host]);
    const bool infectable =
        relevant && (in & f.infect) == 0 && (out & f.infect_back) == 0 &&
        is_infectable(w.model, hosts.os[host], hosts.services[host], hosts.patches[host]);
    w.slot[pos].infectable = infectable ? 1 : 0;
    if (!infectable && w.slot[pos].state == WormState::susceptible) {
      w.slot[pos].state = WormState::immune;
      --b.worm[w.index].susceptible;
    }
    if (!relevant) b.worm[w.index].leave_live.push_back(pos);
  }
}

bool Outbreak::blocked_at_source(const Worm& w, std::uint32_t source_pos, std::size_t target_pos,
                                 std::uint16_t& tag, sim::Context& ctx) {
  const Defences& d = *defences_;
  const std::uint32_t source = w.slot[source_pos].host, target = w.slot[target_pos].host;
  const AttemptFlows& f = w.attempt_kinds[w.attempt_of[target_pos]];
  const std::uint32_t site = world_.hosts.site[source];
  const bool crossing = site != world_.hosts.site[target];
  const std::int64_t now = ctx.now().us;
  const bool known =
      d.blacklist_reaction != sim::SimTime::max() && w.slot[source_pos].infected_at != kNever &&
      now >= static_cast<std::int64_t>(w.slot[source_pos].infected_at) + d.blacklist_reaction.us;
  if (known) tag |= kBlacklisted;
  if (d.isolated[source] == 1) return true;
  if ((d.fw_out[source] & f.reach) || (d.fw_in[source] & f.reach_back)) return true;
  if ((d.fw_out[source] & f.infect) || (d.fw_in[source] & f.infect_back)) tag |= kNoInfect;
  if (!crossing) return false;
  if (d.site_isolated[site]) return true;
  if ((d.site_out[site] & f.reach) || (d.site_in[site] & f.reach_back)) return true;
  if ((d.site_out[site] & f.infect) || (d.site_in[site] & f.infect_back)) tag |= kNoInfect;
  if (now >= d.site_filter_from[site]) return true;
  if (known && d.site_blacklist[site]) return true;
  return false;
}

bool Outbreak::blocked_at_target(const Worm& w, std::uint32_t pos, std::uint32_t source,
                                 std::uint16_t& tag, sim::Context& ctx) {
  const Defences& d = *defences_;
  const std::uint32_t target = w.slot[pos].host;
  const AttemptFlows& f = w.attempt_kinds[w.attempt_of[pos]];
  const std::uint32_t site = world_.hosts.site[target];
  if (d.isolated[target] == 1) return true;
  if ((d.fw_in[target] & f.reach) || (d.fw_out[target] & f.reach_back)) return true;
  if ((d.fw_in[target] & f.infect) || (d.fw_out[target] & f.infect_back)) tag |= kNoInfect;
  if (site == world_.hosts.site[source]) return false;
  if (d.site_isolated[site]) return true;
  if ((d.site_in[site] & f.reach) || (d.site_out[site] & f.reach_back)) return true;
  if ((d.site_in[site] & f.infect) || (d.site_out[site] & f.infect_back)) tag |= kNoInfect;
  if (ctx.now().us >= d.site_filter_from[site]) return true;
  if ((tag & kBlacklisted) && d.site_blacklist[site]) return true;
  return false;
}

}  // namespace wormsim::models
