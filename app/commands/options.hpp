// Options shared by the commands that load and run scenarios: `--set KEY=VALUE` overrides of the
// scenario file (models/scenario/overrides.hpp) and the `--progress` / `--no-progress` pair.
#pragma once

#include <string>
#include <vector>

#include "models/scenario/overrides.hpp"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace wormsim::app {

/// Registers `--set KEY=VALUE`, repeatable, each occurrence taking one argument.
CLI::Option* add_set_option(CLI::App* cmd, std::vector<std::string>& sets, const std::string& help);

/// The overrides of `--set` arguments, in order. Throws models::InputError (exit status 2)
/// naming the argument when one is not KEY=VALUE.
/// A number rounded to a whole and written with thousands separators ("1,234,567").
std::string with_commas(double v);

std::vector<models::Override> parse_overrides(const std::vector<std::string>& sets);

struct ProgressFlags {
  bool on = false;
  bool off = false;
  /// --progress forces the progress line, --no-progress stops it; else only on a terminal.
  bool wanted() const;
};

/// Registers `--progress` and `--no-progress` (mutually exclusive).
void add_progress_flags(CLI::App* cmd, ProgressFlags& flags);

}  // namespace wormsim::app
