// Step barriers (RunPlan::step_every): on_step runs at every step time before the end, after
// every earlier event and before any later one, before on_sample at a shared time, and both
// schedulers run the same sequence, also when the model brings steps forward (Model::next_step).
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "sim/sequential_scheduler.hpp"
#include "sim/windowed_scheduler.hpp"

using namespace wormsim::sim;

namespace {

/// Two partitions each posting an event every 700 ms to the other; logs events and barriers.
class Logger final : public Model {
 public:
  std::uint32_t partition_count() const override { return 2; }
  SimTime lookahead() const override { return SimTime::from_ms(700); }
  void start(Context& ctx) override {
    ctx.post(1 - ctx.partition(), SimTime::from_ms(700), 1, 0, 0, 0);
  }
  void handle(const Event& e, Context& ctx) override {
    CHECK(e.time >= last_barrier_);
    ++events_;
    ctx.post(1 - ctx.partition(), e.time + SimTime::from_ms(700), 1, 0, 0, 0);
  }
  void on_sample(SimTime t, std::uint64_t) override {
    log_.push_back("sample " + std::to_string(t.us / 1000) + " after " + std::to_string(events_));
    last_barrier_ = t;
  }
  void on_step(SimTime t) override {
    log_.push_back("step " + std::to_string(t.us / 1000) + " after " + std::to_string(events_));
    last_barrier_ = t;
  }
  const std::vector<std::string>& log() const { return log_; }
  /// Steps brought forward: 500 ms after each step, until 3 s.
  bool shorten = false;
  SimTime next_step(SimTime t, SimTime every) override {
    return shorten && t < SimTime::from_s(3) ? t + SimTime::from_ms(500)
                                             : Model::next_step(t, every);
  }

 private:
  std::vector<std::string> log_;
  std::uint64_t events_ = 0;
  SimTime last_barrier_{0};
};

}  // namespace

TEST_CASE("steps: barriers at every step and sample, steps first, same on both schedulers",
          "[sim]") {
  const RunPlan plan{SimTime::from_s(10), SimTime::from_s(4), SimTime::from_s(2)};
  Logger seq;
  SequentialScheduler().run(seq, plan);
  // Events at 0.7 s, 1.4 s, ... (two per 700 ms, one per partition): before t, floor(t/0.7)*2
  // minus those exactly at t.
  const std::vector<std::string> expected = {
      "sample 0 after 0",   "step 2000 after 4",  "step 4000 after 10",   "sample 4000 after 10",
      "step 6000 after 16", "step 8000 after 22", "sample 8000 after 22", "sample 10000 after 28"};
  CHECK(seq.log() == expected);
  for (int threads : {1, 2}) {
    Logger win;
    WindowedScheduler(threads).run(win, plan);
    CHECK(win.log() == expected);
  }
}

TEST_CASE("steps: a model may bring the next step forward, from the first one on", "[sim]") {
  const RunPlan plan{SimTime::from_s(6), SimTime::from_s(4), SimTime::from_s(2)};
  Logger seq;
  seq.shorten = true;
  SequentialScheduler().run(seq, plan);
  // Steps at 0.5, 1, ..., 3 s (each 500 ms after the last while before 3 s), then on the 2 s grid.
  const std::vector<std::string> by_time = {
      "sample 0 after 0",     "step 500 after 0",    "step 1000 after 2", "step 1500 after 4",
      "step 2000 after 4",    "step 2500 after 6",   "step 3000 after 8", "step 4000 after 10",
      "sample 4000 after 10", "sample 6000 after 16"};
  CHECK(seq.log() == by_time);
  for (int threads : {1, 2}) {
    Logger win;
    win.shorten = true;
    WindowedScheduler(threads).run(win, plan);
    CHECK(win.log() == by_time);
  }
}

namespace {

class BadSteps final : public Model {
 public:
  std::uint32_t partition_count() const override { return 1; }
  SimTime lookahead() const override { return SimTime::from_s(1); }
  void start(Context&) override {}
  void handle(const Event&, Context&) override {}
  void on_sample(SimTime, std::uint64_t) override {}
  SimTime next_step(SimTime t, SimTime every) override { return t + every + every; }
};

}  // namespace

TEST_CASE("steps: a next step later than step_every is refused", "[sim]") {
  const RunPlan plan{SimTime::from_s(10), SimTime::from_s(4), SimTime::from_s(2)};
  BadSteps model;
  CHECK_THROWS_AS(SequentialScheduler().run(model, plan), std::logic_error);
  CHECK_THROWS_AS(WindowedScheduler(2).run(model, plan), std::logic_error);
}
