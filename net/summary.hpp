// The figures `wormsim topo` prints about a topology: nodes by kind, links, capacities, degrees,
// components, diameter, the internet attachment and background traffic. Computed here so that
// tests read the same numbers the command prints.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "net/topology.hpp"

namespace wormsim::net {

struct TopologySummary {
  std::size_t nodes = 0;
  std::size_t links = 0;
  std::array<std::size_t, all_node_kinds.size()> nodes_by_kind{};
  CapacityStats capacity;
  DegreeStats degree;
  std::size_t components = 0;
  /// Components with the internet node and its links left out (equal to components without one).
  std::size_t components_without_internet = 0;
  /// nullopt when the topology has more nodes than summarize's limit (an O(n m) computation).
  std::optional<std::size_t> diameter_hops;
  std::size_t merged_links = 0;            ///< links standing for more than one parallel link
  std::size_t merged_edges = 0;            ///< the parallel links those stand for
  std::size_t default_capacity_links = 0;  ///< links whose capacity is (partly) a default
  bool has_internet = false;
  std::vector<std::string> internet_neighbours;  ///< node ids, in vertex order
  std::size_t loaded_links = 0;  ///< links with background traffic in either direction
  double max_utilisation = 0;    ///< the largest background load over capacity, either direction
  std::string max_utilisation_link;  ///< "a - b" for that link
};

/// Every figure; the diameter only up to `diameter_node_limit` nodes (one breadth-first search
/// per node: about a second for 10^4 nodes and 10^4 links).
TopologySummary summarize(const Topology& topology, std::size_t diameter_node_limit = 20'000);

}  // namespace wormsim::net
