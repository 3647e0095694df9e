#include "analysis/comparison.hpp"

#include <stdexcept>

namespace wormsim::analysis {

namespace {

std::optional<double> count(std::uint64_t v) {
  return static_cast<double>(v);
}

}  // namespace

const std::vector<ComparisonFigure>& comparison_figures() {
  // The first worm's figures (the only worm in most scenarios), as in summary.json.
  static const std::vector<ComparisonFigure> figures = {
      {"vulnerable", "vulnerable hosts", FigureUnit::hosts,
       [](const models::ReplicationSummary& s) { return count(s.vulnerable); }},
      {"infected_total", "final infected (hosts)", FigureUnit::hosts,
       [](const models::ReplicationSummary& s) { return count(s.infected_total); }},
      {"infected_now", "infected at the end (hosts)", FigureUnit::hosts,
       [](const models::ReplicationSummary& s) { return count(s.infected_now); }},
      {"infected_total_pct", "final infected (% of vulnerable)", FigureUnit::percent,
       [](const models::ReplicationSummary& s) -> std::optional<double> {
         if (s.vulnerable == 0) return std::nullopt;
         return 100.0 * static_cast<double>(s.infected_total) / static_cast<double>(s.vulnerable);
       }},
      {"time_to_50pct_s", "time to 50% of vulnerable", FigureUnit::seconds,
       [](const models::ReplicationSummary& s) { return s.time_to_fraction_s[1]; }},
      {"peak_infections_per_minute", "peak new infections per minute", FigureUnit::per_minute,
       [](const models::ReplicationSummary& s) { return count(s.peak_infections_per_minute); }},
      {"crashes", "crashes (RPC + IIS)", FigureUnit::count,
       [](const models::ReplicationSummary& s) { return count(s.rpc_crashes + s.iis_crashes); }},
      {"reboots", "reboots", FigureUnit::count,
       [](const models::ReplicationSummary& s) { return count(s.reboots); }},
      {"patched", "hosts patched", FigureUnit::hosts,
       [](const models::ReplicationSummary& s) { return count(s.patched); }},
      {"probes_blocked", "probes blocked", FigureUnit::count,
       [](const models::ReplicationSummary& s) { return count(s.probes_blocked); }},
      {"hosts_cleaned", "hosts cleaned by quarantine", FigureUnit::hosts,
       [](const models::ReplicationSummary& s) { return count(s.hosts_cleaned); }},
  };
  return figures;
}

Comparison compare(std::vector<ComparisonColumn> columns,
                   const std::vector<std::vector<models::ReplicationSummary>>& runs,
                   std::uint64_t seed) {
  if (columns.empty() || runs.size() != columns.size())
    throw std::invalid_argument("compare: one list of replications per column, at least one");
  const std::size_t replications = runs.front().size();
  for (const auto& column : runs)
    if (column.empty() || column.size() != replications)
      throw std::invalid_argument("compare: every column needs the same replications");

  Comparison c;
  c.seed = seed;
  c.replications = static_cast<std::uint32_t>(replications);
  c.columns = std::move(columns);
  const auto& figures = comparison_figures();
  c.cells.resize(figures.size());
  for (std::size_t f = 0; f < figures.size(); ++f) {
    auto& row = c.cells[f];
    row.resize(runs.size());
    for (std::size_t k = 0; k < runs.size(); ++k) {
      ComparisonCell& cell = row[k];
      cell.values.reserve(replications);
      for (const auto& summary : runs[k]) cell.values.push_back(figures[f].value(summary));
      cell.estimate = estimate(cell.values);
      if (k > 0) cell.difference = paired_difference(row.front().values, cell.values);
    }
  }
  return c;
}

}  // namespace wormsim::analysis
