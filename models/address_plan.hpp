// Which /8 blocks held hosts at the time of an outbreak, from the IANA IPv4 address space
// registry (shared data: address-space/ipv4-address-space.csv; tools/iana_blocks.py derives the
// lists below from it).
#pragma once

#include <string_view>
#include <vector>

#include "sim/address_index.hpp"

namespace wormsim::models {

/// The blocks of the named plan ("all", "iana-2001", "iana-2003") that lie inside `space`,
/// clipped to it: a /8 that contains the space yields the space itself. Empty for an unknown name.
std::vector<sim::Prefix> allocated_blocks(std::string_view plan, sim::Prefix space);

}  // namespace wormsim::models
