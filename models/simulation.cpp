#include "models/simulation.hpp"

#include "models/host/world.hpp"
#include "sim/sequential_scheduler.hpp"
#include "sim/windowed_scheduler.hpp"

namespace wormsim::models {

ReplicationRun run_replication(const Scenario& scenario, std::uint64_t replication,
                               const OutbreakOptions& options, SchedulerChoice choice) {
  Outbreak outbreak(scenario, build_world(scenario, replication), replication, options);
  const sim::RunPlan plan{scenario.simulation.duration, scenario.simulation.sample_every,
                          outbreak.step_every()};
  sim::RunStats stats;
  if (choice.kind == SchedulerChoice::Kind::windowed) {
    sim::WindowedScheduler scheduler(choice.threads);
    stats = scheduler.run(outbreak, plan);
  } else {
    sim::SequentialScheduler scheduler;
    stats = scheduler.run(outbreak, plan);
  }
  ReplicationRun run;
  run.summary = outbreak.summarize(stats.events);
  run.curves = outbreak.curves();
  run.partitions = outbreak.partition_count();
  run.stats = stats;
  run.events = outbreak.event_log();
  run.actions = outbreak.action_log();
  run.network = outbreak.take_network_record();
  return run;
}

struct ReplicationSession::State {
  State(const Scenario& scenario, std::uint64_t replication, const OutbreakOptions& options)
      : outbreak(scenario, build_world(scenario, replication), replication, options),
        run(outbreak, sim::RunPlan{scenario.simulation.duration, scenario.simulation.sample_every,
                                   outbreak.step_every()}) {}
  Outbreak outbreak;
  sim::SequentialRun run;
};

ReplicationSession::ReplicationSession(const Scenario& scenario, std::uint64_t replication,
                                       const OutbreakOptions& options)
    : state_(std::make_unique<State>(scenario, replication, options)) {}

ReplicationSession::~ReplicationSession() = default;

bool ReplicationSession::advance_to(sim::SimTime t) {
  return state_->run.advance_to(t);
}
sim::SimTime ReplicationSession::now() const {
  return state_->run.now();
}
bool ReplicationSession::finished() const {
  return state_->run.finished();
}
const sim::MetricTable& ReplicationSession::curves() const {
  return state_->outbreak.curves();
}
ReplicationSummary ReplicationSession::summary() const {
  return state_->outbreak.summarize(state_->run.stats().events);
}

const NetworkRuntime* ReplicationSession::network() const {
  return state_->outbreak.network();
}

ReplicationRun ReplicationSession::finish() {
  Outbreak& outbreak = state_->outbreak;
  ReplicationRun run;
  run.summary = outbreak.summarize(state_->run.stats().events);
  run.curves = outbreak.curves();
  run.partitions = outbreak.partition_count();
  run.stats = state_->run.stats();
  run.events = outbreak.event_log();
  run.actions = outbreak.action_log();
  run.network = outbreak.take_network_record();
  return run;
}

}  // namespace wormsim::models
