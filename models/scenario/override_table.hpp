// Applies `--set` overrides to a scenario file parsed by toml++. Internal to models/scenario: only
// the loader and overrides.cpp include it, so that toml++ stays a private dependency of models/.
#pragma once

#include <toml++/toml.h>
#include <vector>

#include "models/scenario/diagnostics.hpp"
#include "models/scenario/overrides.hpp"

namespace wormsim::models {

/// Sets each override's node in `root`, the parsed `file`, in order (a later override of the same
/// key wins). The nodes and keys it creates carry the source path "FILE: --set KEY=VALUE", so
/// that the loader's messages about them name the file and the option instead of a place in the
/// file. A key that leads nowhere (an index past the end of an array of tables, a name no table
/// has, a path through a value) is added to `diags` under that name, and the override skipped.
void apply_overrides(toml::table& root, const std::vector<Override>& overrides,
                     const std::string& file, Diagnostics& diags);

}  // namespace wormsim::models
