// Writers for `wormsim contact`'s output folder: curves.csv (tidy, as `wormsim run` writes it) and
// summary.json (parameters, per-replication figures, aggregates with 95% intervals). Nothing in
// either depends on the machine, the thread count or the clock (DESIGN.md, "Outputs"); run.json
// (write_run_json) holds the rest.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/contact/contact_epidemic.hpp"

namespace wormsim::analysis {

inline constexpr int kContactSummarySchemaVersion = 1;

/// What summary.json records of a contact run's inputs, every default filled in.
struct ContactRunInfo {
  std::string graph;                        ///< as given: a generator's name or a file's path
  std::string graph_origin;                 ///< "generated as-powerlaw", "GraphML", "AS graph", ...
  std::optional<std::uint64_t> graph_seed;  ///< a generator's seed
  /// A generator's parameters as used (key, value with its unit), in table order.
  std::vector<std::pair<std::string, std::string>> graph_parameters;
  std::uint32_t nodes = 0;
  std::uint32_t edges = 0;
  double transmission_rate = 0;            ///< tau, per arc
  double recovery_rate = 0;                ///< gamma, per node
  std::optional<double> initial_fraction;  ///< when the initial count was given as a fraction
  std::uint32_t initial_infected = 0;
  std::uint64_t seed = 0;
  std::uint32_t replications = 0;
  double sample_every = 0;
};

/// A time of the contact model as curves.csv writes it: up to 12 significant digits, so that
/// sample times k * step print as written (0.3, not 0.30000000000000004).
std::string format_contact_time(double t);

/// curves.csv: `time,replication,metric,value`, replications in order, then time, then the
/// metrics susceptible, infected, recovered (node counts at the sample time). Times are in the
/// rates' unit, not seconds, hence `time` rather than `time_s`.
void write_contact_curves_csv(const std::filesystem::path& file,
                              const std::vector<models::ContactRunResult>& runs);

/// summary.json: schema version, program version, model, parameters, per-replication figures
/// (final size and fraction, peak infected and its time, end time, infected at the end) and
/// their mean, median and 95% Student-t interval over replications.
void write_contact_summary_json(const std::filesystem::path& file, const ContactRunInfo& info,
                                const std::vector<models::ContactRunResult>& runs,
                                const std::string& version);

}  // namespace wormsim::analysis
