// Turns a scenario file (TOML) into a validated Scenario, or rejects it with every problem found
// (DESIGN.md, "Bad input"). The only part of models/ that knows about files.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "models/scenario/overrides.hpp"
#include "models/scenario/scenario.hpp"

namespace wormsim::models {

/// Reads and validates a file. Throws InputError (message: all diagnostics) on bad input or an
/// unreadable file.
Scenario load_scenario_file(const std::string& path);

/// Validates scenario text; `display_name` names it in messages.
Scenario load_scenario_text(std::string_view text, const std::string& display_name);

/// As above, with `--set` overrides set in the file's tables before it is validated
/// (models/scenario/overrides.hpp). A problem with an overridden value names the file and the
/// option ("FILE: --set KEY=VALUE: error: [table] key: ..."), not a line of the file; the
/// overrides are recorded in Scenario::overrides.
Scenario load_scenario_file(const std::string& path, const std::vector<Override>& overrides);
Scenario load_scenario_text(std::string_view text, const std::string& display_name,
                            const std::vector<Override>& overrides);

/// FNV-1a 64-bit hash of the bytes, as 16 hex digits.
std::string fnv1a64_hex(std::string_view bytes);

}  // namespace wormsim::models
