// Topologies of routers and links as Boost.Graph graphs (DESIGN.md, "Network impact"): routers,
// sites and the one node that stands for the rest of the Internet, joined by links with a
// capacity, a latency and a count of the parallel links merged into them. Knows nothing about
// worms; depends on sim/ for time only.
#pragma once

#include <array>
#include <boost/graph/adjacency_list.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/time.hpp"

namespace wormsim::net {

/// What a node is. Generators use every kind; importers use core (a Zoo PoP, an AS), border (a
/// Zoo node marked external, a planner's border router), access (a stub AS) and internet.
enum class NodeKind : std::uint8_t {
  core,          ///< backbone router (a transit domain's router, a Zoo PoP, a transit AS)
  regional,      ///< regional ISP router (a stub domain's gateway in transit-stub)
  access,        ///< access router that customer sites hang off (a stub AS)
  border,        ///< a network's edge towards other networks; an enterprise's firewall router
  distribution,  ///< campus distribution router
  site,          ///< a customer site or LAN segment: where hosts live
  internet,      ///< the rest of the Internet, as one node
};

inline constexpr std::array<NodeKind, 7> all_node_kinds{
    NodeKind::core,         NodeKind::regional, NodeKind::access,  NodeKind::border,
    NodeKind::distribution, NodeKind::site,     NodeKind::internet};

std::string_view to_string(NodeKind kind);
/// The kind named `text` (as to_string writes it), or nullopt.
std::optional<NodeKind> parse_node_kind(std::string_view text);
/// "core, regional, access, border, distribution, site, internet", for error messages.
std::string node_kind_names();

struct Node {
  std::string id;  ///< unique in the topology: the GraphML node id, the AS number, a generated name
  std::string name;  ///< display name (a Zoo label); may repeat; the id when the file has none
  NodeKind kind = NodeKind::core;
  std::optional<double> latitude_deg;   ///< WGS 84, -90 to 90
  std::optional<double> longitude_deg;  ///< WGS 84, -180 to 180
  std::string device_model;             ///< e.g. "cisco-7200"; "" when unknown
};

struct Link {
  /// Per direction (links are full duplex); for merged parallel links, the sum.
  std::uint64_t capacity_bps = 0;
  /// One-way propagation delay; for merged parallel links, the smallest.
  sim::SimTime latency{};
  /// How many links of the source this one stands for (parallel links are merged).
  std::uint32_t parallel_count = 1;
  /// How many of those had no capacity in the source and got the importer's default.
  std::uint32_t default_capacity_count = 0;
  /// Measured background load, bit/s: [0] from the end with the smaller vertex index to the
  /// other, [1] the reverse. Zero unless a traffic file was read.
  std::array<std::uint64_t, 2> background_bps{};
};

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, Node, Link>;
using Vertex = boost::graph_traits<Graph>::vertex_descriptor;
using Edge = boost::graph_traits<Graph>::edge_descriptor;

/// Where a topology came from and what the importer or generator decided on the way.
struct TopologyInfo {
  std::string name;  ///< the network's name: the Zoo's Network, the generator's name, the file stem
  std::string origin;  ///< "generated transit-stub", "GraphML", "Topology Zoo GraphML", "AS graph"
  std::string file;    ///< the file read; "" when generated
  bool is_topology_zoo = false;  ///< read from an Internet Topology Zoo file (attribution due)
  /// Generator parameters as used, key and value with its unit, in table order.
  std::vector<std::pair<std::string, std::string>> parameters;
  std::size_t edge_records = 0;        ///< edges in the file, before merging and dropping
  std::size_t self_loops_dropped = 0;  ///< edges from a node to itself, which carry nothing
  bool is_internet_attached = false;   ///< the internet node was added (not in the source)
  std::vector<std::string> notes;      ///< decisions worth telling the user, one sentence each
};

/// A graph of nodes and links with unique node ids. Vertex and edge order is insertion order, so
/// a generator or importer that adds in a fixed order gives the same graph on every run.
class Topology {
 public:
  /// Adds a node; its id must be new (std::invalid_argument otherwise: importers check first).
  Vertex add_node(Node node);
  /// Adds a link between two distinct nodes or, if they are already linked, merges it into that
  /// link: capacities, parallel counts and default counts add, the latency is the smaller, and
  /// background loads add. Throws std::invalid_argument for u == v.
  Edge add_link(Vertex u, Vertex v, const Link& link);

