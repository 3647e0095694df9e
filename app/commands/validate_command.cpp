#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "app/commands/commands.hpp"
#include "app/commands/options.hpp"
#include "models/scenario/loader.hpp"

namespace wormsim::app {

Action add_validate_command(CLI::App& app) {
  auto file = std::make_shared<std::string>();
  auto sets = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd = app.add_subcommand("validate", "Check a scenario file without running it");
  cmd->add_option("FILE", *file, "Scenario file (TOML)")->required();
  add_set_option(cmd, *sets,
                 "Check the file with a value overridden, as run --set would (repeatable)");
  return [file, sets]() {
    const models::Scenario s = models::load_scenario_file(*file, parse_overrides(*sets));
    std::printf("%s: ok (%s)\n", file->c_str(), s.simulation.name.c_str());
    // The names `wormsim run --variant` takes.
    if (!s.variants.empty()) {
      std::string names;
      for (const auto& v : s.variants) names += (names.empty() ? "" : ", ") + v.name;
      std::printf("  variants: %s\n", names.c_str());
    }
    return kExitOk;
  };
}

}  // namespace wormsim::app
