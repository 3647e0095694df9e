// What the commands that load and run scenarios share: `--set KEY=VALUE` overrides of the
// scenario file (models/scenario/overrides.hpp), the `--progress` / `--no-progress` pair, the
// thread count, the output folder, and numbers and tables printed for a reader.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "analysis/write/html.hpp"
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
std::vector<models::Override> parse_overrides(const std::vector<std::string>& sets);

/// Numbers with thousands separators ("1,234,567"): the report's.
using analysis::with_commas;

/// `--param KEY=VALUE` arguments (topology generator settings) as (key, value) pairs, in order.
/// Throws net::InputError (exit status 2) as "wormsim COMMAND: error: ..." for one that is not
/// KEY=VALUE.
std::vector<std::pair<std::string, std::string>> parse_params(
    const std::vector<std::string>& params, const std::string& command);

/// Prints lines of cells as a table: each column as wide as its widest cell (UTF-8 text, every
/// code point one column), two spaces between columns, no trailing spaces.
void print_table(const std::vector<std::vector<std::string>>& lines);

/// `--threads`: 0 means every core.
unsigned worker_threads(unsigned requested);

/// Creates the output folder (and its parents); throws std::runtime_error naming it if it cannot.
void create_output_folder(const std::filesystem::path& out);

struct ProgressFlags {
  bool on = false;
  bool off = false;
  /// --progress forces the progress line, --no-progress stops it; else only on a terminal.
  bool wanted() const;
};

/// Registers `--progress` and `--no-progress` (mutually exclusive).
void add_progress_flags(CLI::App* cmd, ProgressFlags& flags);

}  // namespace wormsim::app
