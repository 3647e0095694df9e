#include "models/simulation.hpp"

#include "models/host/world.hpp"
#include "sim/sequential_scheduler.hpp"

namespace wormsim::models {

ReplicationRun run_replication(const Scenario& scenario, std::uint64_t replication,
                               const OutbreakOptions& options) {
  Outbreak outbreak(scenario, build_world(scenario, replication), replication, options);
  sim::SequentialScheduler scheduler;
  const sim::RunStats stats =
      scheduler.run(outbreak, {scenario.simulation.duration, scenario.simulation.sample_every});
  ReplicationRun run;
  run.summary = outbreak.summarize(stats.events);
  run.curves = outbreak.curves();
  run.partitions = outbreak.partition_count();
  run.stats = stats;
  run.events = outbreak.event_log();
  return run;
}

}  // namespace wormsim::models
