#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "app/commands/commands.hpp"
#include "models/registry.hpp"

namespace wormsim::app {

namespace {
void print_info(const models::ModelInfo& m) {
  fmt::print("{} {}\n  {}\n", m.kind, m.name, m.summary);
  if (!m.source.empty()) fmt::print("  source: {}\n", m.source);
  for (const auto& p : m.params) {
    fmt::print("  {:<18} {:<11} {:<14} default {}\n", p.key, models::type_name(p.type),
               p.unit.empty() ? "-" : p.unit, p.is_required() ? "(required)" : p.default_value);
    fmt::print("  {:<18} {}\n", "", p.doc);
    if (p.type == models::ParamType::integer || p.type == models::ParamType::real ||
        p.type == models::ParamType::rate || p.type == models::ParamType::duration)
      fmt::print("  {:<18} valid: {} to {}{}\n", "", p.min, p.max,
                 p.type == models::ParamType::rate       ? " per s"
                 : p.type == models::ParamType::duration ? " s"
                                                         : "");
    if (!p.choices.empty()) {
      std::string list;
      for (const auto& c : p.choices) list += (list.empty() ? "" : ", ") + c;
      fmt::print("  {:<18} one of: {}\n", "", list);
    }
    if (!p.source.empty()) fmt::print("  {:<18} source: {}\n", "", p.source);
  }
  fmt::print("\n");
}
}  // namespace

Action add_models_command(CLI::App& app) {
  auto name = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "models", "List the built-in models and scenario tables with their parameters");
  cmd->add_option("NAME", *name, "Show only this model or table");
  return [name]() {
    bool found = false;
    for (const auto* list : {&models::scenario_tables(), &models::builtin_models()})
      for (const auto& m : *list)
        if (name->empty() || m.name == *name) {
          print_info(m);
          found = true;
        }
    if (!found) {
      std::vector<std::string> all;
      for (const auto* list : {&models::scenario_tables(), &models::builtin_models()})
        for (const auto& m : *list) all.push_back(m.name);
      std::string msg = "wormsim models: error: no model or table named '" + *name + "'";
      if (auto near = models::nearest(*name, all)) msg += "; did you mean '" + *near + "'?";
      std::string list;
      for (const auto& a : all) list += (list.empty() ? "" : ", ") + a;
      std::fprintf(stderr, "%s Known: %s\n", msg.c_str(), list.c_str());
      return kExitBadInput;
    }
    return kExitOk;
  };
}

}  // namespace wormsim::app
