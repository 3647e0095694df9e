#include "bench/engine/phold.hpp"

#include <stdexcept>

#include "sim/variates.hpp"

namespace wormsim::bench {

namespace {
/// Folds one handled event into an LP's digest: a multiply-xorshift mix, cheap beside the handler.
std::uint64_t mix(std::uint64_t digest, const sim::Event& e) {
  std::uint64_t x = digest ^ (static_cast<std::uint64_t>(e.time.us) * 0x9E3779B97F4A7C15ull);
  x = (x ^ (x >> 29) ^ e.order) * 0xBF58476D1CE4E5B9ull;
  return x ^ (x >> 32);
}
}  // namespace

Phold::Phold(const PholdConfig& config) : config_(config) {
  if (config.lps == 0) throw std::invalid_argument("phold: there must be at least one LP");
  if (config.partitions == 0 || config.partitions > config.lps ||
      config.partitions > sim::kMaxPartitions)
    throw std::invalid_argument("phold: partitions must be between 1 and the number of LPs");
  if (config.lookahead <= sim::SimTime{0})
    throw std::invalid_argument("phold: the lookahead must be positive");
  if (!(config.mean_delay_s > config.lookahead.seconds()))
    throw std::invalid_argument("phold: the mean delay must exceed the lookahead");
  if (!(config.remote >= 0.0 && config.remote <= 1.0))
    throw std::invalid_argument("phold: the remote fraction must lie in [0, 1]");
  if (config.remote > 0.0 && config.lps < 2)
    throw std::invalid_argument("phold: remote events need at least two LPs");
  exponential_rate_per_us_ = 1e-6 / (config.mean_delay_s - config.lookahead.seconds());
  lps_.resize(config.lps);
  for (std::uint32_t lp = 0; lp < config.lps; ++lp)
    lps_[lp].stream = sim::RandomStream(config.seed, 0, lp, sim::Purpose::test);
}

std::uint32_t Phold::first_lp(std::uint32_t partition) const {
  // The least lp with lp * partitions >= partition * lps, the inverse of partition_of.
  const std::uint64_t p = partition;
  return static_cast<std::uint32_t>((p * config_.lps + config_.partitions - 1) /
                                    config_.partitions);
}

sim::SimTime Phold::draw_delay(sim::RandomStream& stream) const {
  // The exponential part drawn in microseconds and rounded half up (it is never negative), inline:
  // the library call of SimTime::from_seconds would cost a noticeable share of the handler.
  const double us = sim::variates::exponential(stream, exponential_rate_per_us_);
  return config_.lookahead + sim::SimTime{static_cast<std::int64_t>(us + 0.5)};
}

void Phold::start(sim::Context& ctx) {
  const std::uint32_t p = ctx.partition();
  for (std::uint32_t lp = first_lp(p), last = first_lp(p + 1); lp < last; ++lp)
    ctx.post_local(ctx.now() + draw_delay(lps_[lp].stream), 0, 0, lp, lp);
}

void Phold::handle(const sim::Event& e, sim::Context& ctx) {
  const std::uint32_t lp = e.subject;
  Lp& state = lps_[lp];
  ++state.handled;
  state.digest = mix(state.digest, e);
  // Draws in ROSS's order: the remote choice, the destination if remote, then the delay.
  if (sim::variates::bernoulli(state.stream, config_.remote)) {
    auto destination =
        static_cast<std::uint32_t>(sim::variates::uniform_below(state.stream, config_.lps - 1));
    if (destination >= lp) ++destination;  // uniform among the other LPs
    ctx.post(partition_of(destination), ctx.now() + draw_delay(state.stream), 0, 0, destination,
             lp);
  } else {
    ctx.post_local(ctx.now() + draw_delay(state.stream), 0, 0, lp, lp);
  }
}

void Phold::on_sample(sim::SimTime t, std::uint64_t) {
  if (t < config_.end) return;
  committed_ = 0;
  digest_ = 0;
  for (const Lp& state : lps_) {
    committed_ += state.handled;
    digest_ = (digest_ ^ state.digest) * 0x94D049BB133111EBull + state.handled;
  }
}

}  // namespace wormsim::bench
