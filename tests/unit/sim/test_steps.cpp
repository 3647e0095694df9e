// Step barriers (RunPlan::step_every): on_step runs at every step time before the end, after
// every earlier event and before any later one, before on_sample at a shared time, and both
// schedulers run the same sequence.
#include <catch2/catch.hpp>

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
      "sample 0 after 0", "step 2000 after 4",  "step 4000 after 10",   "sample 4000 after 10",
      "step 6000 after 16", "step 8000 after 22", "sample 8000 after 22", "sample 10000 after 28"};
  CHECK(seq.log() == expected);
  for (int threads : {1, 2}) {
    Logger win;
    WindowedScheduler(threads).run(win, plan);
    CHECK(win.log() == expected);
  }
}
