// Which hosts each worm model can touch, from their OS, services and fixes (REFERENCE.md). The
// loader checks scenarios with it and the outbreak builds each worm's relevant set from it, so the
// two cannot disagree.
#pragma once

#include <cstdint>
#include <string_view>

#include "models/host/host_kinds.hpp"

namespace wormsim::models {

/// True if a probe of `model` can infect a host with this OS, these services and these fixes
/// applied (Patch bits).
bool is_infectable(std::string_view model, Os os, std::uint16_t services, std::uint8_t patches);

/// True if a probe of `model` can change anything on such a host: infect it, crash a service,
/// make it reboot or stop a service. A superset of is_infectable.
bool is_relevant(std::string_view model, Os os, std::uint16_t services, std::uint8_t patches);

/// What a host needs to be infectable, in words, for messages ("iis4-index or iis5-index").
std::string_view infectable_description(std::string_view model);

}  // namespace wormsim::models
