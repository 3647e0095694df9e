#include "app/commands/options.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <cmath>

#include "app/progress.hpp"

namespace wormsim::app {

CLI::Option* add_set_option(CLI::App* cmd, std::vector<std::string>& sets,
                            const std::string& help) {
  // One argument per occurrence, so that `--set k=v FILE` leaves FILE to the positional.
  return cmd->add_option("--set", sets, help)->allow_extra_args(false);
}

std::vector<models::Override> parse_overrides(const std::vector<std::string>& sets) {
  std::vector<models::Override> overrides;
  overrides.reserve(sets.size());
  for (const auto& s : sets) overrides.push_back(models::parse_override(s));
  return overrides;
}

bool ProgressFlags::wanted() const {
  return progress_wanted(on, off);
}

void add_progress_flags(CLI::App* cmd, ProgressFlags& flags) {
  CLI::Option* on = cmd->add_flag(
      "--progress", flags.on,
      "Show progress on stderr (done, rate, time left) even when it is not a terminal");
  CLI::Option* off = cmd->add_flag("--no-progress", flags.off,
                                   "Never show progress (by default it is shown on a terminal)");
  on->excludes(off);
}

std::string with_commas(double v) {
  const std::string digits = fmt::format("{:.0f}", std::abs(v));
  std::string out = v < 0 && digits != "0" ? "-" : "";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

}  // namespace wormsim::app
