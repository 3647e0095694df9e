// Which hosts each worm model can touch, from their OS and services (REFERENCE.md). The loader
// checks scenarios with it and the outbreak builds each worm's relevant set from it, so the two
// cannot disagree.
#pragma once

#include <cstdint>
#include <string_view>

#include "models/host/host_kinds.hpp"

namespace wormsim::models {

/// True if a probe of `model` can infect a host with this OS and these services.
bool is_infectable(std::string_view model, Os os, std::uint16_t services);

/// True if a probe of `model` can change anything on such a host: infect it, crash a service,
/// make it reboot or stop a service. A superset of is_infectable.
bool is_relevant(std::string_view model, Os os, std::uint16_t services);

/// What a host needs to be infectable, in words, for messages ("iis4-index or iis5-index").
std::string_view infectable_description(std::string_view model);

inline bool is_nt4(Os os) {
  return os == Os::nt4_pre_sp6a || os == Os::nt4_sp6a;
}
inline bool is_win2000(Os os) {
  return os == Os::win2000_rtm || os == Os::win2000_sp1 || os == Os::win2000_sp2 ||
         os == Os::win2000_sp3 || os == Os::win2000_sp4;
}
inline bool is_xp(Os os) {
  return os == Os::xp_rtm || os == Os::xp_sp1;
}

}  // namespace wormsim::models
