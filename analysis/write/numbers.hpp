// How the writers print numbers: the shortest text that reads back to the same double, no
// "-0", and estimates as JSON objects. Shared by the writers so that their files print a figure
// the same way.
#pragma once

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analysis/statistics.hpp"

namespace wormsim::analysis::numbers {

using Json = nlohmann::ordered_json;

/// Adding 0.0 turns -0.0 (a difference of equal values can be one) into 0.0, so the files never
/// show "-0".
inline double tidy(double v) {
  return v + 0.0;
}

/// Shortest text that reads back to the same double; empty without a value.
inline std::string csv_number(const std::optional<double>& v) {
  return v ? fmt::format("{}", tidy(*v)) : std::string();
}

inline Json json_number(const std::optional<double>& v) {
  if (v) return tidy(*v);
  return nullptr;
}

inline Json estimate_json(const std::optional<Estimate>& e) {
  if (!e) return nullptr;
  return {{"n", e->n},
          {"mean", tidy(e->mean)},
          {"median", tidy(e->median)},
          {"ci95_low", tidy(e->ci_low)},
          {"ci95_high", tidy(e->ci_high)}};
}

/// The estimate over replications' values (missing ones left out), as JSON.
inline Json estimate_json(const std::vector<std::optional<double>>& values) {
  return estimate_json(estimate(values));
}

}  // namespace wormsim::analysis::numbers
