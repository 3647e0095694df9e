// wormsim report: rebuilds report.html in an output folder of `wormsim run` or `wormsim compare`
// from the folder's files, with the code the writers at the end of those commands use, so the page
// it writes is the one they wrote (DESIGN.md, "Outputs").
#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "analysis/write/report.hpp"
#include "app/commands/commands.hpp"

namespace wormsim::app {

Action add_report_command(CLI::App& app) {
  auto folder = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "report",
      "Rebuild report.html in an output folder of wormsim run (summary.json, curves.csv, ...) or "
      "wormsim compare (compare.json, compare_curves.csv) from its files");
  cmd->add_option("DIR", *folder, "Output folder")->required();
  return [folder]() {
    const auto file = analysis::write_report(*folder);
    fmt::print("wrote {}\n", file.string());
    return kExitOk;
  };
}

}  // namespace wormsim::app
