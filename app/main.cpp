// wormsim: the command line (CLI11). Maps every outcome to an exit status: 0 success, 2 bad input
// (usage errors included), 1 other failures such as an unwritable output folder.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <string>

#include "app/commands/commands.hpp"
#include "models/scenario/diagnostics.hpp"

int main(int argc, char** argv) {
  using namespace wormsim::app;
  std::string command_line;
  for (int i = 0; i < argc; ++i) command_line += (i ? " " : "") + std::string(argv[i]);

  CLI::App app{
      "wormsim: simulate how random-scanning Internet worms (Code Red, Blaster, ...) "
      "spread and what they do to networks."};
  app.set_version_flag("--version", std::string("wormsim ") + WORMSIM_VERSION);
  app.require_subcommand(1);
  const Action run = add_run_command(app, command_line);
  const Action compare = add_compare_command(app, command_line);
  const Action sweep = add_sweep_command(app, command_line);
  const Action validate = add_validate_command(app);
  const Action models = add_models_command(app);
  const Action topo = add_topo_command(app);
  const Action exercise = add_exercise_command(app, command_line);
  const Action contact = add_contact_command(app, command_line);
  const Action report = add_report_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitBadInput;
  }
  try {
    if (app.got_subcommand("run")) return run();
    if (app.got_subcommand("compare")) return compare();
    if (app.got_subcommand("sweep")) return sweep();
    if (app.got_subcommand("validate")) return validate();
    if (app.got_subcommand("models")) return models();
    if (app.got_subcommand("topo")) return topo();
    if (app.got_subcommand("exercise")) return exercise();
    if (app.got_subcommand("contact")) return contact();
    if (app.got_subcommand("report")) return report();
  } catch (const wormsim::models::InputError& e) {
    std::fputs(e.what(), stderr);
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wormsim: error: %s\n", e.what());
    return kExitFailure;
  }
  return kExitBadInput;
}
