// A planner's measured background traffic per link, read onto a topology: what a link carries
// before any worm scans, so that link loads over time start from the real baseline (DESIGN.md,
// "Network impact": capacity planning reads link loads over time).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "net/topology.hpp"

namespace wormsim::net {

/// Reads a CSV file whose first line (after blank and '#' lines) is the header
/// `source,target,load` and each further line one measurement: two node ids (as in the
/// topology: GraphML node ids) and the load from source to target with its unit ("12.5Mbps").
/// Fields are trimmed, not quoted. Sets Link::background_bps for that direction. A node that does
/// not exist, nodes without a link, a load without a unit or above the link's capacity, or a
/// direction given twice is bad input: InputError names the file, line and column. Returns the
/// number of measurements read.
std::size_t read_background_traffic(Topology& topology, const std::string& path);

/// As read_background_traffic, from text; `file` names it in messages.
std::size_t parse_background_traffic(Topology& topology, std::string_view text,
                                     const std::string& file);

}  // namespace wormsim::net
