// Counter-based random streams keyed by (seed, replication, entity, purpose) — DESIGN.md,
// "Random streams". No stream depends on scheduling, so partitions may run in any order and
// compared scenarios share their randomness (common random numbers).
#pragma once

#include <array>
#include <cstdint>

namespace wormsim::sim {

/// What a stream is used for; distinct purposes of one entity never share draws.
enum class Purpose : std::uint8_t {
  placement = 1,     ///< where a population's hosts sit in the address space
  attributes = 2,    ///< a host's OS, locale, services
  scan = 3,          ///< a scanning host's hits (or every probe, in per-probe mode)
  seeding = 4,       ///< choice of the initially infected hosts
  outcome = 5,       ///< exploit outcomes decided at delivery
  exposure = 6,      ///< whether a host accepts unsolicited inbound connections
  defence = 7,       ///< a host's adoption of a defence policy, detection and cleaning delays
  defence_site = 8,  ///< a site's adoption of a site defence policy
  topology = 9,      ///< a topology generator's choices (net/generators)
  network = 10,      ///< devices on a network: which nodes have them, crashes, recoveries
  contact = 11,      ///< contact-graph spread: a node's patch time and its neighbours' delays
  test = 250,        ///< reserved for tests and benchmarks
};

/// Philox4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as 1, 2, 3",
/// SC 2011): a keyed bijection of a 128-bit counter. Known-answer tested in tests/unit/sim.
struct Philox4x32 {
  using Block = std::array<std::uint32_t, 4>;
  static Block apply(Block counter, std::array<std::uint32_t, 2> key);
};

/// Mixes (seed, replication) into a 64-bit Philox key with SplitMix64 finalisers, so that
/// neighbouring seeds give unrelated keys.
std::array<std::uint32_t, 2> stream_key(std::uint64_t seed, std::uint64_t replication);

/// One independent stream of 64-bit words: counter = (draw index, entity, purpose).
/// `entity` is a host or a site identifier of up to 56 bits. Not thread-safe; cheap to copy.
/// A stream can be re-created from its identity and position (`position()`), which is how a
/// host resumes its own stream after being dormant.
class RandomStream {
 public:
  RandomStream() = default;
  RandomStream(std::array<std::uint32_t, 2> key, std::uint64_t entity, Purpose purpose,
               std::uint64_t position = 0);
  RandomStream(std::uint64_t seed, std::uint64_t replication, std::uint64_t entity, Purpose purpose)
      : RandomStream(stream_key(seed, replication), entity, purpose) {}

  /// The next 64 random bits.
  std::uint64_t next_u64() {
    if (buffered_ == 0) refill();
    --buffered_;
    return buffer_[buffered_];
  }
  /// Number of 64-bit words drawn so far.
  std::uint64_t position() const { return (block_ << 1) - buffered_; }

 private:
  void refill();

  std::array<std::uint32_t, 2> key_{};
  std::uint32_t entity_low_ = 0;
  std::uint32_t entity_high_purpose_ = 0;
  std::uint64_t block_ = 0;  // next counter block to generate
  std::array<std::uint64_t, 2> buffer_{};
  unsigned buffered_ = 0;
};

}  // namespace wormsim::sim
