// LocalPreferenceScan (Code Red II): the hit probability equals the brute-force sum over the space
// of each address's probe probability, the classes are clipped to the space, excluded blocks are
// never probed nor drawn, and drawn targets are live relevant addresses of a class the source can
// reach. The brute force here is written independently of the strategy: class membership by
// comparing octets, allowed counts by walking the space.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "models/scanning/local_preference_scan.hpp"
#include "sim/address_index.hpp"
#include "sim/live_index.hpp"
#include "sim/random.hpp"
#include "sim/variates.hpp"

using namespace wormsim;
using models::LocalPreferenceScan;

namespace {

constexpr std::uint32_t ip(std::uint32_t a, std::uint32_t b, std::uint32_t c, std::uint32_t d) {
  return (a << 24) | (b << 16) | (c << 8) | d;
}

constexpr std::array<double, 3> kPi = LocalPreferenceScan::kCodeRedIIClasses;

bool is_in_any(const std::vector<sim::Prefix>& blocks, std::uint32_t a) {
  return std::any_of(blocks.begin(), blocks.end(), [a](sim::Prefix b) { return b.contains(a); });
}

/// The probability that one probe from `source` lands on each of `targets`, summed, computed the
/// slow way. Allowed addresses of each class are counted by walking the space in blocks of
/// `unit_length` (every class block and excluded block must be a union of such blocks: /32 for
/// small spaces, /16 for the whole of IPv4); classes with no allowed address are dropped and the
/// others renormalised, as the worm draws again.
double brute_force_hit_probability(sim::Prefix space, std::uint32_t source,
                                   const std::vector<std::uint32_t>& targets,
                                   const std::array<double, 3>& pi,
                                   const std::vector<sim::Prefix>& excluded,
                                   std::uint8_t unit_length) {
  const auto in_class = [source](std::size_t c, std::uint32_t a) {
    if (c == 0) return (a >> 24) == (source >> 24);
    if (c == 1) return (a >> 16) == (source >> 16);
    return true;
  };
  std::array<double, 3> allowed{};
  const std::uint64_t unit = std::uint64_t{1} << (32 - unit_length);
  for (std::uint64_t a = space.base; a <= space.last(); a += unit) {
    const auto address = static_cast<std::uint32_t>(a);
    if (is_in_any(excluded, address)) continue;
    for (std::size_t c = 0; c < 3; ++c)
      if (in_class(c, address)) allowed[c] += static_cast<double>(unit);
  }
  std::array<double, 3> weight{};
  double total = 0;
  for (std::size_t c = 0; c < 3; ++c)
    if (allowed[c] > 0) total += weight[c] = pi[c];
  double p = 0;
  for (const std::uint32_t a : targets) {
    if (!space.contains(a) || is_in_any(excluded, a)) continue;
    for (std::size_t c = 0; c < 3; ++c)
      if (in_class(c, a) && weight[c] > 0) p += weight[c] / total / allowed[c];
  }
  return p;
}

std::vector<std::uint32_t> live_addresses(const sim::LiveIndex& live) {
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < live.index().size(); ++i)
    if (live.is_live(i)) out.push_back(live.index().address(i));
  return out;
}

/// `count` distinct random addresses of `block` (fewer if duplicates were drawn).
void add_random(std::vector<std::uint32_t>& out, sim::Prefix block, std::size_t count,
                sim::RandomStream& rng) {
  for (std::size_t i = 0; i < count; ++i)
    out.push_back(block.base +
                  static_cast<std::uint32_t>(sim::variates::uniform_below(rng, block.size())));
}

sim::AddressIndex distinct_index(std::vector<std::uint32_t> addresses) {
  std::sort(addresses.begin(), addresses.end());
  addresses.erase(std::unique(addresses.begin(), addresses.end()), addresses.end());
  return sim::AddressIndex(std::move(addresses));
}

/// Removes about one position in `one_in` from the live set.
void remove_some(sim::LiveIndex& live, std::uint64_t one_in, sim::RandomStream& rng) {
  for (std::size_t i = 0; i < live.index().size(); ++i)
    if (sim::variates::uniform_below(rng, one_in) == 0) live.remove(i);
}

}  // namespace

