// Unit tests of sim/sequential_scheduler: a small PHOLD-like model with several partitions that
// posts local and cross-partition events records every handled event and every sample, and the
// records are checked against the engine contract (DESIGN.md, "The engine contract").
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "sim/context.hpp"
#include "sim/event.hpp"
#include "sim/model.hpp"
#include "sim/random.hpp"
#include "sim/sequential_scheduler.hpp"
#include "sim/time.hpp"
#include "sim/variates.hpp"

namespace {

using wormsim::sim::Context;
using wormsim::sim::Event;
using wormsim::sim::event_before;
using wormsim::sim::Model;
using wormsim::sim::Purpose;
using wormsim::sim::RandomStream;
using wormsim::sim::RunPlan;
using wormsim::sim::RunStats;
using wormsim::sim::SequentialScheduler;
using wormsim::sim::SimTime;
namespace variates = wormsim::sim::variates;

struct Handled {
  std::uint32_t partition = 0;
  Event event;
  bool operator==(const Handled& o) const {
    return partition == o.partition && event.time == o.event.time && event.order == o.event.order &&
           event.kind == o.event.kind && event.subject == o.event.subject &&
           event.aux == o.event.aux;
  }
};

struct Sample {
  SimTime time;
  std::uint64_t index = 0;
  std::size_t handled_before = 0;  // events handled when on_sample ran
  bool operator==(const Sample&) const = default;
};

struct TokenConfig {
  std::uint32_t partitions = 5;
  SimTime lookahead = SimTime::from_us(1'000);
  /// Delays are multiples of the grain, so that many events tie in time, across partitions too,
  /// and many fall exactly on sample times.
  SimTime grain = SimTime::from_us(500);
  std::uint32_t tokens_per_partition = 4;
  /// One event in `remote_one_in` goes to a random partition (possibly its own) after at least
  /// the lookahead.
  std::uint64_t remote_one_in = 3;
  /// If set, one event in four also posts a zero-delay local echo (kind 1) that posts nothing.
  bool zero_delay_echoes = false;
  SimTime end;
  std::uint64_t seed = 1;
};

/// Tokens wander between partitions, as in PHOLD: each handled token (kind 0) posts exactly one
/// successor, locally after 1..6 grains, or to a random partition after the lookahead plus 0..5
/// grains. Random draws come from one stream per partition, so the model is deterministic given
/// the order in which each partition's events are handled.
class TokenModel final : public Model {
 public:
  explicit TokenModel(const TokenConfig& config) : config_(config) {
    for (std::uint32_t p = 0; p < config.partitions; ++p)
      streams_.emplace_back(config.seed, 0, p, Purpose::test);
  }

  std::uint32_t partition_count() const override { return config_.partitions; }
  SimTime lookahead() const override { return config_.lookahead; }

  void start(Context& ctx) override {
    ++starts_;
    if (ctx.now() != SimTime{0}) ++contract_violations_;
    // Tokens at 0, 1, 2, ... grains: the ones at 0 must wait until after the sample at 0.
    for (std::uint32_t i = 0; i < config_.tokens_per_partition; ++i)
      post(ctx, ctx.partition(), config_.grain * i, 0, i);
    // One token straight to the next partition, exactly at the lookahead.
    post(ctx, (ctx.partition() + 1) % config_.partitions, config_.lookahead, 0,
         config_.tokens_per_partition);
  }

  void handle(const Event& e, Context& ctx) override {
    if (ctx.partition() != e.target_partition || ctx.now() != e.time) ++contract_violations_;
    trace_.push_back(Handled{ctx.partition(), e});
    if (e.kind == 1) return;  // an echo ends here
    RandomStream& rng = streams_[ctx.partition()];
    if (variates::uniform_below(rng, config_.remote_one_in) == 0) {
      const auto target =
          static_cast<std::uint32_t>(variates::uniform_below(rng, config_.partitions));
      const SimTime delay =
          config_.lookahead +
          config_.grain * static_cast<std::int64_t>(variates::uniform_below(rng, 6));
      post(ctx, target, ctx.now() + delay, 0, e.subject);
    } else {
      const SimTime delay =
          config_.grain * static_cast<std::int64_t>(1 + variates::uniform_below(rng, 6));
      post(ctx, ctx.partition(), ctx.now() + delay, 0, e.subject);
    }
    if (config_.zero_delay_echoes && variates::uniform_below(rng, 4) == 0)
      post(ctx, ctx.partition(), ctx.now(), 1, e.subject);
  }

