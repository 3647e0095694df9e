// A scanning strategy answers "when, and at which address, is this host's next relevant hit?"
// exactly in distribution (DESIGN.md, "Scanning without simulating every probe"), and, for the
// per-probe reference mode, "where does the next single probe go?". Strategies are written once
// and shared by every worm.
#pragma once

#include <cstdint>

#include "sim/address_index.hpp"
#include "sim/live_index.hpp"
#include "sim/random.hpp"
#include "sim/time.hpp"
#include "sim/variates.hpp"

namespace wormsim::models {

/// When a scanning host's probes leave: a Poisson process of `rate_per_s` (Code Red's 100
/// threads each waiting on connection time-outs superpose to one).
struct ProbeClock {
  double rate_per_s = 1;

  /// Time to the first success when each probe succeeds with probability p: the thinned Poisson
  /// process is Poisson with rate rate*p, so this is Exp(rate*p). One word.
  sim::SimTime until_success(double p, sim::RandomStream& rng) const {
    return sim::SimTime::from_seconds(sim::variates::exponential(rng, rate_per_s * p));
  }
  /// Time for the next `k` probes: Erlang(k, rate).
  sim::SimTime after_probes(std::uint64_t k, sim::RandomStream& rng) const {
    return sim::SimTime::from_seconds(sim::variates::erlang_time(rng, k, rate_per_s));
  }
  /// Time to the next single probe.
  sim::SimTime next_probe(sim::RandomStream& rng) const { return after_probes(1, rng); }
};

/// Per-host scanning state a strategy may keep (sequential scanners keep a cursor).
struct ScannerState {
  std::uint32_t cursor = 0;
};

/// A memoryless strategy: every probe picks its destination independently of the others, so
/// the relevant hits of a Poisson probe stream form a Poisson process of rate
/// rate * hit_probability (thinning), each hit landing on a target drawn by draw_target.
class ScanStrategy {
 public:
  virtual ~ScanStrategy() = default;
  /// Probability that one probe from `source` lands on a live relevant address.
  virtual double hit_probability(std::uint32_t source, const sim::LiveIndex& relevant) const = 0;
  /// The relevant position a probe from `source` lands on, given that it lands on a live one.
  virtual std::size_t draw_target(std::uint32_t source, const sim::LiveIndex& relevant,
                                  sim::RandomStream& rng) const = 0;
  /// Reference mode: the destination of the next single probe.
  virtual std::uint32_t next_probe(std::uint32_t source, ScannerState& state,
                                   sim::RandomStream& rng) const = 0;
};

}  // namespace wormsim::models
