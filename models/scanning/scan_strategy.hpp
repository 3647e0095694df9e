// A scanning strategy answers "after how many probes, and at which address, is this host's next
// relevant hit?" exactly in distribution (DESIGN.md, "Scanning without simulating every probe"),
// and, for the per-probe reference mode, "where does the next single probe go?". Strategies are
// written once and shared by every worm. Two families:
// - memoryless (uniform, local preference): every probe picks its destination independently, so
//   relevant hits of a Poisson probe stream are a Poisson process of rate rate * hit_probability
//   (thinning), each landing on a target drawn by draw_target;
// - sequential (Blaster, Code Red v1's fixed sequence, sadmind/IIS's block sweeps): probes walk a
// fixed order from a start
//   cursor, so the next relevant hit is the next live relevant address in that order, found by
//   next_in_order, and the number of probes to it is a difference of positions.
#pragma once

#include <cstdint>
#include <limits>

#include "sim/address_index.hpp"
#include "sim/live_index.hpp"
#include "sim/random.hpp"
#include "sim/time.hpp"
#include "sim/variates.hpp"

namespace wormsim::models {

/// When a scanning host's probes leave, counted from when it starts scanning.
/// - Poisson (batch_size == 0): a Poisson process of `rate_per_s` (Code Red's 100 threads each
///   waiting on connection time-outs superpose to one).
/// - Batched (batch_size > 0): probes leave in batches of `batch_size` every `batch_interval`,
///   the first batch at the start (Blaster: 20 non-blocking connects about every 1.8 s).
struct ProbeClock {
  double rate_per_s = 1;
  std::uint32_t batch_size = 0;
  sim::SimTime batch_interval{0};

  bool is_poisson() const { return batch_size == 0; }
  /// Mean probes per second, whichever the mode.
  double mean_rate_per_s() const {
    return is_poisson() ? rate_per_s : static_cast<double>(batch_size) / batch_interval.seconds();
  }
  /// Poisson mode: time to the first success when each probe succeeds with probability p: the
  /// thinned process is Poisson of rate rate*p, so this is Exp(rate*p). One word.
  sim::SimTime until_success(double p, sim::RandomStream& rng) const {
    return sim::SimTime::from_seconds(sim::variates::exponential(rng, rate_per_s * p));
  }
  /// Poisson mode: time for the next `k` probes, Erlang(k, rate).
  sim::SimTime after_probes(std::uint64_t k, sim::RandomStream& rng) const {
    return sim::SimTime::from_seconds(sim::variates::erlang_time(rng, k, rate_per_s));
  }
  /// Batched mode: offset from the scan start of probe number `index` (from 0).
  sim::SimTime batch_time(std::uint64_t index) const {
    return batch_interval * static_cast<std::int64_t>(index / batch_size);
  }
};

/// Per-host scanning state a strategy may keep.
struct ScannerState {
  /// Sequential strategies: the position in the scan order of the next probe (0 .. 2^32).
  std::uint64_t cursor = 0;
  /// Probes sent since the host started scanning (for batched clocks).
  std::uint64_t probes = 0;
  /// Strategies whose walk has random turns drawn once per run (sadmind/IIS's blocks): the
  /// run's seed, from which every turn follows.
  std::uint64_t seed = 0;
};

/// The next relevant hit of a sequential scanner.
struct OrderedHit {
  static constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
  std::size_t target = kNone;  ///< position in the relevant index; kNone if no live target
  std::uint64_t probes = 0;    ///< probes from the cursor up to and including the hit
};

class ScanStrategy {
 public:
  virtual ~ScanStrategy() = default;

  virtual bool is_sequential() const { return false; }
  /// Called once with the relevant set before the run (strategies that index it override).
  virtual void prepare(const sim::AddressIndex& /*relevant*/) {}

  // --- memoryless strategies ---
  /// Probability that one probe from `source` lands on a live relevant address.
  virtual double hit_probability(std::uint32_t source, const sim::LiveIndex& relevant) const = 0;
  /// The relevant position a probe from `source` lands on, given that it lands on a live one.
  virtual std::size_t draw_target(std::uint32_t source, const sim::LiveIndex& relevant,
                                  sim::RandomStream& rng) const = 0;

  // --- sequential strategies ---
  /// Sets the start cursor of a host that begins scanning (a new run of the worm).
  virtual void begin(std::uint32_t /*source*/, ScannerState& /*state*/,
                     sim::RandomStream& /*rng*/) const {}
  /// The next live relevant address at or after the cursor in scan order (wrapping around the
  /// space), and the probes it takes to reach it. Does not move the cursor.
  virtual OrderedHit next_in_order(std::uint32_t /*source*/, const ScannerState& /*state*/,
                                   const sim::LiveIndex& /*relevant*/) const {
    return {};
  }
  /// Moves the cursor past `probes` probes.
  virtual void advance(ScannerState& state, std::uint64_t probes) const {
    state.cursor += probes;
    state.probes += probes;
  }

  // --- the per-probe reference mode ---
  /// The destination of the next single probe; sequential strategies advance the cursor.
  virtual std::uint32_t next_probe(std::uint32_t source, ScannerState& state,
                                   sim::RandomStream& rng) const = 0;
};

}  // namespace wormsim::models