TEST_CASE("models::LocalPreferenceScan: hit probability equals the brute-force sum on a /14",
          "[models]") {
  const sim::Prefix space{ip(10, 0, 0, 0), 14};
  sim::RandomStream rng(101, 0, 0, sim::Purpose::test);
  std::vector<std::uint32_t> addresses;
  add_random(addresses, space, 300, rng);
  add_random(addresses, sim::Prefix{ip(10, 1, 0, 0), 16}, 40, rng);
  // Relevant addresses outside the space never count.
  for (const std::uint32_t a : {ip(10, 4, 0, 1), ip(11, 0, 0, 5), ip(9, 255, 255, 255)})
    addresses.push_back(a);
  const sim::AddressIndex index = distinct_index(addresses);
  sim::LiveIndex live(index);
  remove_some(live, 7, rng);
  REQUIRE(live.live_count() < index.size());
  const std::vector<std::uint32_t> targets = live_addresses(live);

  // Default exclusions (nothing of them in 10/8), and a /16 inside the space excluded (with
  // relevant addresses in it, some sources in it: their /16 class has nothing to probe).
  const std::vector<std::vector<sim::Prefix>> exclusions{
      LocalPreferenceScan::code_red_ii_excluded(),
      {sim::Prefix{ip(10, 1, 0, 0), 16}, sim::Prefix{ip(127, 0, 0, 0), 8}}};
  // A source outside the space (10.5/16): its /8 clipped is the space, its /16 is empty.
  const std::vector<std::uint32_t> sources{ip(10, 0, 1, 1), ip(10, 1, 7, 9), ip(10, 2, 200, 3),
                                           ip(10, 3, 255, 255), ip(10, 5, 0, 1)};
  for (const auto& excluded : exclusions) {
    for (const auto& pi : {kPi, std::array<double, 3>{0.2, 0.3, 0.5}}) {
      const LocalPreferenceScan scan(space, pi, excluded);
      for (const std::uint32_t source : sources) {
        const double expected =
            brute_force_hit_probability(space, source, targets, pi, excluded, 32);
        const double p = scan.hit_probability(source, live);
        CAPTURE(sim::format_address(source), excluded.size(), pi[0], pi[1], pi[2], p, expected);
        REQUIRE(p > 0);
        REQUIRE(p == Approx(expected).epsilon(1e-12));
      }
    }
  }
}

TEST_CASE("models::LocalPreferenceScan: hit probability equals the brute-force sum on all of IPv4",
          "[models]") {
  const sim::Prefix space{0, 0};
  sim::RandomStream rng(102, 0, 0, sim::Purpose::test);
  std::vector<std::uint32_t> addresses;
  add_random(addresses, sim::Prefix{ip(10, 1, 0, 0), 16}, 100, rng);
  add_random(addresses, sim::Prefix{ip(10, 0, 0, 0), 8}, 300, rng);
  add_random(addresses, sim::Prefix{ip(192, 168, 0, 0), 16}, 50, rng);
  add_random(addresses, space, 1000, rng);
  // Relevant hosts normally never sit in excluded blocks; if they do, they are never hit.
  add_random(addresses, sim::Prefix{ip(127, 0, 0, 0), 8}, 20, rng);
  add_random(addresses, sim::Prefix{ip(224, 0, 0, 0), 8}, 20, rng);
  for (const std::uint32_t a :
       {ip(0, 0, 0, 0), ip(255, 255, 255, 255), ip(126, 255, 255, 255), ip(128, 0, 0, 0)})
    addresses.push_back(a);
  const sim::AddressIndex index = distinct_index(addresses);
  sim::LiveIndex live(index);
  remove_some(live, 5, rng);
  const std::vector<std::uint32_t> targets = live_addresses(live);

  const LocalPreferenceScan scan(space);
  // Sources in several /8s: with and without relevant neighbours, at the edges of IPv4, and in
  // the excluded /8s themselves (only the "anywhere" class is left to them).
  for (const std::uint32_t source :
       {ip(10, 1, 2, 3), ip(10, 200, 0, 1), ip(192, 168, 1, 1), ip(60, 0, 0, 1), ip(0, 0, 0, 1),
        ip(255, 255, 255, 254), ip(127, 0, 0, 1), ip(224, 1, 2, 3)}) {
    const double expected = brute_force_hit_probability(
        space, source, targets, kPi, LocalPreferenceScan::code_red_ii_excluded(), 16);
    const double p = scan.hit_probability(source, live);
    CAPTURE(sim::format_address(source), p, expected);
    REQUIRE(p > 0);
    REQUIRE(p == Approx(expected).epsilon(1e-12));
  }
}

