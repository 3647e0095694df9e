#include "app/commands/options.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <thread>

#include "app/progress.hpp"
#include "net/input_error.hpp"

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

std::vector<std::pair<std::string, std::string>> parse_params(
    const std::vector<std::string>& params, const std::string& command) {
  std::vector<std::pair<std::string, std::string>> settings;
  for (const auto& p : params) {
    const auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0)
      throw net::InputError(
          fmt::format("wormsim {}: error: --param: expected KEY=VALUE, got \"{}\"\n", command, p));
    settings.emplace_back(p.substr(0, eq), p.substr(eq + 1));
  }
  return settings;
}

namespace {
std::size_t display_width(const std::string& text) {
  std::size_t w = 0;
  for (const unsigned char c : text)
    if ((c & 0xC0) != 0x80) ++w;
  return w;
}
}  // namespace

void print_table(const std::vector<std::vector<std::string>>& lines) {
  std::vector<std::size_t> widths;
  for (const auto& line : lines) {
    if (widths.size() < line.size()) widths.resize(line.size(), 0);
    for (std::size_t i = 0; i < line.size(); ++i)
      widths[i] = std::max(widths[i], display_width(line[i]));
  }
  for (const auto& line : lines) {
    std::string text = " ";
    for (std::size_t i = 0; i < line.size(); ++i) {
      text += ' ';
      text += line[i];
      if (i + 1 < line.size()) text.append(widths[i] + 2 - display_width(line[i]), ' ');
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    fmt::print("{}\n", text);
  }
}

unsigned worker_threads(unsigned requested) {
  return requested == 0 ? std::max(1u, std::thread::hardware_concurrency()) : requested;
}

void create_output_folder(const std::filesystem::path& out) {
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec)
    throw std::runtime_error(
        fmt::format("cannot create output folder {}: {}", out.string(), ec.message()));
}

}  // namespace wormsim::app
