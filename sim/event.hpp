// The engine's event: a small value type ordered by (time, source partition, sequence), the
// total order of DESIGN.md that both schedulers follow, so they execute every partition's events
// in the same order and produce the same bytes.
#pragma once

#include <cstdint>

#include "sim/time.hpp"

namespace wormsim::sim {

/// Partition indices fit in 20 bits and per-partition sequence numbers in 44 bits of one key.
inline constexpr unsigned kSequenceBits = 44;
inline constexpr std::uint32_t kMaxPartitions = 1u << 20;

struct Event {
  SimTime time;
  /// (source partition << 44) | sequence number within the source partition: the tie-break.
  std::uint64_t order = 0;
  /// The partition whose state the event reads and writes.
  std::uint32_t target_partition = 0;
  /// Model-defined event kind and a small model-defined tag (e.g. which worm).
  std::uint16_t kind = 0;
  std::uint16_t tag = 0;
  /// Model-defined subjects, typically the host acted on and the host that caused it.
  std::uint32_t subject = 0;
  std::uint32_t aux = 0;

  std::uint32_t source_partition() const {
    return static_cast<std::uint32_t>(order >> kSequenceBits);
  }
  static constexpr std::uint64_t make_order(std::uint32_t source_partition,
                                            std::uint64_t sequence) {
    return (static_cast<std::uint64_t>(source_partition) << kSequenceBits) | sequence;
  }
};
static_assert(sizeof(Event) == 32, "events stay small: they are copied through heaps and outboxes");

/// Strict total order on events: time, then source partition, then sequence.
inline bool event_before(const Event& a, const Event& b) {
  return a.time.us < b.time.us || (a.time.us == b.time.us && a.order < b.order);
}

}  // namespace wormsim::sim
