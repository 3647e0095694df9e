// PHOLD (Fujimoto, "Performance of Time Warp under synthetic workloads", 1990) with the settings of
// ROSS's phold model, the engine benchmark of STYLE.md: logical processes (LPs) grouped into
// partitions, each LP with one random stream, so that for a given partition count every
// scheduler and thread count handles the same events, with the same committed count and digest
// (DESIGN.md, "The engine contract").
#pragma once

#include <cstdint>
#include <vector>

#include "sim/context.hpp"
#include "sim/event.hpp"
#include "sim/model.hpp"
#include "sim/random.hpp"
#include "sim/sequential_scheduler.hpp"
#include "sim/time.hpp"

namespace wormsim::bench {

/// One model time unit of ROSS is one simulated second here (1,000,000 µs of SimTime).
struct PholdConfig {
  /// Logical processes; an LP is an event's subject. ROSS: --nlp=16384 on one process.
  std::uint32_t lps = 16'384;
  /// Partitions own contiguous blocks of LPs; fixed here, never derived from the thread count.
  /// 16 of 1,024 LPs: enough for 8 threads with 2 chunks each, and a partition's queue holds
  /// enough events (1,024) to fill its buckets well (bench/README.md compares 8 to 256).
  std::uint32_t partitions = 16;
  /// Events are committed when their time is before the end. ROSS: --end=1000.
  sim::SimTime end = sim::SimTime::from_s(1'000);
  /// Probability that an event's successor goes to another LP, chosen uniformly among the
  /// others; otherwise it goes to the LP itself. ROSS: --remote=0.25 (ROSS draws among all LPs,
  /// itself included: one chance in 16,384 of a remote event staying home).
  double remote = 0.25;
  /// Least delay of every event, and so the model's lookahead. ROSS: --lookahead=0.1.
  sim::SimTime lookahead = sim::SimTime::from_ms(100);
  /// Mean of the whole delay, in seconds: lookahead plus an exponential of mean
  /// (mean_delay - lookahead), as ROSS's phold does with its --mean (default 1.0).
  double mean_delay_s = 1.0;
  std::uint64_t seed = 1;
};

/// The PHOLD model: every LP starts with one event at its first delay; handling an event posts
/// exactly one successor after a fresh delay, to the LP itself or (with probability `remote`) to
/// another LP, which may sit in another partition. The model keeps, per LP, the number of events
/// it handled and a digest of their (time, order) keys; handlers touch only their LP's entry.
class Phold final : public sim::Model {
 public:
  /// Throws std::invalid_argument on an impossible configuration (no LPs, more partitions than
  /// LPs, a lookahead of zero or less, a mean delay not above the lookahead, remote outside [0,
  /// 1]).
  explicit Phold(const PholdConfig& config);

  std::uint32_t partition_count() const override { return config_.partitions; }
  sim::SimTime lookahead() const override { return config_.lookahead; }
  void start(sim::Context& ctx) override;
  void handle(const sim::Event& e, sim::Context& ctx) override;
  void prefetch(const sim::Event& e) const override { __builtin_prefetch(&lps_[e.subject], 1); }
  void on_sample(sim::SimTime t, std::uint64_t sample_index) override;

  /// The run this benchmark makes: to the end, sampled only at 0 and at the end.
  sim::RunPlan plan() const { return sim::RunPlan{config_.end, config_.end}; }
  /// Events handled before the end, summed over LPs (set at the last sample).
  std::uint64_t committed() const { return committed_; }
  /// A digest of every LP's handled events, combined in LP order (set at the last sample): equal
  /// digests mean, in practice, the same events in the same order at every LP.
  std::uint64_t digest() const { return digest_; }
  /// The partition that owns an LP: contiguous blocks, sizes differing by at most one.
  std::uint32_t partition_of(std::uint32_t lp) const {
    return static_cast<std::uint32_t>(static_cast<std::uint64_t>(lp) * config_.partitions /
                                      config_.lps);
  }

 private:
  /// Per-LP state, one cache line, so that LPs of partitions on different threads never share one.
  struct alignas(64) Lp {
    sim::RandomStream stream;
    std::uint64_t handled = 0;
    std::uint64_t digest = 0;
  };

  sim::SimTime draw_delay(sim::RandomStream& stream) const;
  std::uint32_t first_lp(std::uint32_t partition) const;

  PholdConfig config_;
  double exponential_rate_per_us_;
  std::vector<Lp> lps_;
  std::uint64_t committed_ = 0;
  std::uint64_t digest_ = 0;
};

}  // namespace wormsim::bench
