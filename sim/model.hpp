// The contract between a simulation model and the schedulers (DESIGN.md, "The engine contract").
// A model owns its state split into partitions; a handler touches only the state of the event's
// target partition; on_sample runs at barriers when no handler is running.
#pragma once

#include <cstdint>

#include "sim/context.hpp"
#include "sim/event.hpp"
#include "sim/time.hpp"

namespace wormsim::sim {

class Model {
 public:
  virtual ~Model() = default;
  /// Fixed by the model's configuration, never by the thread count.
  virtual std::uint32_t partition_count() const = 0;
  /// The least delay between an event in one partition and its effect on another.
  virtual SimTime lookahead() const = 0;
  /// Posts the initial events of one partition (called once per partition, in index order, at 0).
  virtual void start(Context& ctx) = 0;
  /// Handles one event; `ctx.partition() == e.target_partition`.
  virtual void handle(const Event& e, Context& ctx) = 0;
  /// A barrier at time t: every event before t has been handled, none at or after t.
  virtual void on_sample(SimTime t, std::uint64_t sample_index) = 0;
};

/// What a scheduler did, for --stats; never written to summary.json.
struct RunStats {
  std::uint64_t events = 0;
  std::uint64_t windows = 0;
  std::uint64_t samples = 0;
};

}  // namespace wormsim::sim
