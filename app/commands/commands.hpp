// The wormsim subcommands. Each registers its options on a CLI11 subcommand and returns the
// process exit status: 0 success, 2 bad input (including usage), 1 any other failure.
#pragma once

#include <functional>
#include <string>

namespace CLI {
class App;
}

namespace wormsim::app {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitBadInput = 2;

/// What a subcommand runs once the command line has been parsed.
using Action = std::function<int()>;

Action add_run_command(CLI::App& app, const std::string& command_line);
Action add_compare_command(CLI::App& app, const std::string& command_line);
Action add_sweep_command(CLI::App& app, const std::string& command_line);
Action add_validate_command(CLI::App& app);
Action add_models_command(CLI::App& app);
Action add_topo_command(CLI::App& app);
Action add_exercise_command(CLI::App& app, const std::string& command_line);
Action add_contact_command(CLI::App& app, const std::string& command_line);
Action add_report_command(CLI::App& app);

}  // namespace wormsim::app
