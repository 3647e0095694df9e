// Topological worms: SIR spread over a contact graph, each infected node passing the worm to each
// neighbour after an exponential delay unless it is patched (removed) first — the "neighbours for
// contact-graph spread" of DESIGN.md's scanning section, run as a mode of its own. Exact in
// distribution for the continuous-time Markov SIR process, and keyed by (seed, replication, node,
// purpose contact) so that a replication's result depends on nothing else (DESIGN.md, "Random
// streams", "Determinism").
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <utility>
#include <vector>

namespace wormsim::net {
class Topology;
}
namespace wormsim::sim {
class RandomStream;
}

namespace wormsim::models {

/// An undirected graph in compressed sparse row form: node v's neighbours are
/// targets()[offsets()[v] .. offsets()[v + 1]), every edge stored once from each end (two arcs).
/// Nodes are 0 .. node_count() - 1. Immutable once built; safe to share between threads.
class ContactGraph {
 public:
  using Node = std::uint32_t;
  using EdgeList = std::vector<std::pair<Node, Node>>;

  /// The empty graph.
  ContactGraph() = default;

  /// From undirected edges (u, v), u != v, both below node_count. Each node's neighbours are in
  /// the order of the edges that name it, which is the order of a net::Topology's adjacency when
  /// the edges are its links in insertion order. A pair given twice is two contacts (two arcs each
  /// way, so twice the transmission rate between them). Throws std::invalid_argument for a
  /// self-loop, a node out of range, or more than 2^32 - 1 arcs.
  static ContactGraph from_edges(std::uint32_t node_count,
                                 std::span<const std::pair<Node, Node>> edges);

  /// The topology's nodes (vertex indices) and links (parallel links are merged there, so one
  /// link is one contact), neighbours in the topology's adjacency order. Any generated or
  /// imported topology, the internet node included if it has one.
  static ContactGraph from_topology(const net::Topology& topology);

  std::uint32_t node_count() const { return static_cast<std::uint32_t>(offsets_.size() - 1); }
  /// Twice the number of edges.
  std::uint32_t arc_count() const { return offsets_.back(); }
  std::uint32_t edge_count() const { return arc_count() / 2; }
  std::uint32_t degree(Node v) const { return offsets_[v + 1] - offsets_[v]; }
  std::span<const Node> neighbours(Node v) const {
    return {targets_.data() + offsets_[v], targets_.data() + offsets_[v + 1]};
  }
  /// offsets()[v] is the index of v's first arc; node_count() + 1 entries.
  const std::vector<std::uint32_t>& offsets() const { return offsets_; }
  /// The arcs' far ends, node by node.
  const std::vector<Node>& targets() const { return targets_; }

  bool operator==(const ContactGraph&) const = default;

