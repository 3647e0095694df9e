// Blaster's sequential scanning (W32/Blaster, August 2003): one start address per run, then every
// address upward in turn. A sequential strategy of scan_strategy.hpp: begin draws the start,
// next_in_order finds the next live relevant address by index look-ups, never probe by probe.
#pragma once

#include <cstdint>

#include "models/scanning/scan_strategy.hpp"

namespace wormsim::models {

/// Start rule (from the disassembly of msblast.exe, as analysed in eEye's "Blaster Worm
/// Analysis", AL20030811, and Symantec's W32.Blaster.Worm write-up):
/// - with probability `random_start_probability` (Blaster: 12 of the 20 values of
///   `rand() % 20`, 0.6) a random start a.b.c.0, a uniform on 1..254 and b, c uniform on
///   0..253 (`rand() % 254`);
/// - otherwise the host's own a.b.c.0, its third octet lowered by a uniform amount in
///   0..`max_lowering` when it is above `lower_above_third_octet` (Blaster: `if (c > 20) c -=
///   rand() % 20`, so 20 and 19).
///
/// The scenario's address space `space` may be smaller than 0.0.0.0/0: the start address a is
/// mapped into it by its offset modulo the space size (start = space.base + (a - space.base) mod
/// |space|, i.e. a's low 32 - length bits), so a /12 space gets starts spread over all of it,
/// still ending in .0, and a local start inside the space is the host's own (lowered) /24.
///
/// Order: upward from the start, one address per probe; past the last address of the space the
/// walk wraps to its first. Blaster itself wraps at 255.255.255.255 (a 32-bit increment); wrapping
/// at the end of the scenario's space is the same rule for a smaller world, and keeps every probe
/// inside the space the scenario models.
///
/// `ScannerState::cursor` is the offset within the space of the next probe, in [0, |space|).
/// Stateless apart from its parameters: one instance may serve every host and partition.
class SequentialScan final : public ScanStrategy {
 public:
  /// Blaster's constants (see the class comment).
  static constexpr double kBlasterRandomStartProbability = 0.6;  // 12 of 20 values of rand() % 20
  static constexpr std::uint32_t kBlasterLowerAboveThirdOctet = 20;  // if (c > 20)
  static constexpr std::uint32_t kBlasterMaxLowering = 19;           // c -= rand() % 20

  /// `random_start_probability` in [0, 1]; `lower_above_third_octet` <= 255 and `max_lowering`
  /// <= `lower_above_third_octet` + 1 (so a lowered third octet stays >= 0). Throws
  /// std::invalid_argument otherwise.
  explicit SequentialScan(sim::Prefix space,
                          double random_start_probability = kBlasterRandomStartProbability,
                          std::uint32_t lower_above_third_octet = kBlasterLowerAboveThirdOctet,
                          std::uint32_t max_lowering = kBlasterMaxLowering);

  bool is_sequential() const override { return true; }

  /// Not used for sequential strategies (their hits are not a thinned Poisson process): 0.
  double hit_probability(std::uint32_t source, const sim::LiveIndex& relevant) const override;
  /// Not used for sequential strategies: throws std::logic_error.
  std::size_t draw_target(std::uint32_t source, const sim::LiveIndex& relevant,
                          sim::RandomStream& rng) const override;

  /// Sets `state.cursor` to the start drawn by the start rule; `state.probes` is untouched.
  /// Words: one for the random/local choice, then three for a random start (each usually one
  /// word, uniform_below) or, for a local start, one if the third octet is above the threshold
  /// and none otherwise.
  void begin(std::uint32_t source, ScannerState& state, sim::RandomStream& rng) const override;
  /// The first live relevant address inside the space at or after the cursor in the walk
  /// (wrapping once), with probes = distance + 1; target kNone (probes 0) if no live relevant
  /// address lies inside the space. Addresses of `relevant` outside the space are never probed
  /// and so never returned. O(log n).
  OrderedHit next_in_order(std::uint32_t source, const ScannerState& state,
                           const sim::LiveIndex& relevant) const override;
  /// Moves the cursor `probes` addresses on, wrapping modulo |space|; adds `probes` to
  /// `state.probes`.
  void advance(ScannerState& state, std::uint64_t probes) const override;
  /// The address at the cursor; moves the cursor one on (wrapping) and counts the probe. Draws no
  /// words.
  std::uint32_t next_probe(std::uint32_t source, ScannerState& state,
                           sim::RandomStream& rng) const override;

  sim::Prefix space() const { return space_; }

 private:
  /// The start address of the rule, before mapping into the space.
  std::uint32_t draw_start_address(std::uint32_t source, sim::RandomStream& rng) const;

  sim::Prefix space_;
  double random_start_probability_;
  std::uint32_t lower_above_third_octet_;
  std::uint32_t max_lowering_;
};

}  // namespace wormsim::models
