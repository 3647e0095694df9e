// Unit tests of sim/windowed_scheduler: PHOLD-like models with per-partition state, local,
// cross-partition and zero-delay events, run on the sequential scheduler and on the windowed one
// with 1, 2 and 4 threads, must handle the same events in the same order in every partition and
// see the same samples (DESIGN.md, "The engine contract": byte-identical on any thread count).
#include <catch2/catch.hpp>

#include <oneapi/tbb/global_control.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/context.hpp"
#include "sim/event.hpp"
#include "sim/model.hpp"
#include "sim/random.hpp"
#include "sim/sequential_scheduler.hpp"
#include "sim/time.hpp"
#include "sim/variates.hpp"
#include "sim/windowed_scheduler.hpp"

namespace {

using wormsim::sim::Context;
using wormsim::sim::Event;
using wormsim::sim::Model;
using wormsim::sim::Purpose;
using wormsim::sim::RandomStream;
using wormsim::sim::RunPlan;
using wormsim::sim::RunStats;
using wormsim::sim::SequentialScheduler;
using wormsim::sim::SimTime;
using wormsim::sim::WindowedScheduler;
namespace variates = wormsim::sim::variates;

/// One handled event as its partition saw it.
struct Record {
  std::int64_t time_us = 0;
  std::uint64_t order = 0;
  std::uint16_t kind = 0;
  std::uint32_t subject = 0;
  bool operator==(const Record&) const = default;
};

/// One on_sample call: when, which, and a checksum of every partition's state at that barrier.
struct Sample {
  std::int64_t time_us = 0;
  std::uint64_t index = 0;
  std::uint64_t handled = 0;  // events handled by all partitions before it
  std::uint64_t checksum = 0;
  bool operator==(const Sample&) const = default;
};

std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  return h * 0xBF58476D1CE4E5B9ull;
}

struct HopConfig {
  std::uint32_t partitions = 7;
  SimTime lookahead = SimTime::from_us(1'000);
  /// Delays are multiples of the grain, so that events tie in time within and across partitions
  /// and many fall exactly on window ends and sample times.
  SimTime grain = SimTime::from_us(250);
  std::uint32_t tokens_per_partition = 6;
  /// One hop in `remote_one_in` goes to a random partition (possibly its own) after the lookahead
  /// plus 0..5 grains; exactly the lookahead one time in six.
  std::uint64_t remote_one_in = 3;
  /// One hop in four also posts a zero-delay local echo (kind 1) that posts nothing.
  bool zero_delay_echoes = true;
  SimTime end = SimTime::from_ms(300);
  std::uint64_t seed = 1;
};

/// Tokens hop between partitions as in PHOLD; every partition keeps a log of what it handled, a
/// running checksum and its own random stream, and touches nothing else, so it is safe to run its
/// handlers concurrently with other partitions'. Each sample records a checksum of all of them.
class HopModel final : public Model {
 public:
  explicit HopModel(const HopConfig& config) : config_(config), parts_(config.partitions) {
    for (std::uint32_t p = 0; p < config.partitions; ++p)
      parts_[p].stream = RandomStream(config.seed, 0, p, Purpose::test);
  }

  std::uint32_t partition_count() const override { return config_.partitions; }
  SimTime lookahead() const override { return config_.lookahead; }

  void start(Context& ctx) override {
    const std::uint32_t p = ctx.partition();
    for (std::uint32_t i = 0; i < config_.tokens_per_partition; ++i)
      ctx.post_local(config_.grain * i, 0, 0, p * 100 + i, 0);
    // One token straight to the next partition, exactly at the lookahead.
    ctx.post((p + 1) % config_.partitions, config_.lookahead, 0, 0,
             p * 100 + config_.tokens_per_partition, 0);
  }

