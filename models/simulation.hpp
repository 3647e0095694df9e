// Runs one replication of a scenario end to end: draws its world, builds the outbreak model and
// drives it with a scheduler. Replications are independent: each may run on its own thread.
#pragma once

#include <cstdint>

#include "models/network/network_runtime.hpp"
#include "models/outbreak.hpp"
#include "models/scenario/scenario.hpp"
#include "sim/metrics.hpp"
#include "sim/model.hpp"

namespace wormsim::models {

struct ReplicationRun {
  ReplicationSummary summary;
  sim::MetricTable curves;
  std::uint32_t partitions = 0;
  sim::RunStats stats;
  std::vector<OutbreakEvent> events;    ///< when options.record_events
  std::vector<ActionLogEntry> actions;  ///< the scenario's defences and actions, in its order
  NetworkRecord network;                ///< links and devices; empty without [network]
};

/// Which scheduler drives one replication. Both give the same bytes; the windowed one spreads
/// the partitions of one replication over `threads` threads.
struct SchedulerChoice {
  enum class Kind { sequential, windowed };
  Kind kind = Kind::sequential;
  int threads = 1;  ///< windowed only
};

ReplicationRun run_replication(const Scenario& scenario, std::uint64_t replication,
                               const OutbreakOptions& options, SchedulerChoice scheduler = {});

}  // namespace wormsim::models
