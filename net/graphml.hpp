// GraphML topologies in and out: Internet Topology Zoo files (Knight et al., IEEE JSAC 2011) and
// a planner's own files with capacities in units. Read with net/xml (boost::read_graphml rejects
// Zoo files that declare attr.type="integer" and gives no line numbers); written in the planner's
// format, which this reader reads back. Attribute names and defaults: net/README.md.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "net/topology.hpp"

namespace wormsim::net {

struct GraphmlOptions {
  /// For edges with no capacity, LinkSpeedRaw or LinkSpeed. 1 Gbit/s is the median and the most
  /// common LinkSpeedRaw among the 3,928 Topology Zoo edges that carry one.
  std::uint64_t default_capacity_bps = 1'000'000'000;
  /// For edges with no latency whose ends lack coordinates (with coordinates: fibre_latency of
  /// the great-circle distance).
  sim::SimTime default_latency = sim::SimTime::from_ms(1);
  /// Join the network to a node standing for the rest of the Internet (unless the file has a node
  /// of kind internet). nullopt: leave it alone.
  std::optional<InternetAttachment> internet = InternetAttachment{};
};

/// Reads a GraphML file. Bad, truncated or unsupported files throw InputError naming the file,
/// the line and column, and what was expected; so does a file that cannot be read.
Topology read_graphml(const std::string& path, const GraphmlOptions& options = {});

/// Reads GraphML from text; `file` names it in messages and in TopologyInfo.
Topology parse_graphml(std::string_view text, const std::string& file,
                       const GraphmlOptions& options = {});

/// Writes the topology as GraphML in the planner's format: node name, kind, latitude, longitude,
/// device; edge capacity ("155Mbps"), latency ("5ms"), parallel. Background loads are not written.
void write_graphml(const Topology& topology, std::ostream& out);

/// Writes the topology in Graphviz DOT (boost::write_graphviz): node labels and kinds, edge
/// capacities.
void write_dot(const Topology& topology, std::ostream& out);

/// The whole content of a file; InputError ("file: error: cannot read: reason") if it cannot be
/// read: a missing input file is the user's mistake.
std::string read_input_file(const std::string& path);

}  // namespace wormsim::net
