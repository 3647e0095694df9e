// AS-level graphs as edge lists (SNAP's as-733 files, such as Route Views' 2 January 2000 graph,
// as20000102.txt): one edge per line, two node numbers separated by tabs or spaces, '#' comments.
// The graph is the Internet itself, so no internet node is attached.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "net/topology.hpp"

namespace wormsim::net {

struct AsGraphOptions {
  /// Capacity of every inter-AS link: the files carry none. 1 Gbit/s, as for Zoo edges without
  /// one (net/graphml.hpp).
  std::uint64_t capacity_bps = 1'000'000'000;
  /// One-way latency of every inter-AS link: the files carry no geography.
  sim::SimTime latency = sim::SimTime::from_ms(10);
};

/// Reads an edge list. Node ids are the file's numbers, nodes in increasing numeric order. An
/// edge from a node to itself is dropped (counted in info.self_loops_dropped); an edge given
/// twice, in either direction, is merged into one link (parallel_count 2). An AS with at most one
/// neighbour is a stub (kind access), the others are transit ASes (kind core). Malformed lines
/// throw InputError naming the file, line and column.
Topology read_as_graph(const std::string& path, const AsGraphOptions& options = {});

/// Reads an edge list from text; `file` names it in messages.
Topology parse_as_graph(std::string_view text, const std::string& file,
                        const AsGraphOptions& options = {});

}  // namespace wormsim::net