TEST_CASE("models::LocalPreferenceScan: classes are clipped to a space smaller than a /8 or a /16",
          "[models]") {
  const std::uint32_t source = ip(10, 3, 4, 5);
  const auto one_target = [](std::uint32_t a) { return sim::AddressIndex({a}); };
  const auto p_single = [&](sim::Prefix space, std::uint32_t target) {
    const sim::AddressIndex index = one_target(target);
    const sim::LiveIndex live(index);
    return LocalPreferenceScan(space).hit_probability(source, live);
  };

  // 10.0.0.0/12 (2^20 addresses): "same /8" is the whole space, "same /16" is 10.3/16.
  const sim::Prefix slash12{ip(10, 0, 0, 0), 12};
  CHECK(p_single(slash12, ip(10, 3, 9, 9)) == Approx(0.625 / 0x1p20 + 0.375 / 0x1p16));
  CHECK(p_single(slash12, ip(10, 9, 0, 1)) == Approx(0.625 / 0x1p20));
  CHECK(p_single(slash12, ip(10, 200, 0, 1)) == 0);  // own /8, outside the space

  // 10.0.0.0/20 (2^12 addresses), smaller than a /16: every class is the whole space.
  const sim::Prefix slash20{ip(10, 0, 0, 0), 20};
  CHECK(p_single(slash20, ip(10, 0, 15, 255)) == Approx(1.0 / 0x1p12));
  CHECK(p_single(slash20, ip(10, 0, 16, 0)) == 0);

  // 8.0.0.0/6 (2^26 addresses), larger than a /8: "anywhere" is the /6.
  const sim::Prefix slash6{ip(8, 0, 0, 0), 6};
  CHECK(p_single(slash6, ip(9, 0, 0, 1)) == Approx(0.125 / 0x1p26));
  CHECK(p_single(slash6, ip(10, 0, 0, 1)) == Approx(0.5 / 0x1p24 + 0.125 / 0x1p26));

  // 124.0.0.0/6 holds 127/8: "anywhere" has 3 * 2^24 allowed addresses. The source lies outside
  // this space, so its /8 and /16 classes are empty and "anywhere" takes all the weight.
  const sim::Prefix with_loopback{ip(124, 0, 0, 0), 6};
  CHECK(p_single(with_loopback, ip(125, 0, 0, 1)) == Approx(1.0 / (3 * 0x1p24)));
  CHECK(p_single(with_loopback, ip(127, 0, 0, 1)) == 0);

  // Probes stay inside the space, and in a space smaller than a /16 they cover all of it.
  models::ScannerState state;
  sim::RandomStream rng(103, 0, 0, sim::Purpose::test);
  for (const sim::Prefix space : {slash12, slash20, slash6}) {
    const LocalPreferenceScan scan(space);
    std::vector<std::uint8_t> seen(4096, 0);
    std::size_t outside = 0;
    for (int i = 0; i < 50'000; ++i) {
      const std::uint32_t a = scan.next_probe(source, state, rng);
      if (!space.contains(a))
        ++outside;
      else if (space.length == 20)
        seen[a - space.base] = 1;
    }
    CAPTURE(sim::format_prefix(space));
    CHECK(outside == 0);
    // 50,000 draws over 4,096 addresses: each is missed with probability e^-12.2 = 5e-6.
    if (space.length == 20) CHECK(std::count(seen.begin(), seen.end(), 1) == 4096);
  }
}

