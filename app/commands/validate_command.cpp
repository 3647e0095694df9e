#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "app/commands/commands.hpp"
#include "models/scenario/loader.hpp"

namespace wormsim::app {

Action add_validate_command(CLI::App& app) {
  auto file = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("validate", "Check a scenario file without running it");
  cmd->add_option("FILE", *file, "Scenario file (TOML)")->required();
  return [file]() {
    const models::Scenario s = models::load_scenario_file(*file);
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