 private:
  std::vector<std::uint32_t> offsets_{0};
  std::vector<Node> targets_;
};

/// The Barabási–Albert graph of net::generate_as_powerlaw({nodes, m}, seed), node for node and
/// arc for arc (both come from net::as_powerlaw_links), built without the topology's names and
/// link attributes: 10^6 nodes with m = 3 take a fraction of a second. Throws
/// std::invalid_argument unless 1 <= m < nodes.
ContactGraph barabasi_albert_graph(std::uint32_t nodes, std::uint32_t m, std::uint64_t seed);

/// Rates per unit time. Time has no unit of its own: it is the unit the rates are given in (with
/// recovery = 1, the mean time from infection to patching).
struct ContactRates {
  /// tau: rate at which an infected node passes the worm along each of its arcs, unless
  /// transmission_per_arc is given.
  double transmission = 0.5;
  /// gamma: rate at which an infected node is patched or cleaned (removed for good), unless
  /// recovery_per_node is given. 0: never (SI spread).
  double recovery = 1.0;
  /// Empty, or one rate per arc, indexed like ContactGraph::targets(): the rate from the arc's
  /// node to its target (the two directions of an edge may differ).
  std::vector<double> transmission_per_arc;
  /// Empty, or one rate per node.
  std::vector<double> recovery_per_node;
};

/// One rate per arc, rate(source, target), in ContactGraph::targets() order: per-edge rates, or a
/// rate scaled by the kinds of the two ends.
template <class RateOf>
std::vector<double> rates_per_arc(const ContactGraph& graph, RateOf&& rate) {
  std::vector<double> out(graph.arc_count());
  for (ContactGraph::Node v = 0; v < graph.node_count(); ++v)
    for (std::uint32_t a = graph.offsets()[v]; a < graph.offsets()[v + 1]; ++a)
      out[a] = rate(v, graph.targets()[a]);
  return out;
}

/// One rate per node, rate(node): for example a recovery rate scaled by the node's kind.
template <class RateOf>
std::vector<double> rates_per_node(const ContactGraph& graph, RateOf&& rate) {
  std::vector<double> out(graph.node_count());
  for (ContactGraph::Node v = 0; v < graph.node_count(); ++v) out[v] = rate(v);
  return out;
}

struct ContactSettings {
  ContactRates rates;
  std::uint64_t seed = 1;
  /// How many nodes are infected at time 0, drawn uniformly without replacement (Floyd's
  /// algorithm on the stream of entity kInitialEntity), unless initial_nodes is given.
  std::uint32_t initial_infected = 1;
  /// The nodes infected at time 0 (distinct), instead of a draw; the same in every replication.
  std::vector<ContactGraph::Node> initial_nodes;
  /// Sample step of the S/I/R curve, in the rates' time unit; 0: no curve. A run whose curve
  /// would have more than ContactEpidemic::kMaxSamples samples throws std::invalid_argument.
  double sample_every = 0;
};

/// The state at one sample time: after every event at or before it.
struct ContactSample {
  double time = 0;
  std::uint32_t susceptible = 0;
  std::uint32_t infected = 0;
  std::uint32_t recovered = 0;
};

/// What one replication did. I(t), the number infected and not yet recovered, is a step function
/// that takes the value after every event at or before t (events at one time count together;
/// only the initial infections share a time with probability 1).
struct ContactRunResult {
  std::uint64_t replication = 0;
  std::uint32_t nodes = 0;
  std::uint32_t initial_infected = 0;
  /// Nodes ever infected, the initial ones included.
  std::uint32_t final_size = 0;
  /// Nodes infected and never recovered (0 unless some recovery rate is 0).
  std::uint32_t infected_at_end = 0;
  /// The maximum of I(t), and the first time it is reached (0 when it is the initial infections,
  /// or when nothing is infected).
  std::uint32_t peak_infected = 0;
  double peak_time = 0;
  /// Time of the last infection or recovery; 0 if there was none after time 0.
  double end_time = 0;
  /// Infections scheduled: the initial ones and every transmission that gave its target an
  /// earlier infection time than it had (some are overtaken by an earlier one later). A measure
  /// of the work done, not of the process: it depends on the order in which simultaneous
  /// infections (the initial ones) are taken, which is fixed but unspecified.
  std::uint64_t scheduled_infections = 0;
  /// At 0, sample_every, 2 sample_every, ... up to the first at or after end_time; empty when
  /// sample_every is 0.
  std::vector<ContactSample> samples;
};

class ContactWorkspace;

/// The SIR process on a contact graph, event-driven and exact (Kiss, Miller and Simon,
/// "Mathematics of Epidemics on Networks", Springer 2017, appendix A; EoN's fast_SIR). When a
/// node v is infected at time t it draws its recovery delay R ~ Exp(gamma_v) and, for every arc
/// (v, w), a transmission delay D ~ Exp(tau_vw); w is infected at the earliest t + D over its
/// infected neighbours with D < R. Every delay is independent and exponential, so this is the
/// Markov SIR process in distribution, and infection times are first-passage times: the result
/// is the same whatever order equal-time events are taken in.
///
/// Random streams: node v draws from the stream (seed, replication, v, Purpose::contact), word 0
/// for its recovery delay and word 1 + k for its k-th arc, whether or not the neighbour is still
/// susceptible; so a node's delays do not depend on what happened elsewhere, and runs that differ
/// in rates share their randomness (common random numbers). The initial draw uses entity
/// kInitialEntity, above every node number.
///
/// Immutable and thread-safe: each thread runs replications with its own ContactWorkspace, and a
/// replication's result depends only on (graph, settings, replication).
class ContactEpidemic {
 public:
  static constexpr std::uint64_t kInitialEntity = std::uint64_t{1} << 40;
  /// The most samples a run's curve may hold (16 MB): a step far too short for the epidemic's
  /// length is refused rather than exhausting memory.
  static constexpr std::uint64_t kMaxSamples = 1'000'000;

  /// Keeps a reference to `graph`, which must outlive this object. Throws std::invalid_argument
  /// for a rate that is negative or not finite, arrays of the wrong size, more initial nodes than
  /// the graph has, an initial node out of range or repeated, or a sample step that is negative
  /// or not finite.
  ContactEpidemic(const ContactGraph& graph, ContactSettings settings);

  /// Runs one replication, using (and keeping the storage of) `workspace`. Throws
  /// std::invalid_argument if its curve would have more than kMaxSamples samples.
  ContactRunResult run(std::uint64_t replication, ContactWorkspace& workspace) const;
  /// Runs one replication with a workspace of its own.
  ContactRunResult run(std::uint64_t replication) const;

  const ContactGraph& graph() const { return graph_; }
  const ContactSettings& settings() const { return settings_; }

 private:
  template <bool kPerArc>
  void spread(ContactWorkspace& w, sim::RandomStream& stream, double now, std::uint32_t first_arc,
              std::uint32_t end_arc, double recovery_delay) const;
  void tally(ContactRunResult& r, ContactWorkspace& w) const;

  const ContactGraph& graph_;
  ContactSettings settings_;
  double max_transmission_ = 0;  // the largest rate of any arc
};

/// Per-thread storage reused across replications: tentative infection times and the event queue.
/// Not thread-safe; give each thread its own.
class ContactWorkspace {
 public:
  ContactWorkspace();
  ~ContactWorkspace();
  ContactWorkspace(ContactWorkspace&&) noexcept;
  ContactWorkspace& operator=(ContactWorkspace&&) noexcept;

 private:
  friend class ContactEpidemic;
  struct Queue;
  // What a pop and a transmission read of a node, side by side: one cache line fetch, not two,
  // on graphs far larger than the cache.
  struct NodeState {
    double best;  // earliest known infection time (the infection time once infected)
    std::uint32_t first_arc, end_arc;
  };
  std::vector<NodeState> nodes_;
  std::vector<std::uint64_t> infected_;  // one bit per node: small enough to stay in cache
  std::unique_ptr<Queue> queue_;
  // Event times as the bits of non-negative doubles (which order like the doubles).
  std::vector<std::uint64_t> infection_keys_, recovery_keys_, scratch_;
};

}  // namespace wormsim::models
