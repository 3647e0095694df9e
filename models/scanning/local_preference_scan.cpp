#include "models/scanning/local_preference_scan.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>

namespace wormsim::models {

namespace {

/// Two prefixes are nested or disjoint, so their intersection is the longer one or nothing.
std::optional<sim::Prefix> intersect(sim::Prefix a, sim::Prefix b) {
  if (a.length <= b.length) return a.contains(b.base) ? std::optional{b} : std::nullopt;
  return b.contains(a.base) ? std::optional{a} : std::nullopt;
}

/// Index of the class to use: u in [0, 1) scaled by the total mass, walked along the masses.
/// Classes of zero mass are never chosen; rounding past the end falls to the last positive one.
std::size_t choose_class(const std::array<double, 3>& mass, double u01) {
  double u = u01 * (mass[0] + mass[1] + mass[2]);
  std::size_t chosen = mass.size();
  for (std::size_t c = 0; c < mass.size(); ++c) {
    if (!(mass[c] > 0)) continue;
    chosen = c;
    if (u < mass[c]) break;
    u -= mass[c];
  }
  assert(chosen < mass.size() && "local preference: no class has positive mass");
  return chosen;
}

}  // namespace

std::vector<sim::Prefix> LocalPreferenceScan::code_red_ii_excluded() {
  return {sim::Prefix{127u << 24, 8}, sim::Prefix{224u << 24, 8}};
}

LocalPreferenceScan::LocalPreferenceScan(sim::Prefix space, std::array<double, 3> probabilities,
                                         std::vector<sim::Prefix> excluded)
    : space_(space), probabilities_(probabilities) {
  double sum = 0;
  for (double& p : probabilities_) {
    if (!(p >= -1e-9 && p <= 1))
      throw std::invalid_argument("local preference: class probability " + std::to_string(p) +
                                  " is outside [0, 1]");
    p = std::max(p, 0.0);  // a rest computed as 1 - a - b may come out at -1e-17
    sum += p;
  }
  if (std::abs(sum - 1) > 1e-9)
    throw std::invalid_argument("local preference: class probabilities sum to " +
                                std::to_string(sum) + ", expected 1");

  // Prefixes are nested or disjoint: sorted by base then length, a block is either inside the
  // last kept one or after it.
  std::sort(excluded.begin(), excluded.end(), [](sim::Prefix a, sim::Prefix b) {
    return a.base != b.base ? a.base < b.base : a.length < b.length;
  });
  for (const sim::Prefix e : excluded) {
    const auto clipped = intersect(e, space_);
    if (!clipped) continue;
    if (!excluded_.empty() && excluded_.back().contains(clipped->base)) continue;
    excluded_.push_back(*clipped);
  }
  std::uint64_t excluded_size = 0;
  for (const sim::Prefix e : excluded_) excluded_size += e.size();
  if (excluded_size >= space_.size())
    throw std::invalid_argument("local preference: every address of " + sim::format_prefix(space_) +
                                " is excluded");
}

std::array<LocalPreferenceScan::Class, 3> LocalPreferenceScan::classes_of(
    std::uint32_t source) const {
  const std::array<std::optional<sim::Prefix>, 3> blocks{
      intersect(sim::Prefix::of(source, 8), space_), intersect(sim::Prefix::of(source, 16), space_),
      space_};
  std::array<Class, 3> classes{};
  double total = 0;
  for (std::size_t c = 0; c < 3; ++c) {
    if (!blocks[c]) continue;
    Class& k = classes[c];
    k.block = *blocks[c];
    k.size = k.block.size();
    k.allowed = k.size;
    for (const sim::Prefix e : excluded_)
      if (const auto overlap = intersect(k.block, e)) k.allowed -= overlap->size();
    if (k.allowed > 0) {
      k.weight = probabilities_[c];
      total += k.weight;
    }
  }
  if (total > 0) {
    for (Class& k : classes) k.weight /= total;
  } else {
    // Every class of positive probability is empty for this source (say pi = {1, 0, 0} and a
    // source in an excluded /8): the only consistent reading of "draw again" left is the space.
    classes[2].weight = 1;
  }
  return classes;
}

std::size_t LocalPreferenceScan::live_allowed(sim::Prefix block,
                                              const sim::LiveIndex& relevant) const {
  const auto [first, last] = relevant.index().range(block);
  std::size_t live = relevant.live_in(first, last);
  for (const sim::Prefix e : excluded_) {
    if (const auto overlap = intersect(block, e)) {
      const auto [lo, hi] = relevant.index().range(*overlap);
      live -= relevant.live_in(lo, hi);
    }
  }
  return live;
}

bool LocalPreferenceScan::is_excluded(std::uint32_t address) const {
  return std::any_of(excluded_.begin(), excluded_.end(),
                     [address](sim::Prefix e) { return e.contains(address); });
}

double LocalPreferenceScan::hit_probability(std::uint32_t source,
                                            const sim::LiveIndex& relevant) const {
  double p = 0;
  for (const Class& k : classes_of(source)) {
    if (!(k.weight > 0)) continue;
    p += k.weight * static_cast<double>(live_allowed(k.block, relevant)) /
         static_cast<double>(k.allowed);
  }
  return p;
}

std::size_t LocalPreferenceScan::draw_target(std::uint32_t source, const sim::LiveIndex& relevant,
                                             sim::RandomStream& rng) const {
  const std::array<Class, 3> classes = classes_of(source);
  std::array<std::size_t, 3> live{};
  std::array<double, 3> mass{};
  for (std::size_t c = 0; c < 3; ++c) {
    if (!(classes[c].weight > 0)) continue;
    live[c] = live_allowed(classes[c].block, relevant);
    mass[c] =
        classes[c].weight * static_cast<double>(live[c]) / static_cast<double>(classes[c].allowed);
  }
  const std::size_t c = choose_class(mass, sim::variates::uniform01(rng));
  auto k = static_cast<std::size_t>(sim::variates::uniform_below(rng, live[c]));

  // The k-th live position of the class outside the excluded blocks: walk the allowed segments
  // of the class's index range between excluded blocks (disjoint and sorted, so their ranges
  // are too), skipping whole segments by their live counts.
  const auto [first, last] = relevant.index().range(classes[c].block);
  std::size_t segment = first;
  for (const sim::Prefix e : excluded_) {
    const auto overlap = intersect(classes[c].block, e);
    if (!overlap) continue;
    const auto [lo, hi] = relevant.index().range(*overlap);
    const std::size_t n = relevant.live_in(segment, lo);
    if (k < n) return relevant.kth_live(relevant.live_before(segment) + k);
    k -= n;
    segment = hi;
  }
  assert(k < relevant.live_in(segment, last) && "local preference: target beyond the class");
  return relevant.kth_live(relevant.live_before(segment) + k);
}

std::uint32_t LocalPreferenceScan::next_probe(std::uint32_t source, ScannerState&,
                                              sim::RandomStream& rng) const {
  const std::array<Class, 3> classes = classes_of(source);
  const std::array<double, 3> weight{classes[0].weight, classes[1].weight, classes[2].weight};
  const Class& k = classes[choose_class(weight, sim::variates::uniform01(rng))];
  for (;;) {
    const auto address =
        k.block.base + static_cast<std::uint32_t>(sim::variates::uniform_below(rng, k.size));
    if (!is_excluded(address)) return address;
  }
}

}  // namespace wormsim::models
