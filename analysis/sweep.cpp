#include "analysis/sweep.hpp"

#include <fmt/format.h>
#include <stdexcept>

namespace wormsim::analysis {

namespace {

std::optional<double> count(std::uint64_t v) {
  return static_cast<double>(v);
}

std::string joined(const std::vector<std::string>& items, std::string_view separator = ", ") {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += separator;
    out += items[i];
  }
  return out;
}

std::string parameters_text(const std::vector<SweepParameter>& parameters) {
  std::string out;
  for (const auto& p : parameters) {
    out += out.empty() ? "" : " ";
    out += fmt::format("--set {}={}", p.key, joined(p.values, ","));
  }
  return out.empty() ? "none" : out;
}

}  // namespace

SweepGrid::SweepGrid(std::vector<SweepParameter> parameters, std::size_t max_points)
    : parameters_(std::move(parameters)) {
  for (const auto& p : parameters_) {
    if (p.values.empty())
      throw std::invalid_argument(fmt::format("sweep: {} has no value", p.key));
    if (size_ > max_points / p.values.size())
      throw std::invalid_argument(
          fmt::format("sweep: the grid would hold more than {} points", max_points));
    size_ *= p.values.size();
  }
}

std::vector<std::size_t> SweepGrid::coordinates(std::size_t point) const {
  // Mixed radix with the last parameter as the lowest digit: the first varies slowest.
  std::vector<std::size_t> c(parameters_.size());
  for (std::size_t i = parameters_.size(); i-- > 0;) {
    const std::size_t n = parameters_[i].values.size();
    c[i] = point % n;
    point /= n;
  }
  return c;
}

std::vector<models::Override> SweepGrid::overrides(std::size_t point) const {
  const auto c = coordinates(point);
  std::vector<models::Override> out;
  for (std::size_t i = 0; i < parameters_.size(); ++i)
    out.push_back({parameters_[i].key, parameters_[i].values[c[i]]});
  return out;
}

std::vector<SweepFigure> sweep_figures(bool network, bool defences) {
  using S = models::ReplicationSummary;
  // The first worm's figures (the only worm in most scenarios), as in summary.json.
  std::vector<SweepFigure> figures = {
      {"vulnerable", FigureUnit::hosts, [](const S& s) { return count(s.vulnerable); }},
      {"infected_total", FigureUnit::hosts, [](const S& s) { return count(s.infected_total); }},
      {"infected_now", FigureUnit::hosts, [](const S& s) { return count(s.infected_now); }},
      {"time_to_10pct_s", FigureUnit::seconds,
       [](const S& s) { return s.time_to_fraction_s[0]; }},
      {"time_to_50pct_s", FigureUnit::seconds,
       [](const S& s) { return s.time_to_fraction_s[1]; }},
      {"time_to_90pct_s", FigureUnit::seconds,
       [](const S& s) { return s.time_to_fraction_s[2]; }},
      {"peak_infections_per_minute", FigureUnit::per_minute,
       [](const S& s) { return count(s.peak_infections_per_minute); }},
  };
  // A point without the network (or without defences) in a sweep where another has one has no
  // such figure rather than a zero that was never measured.
  if (network) {
    figures.push_back({"hits_lost", FigureUnit::count, [](const S& s) -> std::optional<double> {
                         if (!s.has_network) return std::nullopt;
                         return count(s.hits_lost);
                       }});
    figures.push_back(
        {"device_crashes", FigureUnit::count, [](const S& s) -> std::optional<double> {
           if (!s.has_network) return std::nullopt;
           return count(s.device_crashes);
         }});
    figures.push_back(
        {"links_saturated", FigureUnit::count, [](const S& s) -> std::optional<double> {
           if (!s.has_network) return std::nullopt;
           return count(s.links_saturated);
         }});
    figures.push_back(
        {"bytes_dropped", FigureUnit::count, [](const S& s) -> std::optional<double> {
           if (!s.has_network) return std::nullopt;
           return s.bytes_dropped;
         }});
  }
  if (defences) {
    figures.push_back({"patched", FigureUnit::hosts, [](const S& s) { return count(s.patched); }});
    figures.push_back(
        {"probes_blocked", FigureUnit::count, [](const S& s) { return count(s.probes_blocked); }});
  }
  return figures;
}

std::vector<std::optional<double>> figure_values(const std::vector<SweepFigure>& figures,
                                                 const models::ReplicationSummary& summary) {
  std::vector<std::optional<double>> values;
  values.reserve(figures.size());
  for (const auto& f : figures) values.push_back(f.value(summary));
  return values;
}

std::vector<std::string> identity_differences(const SweepIdentity& here,
                                              const SweepIdentity& there) {
  std::vector<std::string> out;
  if (here.text_hash != there.text_hash)
    out.push_back(fmt::format("the scenario file's hash is {} here, {} in the progress file (the "
                              "file has changed)",
                              here.text_hash, there.text_hash));
  if (here.variant != there.variant)
    out.push_back(fmt::format("the variant is \"{}\" here, \"{}\" in the progress file",
                              here.variant, there.variant));
  if (here.parameters != there.parameters)
    out.push_back(fmt::format("the parameters are {} here, {} in the progress file",
                              parameters_text(here.parameters),
                              parameters_text(there.parameters)));
  if (here.seed != there.seed)
    out.push_back(fmt::format("the seed is {} here, {} in the progress file", here.seed,
                              there.seed));
  if (here.replications != there.replications)
    out.push_back(fmt::format("the replications are {} here, {} in the progress file",
                              here.replications, there.replications));
  if (here.figures != there.figures)
    out.push_back(fmt::format("the figures are {} here, {} in the progress file",
                              joined(here.figures), joined(there.figures)));
  if (here.version != there.version)
    out.push_back(fmt::format("this is wormsim {}, the progress file is from wormsim {}",
                              here.version, there.version));
  return out;
}

std::optional<Estimate> point_estimate(const SweepResults& results, std::size_t point,
                                       std::size_t figure) {
  std::vector<std::optional<double>> values;
  for (const auto& replication : results.values.at(point))
    values.push_back(replication.at(figure));
  return estimate(values);
}

}  // namespace wormsim::analysis
