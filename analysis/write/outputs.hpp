// Writers for the output folder (DESIGN.md, "Outputs"): curves.csv (tidy), actions.csv (the
// defences and actions), events.csv, summary.json (nothing that depends on the machine, thread
// count or clock) and run.json (the rest).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "models/network/network_runtime.hpp"
#include "models/outbreak.hpp"
#include "models/scenario/scenario.hpp"
#include "sim/metrics.hpp"

namespace wormsim::analysis {

inline constexpr int kSummarySchemaVersion = 1;

struct ReplicationResult {
  models::ReplicationSummary summary;
  sim::MetricTable curves;
  std::uint32_t partitions = 0;
  std::vector<models::OutbreakEvent> events;    ///< recorded with --events
  std::vector<models::ActionLogEntry> actions;  ///< the scenario's defences and actions
  models::NetworkRecord network;                ///< links and devices ([network] only)
};

/// Formats microseconds as decimal seconds, exactly and without trailing zeros ("90", "0.5").
std::string format_seconds(sim::SimTime t);

/// curves.csv: `time_s,replication,metric,value`, replications in order, then time, then metric.
void write_curves_csv(const std::filesystem::path& file,
                      const std::vector<ReplicationResult>& runs);

/// actions.csv: `time_s,replication,name,type,kind,unit,selected,eligible,adopting`, one row per
/// defence or action and replication, in scenario order, then replication order; the header only
/// for a scenario without defences. type: defence or action; unit: hosts or sites (what selected,
/// eligible and adopting count).
void write_actions_csv(const std::filesystem::path& file,
                       const std::vector<ReplicationResult>& runs);

/// events.csv: `time_s,replication,host,site,event,worm,cause` — infections (cause: the infecting
/// host), crashes (the probing host), reboots and returns (the host itself; worm "-"), seeds; for
/// defence events (patched, defended, disconnected, cleaned) the worm column names the defence.
void write_events_csv(const std::filesystem::path& file, const models::Scenario& scenario,
                      const std::vector<ReplicationResult>& runs);

/// With [network] (no file otherwise):
/// links.csv: `time_s,replication,from,to,worm_bps,worm_pps,offered_bps,capacity_bps,
/// utilisation,dropped_bps` at every links sample, for links carrying worm traffic (or all);
/// offered = worm + background; dropped = offered − capacity when above.
/// links_summary.csv: `replication,link,from,to,capacity_bps,peak_utilisation,peak_time_s,
/// first_above_80_s,first_above_100_s,worm_bytes,bytes_dropped,peak_offered_bps,
/// needed_capacity_bps` for every directed link that carried worm traffic, busiest first; needed
/// capacity keeps the link's peak at the target utilisation; empty times: never.
/// devices.csv: `time_s,replication,device,name,model,state,cause` for every device state change.
void write_network_csvs(const std::filesystem::path& folder,
                        const std::vector<ReplicationResult>& runs);

/// summary.json: schema version, program version, scenario hash (and variant, and the `--set`
/// overrides applied to the file as `scenario.overrides`: key and value as given), every parameter
/// used (defaults included; the defences and actions with every field), per-replication figures
/// and aggregates with 95% intervals.
void write_summary_json(const std::filesystem::path& file, const models::Scenario& scenario,
                        const std::vector<ReplicationResult>& runs, const std::string& version,
                        bool per_probe);

struct RunInfo {
  std::string version;
  std::string command_line;
  std::string scenario_path;
  unsigned threads = 1;
  std::string scheduler;
  double wall_seconds = 0;
  std::uint64_t events = 0;
};
/// run.json: what depends on the machine and the clock.
void write_run_json(const std::filesystem::path& file, const RunInfo& info);

/// A CSV field, quoted (RFC 4180) when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& text);

/// Throws std::runtime_error naming the path and the OS message if the file cannot be written.
void write_text_file(const std::filesystem::path& file, const std::string& text);

}  // namespace wormsim::analysis
