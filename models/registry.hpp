// Every built-in model publishes its name, a one-line summary, its source and a parameter table
// (STYLE.md, "How a model plugs in"). The loader, its checks and `wormsim models` all read these
// tables; registry.cpp is the one explicit list of built-in models.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wormsim::models {

enum class ParamType {
  integer,      ///< whole number in [min, max]
  real,         ///< number in [min, max]
  probability,  ///< number in [0, 1]
  duration,     ///< string with units: "90s", "2h30m"
  rate,         ///< events per time: "358/min", "6/s"
  string,       ///< free text
  choice,       ///< one of `choices`
  prefix,       ///< IPv4 prefix "a.b.c.d/len"
  datetime,     ///< TOML offset date-time in UTC
  mix,          ///< inline table of name = weight, weights summing to 1
  list,         ///< array of names from `choices`
  table,        ///< inline table with its own keys
  boolean,      ///< true or false
};

std::string_view type_name(ParamType t);

struct ParamSpec {
  std::string key;
  ParamType type;
  std::string unit;           ///< "" when unitless
  std::string default_value;  ///< as written in a file; "" means required
  double min = 0;             ///< numeric types: valid range
  double max = 0;
  std::string doc;
  std::string source;  ///< where the default comes from, with its confidence tag
  std::vector<std::string> choices;

  bool is_required() const { return default_value.empty(); }
};

/// A scenario table or a model: what it is and which keys it takes.
struct ModelInfo {
  std::string kind;  ///< "worm", "defence", "strategy", "table"
  std::string name;
  std::string summary;
  std::string source;
  std::vector<ParamSpec> params;

  const ParamSpec* find(std::string_view key) const {
    for (const auto& p : params)
      if (p.key == key) return &p;
    return nullptr;
  }
};

/// The fixed tables of a scenario file ([simulation], [address_space], [[population]], [worm]
/// common keys), in file order.
const std::vector<ModelInfo>& scenario_tables();
/// Built-in worm models, scanning strategies and other pluggable models.
const std::vector<ModelInfo>& builtin_models();
const ModelInfo* find_model(std::string_view kind, std::string_view name);
/// Names of the models of one kind, comma separated, for error messages.
std::string model_names(std::string_view kind);

/// The nearest of `candidates` to `word` by edit distance, if close enough to be a likely typo.
std::optional<std::string> nearest(std::string_view word,
                                   const std::vector<std::string>& candidates);

}  // namespace wormsim::models
