// Local-preference scanning (Code Red II): every probe picks a class — the source's own /8, its
// own /16, or the whole space — with fixed probabilities, then an address of that class. A
// memoryless strategy of scan_strategy.hpp, exact in distribution (DESIGN.md, "Scanning without
// simulating every probe": a class mixture).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "models/scanning/scan_strategy.hpp"

namespace wormsim::models {

// Derivation (thinning of a class mixture). For a source s, let B_c be the blocks of the three
// classes clipped to the space S: B_0 = own /8 ∩ S, B_1 = own /16 ∩ S, B_2 = S. X is the union of
// the excluded blocks, A_c = B_c \ X the allowed addresses of class c, and w_c the class
// probabilities pi_c, renormalised over the classes with A_c non-empty (a class with nothing to
// probe makes the worm draw again). A probe picks class c with probability w_c, then a uniform
// address of B_c, redrawn while it falls in X: rejection sampling, so the destination is uniform
// on A_c. (The redraw keeps the class, so the class probabilities stay pi as REFERENCE.md states
// them; redrawing the class as well would reweight class c by |A_c| / |B_c|, which for the
// defaults only moves 1/8 * 2/256 of the mass.) Hence one probe lands on address a with
// probability
//     P(a) = sum_c w_c [a in A_c] / |A_c|,
// and on a live relevant address with probability p = sum_c w_c |L ∩ A_c| / |A_c|, L the live
// relevant set (hit_probability). Given a hit, the target is a with probability P(a)/p for a in L:
// writing m_c = w_c |L ∩ A_c| / |A_c|,
//     P(a | hit) = sum_c (m_c / p) * [a in L ∩ A_c] / |L ∩ A_c|,
// which is again a mixture: choose class c with probability m_c / p, then a uniform element of
// L ∩ A_c (draw_target). The classes overlap (the /16 lies inside the /8, which lies inside the
// space); the mixture form needs no split into disjoint regions, because an address reachable
// through several classes collects each class's share. Since every probe is independent, the hits
// of a Poisson probe stream of rate r are a Poisson process of rate r p (thinning), each target
// drawn independently as above.
class LocalPreferenceScan final : public ScanStrategy {
 public:
  /// Class probabilities {own /8, own /16, anywhere} of Code Red II: 1/2, 3/8, 1/8
  /// (REFERENCE.md, "Code Red II" [V]; CERT IN-2001-09; eEye's analysis).
  static constexpr std::array<double, 3> kCodeRedIIClasses{0.5, 0.375, 0.125};
  /// Blocks Code Red II never probes: 127.0.0.0/8 and 224.0.0.0/8 (REFERENCE.md [V]). An address
  /// drawn there is not probed: the worm draws again.
  static std::vector<sim::Prefix> code_red_ii_excluded();

  /// `space`: the scenario's address space; every class is clipped to it.
  /// `probabilities`: {own /8, own /16, anywhere}, each in [0, 1], summing to 1 (both within
  /// 1e-9, so that a rest computed as 1 - a - b is accepted).
  /// `excluded`: blocks never probed (any prefixes; nested or repeated ones are merged).
  /// Throws std::invalid_argument if the probabilities are not a distribution or if every
  /// address of the space is excluded.
  explicit LocalPreferenceScan(sim::Prefix space,
                               std::array<double, 3> probabilities = kCodeRedIIClasses,
                               std::vector<sim::Prefix> excluded = code_red_ii_excluded());

  /// sum_c w_c |live relevant ∩ A_c| / |A_c| (see the derivation above): O(log n) per class,
  /// plus one range per excluded block that overlaps the class. Relevant addresses outside the
  /// space or inside an excluded block never count.
  double hit_probability(std::uint32_t source, const sim::LiveIndex& relevant) const override;
  /// A live relevant position given a hit; requires hit_probability(source, relevant) > 0.
  /// Words: one (uniform01) for the class, then uniform_below(live allowed addresses of the
  /// class), one word except on Lemire's rare rejection. Never returns a position outside the
  /// chosen class, outside the space, inside an excluded block, or not live.
  std::size_t draw_target(std::uint32_t source, const sim::LiveIndex& relevant,
                          sim::RandomStream& rng) const override;
  /// The per-probe reference: one word (uniform01) for the class, then one uniform_below word
  /// (rarely more) per address drawn uniformly from the class's block, redrawn within the same
  /// class while it is excluded. `state` is not used.
  std::uint32_t next_probe(std::uint32_t source, ScannerState& state,
                           sim::RandomStream& rng) const override;

  sim::Prefix space() const { return space_; }
  const std::array<double, 3>& probabilities() const { return probabilities_; }
  /// The excluded blocks that meet the space, clipped to it, disjoint and sorted by address.
  const std::vector<sim::Prefix>& excluded_in_space() const { return excluded_; }

 private:
  /// One class of a given source: its block (clipped to the space), allowed addresses and
  /// renormalised probability; `size == 0` when the block misses the space.
  struct Class {
    sim::Prefix block;
    std::uint64_t size = 0;
    std::uint64_t allowed = 0;
    double weight = 0;
  };
  std::array<Class, 3> classes_of(std::uint32_t source) const;
  /// Live relevant positions inside `block` and outside every excluded block.
  std::size_t live_allowed(sim::Prefix block, const sim::LiveIndex& relevant) const;
  bool is_excluded(std::uint32_t address) const;

  sim::Prefix space_;
  std::array<double, 3> probabilities_;
  std::vector<sim::Prefix> excluded_;  // clipped to the space, disjoint, sorted
};

}  // namespace wormsim::models
