// Runs one replication of a scenario end to end: draws its world, builds the outbreak model and
// drives it with a scheduler. Replications are independent: each may run on its own thread.
#pragma once

#include <cstdint>
#include <memory>

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

/// One replication that runs in pauses on the sequential scheduler (an exercise): the same
/// outbreak and bytes as run_replication, advanced a step at a time. `scenario` must outlive it.
class ReplicationSession {
 public:
  ReplicationSession(const Scenario& scenario, std::uint64_t replication,
                     const OutbreakOptions& options);
  ~ReplicationSession();
  /// Runs until t (clamped to the scenario's end); false once the run has ended.
  bool advance_to(sim::SimTime t);
  sim::SimTime now() const;
  bool finished() const;
  /// The curves so far (every sample at or before now()).
  const sim::MetricTable& curves() const;
  /// The figures so far.
  ReplicationSummary summary() const;
  /// The network at run time; null without [network].
  const NetworkRuntime* network() const;
  /// Ends the session: the run as run_replication would give it (at the time reached).
  ReplicationRun finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace wormsim::models
