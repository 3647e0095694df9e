// One replication of an outbreak as an engine model: hosts of a World, a worm that scans with a
// strategy, and the per-partition state and counters the engine contract asks for (handlers
// touch only their partition; curves are set at barriers from counters combined in partition
// order). In per-probe mode every probe is an event: the slow reference the tests hold the exact
// samplers against.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "models/host/world.hpp"
#include "models/scanning/scan_strategy.hpp"
#include "models/scenario/scenario.hpp"
#include "sim/address_index.hpp"
#include "sim/live_index.hpp"
#include "sim/metrics.hpp"
#include "sim/model.hpp"
#include "sim/random.hpp"

namespace wormsim::models {

enum class HostState : std::uint8_t { immune = 0, susceptible, infected };

/// The figures of one replication that summary.json reports.
struct ReplicationSummary {
  std::uint64_t replication = 0;
  std::uint64_t hosts = 0;
  std::uint64_t vulnerable = 0;
  std::uint64_t initial_infected = 0;
  std::uint64_t infected_total = 0;  ///< distinct hosts ever infected
  std::uint64_t infected_now = 0;
  std::uint64_t susceptible = 0;
  std::array<std::optional<double>, 3> time_to_fraction_s;  ///< 10%, 50%, 90% of vulnerable
  std::uint64_t peak_infections_per_minute = 0;
  double peak_minute_start_s = 0;
  std::uint64_t events = 0;
};

struct OutbreakOptions {
  bool per_probe = false;
};

class Outbreak final : public sim::Model {
 public:
  Outbreak(const Scenario& scenario, World world, std::uint64_t replication,
           OutbreakOptions options);
  Outbreak(const Outbreak&) = delete;
  Outbreak& operator=(const Outbreak&) = delete;

  std::uint32_t partition_count() const override { return world_.partitions; }
  sim::SimTime lookahead() const override { return scenario_.worm.exploit_delay; }
  void start(sim::Context& ctx) override;
  void handle(const sim::Event& e, sim::Context& ctx) override;
  void on_sample(sim::SimTime t, std::uint64_t sample_index) override;

  const sim::MetricTable& curves() const { return curves_; }
  /// Figures of the finished run.
  ReplicationSummary summarize(std::uint64_t events) const;
  const World& world() const { return world_; }
  HostState state(std::size_t host) const { return state_[host]; }
  sim::SimTime infected_at(std::size_t host) const { return sim::SimTime{static_cast<std::int64_t>(infected_at_[host])}; }

  static constexpr std::uint64_t kNever = ~std::uint64_t{0};

 private:
  enum Kind : std::uint16_t { kScan = 1, kProbe = 2, kDeliver = 3, kStopScanning = 4 };

  struct PartitionCounters {
    std::int64_t infected_now = 0;
    std::int64_t infected_total = 0;
    std::int64_t susceptible = 0;
    std::int64_t scanning = 0;
    std::int64_t new_infections = 0;  // since the last sample
    std::int64_t scanning_host_us = 0;  // integral of `scanning` over time
    sim::SimTime last_change{0};
    std::vector<std::uint32_t> left_relevant;  // relevant positions to drop at the next barrier
  };

  void infect(std::uint32_t host, sim::Context& ctx);
  void stop_scanning(std::uint32_t host, sim::SimTime at);
  void account_scanning(PartitionCounters& c, sim::SimTime now, std::int64_t delta);
  sim::RandomStream scan_stream(std::uint32_t host) const;
  void start_scanning(std::uint32_t host, sim::Context& ctx);
  void schedule_next(std::uint32_t host, double p, sim::RandomStream& rng, sim::Context& ctx);
  void deliver(std::uint32_t target, std::uint32_t source, sim::Context& ctx);
  sim::SimTime spread_end(sim::SimTime infected) const;

  const Scenario& scenario_;
  World world_;
  std::uint64_t replication_;
  OutbreakOptions options_;
  std::array<std::uint32_t, 2> key_;
  ProbeClock clock_;
  std::unique_ptr<ScanStrategy> strategy_;
  sim::AddressIndex relevant_;                // addresses where a probe can matter
  std::vector<std::uint32_t> relevant_host_;  // position in relevant_ -> host id
  // The live part of relevant_, updated at barriers only, so every partition reads the same
  // set during a window. Hosts leave it for good once infected: nothing here returns a host to
  // susceptible, which is what keeps the thinning below exact.
  sim::LiveIndex live_;
  std::vector<std::uint32_t> relevant_position_;  // host -> position in relevant_
  std::vector<std::uint32_t> host_partition_;
  std::vector<double> hit_probability_;  // per scanning host: p its pending hit was drawn with
  std::vector<HostState> state_;
  std::vector<std::uint64_t> stream_position_;  // per host: words drawn from its scan stream
  std::vector<ScannerState> scanner_;
  std::vector<std::uint64_t> infected_at_;      // per host: microseconds, kNever if never
  std::vector<sim::SimTime> scan_until_;        // per host: when its spreading stops
  std::vector<PartitionCounters> counters_;
  std::uint64_t initial_infected_ = 0;
  sim::MetricTable curves_;
  std::size_t m_susceptible_, m_infected_now_, m_infected_total_, m_scanning_, m_new_,
      m_probes_;
};

/// Builds the strategy a worm model scans with.
std::unique_ptr<ScanStrategy> make_strategy(const Scenario& scenario);

}  // namespace wormsim::models