  void handle(const Event& e, Context& ctx) override {
    Part& part = parts_[ctx.partition()];
    if (ctx.partition() != e.target_partition || ctx.now() != e.time || e.time < part.last_time)
      ++part.contract_violations;
    part.last_time = e.time;
    part.log.push_back(Record{e.time.us, e.order, e.kind, e.subject});
    part.checksum = mix(mix(part.checksum, static_cast<std::uint64_t>(e.time.us)), e.order);
    if (e.kind == 1) return;
    RandomStream& rng = part.stream;
    if (variates::uniform_below(rng, config_.remote_one_in) == 0) {
      const auto target =
          static_cast<std::uint32_t>(variates::uniform_below(rng, config_.partitions));
      const SimTime delay =
          config_.lookahead +
          config_.grain * static_cast<std::int64_t>(variates::uniform_below(rng, 6));
      if (target != ctx.partition() && delay == config_.lookahead) ++part.at_lookahead;
      ctx.post(target, ctx.now() + delay, 0, 0, e.subject, 0);
    } else {
      const SimTime delay =
          config_.grain * static_cast<std::int64_t>(1 + variates::uniform_below(rng, 6));
      ctx.post_local(ctx.now() + delay, 0, 0, e.subject, 0);
    }
    if (config_.zero_delay_echoes && variates::uniform_below(rng, 4) == 0)
      ctx.post_local(ctx.now(), 1, 0, e.subject, 0);
  }

  void on_sample(SimTime t, std::uint64_t sample_index) override {
    Sample s{t.us, sample_index, 0, 0};
    for (const Part& part : parts_) {
      s.handled += part.log.size();
      s.checksum = mix(mix(s.checksum, part.checksum), part.log.size());
    }
    samples_.push_back(s);
  }

  std::vector<std::vector<Record>> logs() const {
    std::vector<std::vector<Record>> logs;
    for (const Part& part : parts_) logs.push_back(part.log);
    return logs;
  }
  const std::vector<Sample>& samples() const { return samples_; }
  std::uint64_t handled() const {
    std::uint64_t n = 0;
    for (const Part& part : parts_) n += part.log.size();
    return n;
  }
  std::uint64_t contract_violations() const {
    std::uint64_t n = 0;
    for (const Part& part : parts_) n += part.contract_violations;
    return n;
  }
  std::uint64_t cross_partition_at_lookahead() const {
    std::uint64_t n = 0;
    for (const Part& part : parts_) n += part.at_lookahead;
    return n;
  }

 private:
  struct alignas(64) Part {
    RandomStream stream;
    std::vector<Record> log;
    std::uint64_t checksum = 0;
    SimTime last_time{};
    std::uint64_t contract_violations = 0;
    std::uint64_t at_lookahead = 0;
  };

  HopConfig config_;
  std::vector<Part> parts_;
  std::vector<Sample> samples_;
};

struct Outcome {
  std::vector<std::vector<Record>> logs;
  std::vector<Sample> samples;
  RunStats stats;
  std::uint64_t contract_violations = 0;
};

/// Runs a fresh HopModel on the sequential scheduler (threads == 0) or the windowed one.
Outcome run_hops(const HopConfig& config, const RunPlan& plan, int threads) {
  HopModel model(config);
  Outcome out;
  out.stats = threads == 0 ? SequentialScheduler{}.run(model, plan)
                           : WindowedScheduler(threads).run(model, plan);
  out.logs = model.logs();
  out.samples = model.samples();
  out.contract_violations = model.contract_violations();
  return out;
}

/// Lets oneTBB run as many threads as a test asks for, even on a machine with fewer cores.
tbb::global_control allow_threads(std::size_t n) {
  return tbb::global_control(tbb::global_control::max_allowed_parallelism, n);
}

}  // namespace

