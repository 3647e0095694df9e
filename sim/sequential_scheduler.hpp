// The reference scheduler (DESIGN.md, "Schedulers"): one queue for every partition, events
// handled one at a time in the total order (time, source partition, sequence). It carries no
// window overhead and is the fast path on one thread.
#pragma once

#include <cstdint>

#include "sim/model.hpp"
#include "sim/time.hpp"

namespace wormsim::sim {

/// Sample times are 0, every, 2*every, ... and `end` itself; on_sample(t) sees every event with
/// time < t handled.
struct RunPlan {
  SimTime end;
  SimTime sample_every;
};

class SequentialScheduler {
 public:
  RunStats run(Model& model, const RunPlan& plan);
};

}  // namespace wormsim::sim