  void on_sample(SimTime t, std::uint64_t sample_index) override {
    samples_.push_back(Sample{t, sample_index, trace_.size()});
  }

  const std::vector<Handled>& trace() const { return trace_; }
  const std::vector<Sample>& samples() const { return samples_; }
  /// Events posted for a time before the run's end: each must be handled exactly once.
  std::uint64_t posted_before_end() const { return posted_before_end_; }
  std::uint64_t contract_violations() const { return contract_violations_; }
  std::uint32_t starts() const { return starts_; }

 private:
  void post(Context& ctx, std::uint32_t target, SimTime at, std::uint16_t kind,
            std::uint32_t subject) {
    if (at < config_.end) ++posted_before_end_;
    ctx.post(target, at, kind, static_cast<std::uint16_t>(ctx.partition()), subject,
             static_cast<std::uint32_t>(posted_before_end_));
  }

  TokenConfig config_;
  std::vector<RandomStream> streams_;
  std::vector<Handled> trace_;
  std::vector<Sample> samples_;
  std::uint64_t posted_before_end_ = 0;
  std::uint64_t contract_violations_ = 0;
  std::uint32_t starts_ = 0;
};

/// The sample times the plan promises: 0, every, 2*every, ..., and end itself, once.
std::vector<SimTime> expected_sample_times(const RunPlan& plan) {
  std::vector<SimTime> times = {SimTime{0}};
  SimTime t{0};
  while (t < plan.end) {
    t = std::min(t + plan.sample_every, plan.end);
    times.push_back(t);
  }
  return times;
}

/// Checks that each on_sample(t) ran after every handled event before t and before every handled
/// event at or after t, and that sample times and indices are the promised ones.
void check_samples(const TokenModel& model, const RunPlan& plan, const RunStats& stats) {
  const std::vector<SimTime> times = expected_sample_times(plan);
  const std::vector<Sample>& samples = model.samples();
  REQUIRE(samples.size() == times.size());
  CHECK(stats.samples == samples.size());
  const std::vector<Handled>& trace = model.trace();
  std::size_t errors = 0;
  for (std::size_t k = 0; k < samples.size(); ++k) {
    const Sample& s = samples[k];
    CAPTURE(k, s.time.us, s.handled_before);
    CHECK(s.time == times[k]);
    CHECK(s.index == k);
    for (std::size_t i = 0; i < trace.size(); ++i) {
      const bool before_sample = i < s.handled_before;
      if (before_sample != (trace[i].event.time < s.time)) ++errors;
    }
  }
  CHECK(errors == 0);
}

RunPlan plan_for(const TokenConfig& config, SimTime sample_every) {
  return RunPlan{config.end, sample_every};
}

}  // namespace

TEST_CASE(
    "sim::SequentialScheduler: events are handled in (time, order) order, each partition's too",
    "[sim]") {
  // Invariant: when every posted event lies strictly in the future, the scheduler handles events
  // in strictly increasing (time, source partition, sequence) order, so each partition's own
  // sequence is in that order too; each handler runs on its event's target partition at its
  // time; every event posted for a time before the end is handled exactly once, and none after.
  TokenConfig config;
  config.end = SimTime::from_ms(400);
  config.seed = 41;
  CAPTURE(config.seed, config.partitions);
  TokenModel model(config);
  const RunPlan plan = plan_for(config, SimTime::from_ms(10));
  const RunStats stats = SequentialScheduler{}.run(model, plan);
  const std::vector<Handled>& trace = model.trace();
  CAPTURE(trace.size());
  REQUIRE(trace.size() > 1'000);  // the model really ran
  CHECK(model.starts() == config.partitions);
  CHECK(model.contract_violations() == 0);
  CHECK(stats.events == trace.size());
  CHECK(model.posted_before_end() == trace.size());

  std::size_t out_of_order = 0, ties = 0, remote = 0, after_end = 0;
  for (std::size_t i = 1; i < trace.size(); ++i) {
    if (!event_before(trace[i - 1].event, trace[i].event)) ++out_of_order;
    if (trace[i - 1].event.time == trace[i].event.time) ++ties;
  }
  for (const Handled& h : trace) {
    if (h.event.source_partition() != h.partition) ++remote;
    if (h.event.time >= config.end) ++after_end;
  }
  CAPTURE(ties, remote);
  CHECK(out_of_order == 0);
  CHECK(after_end == 0);
  // The run exercises what it is meant to: equal times and cross-partition events.
  CHECK(ties > 100);
  CHECK(remote > 100);

  for (std::uint32_t p = 0; p < config.partitions; ++p) {
    std::vector<Event> own;
    for (const Handled& h : trace)
      if (h.partition == p) own.push_back(h.event);
    CAPTURE(p, own.size());
    CHECK(!own.empty());
    CHECK(std::is_sorted(own.begin(), own.end(), event_before));
    CHECK(std::adjacent_find(own.begin(), own.end(), [](const Event& a, const Event& b) {
            return !event_before(a, b);
          }) == own.end());
  }
  check_samples(model, plan, stats);
}

TEST_CASE(
    "sim::SequentialScheduler: on_sample(t) follows every event before t and precedes the rest",
    "[sim]") {
  // Invariant: sample times are 0, every, 2*every, ... and end itself (once, even when end is not
  // a multiple of every); when on_sample(t) runs, exactly the events with time < t have been
  // handled — events at t itself, which the model produces often, come after.
  struct Case {
    SimTime end, every;
  };
  for (const Case c : {Case{SimTime::from_ms(200), SimTime::from_ms(10)},      // end a multiple
                       Case{SimTime::from_us(200'700), SimTime::from_ms(10)},  // end off the grid
                       Case{SimTime::from_ms(50), SimTime::from_ms(80)},       // every > end
                       Case{SimTime::from_ms(30), SimTime::from_us(500)},      // every = grain
                       Case{SimTime{0}, SimTime::from_ms(10)}}) {              // empty run
    TokenConfig config;
    config.end = c.end;
    config.seed = 42;
    CAPTURE(config.seed, c.end.us, c.every.us);
    TokenModel model(config);
    const RunPlan plan{c.end, c.every};
    const RunStats stats = SequentialScheduler{}.run(model, plan);
    CHECK(stats.events == model.trace().size());
    CHECK(model.posted_before_end() == model.trace().size());
    check_samples(model, plan, stats);
    // The sample at 0 comes before the tokens posted at 0.
    REQUIRE(!model.samples().empty());
    CHECK(model.samples().front().handled_before == 0);
    if (c.end == SimTime{0}) CHECK(model.trace().empty());
  }
}

TEST_CASE(
    "sim::SequentialScheduler: zero-delay local events are handled at their time, before the next "
    "sample",
    "[sim]") {
  // Invariant: an event posted for now() is handled at that same time, before the next sample,
  // and time never goes backwards. The strict (time, order) order of handling does not hold here
  // and is not checked: an event posted at now() by partition p may sort before the event being
  // handled (which came from a partition q > p), yet it can only be handled after it.
  TokenConfig config;
  config.end = SimTime::from_ms(200);
  config.zero_delay_echoes = true;
  config.seed = 43;
  CAPTURE(config.seed);
  TokenModel model(config);
  const RunPlan plan = plan_for(config, SimTime::from_ms(10));
  const RunStats stats = SequentialScheduler{}.run(model, plan);
  const std::vector<Handled>& trace = model.trace();
  std::size_t backwards = 0, echoes = 0;
  for (std::size_t i = 1; i < trace.size(); ++i)
    if (trace[i].event.time < trace[i - 1].event.time) ++backwards;
  for (const Handled& h : trace)
    if (h.event.kind == 1) ++echoes;
  CAPTURE(trace.size(), echoes);
  CHECK(backwards == 0);
  CHECK(echoes > 100);
  CHECK(model.contract_violations() == 0);
  CHECK(model.posted_before_end() == trace.size());
  check_samples(model, plan, stats);
}

TEST_CASE("sim::SequentialScheduler: two runs of the same model give identical traces", "[sim]") {
  // Invariant: the scheduler is deterministic: two runs of identically configured models handle
  // the same events in the same order and sample at the same points; a different seed gives a
  // different trace (so the comparison is not vacuous).
  TokenConfig config;
  config.end = SimTime::from_us(250'300);
  config.partitions = 7;
  config.zero_delay_echoes = true;
  config.seed = 44;
  CAPTURE(config.seed);
  const RunPlan plan = plan_for(config, SimTime::from_ms(7));
  TokenModel first(config), second(config);
  const RunStats stats_first = SequentialScheduler{}.run(first, plan);
  const RunStats stats_second = SequentialScheduler{}.run(second, plan);
  CHECK(first.trace() == second.trace());
  CHECK(first.samples() == second.samples());
  CHECK(stats_first.events == stats_second.events);
  CHECK(stats_first.samples == stats_second.samples);

  config.seed = 45;
  TokenModel other(config);
  SequentialScheduler{}.run(other, plan);
  CHECK_FALSE(other.trace() == first.trace());
}