TEST_CASE(
    "sim::WindowedScheduler: every partition handles what it handles sequentially, on 1, 2 and 4 "
    "threads",
    "[sim]") {
  // Invariant: for a model that keeps the contract, each partition handles the same events (time,
  // order key, kind, subject) in the same order on the windowed scheduler, whatever the thread
  // count, as on the sequential one; samples come at the same times with the same indices, after
  // the same number of events and with the same checksum of every partition's state.
  const auto parallelism = allow_threads(4);
  struct Case {
    std::uint64_t seed;
    std::uint32_t partitions;
    SimTime end, every;
  };
  for (const Case c : {Case{51, 7, SimTime::from_ms(300), SimTime::from_ms(10)},
                       Case{52, 3, SimTime::from_us(200'700), SimTime::from_ms(7)},
                       Case{53, 16, SimTime::from_ms(150), SimTime::from_us(500)},
                       Case{54, 1, SimTime::from_ms(200), SimTime::from_ms(30)}}) {
    HopConfig config;
    config.seed = c.seed;
    config.partitions = c.partitions;
    config.end = c.end;
    const RunPlan plan{c.end, c.every};
    CAPTURE(c.seed, c.partitions, c.end.us, c.every.us);
    const Outcome reference = run_hops(config, plan, 0);
    REQUIRE(reference.stats.events > 1'000);  // the model really ran
    CHECK(reference.contract_violations == 0);
    for (int threads : {1, 2, 4}) {
      CAPTURE(threads);
      const Outcome windowed = run_hops(config, plan, threads);
      CHECK(windowed.contract_violations == 0);
      CHECK(windowed.stats.events == reference.stats.events);
      CHECK(windowed.stats.samples == reference.stats.samples);
      CHECK(windowed.samples == reference.samples);
      std::size_t differing_partitions = 0;
      for (std::uint32_t p = 0; p < c.partitions; ++p)
        if (windowed.logs[p] != reference.logs[p]) ++differing_partitions;
      CHECK(differing_partitions == 0);
    }
  }
}

TEST_CASE(
    "sim::WindowedScheduler: events crossing partitions at exactly the lookahead arrive in time",
    "[sim]") {
  // Invariant: an event posted to another partition at exactly now + lookahead, the tightest the
  // contract allows, is merged into its target before the target handles anything later: no
  // partition's clock goes backwards, and the run matches the sequential one. The run has many
  // such events, so the edge is exercised, not assumed.
  const auto parallelism = allow_threads(4);
  HopConfig config;
  config.seed = 55;
  config.remote_one_in = 2;
  config.end = SimTime::from_ms(400);
  const RunPlan plan{config.end, SimTime::from_ms(50)};
  CAPTURE(config.seed);
  HopModel sequential(config);
  SequentialScheduler{}.run(sequential, plan);
  for (int threads : {2, 4}) {
    CAPTURE(threads);
    HopModel windowed(config);
    WindowedScheduler(threads).run(windowed, plan);
    CAPTURE(windowed.cross_partition_at_lookahead());
    CHECK(windowed.cross_partition_at_lookahead() > 100);
    CHECK(windowed.contract_violations() == 0);
    CHECK(windowed.logs() == sequential.logs());
  }
}

TEST_CASE("sim::WindowedScheduler: windows last at most the lookahead and stop at samples",
          "[sim]") {
  // Invariant: windows are disjoint, none longer than the lookahead, none crossing a sample time,
  // and each starts at the earliest pending event. So no window holds more events than the
  // handled times put in any interval [t, t + lookahead); and windows number at most
  // end / lookahead + samples + 1. Mean and maximum of events per window agree with the count.
  HopConfig config;
  config.seed = 56;
  config.end = SimTime::from_ms(500);
  const RunPlan plan{config.end, SimTime::from_ms(25)};
  const Outcome reference = run_hops(config, plan, 0);
  const Outcome windowed = run_hops(config, plan, 2);
  const RunStats& stats = windowed.stats;

  std::vector<std::int64_t> times;
  for (const auto& log : windowed.logs)
    for (const Record& r : log) times.push_back(r.time_us);
  std::sort(times.begin(), times.end());
  std::uint64_t densest = 0;  // most handled events in any [t, t + lookahead)
  for (std::size_t i = 0, j = 0; i < times.size(); ++i) {
    while (j < times.size() && times[j] < times[i] + config.lookahead.us) ++j;
    densest = std::max<std::uint64_t>(densest, j - i);
  }
  const std::uint64_t max_windows =
      static_cast<std::uint64_t>(config.end.us / config.lookahead.us) + stats.samples + 1;
  CAPTURE(stats.windows, max_windows, stats.max_window_events, densest);
  CHECK(stats.events == reference.stats.events);
  CHECK(stats.max_window_events <= densest);
  CHECK(stats.windows <= max_windows);
  // Events come at nearly every grain, so windows cannot be much fewer than the run's span in
  // lookaheads (at least half of them, allowing for gaps up to a lookahead between windows).
  CHECK(stats.windows >= static_cast<std::uint64_t>(config.end.us / config.lookahead.us) / 2);
  CHECK(stats.mean_window_events() ==
        Approx(static_cast<double>(stats.events) / static_cast<double>(stats.windows)));
  CHECK(static_cast<double>(stats.max_window_events) >= stats.mean_window_events());
  // The sequential scheduler has no windows.
  CHECK(reference.stats.windows == 0);
  CHECK(reference.stats.max_window_events == 0);
}

namespace {

/// Bursts far apart: every partition handles a beat every `period`, all at the same instants,
/// and each beat also sends one event to the next partition at exactly the lookahead.
class BeatModel final : public Model {
 public:
  BeatModel(std::uint32_t partitions, SimTime lookahead, SimTime period)
      : partitions_(partitions), lookahead_(lookahead), period_(period), logs_(partitions) {}
  std::uint32_t partition_count() const override { return partitions_; }
  SimTime lookahead() const override { return lookahead_; }
  void start(Context& ctx) override { ctx.post_local(period_, 0, 0, 0, 0); }
  void handle(const Event& e, Context& ctx) override {
    logs_[ctx.partition()].push_back(Record{e.time.us, e.order, e.kind, e.subject});
    if (e.kind != 0) return;
    ctx.post_local(ctx.now() + period_, 0, 0, e.subject + 1, 0);
    ctx.post((ctx.partition() + 1) % partitions_, ctx.now() + lookahead_, 1, 0, e.subject, 0);
  }
  void on_sample(SimTime, std::uint64_t) override {}
  const std::vector<std::vector<Record>>& logs() const { return logs_; }

 private:
  std::uint32_t partitions_;
  SimTime lookahead_, period_;
  std::vector<std::vector<Record>> logs_;
};

}  // namespace

TEST_CASE("sim::WindowedScheduler: empty time between events costs no windows", "[sim]") {
  // Invariant: a window starts at the earliest pending event, so a model whose events come in
  // bursts 10 s apart with a lookahead of 1 ms runs two windows per burst (the beats, then the
  // messages they sent), not the 100,000 that stepping through 100 s by the lookahead would take,
  // and handles exactly what the sequential scheduler handles.
  const std::uint32_t partitions = 5;
  const SimTime lookahead = SimTime::from_ms(1), period = SimTime::from_s(10);
  const RunPlan plan{SimTime::from_s(100), SimTime::from_s(25)};
  BeatModel sequential(partitions, lookahead, period), windowed(partitions, lookahead, period);
  const RunStats reference = SequentialScheduler{}.run(sequential, plan);
  const RunStats stats = WindowedScheduler(2).run(windowed, plan);
  const std::uint64_t bursts =
      9;  // at 10 s, 20 s, ..., 90 s (the one at 100 s is not before the end)
  CAPTURE(stats.windows, stats.events);
  CHECK(stats.events == reference.events);
  CHECK(stats.events == bursts * partitions * 2);
  CHECK(stats.windows == bursts * 2);
  CHECK(stats.max_window_events == partitions);
  CHECK(windowed.logs() == sequential.logs());
}

TEST_CASE("sim::WindowedScheduler: a lookahead of zero is refused unless there is one partition",
          "[sim]") {
  // Invariant: with several partitions and no positive lookahead no window can be formed, and the
  // scheduler says so before running anything; with one partition nothing crosses partitions, so
  // any lookahead will do and the run matches the sequential one, zero-delay events included.
  HopConfig config;
  config.lookahead = SimTime{0};
  config.remote_one_in = 1'000'000;
  config.partitions = 3;
  config.end = SimTime::from_ms(50);
  const RunPlan plan{config.end, SimTime::from_ms(10)};
  HopModel several(config);
  CHECK_THROWS_AS(WindowedScheduler(2).run(several, plan), std::invalid_argument);
  try {
    WindowedScheduler(2).run(several, plan);
  } catch (const std::invalid_argument& e) {
    const std::string message = e.what();
    CAPTURE(message);
    CHECK(message.find("3 partitions") != std::string::npos);
    CHECK(message.find("positive lookahead") != std::string::npos);
  }
  CHECK(several.handled() == 0);
  CHECK(several.samples().empty());

  config.partitions = 1;
  config.lookahead = SimTime{0};
  const Outcome reference = run_hops(config, plan, 0);
  const Outcome windowed = run_hops(config, plan, 2);
  CHECK(reference.stats.events > 100);
  CHECK(windowed.logs == reference.logs);
  CHECK(windowed.samples == reference.samples);

  CHECK_THROWS_AS(WindowedScheduler(0), std::invalid_argument);
}

namespace {

/// Throws from a handler of one partition at a given time, to check that the run stops cleanly.
class FailingModel final : public Model {
 public:
  std::uint32_t partition_count() const override { return 4; }
  SimTime lookahead() const override { return SimTime::from_ms(1); }
  void start(Context& ctx) override { ctx.post_local(SimTime::from_us(100), 0, 0, 0, 0); }
  void handle(const Event&, Context& ctx) override {
    if (ctx.partition() == 2 && ctx.now() >= SimTime::from_ms(20))
      throw std::runtime_error("partition 2 fails");
    ctx.post_local(ctx.now() + SimTime::from_us(300), 0, 0, 0, 0);
  }
  void on_sample(SimTime, std::uint64_t) override {}
};

}  // namespace

TEST_CASE("sim::WindowedScheduler: a handler's exception ends the run and reaches the caller",
          "[sim]") {
  // Invariant: an exception thrown by a handler on any thread propagates out of run() once every
  // thread has left the window, and the scheduler can run again afterwards.
  const auto parallelism = allow_threads(4);
  for (int threads : {1, 2, 4}) {
    CAPTURE(threads);
    WindowedScheduler scheduler(threads);
    FailingModel failing;
    CHECK_THROWS_WITH(scheduler.run(failing, RunPlan{SimTime::from_ms(50), SimTime::from_ms(5)}),
                      "partition 2 fails");
    HopConfig config;
    config.seed = 57;
    config.end = SimTime::from_ms(60);
    const RunPlan plan{config.end, SimTime::from_ms(10)};
    HopModel again(config), reference(config);
    scheduler.run(again, plan);
    SequentialScheduler{}.run(reference, plan);
    CHECK(again.logs() == reference.logs());
  }
}

#ifdef NDEBUG
namespace {

/// Claims a lookahead of 2 ms but sends to the next partition after 1 ms. With assertions on,
/// Context::post stops such a model at the post itself; without, the merge must catch it.
class ImpatientModel final : public Model {
 public:
  std::uint32_t partition_count() const override { return 2; }
  SimTime lookahead() const override { return SimTime::from_ms(2); }
  void start(Context& ctx) override { ctx.post_local(SimTime::from_ms(1), 0, 0, 0, 0); }
  void handle(const Event&, Context& ctx) override {
    if (ctx.partition() == 0) ctx.post(1, ctx.now() + SimTime::from_ms(1), 0, 0, 0, 0);
  }
  void on_sample(SimTime, std::uint64_t) override {}
};

}  // namespace

TEST_CASE("sim::WindowedScheduler: an event that breaks the lookahead promise is reported",
          "[sim]") {
  // Invariant: a cross-partition event earlier than the end of the window it was posted in is
  // never merged silently (its target might already have passed its time): the run throws
  // std::logic_error naming the partitions and the times.
  ImpatientModel model;
  CHECK_THROWS_AS(
      WindowedScheduler(2).run(model, RunPlan{SimTime::from_ms(10), SimTime::from_ms(5)}),
      std::logic_error);
}
#endif
