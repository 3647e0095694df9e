#include "models/contact/contact_epidemic.hpp"

#include <fmt/format.h>

#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "net/generators.hpp"
#include "net/topology.hpp"
#include "sim/random.hpp"
#include "sim/variates.hpp"

namespace wormsim::models {

namespace {

// Node numbers and arc indices are 32-bit; offsets hold one more entry than there are nodes.
constexpr std::uint32_t kMaxNodes = std::numeric_limits<std::uint32_t>::max() - 1;
constexpr std::uint64_t kMaxArcs = std::numeric_limits<std::uint32_t>::max();

constexpr double kInfinity = std::numeric_limits<double>::infinity();

/// Non-negative doubles order like their bit patterns read as unsigned integers, so the queue
/// works on integers.
std::uint64_t time_key(double t) {
  return std::bit_cast<std::uint64_t>(t);
}
double key_time(std::uint64_t key) {
  return std::bit_cast<double>(key);
}

void check_rate(double rate, const char* what) {
  if (!(rate >= 0.0) || !std::isfinite(rate))
    throw std::invalid_argument(
        fmt::format("ContactEpidemic: {} must be finite and not negative, got {}", what, rate));
}

}  // namespace

// A monotone priority queue of tentative infections: a radix heap on the time's bits (Ahuja,
// Mehlhorn, Orlin, Tarjan, "Faster algorithms for the shortest path problem", JACM 1990). Every
// key pushed is at least the last key popped (an infection schedules only later ones), so entries
// sit in the bucket of the highest bit in which they differ from the last popped key, and an
// entry moves to a lower bucket at most once per bit: pushes cost O(1), pops amortised O(log of
// the key range), with no comparisons of entries far apart. Entries of equal keys pop in an
// unspecified but fixed order, which the process does not depend on (see ContactEpidemic).
struct ContactWorkspace::Queue {
  struct Entry {
    std::uint64_t key;
    std::uint32_t node;
    // The node's arcs, read from its state when the transmission was scheduled (in cache then),
    // so that a pop can fetch them without first waiting for the node's state.
    std::uint32_t first_arc, end_arc;
  };

  bool empty() const { return size == 0; }
  void clear() {
    for (auto& b : buckets) b.clear();
    used = 0;
    last = 0;
    size = 0;
    pushes = 0;
  }
  void push(const Entry& e) {
    const auto b = static_cast<unsigned>(std::bit_width(e.key ^ last));
    buckets[b].push_back(e);
    if (b > 0) used |= std::uint64_t{1} << (b - 1);
    ++size;
    ++pushes;
  }
  Entry pop() {
    if (buckets[0].empty()) refill();
    const Entry e = buckets[0].back();
    buckets[0].pop_back();
    --size;
    return e;
  }

  /// Bucket 0 is empty: the least non-empty bucket's least key becomes `last`, and its entries
  /// move down around it (they all agree with it above their old highest differing bit, so each
  /// lands lower; those equal to it in bucket 0). Other buckets' entries stay where they are: the
  /// new `last` agrees with the old one on every bit above this bucket's.
  void refill() {
    const auto b = static_cast<unsigned>(std::countr_zero(used)) + 1;
    std::vector<Entry>& from = buckets[b];
    std::uint64_t least = from.front().key;
    for (const Entry& e : from) least = std::min(least, e.key);
    last = least;
    used &= ~(std::uint64_t{1} << (b - 1));
    for (const Entry& e : from) {
      const auto to = static_cast<unsigned>(std::bit_width(e.key ^ last));
      buckets[to].push_back(e);
      if (to > 0) used |= std::uint64_t{1} << (to - 1);
    }
    from.clear();
  }

