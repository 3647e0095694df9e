// Variants: the columns of a comparison, each the base scenario plus its own defences.
#include "models/scenario/scenario.hpp"

namespace wormsim::models {

namespace {

Scenario apply(const Scenario& base, const VariantConfig& v) {
  Scenario s = base;
  s.variants.clear();
  s.variant = v.name;
  s.defences.insert(s.defences.end(), v.defences.begin(), v.defences.end());
  return s;
}

}  // namespace

std::vector<Scenario> scenario_columns(const Scenario& scenario) {
  if (scenario.variants.empty()) return {scenario};
  std::vector<Scenario> columns;
  columns.reserve(scenario.variants.size());
  for (const VariantConfig& v : scenario.variants) columns.push_back(apply(scenario, v));
  return columns;
}

std::optional<Scenario> with_variant(const Scenario& scenario, const std::string& name) {
  for (const VariantConfig& v : scenario.variants)
    if (v.name == name) return apply(scenario, v);
  return std::nullopt;
}

}  // namespace wormsim::models
