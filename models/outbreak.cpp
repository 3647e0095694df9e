#include "models/outbreak.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <unordered_map>

#include "models/scanning/uniform_scan.hpp"
#include "models/worm/calendar.hpp"
#include "sim/variates.hpp"

namespace wormsim::models {

namespace {

/// Code Red (v1, v2) infects IIS 4.0/5.0 that still has the Index Server .ida/.idq mappings.
bool is_vulnerable_to_code_red(std::uint16_t services) {
  return (services & (kIis4Index | kIis5Index)) != 0;
}

/// k distinct positions in [0, n), ascending (Floyd's algorithm).
std::vector<std::uint64_t> choose_distinct(std::uint64_t n, std::uint64_t k,
                                           sim::RandomStream& rng) {
  std::vector<std::uint64_t> chosen;
  chosen.reserve(k);
  for (std::uint64_t j = n - k; j < n; ++j) {
    const std::uint64_t t = sim::variates::uniform_below(rng, j + 1);
    if (std::find(chosen.begin(), chosen.end(), t) == chosen.end()) chosen.push_back(t);
    else chosen.push_back(j);
  }
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

}  // namespace

std::unique_ptr<ScanStrategy> make_strategy(const Scenario& scenario) {
  if (scenario.worm.model == "codered-v2")
    return std::make_unique<UniformScan>(scenario.address_space.prefix);
  throw std::logic_error("no scanning strategy for worm model " + scenario.worm.model);
}

Outbreak::Outbreak(const Scenario& scenario, World world, std::uint64_t replication,
                   OutbreakOptions options)
    : scenario_(scenario),
      world_(std::move(world)),
      replication_(replication),
      options_(options),
      key_(sim::stream_key(scenario.simulation.seed, replication)),
      clock_{scenario.worm.probe_rate_per_s},
      strategy_(make_strategy(scenario)) {
  const HostTable& hosts = world_.hosts;
  const std::size_t n = hosts.size();
  state_.assign(n, HostState::immune);
  stream_position_.assign(n, 0);
  scanner_.assign(n, ScannerState{});
  infected_at_.assign(n, kNever);
  scan_until_.assign(n, sim::SimTime{0});
  hit_probability_.assign(n, 0.0);
  relevant_position_.assign(n, 0);
  host_partition_.resize(n);
  for (std::uint32_t h = 0; h < n; ++h) host_partition_[h] = world_.partition_of_host(h);
  counters_.assign(world_.partitions, PartitionCounters{});

  std::vector<std::uint32_t> relevant_addresses;
  for (std::uint32_t h = 0; h < n; ++h) {
    if (!is_vulnerable_to_code_red(hosts.services[h])) continue;
    state_[h] = HostState::susceptible;
    ++counters_[world_.partition_of_host(h)].susceptible;
    relevant_position_[h] = static_cast<std::uint32_t>(relevant_host_.size());
    relevant_addresses.push_back(hosts.address[h]);
    relevant_host_.push_back(h);
  }
  relevant_ = sim::AddressIndex(std::move(relevant_addresses));
  live_ = sim::LiveIndex(relevant_);

  // The initially infected: distinct vulnerable hosts drawn uniformly.
  sim::RandomStream seeding(key_, 0, sim::Purpose::seeding);
  const std::uint64_t k = std::min<std::uint64_t>(scenario.worm.initial_infected, relevant_host_.size());
  for (std::uint64_t pos : choose_distinct(relevant_host_.size(), k, seeding)) {
    const std::uint32_t h = relevant_host_[pos];
    PartitionCounters& c = counters_[world_.partition_of_host(h)];
    state_[h] = HostState::infected;
    infected_at_[h] = 0;
    --c.susceptible;
    ++c.infected_now;
    ++c.infected_total;
    scan_until_[h] = spread_end(sim::SimTime{0});
    live_.remove(pos);
  }
  initial_infected_ = k;

  m_susceptible_ = curves_.declare({"susceptible", "hosts", "vulnerable hosts not infected"});
  m_infected_now_ = curves_.declare({"infected_now", "hosts", "hosts infected and not cleared"});
  m_infected_total_ = curves_.declare({"infected_total", "hosts", "distinct hosts ever infected"});
  m_scanning_ = curves_.declare({"scanning", "hosts", "infected hosts scanning at the sample"});
  m_new_ = curves_.declare(
      {"new_infections", "hosts", "infections since the previous sample"});
  m_probes_ = curves_.declare(
      {"probes_sent", "probes", "connection attempts sent since the start (rate x scanning time)"});
}

sim::SimTime Outbreak::spread_end(sim::SimTime infected) const {
  const std::int64_t epoch_s = scenario_.simulation.start_epoch_s + infected.us / 1'000'000;
  const std::int64_t end_s = spread_end_epoch_s(epoch_s, scenario_.worm.spread_until_day);
  if (end_s <= epoch_s) return infected;
  return sim::SimTime::from_s(end_s - scenario_.simulation.start_epoch_s);
}

sim::RandomStream Outbreak::scan_stream(std::uint32_t host) const {
  return sim::RandomStream(key_, world_.hosts.entity(host), sim::Purpose::scan,
                           stream_position_[host]);
}

void Outbreak::account_scanning(PartitionCounters& c, sim::SimTime now, std::int64_t delta) {
  c.scanning_host_us += c.scanning * (now - c.last_change).us;
  c.last_change = now;
  c.scanning += delta;
}

void Outbreak::start(sim::Context& ctx) {
  for (std::uint32_t h = 0; h < world_.hosts.size(); ++h)
    if (state_[h] == HostState::infected && host_partition_[h] == ctx.partition())
      start_scanning(h, ctx);
}

void Outbreak::start_scanning(std::uint32_t host, sim::Context& ctx) {
  if (scan_until_[host] <= ctx.now()) return;
  account_scanning(counters_[ctx.partition()], ctx.now(), +1);
  sim::RandomStream rng = scan_stream(host);
  const double p = options_.per_probe
                       ? 1.0
                       : strategy_->hit_probability(world_.hosts.address[host], live_);
  schedule_next(host, p, rng, ctx);
}

// Fast mode: the host's relevant hits are a Poisson process of rate rate * p, p the probability
// that a probe lands on a live relevant address; per-probe mode: p = 1, every probe is an event.
void Outbreak::schedule_next(std::uint32_t host, double p, sim::RandomStream& rng,
                             sim::Context& ctx) {
  hit_probability_[host] = p;
  const sim::SimTime until = scan_until_[host];
  sim::SimTime at = sim::SimTime::max();
  if (p > 0) at = ctx.now() + clock_.until_success(p, rng);
  stream_position_[host] = rng.position();
  if (at >= until) {
    ctx.post_local(until, kStopScanning, 0, host, 0);
    return;
  }
  ctx.post_local(at, options_.per_probe ? kProbe : kScan, 0, host, 0);
}

void Outbreak::deliver(std::uint32_t target, std::uint32_t source, sim::Context& ctx) {
  ctx.post(host_partition_[target], ctx.now() + scenario_.worm.exploit_delay, kDeliver, 0, target,
           source);
}

void Outbreak::infect(std::uint32_t host, sim::Context& ctx) {
  PartitionCounters& c = counters_[ctx.partition()];
  state_[host] = HostState::infected;
  infected_at_[host] = static_cast<std::uint64_t>(ctx.now().us);
  --c.susceptible;
  ++c.infected_now;
  ++c.infected_total;
  ++c.new_infections;
  c.left_relevant.push_back(relevant_position_[host]);
  scan_until_[host] = spread_end(ctx.now());
  start_scanning(host, ctx);
}

void Outbreak::handle(const sim::Event& e, sim::Context& ctx) {
  switch (e.kind) {
    case kScan: {
      // The pending hit was drawn with probability p_then; the live set may have shrunk since
      // (it only shrinks). Thinning: keep the hit with probability p_now / p_then, then draw
      // its target among the live addresses — exactly a Poisson process of rate rate * p_now.
      const std::uint32_t source = e.subject;
      const std::uint32_t address = world_.hosts.address[source];
      sim::RandomStream rng = scan_stream(source);
      const double p_then = hit_probability_[source];
      const double p_now = strategy_->hit_probability(address, live_);
      const bool kept = p_now >= p_then || sim::variates::uniform01(rng) * p_then < p_now;
      if (kept && p_now > 0)
        deliver(relevant_host_[strategy_->draw_target(address, live_, rng)], source, ctx);
      schedule_next(source, p_now, rng, ctx);
      break;
    }
    case kProbe: {
      sim::RandomStream rng = scan_stream(e.subject);
      const std::uint32_t address =
          strategy_->next_probe(world_.hosts.address[e.subject], scanner_[e.subject], rng);
      if (const auto pos = relevant_.find(address)) deliver(relevant_host_[*pos], e.subject, ctx);
      schedule_next(e.subject, 1.0, rng, ctx);
      break;
    }
    case kDeliver:
      if (state_[e.subject] == HostState::susceptible) infect(e.subject, ctx);
      break;
    case kStopScanning:
      account_scanning(counters_[ctx.partition()], ctx.now(), -1);
      break;
    default:
      throw std::logic_error("Outbreak: unknown event kind " + std::to_string(e.kind));
  }
}

void Outbreak::on_sample(sim::SimTime t, std::uint64_t) {
  std::int64_t susceptible = 0, infected_now = 0, infected_total = 0, scanning = 0, fresh = 0,
               scanning_us = 0;
  for (PartitionCounters& c : counters_) {
    account_scanning(c, t, 0);
    susceptible += c.susceptible;
    infected_now += c.infected_now;
    infected_total += c.infected_total;
    scanning += c.scanning;
    fresh += c.new_infections;
    scanning_us += c.scanning_host_us;
    c.new_infections = 0;
    for (std::uint32_t pos : c.left_relevant) live_.remove(pos);
    c.left_relevant.clear();
  }
  curves_.begin_sample(t);
  curves_.set(m_susceptible_, static_cast<double>(susceptible));
  curves_.set(m_infected_now_, static_cast<double>(infected_now));
  curves_.set(m_infected_total_, static_cast<double>(infected_total));
  curves_.set(m_scanning_, static_cast<double>(scanning));
  curves_.set(m_new_, static_cast<double>(fresh));
  curves_.set(m_probes_, std::round(clock_.rate_per_s * static_cast<double>(scanning_us) * 1e-6));
}

ReplicationSummary Outbreak::summarize(std::uint64_t events) const {
  ReplicationSummary s;
  s.replication = replication_;
  s.hosts = world_.hosts.size();
  s.vulnerable = relevant_host_.size();
  s.initial_infected = initial_infected_;
  s.events = events;
  std::vector<std::uint64_t> times;
  for (std::size_t h = 0; h < state_.size(); ++h) {
    if (infected_at_[h] != kNever) times.push_back(infected_at_[h]);
    if (state_[h] == HostState::infected) ++s.infected_now;
    if (state_[h] == HostState::susceptible) ++s.susceptible;
  }
  s.infected_total = times.size();
  std::sort(times.begin(), times.end());
  const double fractions[3] = {0.1, 0.5, 0.9};
  for (int i = 0; i < 3; ++i) {
    const auto needed = static_cast<std::uint64_t>(
        std::max(1.0, std::ceil(fractions[i] * static_cast<double>(s.vulnerable) - 1e-9)));
    if (s.vulnerable > 0 && times.size() >= needed)
      s.time_to_fraction_s[static_cast<std::size_t>(i)] = static_cast<double>(times[needed - 1]) * 1e-6;
  }
  // Peak of new infections in one-minute bins since the start (seeded hosts excluded).
  std::uint64_t best = 0, best_bin = 0, run = 0, bin = 0;
  for (std::uint64_t t : times) {
    if (t == 0) continue;
    const std::uint64_t b = t / 60'000'000;
    if (b != bin) {
      bin = b;
      run = 0;
    }
    if (++run > best) {
      best = run;
      best_bin = bin;
    }
  }
  s.peak_infections_per_minute = best;
  s.peak_minute_start_s = static_cast<double>(best_bin) * 60.0;
  return s;
}

}  // namespace wormsim::models