TEST_CASE("models::LocalPreferenceScan: next_probe never probes an excluded block", "[models]") {
  sim::RandomStream rng(104, 0, 0, sim::Purpose::test);
  models::ScannerState state;
  const std::vector<sim::Prefix> excluded = LocalPreferenceScan::code_red_ii_excluded();
  struct Case {
    sim::Prefix space;
    std::uint32_t source;
  };
  // Sources next to, and inside, the excluded /8s; a space of four /8s, one excluded, where a
  // quarter of the "anywhere" draws are redrawn.
  for (const Case& c : {Case{{0, 0}, ip(127, 0, 0, 1)}, Case{{0, 0}, ip(126, 255, 255, 1)},
                        Case{{0, 0}, ip(224, 0, 0, 1)}, Case{{0, 0}, ip(10, 0, 0, 1)},
                        Case{{ip(124, 0, 0, 0), 6}, ip(127, 1, 2, 3)},
                        Case{{ip(124, 0, 0, 0), 6}, ip(126, 1, 2, 3)}}) {
    const LocalPreferenceScan scan(c.space);
    std::size_t outside = 0, in_excluded = 0, in_own_8 = 0;
    for (int i = 0; i < 100'000; ++i) {
      const std::uint32_t a = scan.next_probe(c.source, state, rng);
      outside += !c.space.contains(a);
      in_excluded += is_in_any(excluded, a);
      in_own_8 += (a >> 24) == (c.source >> 24);
    }
    CAPTURE(sim::format_prefix(c.space), sim::format_address(c.source), in_own_8);
    CHECK(outside == 0);
    CHECK(in_excluded == 0);
    // The own /8 takes at least half the probes, unless it is excluded: then none.
    if (is_in_any(excluded, c.source))
      CHECK(in_own_8 == 0);
    else
      CHECK(in_own_8 > 50'000);
  }
}

TEST_CASE("models::LocalPreferenceScan: drawn targets are live, allowed and in a reachable class",
          "[models]") {
  const sim::Prefix space{0, 0};
  const std::uint32_t source = ip(10, 1, 2, 3);
  sim::RandomStream rng(105, 0, 0, sim::Purpose::test);
  std::vector<std::uint32_t> addresses;
  add_random(addresses, sim::Prefix{ip(10, 1, 0, 0), 16}, 30, rng);
  add_random(addresses, sim::Prefix{ip(10, 0, 0, 0), 8}, 30, rng);
  add_random(addresses, space, 200, rng);
  add_random(addresses, sim::Prefix{ip(127, 0, 0, 0), 8}, 30, rng);
  add_random(addresses, sim::Prefix{ip(224, 0, 0, 0), 8}, 30, rng);
  const sim::AddressIndex index = distinct_index(addresses);
  sim::LiveIndex live(index);
  remove_some(live, 3, rng);
  const std::vector<sim::Prefix> excluded = LocalPreferenceScan::code_red_ii_excluded();

  struct Case {
    std::array<double, 3> pi;
    sim::Prefix reachable;
  };
  for (const Case& c : {Case{kPi, space}, Case{{1, 0, 0}, sim::Prefix::of(source, 8)},
                        Case{{0, 1, 0}, sim::Prefix::of(source, 16)}}) {
    const LocalPreferenceScan scan(space, c.pi);
    REQUIRE(scan.hit_probability(source, live) > 0);
    std::vector<std::uint8_t> drawn(index.size(), 0);
    std::size_t bad = 0;
    for (int i = 0; i < 20'000; ++i) {
      const std::size_t t = scan.draw_target(source, live, rng);
      REQUIRE(t < index.size());
      const std::uint32_t a = index.address(t);
      bad += !live.is_live(t) || !c.reachable.contains(a) || is_in_any(excluded, a);
      drawn[t] = 1;
    }
    CAPTURE(c.pi[0], c.pi[1], c.pi[2]);
    CHECK(bad == 0);
    // Within the own /16, each of the few live targets is likely enough (at least 1/30 of the
    // draws for pi = {0, 1, 0}) that all of them show up in 20,000 draws.
    if (c.pi[1] == 1) {
      const auto [lo, hi] = index.range(sim::Prefix::of(source, 16));
      for (std::size_t t = lo; t < hi; ++t) CHECK((drawn[t] != 0) == live.is_live(t));
    }
  }
}

TEST_CASE("models::LocalPreferenceScan: parameters are checked and exclusions merged", "[models]") {
  const sim::Prefix space{0, 0};
  CHECK_THROWS_AS(LocalPreferenceScan(space, {0.5, 0.5, 0.5}), std::invalid_argument);
  CHECK_THROWS_AS(LocalPreferenceScan(space, {-0.1, 0.6, 0.5}), std::invalid_argument);
  CHECK_THROWS_AS(LocalPreferenceScan(sim::Prefix{ip(127, 4, 0, 0), 16}), std::invalid_argument);
  // A rest computed as 1 - a - b may round just below zero.
  CHECK_NOTHROW(LocalPreferenceScan(space, {0.7, 0.3, 1.0 - 0.7 - 0.3}));

  const LocalPreferenceScan merged(
      space, LocalPreferenceScan::kCodeRedIIClasses,
      {sim::Prefix{ip(224, 0, 0, 0), 8}, sim::Prefix{ip(127, 1, 0, 0), 16},
       sim::Prefix{ip(127, 0, 0, 0), 8}, sim::Prefix{ip(224, 0, 0, 0), 8}});
  REQUIRE(merged.excluded_in_space().size() == 2);
  CHECK(merged.excluded_in_space()[0].base == ip(127, 0, 0, 0));
  CHECK(merged.excluded_in_space()[1].base == ip(224, 0, 0, 0));
  CHECK(LocalPreferenceScan(sim::Prefix{ip(10, 0, 0, 0), 12}).excluded_in_space().empty());
  const LocalPreferenceScan clipped(sim::Prefix{ip(126, 0, 0, 0), 7});
  REQUIRE(clipped.excluded_in_space().size() == 1);
  CHECK(clipped.excluded_in_space()[0].length == 8);
}