  std::array<std::vector<Entry>, 65> buckets;  // bucket b: highest differing bit b - 1
  std::uint64_t used = 0;                      // bit b - 1 set when bucket b > 0 holds entries
  std::uint64_t last = 0;
  std::size_t size = 0;
  std::uint64_t pushes = 0;  // since the last clear
};

namespace {

/// Sorts non-negative times (as their bit patterns) by a least-significant-digit radix sort, 11
/// bits a pass, skipping the passes whose digit is the same for every key. `scratch` is reused.
void sort_times(std::vector<std::uint64_t>& keys, std::vector<std::uint64_t>& scratch) {
  constexpr unsigned kBits = 11, kPasses = (64 + kBits - 1) / kBits;
  constexpr std::size_t kDigits = std::size_t{1} << kBits;
  if (keys.size() < 256) {
    std::sort(keys.begin(), keys.end());
    return;
  }
  std::vector<std::array<std::uint32_t, kDigits>> counts(kPasses);
  for (auto& c : counts) c.fill(0);
  for (std::uint64_t k : keys)
    for (unsigned p = 0; p < kPasses; ++p) ++counts[p][(k >> (p * kBits)) & (kDigits - 1)];
  scratch.resize(keys.size());
  for (unsigned p = 0; p < kPasses; ++p) {
    auto& c = counts[p];
    if (c[(keys.front() >> (p * kBits)) & (kDigits - 1)] == keys.size()) continue;
    std::uint32_t sum = 0;
    for (auto& slot : c) {
      const std::uint32_t count = slot;
      slot = sum;
      sum += count;
    }
    for (std::uint64_t k : keys) scratch[c[(k >> (p * kBits)) & (kDigits - 1)]++] = k;
    keys.swap(scratch);
  }
}

}  // namespace

ContactWorkspace::ContactWorkspace() : queue_(std::make_unique<Queue>()) {}
ContactWorkspace::~ContactWorkspace() = default;
ContactWorkspace::ContactWorkspace(ContactWorkspace&&) noexcept = default;
ContactWorkspace& ContactWorkspace::operator=(ContactWorkspace&&) noexcept = default;

// ---- ContactGraph ---------------------------------------------------------------------------

ContactGraph ContactGraph::from_edges(std::uint32_t node_count,
                                      std::span<const std::pair<Node, Node>> edges) {
  if (node_count > kMaxNodes)
    throw std::invalid_argument(
        fmt::format("ContactGraph: at most {} nodes, got {}", kMaxNodes, node_count));
  if (2 * static_cast<std::uint64_t>(edges.size()) > kMaxArcs)
    throw std::invalid_argument(
        fmt::format("ContactGraph: at most {} edges, got {}", kMaxArcs / 2, edges.size()));
  ContactGraph g;
  g.offsets_.assign(static_cast<std::size_t>(node_count) + 1, 0);
  for (const auto& [u, v] : edges) {
    if (u >= node_count || v >= node_count)
      throw std::invalid_argument(fmt::format(
          "ContactGraph: edge ({}, {}) names a node out of range (nodes: {})", u, v, node_count));
    if (u == v) throw std::invalid_argument(fmt::format("ContactGraph: self-loop at node {}", u));
    ++g.offsets_[u + 1];
    ++g.offsets_[v + 1];
  }
  for (std::size_t v = 0; v < node_count; ++v) g.offsets_[v + 1] += g.offsets_[v];
  g.targets_.resize(g.offsets_.back());
  // Filling in edge order keeps each node's neighbours in the order of the edges naming it.
  std::vector<std::uint32_t> next(g.offsets_.begin(), g.offsets_.end() - 1);
  for (const auto& [u, v] : edges) {
    g.targets_[next[u]++] = v;
    g.targets_[next[v]++] = u;
  }
  return g;
}

ContactGraph ContactGraph::from_topology(const net::Topology& topology) {
  const net::Graph& graph = topology.graph();
  const std::size_t n = topology.node_count();
  if (n > kMaxNodes)
    throw std::invalid_argument(
        fmt::format("ContactGraph: at most {} nodes, got {}", kMaxNodes, n));
  if (2 * static_cast<std::uint64_t>(topology.link_count()) > kMaxArcs)
    throw std::invalid_argument(
        fmt::format("ContactGraph: at most {} edges, got {}", kMaxArcs / 2, topology.link_count()));
  ContactGraph g;
  g.offsets_.assign(n + 1, 0);
  g.targets_.reserve(2 * topology.link_count());
  for (std::size_t v = 0; v < n; ++v) {
    for (const auto e : boost::make_iterator_range(boost::out_edges(v, graph)))
      g.targets_.push_back(static_cast<Node>(boost::target(e, graph)));
    g.offsets_[v + 1] = static_cast<std::uint32_t>(g.targets_.size());
  }
  return g;
}

ContactGraph barabasi_albert_graph(std::uint32_t nodes, std::uint32_t m, std::uint64_t seed) {
  net::PowerLawParams params;
  params.nodes = nodes;
  params.m = m;
  const auto links = net::as_powerlaw_links(params, seed);
  return ContactGraph::from_edges(nodes, links);
}

// ---- ContactEpidemic ------------------------------------------------------------------------

ContactEpidemic::ContactEpidemic(const ContactGraph& graph, ContactSettings settings)
    : graph_(graph), settings_(std::move(settings)) {
  const ContactRates& r = settings_.rates;
  if (r.transmission_per_arc.empty()) {
    check_rate(r.transmission, "the transmission rate");
    max_transmission_ = r.transmission;
  } else {
    if (r.transmission_per_arc.size() != graph_.arc_count())
      throw std::invalid_argument(fmt::format("ContactEpidemic: {} transmission rates for {} arcs",
                                              r.transmission_per_arc.size(), graph_.arc_count()));
    for (double rate : r.transmission_per_arc) {
      check_rate(rate, "every transmission rate");
      max_transmission_ = std::max(max_transmission_, rate);
    }
  }
  if (r.recovery_per_node.empty()) {
    check_rate(r.recovery, "the recovery rate");
  } else {
    if (r.recovery_per_node.size() != graph_.node_count())
      throw std::invalid_argument(fmt::format("ContactEpidemic: {} recovery rates for {} nodes",
                                              r.recovery_per_node.size(), graph_.node_count()));
    for (double rate : r.recovery_per_node) check_rate(rate, "every recovery rate");
  }
  if (!(settings_.sample_every >= 0.0) || !std::isfinite(settings_.sample_every))
    throw std::invalid_argument(
        fmt::format("ContactEpidemic: the sample step must be finite and not negative, got {}",
                    settings_.sample_every));
  if (settings_.initial_nodes.empty()) {
    if (settings_.initial_infected > graph_.node_count())
      throw std::invalid_argument(
          fmt::format("ContactEpidemic: {} initial infections among {} nodes",
                      settings_.initial_infected, graph_.node_count()));
  } else {
    std::vector<bool> seen(graph_.node_count());
    for (ContactGraph::Node v : settings_.initial_nodes) {
      if (v >= graph_.node_count())
        throw std::invalid_argument(fmt::format(
            "ContactEpidemic: initial node {} out of range (nodes: {})", v, graph_.node_count()));
      if (seen[v])
        throw std::invalid_argument(fmt::format("ContactEpidemic: initial node {} given twice", v));
      seen[v] = true;
    }
  }
}

ContactRunResult ContactEpidemic::run(std::uint64_t replication) const {
  ContactWorkspace workspace;
  return run(replication, workspace);
}

// Node v's arcs: word 1 + k of its stream is the uniform of its k-th arc, drawn whatever the
// neighbour's state. The arc transmits when its delay D = -ln(U)/tau is below the recovery delay
// R, that is when U > exp(-tau R); most arcs fail (with probability gamma/(tau + gamma) when
// both are uniform), so a threshold on the raw word, exp(-tau_max R) shrunk by a relative 1e-9
// (far beyond the rounding of exp, log and the division), rejects them without a logarithm and
// without touching the neighbour's state. The threshold is only conservative: every arc it lets
// through is decided by D < R exactly as without it.
template <bool kPerArc>
void ContactEpidemic::spread(ContactWorkspace& w, sim::RandomStream& stream, double now,
                             std::uint32_t first_arc, std::uint32_t end_arc,
                             double recovery_delay) const {
  const double threshold = std::exp(-max_transmission_ * recovery_delay);
  const auto reject_below = static_cast<std::uint64_t>(threshold * (1.0 - 1e-9) * 0x1.0p53);
  const std::uint32_t* targets = graph_.targets().data();
  const double* per_arc = settings_.rates.transmission_per_arc.data();
  const double tau = settings_.rates.transmission;
  ContactWorkspace::NodeState* nodes = w.nodes_.data();
  const std::uint64_t* infected = w.infected_.data();
  ContactWorkspace::Queue& queue = *w.queue_;
  // Transmissions are collected a few at a time and their targets prefetched, so that their
  // cache misses overlap instead of following one another.
  constexpr unsigned kBatch = 8;
  std::array<std::pair<std::uint32_t, double>, kBatch> batch;
  unsigned held = 0;
  const auto commit = [&] {
    for (unsigned i = 0; i < held; ++i) {
      const auto [target, t] = batch[i];
      // The target is susceptible (nothing is infected while a node spreads); it keeps an
      // earlier pending infection time if it has one.
      ContactWorkspace::NodeState& state = nodes[target];
      if (t < state.best) {
        state.best = t;
        queue.push({time_key(t), target, state.first_arc, state.end_arc});
      }
    }
    held = 0;
  };
  for (std::uint32_t a = first_arc; a < end_arc; ++a) {
    const std::uint64_t bits = stream.next_u64() >> 11;
    if (bits < reject_below) continue;
    const double rate = kPerArc ? per_arc[a] : tau;
    if (kPerArc && rate == 0.0) continue;
    // sim::variates::exponential's transform of the same word.
    const double delay = -std::log(static_cast<double>(bits + 1) * 0x1.0p-53) / rate;
    if (!(delay < recovery_delay)) continue;
    const std::uint32_t target = targets[a];
    // Over a third of transmissions reach a node already infected (the one that infected this
    // one, for a start): the in-cache bit set turns them away without touching their state.
    if (infected[target / 64] & (std::uint64_t{1} << (target % 64))) continue;
    __builtin_prefetch(&nodes[target]);
    batch[held++] = {target, now + delay};
    if (held == kBatch) commit();
  }
  commit();
}

ContactRunResult ContactEpidemic::run(std::uint64_t replication, ContactWorkspace& w) const {
  const std::uint32_t n = graph_.node_count();
  const ContactRates& rates = settings_.rates;
  const bool per_arc = !rates.transmission_per_arc.empty();
  const bool per_node = !rates.recovery_per_node.empty();

  ContactRunResult r;
  r.replication = replication;
  r.nodes = n;
  auto& nodes = w.nodes_;
  nodes.resize(n);
  const auto& offsets = graph_.offsets();
  for (std::uint32_t v = 0; v < n; ++v) nodes[v] = {kInfinity, offsets[v], offsets[v + 1]};
  auto& infected = w.infected_;
  infected.assign(n / 64 + 1, 0);
  ContactWorkspace::Queue& queue = *w.queue_;
  queue.clear();
  auto& infections = w.infection_keys_;
  auto& recoveries = w.recovery_keys_;
  infections.clear();
  recoveries.clear();
  const auto key = sim::stream_key(settings_.seed, replication);

  const auto seed_node = [&](std::uint32_t v) {
    nodes[v].best = 0.0;
    queue.push({time_key(0.0), v, nodes[v].first_arc, nodes[v].end_arc});
  };
  if (!settings_.initial_nodes.empty()) {
    for (ContactGraph::Node v : settings_.initial_nodes) seed_node(v);
    r.initial_infected = static_cast<std::uint32_t>(settings_.initial_nodes.size());
  } else {
    // Floyd's sampling of k distinct nodes out of n: exactly k words, each subset equally likely.
    sim::RandomStream s(key, kInitialEntity, sim::Purpose::contact);
    const std::uint32_t k = settings_.initial_infected;
    for (std::uint32_t j = n - k; j < n; ++j) {
      const auto drawn = static_cast<std::uint32_t>(sim::variates::uniform_below(s, j + 1));
      seed_node(nodes[drawn].best == 0.0 ? j : drawn);
    }
    r.initial_infected = k;
  }

  // Infections in time order. Recoveries need no queue: nothing depends on them once their
  // node's transmissions are drawn, so their times are only collected, and sorted at the end to
  // count I(t).
  while (!queue.empty()) {
    const auto entry = queue.pop();
    // The node's arcs are fetched while the queue and the stream are worked on.
    __builtin_prefetch(graph_.targets().data() + entry.first_arc);
    std::uint64_t& word = infected[entry.node / 64];
    const std::uint64_t bit = std::uint64_t{1} << (entry.node % 64);
    if (word & bit) continue;  // a later transmission to a node infected since
    word |= bit;
    infections.push_back(entry.key);
    const double t = key_time(entry.key);
    sim::RandomStream stream(key, entry.node, sim::Purpose::contact);
    const double gamma = per_node ? rates.recovery_per_node[entry.node] : rates.recovery;
    const double u = sim::variates::uniform01_open_low(stream);
    const double recovery_delay = gamma > 0.0 ? -std::log(u) / gamma : kInfinity;
    if (recovery_delay < kInfinity) recoveries.push_back(time_key(t + recovery_delay));
    if (max_transmission_ > 0.0) {
      if (per_arc)
        spread<true>(w, stream, t, entry.first_arc, entry.end_arc, recovery_delay);
      else
        spread<false>(w, stream, t, entry.first_arc, entry.end_arc, recovery_delay);
    }
  }
  r.scheduled_infections = queue.pushes;
  tally(r, w);
  return r;
}

// I(t) from the two sorted lists of event times: events at one time are applied together, then
// the peak is updated (so the peak time is the first time I reaches its maximum), and a sample
// at time s sees every event at or before s.
void ContactEpidemic::tally(ContactRunResult& r, ContactWorkspace& w) const {
  auto& infections = w.infection_keys_;
  auto& recoveries = w.recovery_keys_;
  sort_times(recoveries, w.scratch_);
  const double dt = settings_.sample_every;
  const double last = key_time(std::max(infections.empty() ? 0 : infections.back(),
                                        recoveries.empty() ? 0 : recoveries.back()));
  if (dt > 0 && last / dt > static_cast<double>(kMaxSamples))
    throw std::invalid_argument(fmt::format(
        "ContactEpidemic: a sample every {} up to the last event at {} makes more than {} samples; "
        "take a longer step",
        dt, last, kMaxSamples));
  std::uint32_t infected = 0, recovered = 0, ever = 0;
  std::uint64_t next_sample = 0;
  const auto sample_before = [&](double t) {
    if (dt <= 0) return;
    for (double at = static_cast<double>(next_sample) * dt; at < t;
         at = static_cast<double>(++next_sample) * dt)
      r.samples.push_back({at, r.nodes - ever, infected, recovered});
  };
  std::size_t i = 0, j = 0;
  while (i < infections.size() || j < recoveries.size()) {
    const std::uint64_t now = std::min(i < infections.size() ? infections[i] : ~std::uint64_t{0},
                                       j < recoveries.size() ? recoveries[j] : ~std::uint64_t{0});
    const double t = key_time(now);
    sample_before(t);
    for (; i < infections.size() && infections[i] == now; ++i) ++ever;
    for (; j < recoveries.size() && recoveries[j] == now; ++j) ++recovered;
    infected = ever - recovered;
    if (infected > r.peak_infected) {
      r.peak_infected = infected;
      r.peak_time = t;
    }
    r.end_time = t;
  }
  // The curve ends at the first sample at or after the last event, so it shows the final state.
  if (dt > 0) {
    sample_before(r.end_time);
    r.samples.push_back(
        {static_cast<double>(next_sample) * dt, r.nodes - ever, infected, recovered});
  }
  r.final_size = ever;
  r.infected_at_end = infected;
}

}  // namespace wormsim::models