  std::optional<Vertex> find(std::string_view id) const;
  std::optional<Edge> link_between(Vertex u, Vertex v) const;

  const Graph& graph() const { return graph_; }
  const Node& node(Vertex v) const { return graph_[v]; }
  const Link& link(Edge e) const { return graph_[e]; }
  Link& link(Edge e) { return graph_[e]; }
  /// Changes a node's kind; neither the old nor the new kind may be internet
  /// (std::invalid_argument): the internet node is added as such.
  void set_kind(Vertex v, NodeKind kind);

  std::size_t node_count() const { return boost::num_vertices(graph_); }
  std::size_t link_count() const { return boost::num_edges(graph_); }
  /// The node of kind internet, if there is one (there is at most one).
  std::optional<Vertex> internet() const { return internet_; }

  TopologyInfo info;

 private:
  Graph graph_;
  std::map<std::string, Vertex, std::less<>> index_;
  std::optional<Vertex> internet_;
};

struct DegreeStats {
  std::size_t min = 0;  ///< distinct neighbours (parallel links count once)
  std::size_t max = 0;
  double mean = 0;
};

/// Degrees over every node (the internet node included); zeros for an empty topology.
DegreeStats degree_stats(const Topology& topology);

/// The component number of every vertex (0, 1, ... in order of each component's first vertex).
std::vector<std::size_t> components(const Topology& topology);
std::size_t component_count(const Topology& topology);

/// The largest hop count of any shortest path: one breadth-first search per node, O(n m), fine
/// up to about 10^4 nodes. In a disconnected topology, the largest over its components.
std::size_t diameter_hops(const Topology& topology);

struct CapacityStats {
  std::uint64_t min_bps = 0;  ///< smallest link capacity (merged links count once, summed)
  std::uint64_t max_bps = 0;
  std::uint64_t total_bps = 0;  ///< sum over links (saturates at 2^64 - 1)
};
CapacityStats capacity_stats(const Topology& topology);

/// Node counts indexed by NodeKind.
std::array<std::size_t, all_node_kinds.size()> count_by_kind(const Topology& topology);

/// The great-circle distance between two points on a sphere of the Earth's mean radius
/// (6,371 km), haversine formula.
double great_circle_km(double lat1_deg, double lon1_deg, double lat2_deg, double lon2_deg);

/// Propagation delay in fibre over a distance: light travels about 200,000 km/s in glass
/// (refractive index about 1.5), so 5 µs per km; rounded to the microsecond.
sim::SimTime fibre_latency(double km);

/// How an imported network is joined to the rest of the Internet.
struct InternetAttachment {
  /// Per attachment link. 10 Gbit/s: as fast as the fastest Topology Zoo links of the early
  /// 2000s (OC-192), so that the attachment is not what saturates first unless told so.
  std::uint64_t capacity_bps = 10'000'000'000;
  /// One-way delay to "the rest of the Internet": a typical continental path.
  sim::SimTime latency = sim::SimTime::from_ms(10);
};

/// Adds the node `internet` (kind internet) and links it, in every connected component, to the
/// component's border nodes or, if it has none, to its most-connected node (the first such in
/// vertex order). Does nothing and returns {} if the topology already has an internet node.
/// Returns the nodes linked to; sets info.is_internet_attached.
std::vector<Vertex> attach_internet(Topology& topology, const InternetAttachment& attachment);

}  // namespace wormsim::net
