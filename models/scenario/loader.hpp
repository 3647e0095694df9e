// Turns a scenario file (TOML) into a validated Scenario, or rejects it with every problem found
// (DESIGN.md, "Bad input"). The only part of models/ that knows about files.
#pragma once

#include <string>
#include <string_view>

#include "models/scenario/scenario.hpp"

namespace wormsim::models {

/// Reads and validates a file. Throws InputError (message: all diagnostics) on bad input or an
/// unreadable file.
Scenario load_scenario_file(const std::string& path);

/// Validates scenario text; `display_name` names it in messages.
Scenario load_scenario_text(std::string_view text, const std::string& display_name);

/// FNV-1a 64-bit hash of the bytes, as 16 hex digits.
std::string fnv1a64_hex(std::string_view bytes);

}  // namespace wormsim::models
