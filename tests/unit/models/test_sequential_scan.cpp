// SequentialScan (Blaster): next_in_order, which jumps to the next live relevant address by index
// look-ups, gives exactly the hit and probe count that walking the scan order one probe at a time
// with next_probe gives, in a /16 and in the full space, through removals, across the wrap at the
// end of the space and with no live target; advance composes with it; and begin's starts obey the
// start rule (last octet 0, random octets in range, local starts the host's own lowered /24).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <set>
#include <stdexcept>
#include <vector>

#include "models/scanning/sequential_scan.hpp"
#include "sim/address_index.hpp"
#include "sim/live_index.hpp"
#include "sim/random.hpp"
#include "sim/variates.hpp"

using wormsim::models::OrderedHit;
using wormsim::models::ScannerState;
using wormsim::models::SequentialScan;
using wormsim::sim::AddressIndex;
using wormsim::sim::LiveIndex;
using wormsim::sim::Prefix;
using wormsim::sim::Purpose;
using wormsim::sim::RandomStream;
namespace variates = wormsim::sim::variates;

namespace {

constexpr std::uint32_t address_of(std::uint32_t a, std::uint32_t b, std::uint32_t c,
                                   std::uint32_t d) {
  return a << 24 | b << 16 | c << 8 | d;
}

std::uint32_t octet(std::uint32_t address, int which) {  // which: 0 is the first (most significant)
  return (address >> (8 * (3 - which))) & 0xffu;
}

/// The oracle: probes one at a time with next_probe from a copy of `state` until one lands on a
/// live relevant address, for at most `cap` probes. Returns kNone (probes 0) if none within the
/// cap; `walked` receives the state after the walk.
OrderedHit walk(const SequentialScan& scan, std::uint32_t source, ScannerState state,
                const LiveIndex& live, std::uint64_t cap, ScannerState* walked = nullptr) {
  RandomStream unused(0, 0, 0, Purpose::test);
  OrderedHit found;
  for (std::uint64_t k = 1; k <= cap; ++k) {
    const std::uint32_t probe = scan.next_probe(source, state, unused);
    if (const auto position = live.index().find(probe); position && live.is_live(*position)) {
      found = {*position, k};
      break;
    }
  }
  if (walked) *walked = state;
  return found;
}

/// Checks next_in_order against the walk from `state`. With `cap` >= |space| the walk is
/// complete; with a smaller cap a hit beyond it must be one the walk did not reach.
void check_against_walk(const SequentialScan& scan, std::uint32_t source, const ScannerState& state,
                        const LiveIndex& live, std::uint64_t cap) {
  CAPTURE(source, state.cursor, state.probes, live.live_count());
  const OrderedHit fast = scan.next_in_order(source, state, live);
  ScannerState walked;
  const OrderedHit slow = walk(scan, source, state, live, cap, &walked);
  CAPTURE(fast.target, fast.probes, slow.target, slow.probes);
  if (fast.target != OrderedHit::kNone && fast.probes > cap) {
    REQUIRE(slow.target == OrderedHit::kNone);
    return;
  }
  REQUIRE(fast.target == slow.target);
  REQUIRE(fast.probes == slow.probes);
  if (fast.target == OrderedHit::kNone) return;
  REQUIRE(scan.space().contains(live.index().address(fast.target)));
  // advance by the hit's probes leaves the state where the walk left it.
  ScannerState advanced = state;
  scan.advance(advanced, fast.probes);
  REQUIRE(advanced.cursor == walked.cursor);
  REQUIRE(advanced.probes == walked.probes);
}

std::vector<std::uint32_t> distinct_addresses_in(Prefix block, std::size_t count,
                                                 RandomStream& rng) {
  std::set<std::uint32_t> chosen;
  while (chosen.size() < count)
    chosen.insert(block.base +
                  static_cast<std::uint32_t>(variates::uniform_below(rng, block.size())));
  return {chosen.begin(), chosen.end()};
}

/// The offset in the space of the last live relevant address inside it (the space must hold one).
std::uint64_t last_live_offset(const LiveIndex& live, Prefix space) {
  std::uint64_t offset = 0;
  for (std::size_t i = 0; i < live.index().size(); ++i)
    if (live.is_live(i) && space.contains(live.index().address(i)))
      offset = live.index().address(i) - space.base;
  return offset;
}

}  // namespace

TEST_CASE("models::SequentialScan: next_in_order matches a probe-by-probe walk in a /16 space",
          "[models]") {
  const Prefix space{address_of(10, 0, 0, 0), 16};
  const SequentialScan scan(space);
  RandomStream rng(1, 0, 0, Purpose::test);
  std::vector<std::uint32_t> addresses = distinct_addresses_in(space, 300, rng);
  // Relevant addresses outside the space are never probed and must never be returned.
  const std::vector<std::uint32_t> outside = {
      address_of(0, 0, 0, 0),  address_of(9, 255, 255, 255), address_of(10, 1, 0, 0),
      address_of(10, 1, 0, 7), address_of(11, 0, 0, 0),      address_of(255, 255, 255, 255)};
  addresses.insert(addresses.end(), outside.begin(), outside.end());
  const AddressIndex index(addresses);
  LiveIndex live(index);
  const std::uint64_t full = space.size();  // a walk of |space| probes is complete

  // Rounds with a shrinking live set: all live, then 40%, 80%, 98% of the addresses inside the
  // space removed (those outside stay live throughout).
  std::vector<std::size_t> inside;
  for (std::size_t i = 0; i < index.size(); ++i)
    if (space.contains(index.address(i))) inside.push_back(i);
  std::size_t live_inside = inside.size();
  for (const double removed_fraction : {0.0, 0.4, 0.8, 0.98}) {
    CAPTURE(removed_fraction);
    while (static_cast<double>(live_inside) >
           (1.0 - removed_fraction) * static_cast<double>(inside.size())) {
      const std::size_t victim = inside[variates::uniform_below(rng, inside.size())];
      if (live.is_live(victim)) --live_inside;
      live.remove(victim);
    }
    for (int i = 0; i < 40; ++i) {
      const std::uint32_t source =
          space.base + static_cast<std::uint32_t>(variates::uniform_below(rng, space.size()));
      ScannerState state;
      scan.begin(source, state, rng);
      check_against_walk(scan, source, state, live, full);
      state.cursor = variates::uniform_below(rng, space.size());  // any cursor, any probes
      state.probes = variates::uniform_below(rng, 1000);
      check_against_walk(scan, source, state, live, full);
    }
    // Wrap-around: every cursor past the last live address, the last offset and the first.
    const std::uint64_t last = last_live_offset(live, space);
    for (const std::uint64_t cursor : {last + 1, (last + full) / 2, full - 1, std::uint64_t{0}}) {
      if (cursor >= full) continue;
      check_against_walk(scan, space.base, ScannerState{cursor, 0}, live, full);
    }
  }

  SECTION("live relevant addresses only outside the space: no hit") {
    for (std::size_t i = 0; i < index.size(); ++i)
      if (space.contains(index.address(i))) live.remove(i);
    REQUIRE(live.live_count() > 0);
    for (const std::uint64_t cursor : {std::uint64_t{0}, std::uint64_t{12345}, full - 1}) {
      REQUIRE(scan.next_in_order(space.base, ScannerState{cursor, 0}, live).target ==
              OrderedHit::kNone);
      check_against_walk(scan, space.base, ScannerState{cursor, 0}, live, full);
    }
  }
  SECTION("empty live set: no hit") {
    for (std::size_t i = 0; i < index.size(); ++i) live.remove(i);
    for (const std::uint64_t cursor : {std::uint64_t{0}, std::uint64_t{777}, full - 1})
      check_against_walk(scan, space.base, ScannerState{cursor, 0}, live, full);
  }
}

TEST_CASE("models::SequentialScan: next_in_order matches a probe-by-probe walk in the full space",
          "[models]") {
  // 2^32 probes cannot be walked, so the walk is capped at 2^21: with 100 000 relevant addresses
  // (about 74 000 live, a mean gap of 2^32 / 74 000 = 58 000) a hit farther than the cap has
  // probability about exp(-36) per query, and would then be checked to lie beyond the walk.
  const Prefix space{0, 0};
  const SequentialScan scan(space);
  RandomStream rng(2, 0, 0, Purpose::test);
  const AddressIndex index(distinct_addresses_in(space, 100'000, rng));
  LiveIndex live(index);
  constexpr std::uint64_t kCap = std::uint64_t{1} << 21;
  for (int i = 0; i < 30'000; ++i)
    live.remove(static_cast<std::size_t>(variates::uniform_below(rng, index.size())));

  for (int i = 0; i < 40; ++i) {
    const auto source = static_cast<std::uint32_t>(rng.next_u64());
    ScannerState state;
    scan.begin(source, state, rng);
    check_against_walk(scan, source, state, live, kCap);
    state.cursor = variates::uniform_below(rng, space.size());
    check_against_walk(scan, source, state, live, kCap);
  }
  // Wrap-around at 255.255.255.255 to 0.0.0.0.
  const std::uint64_t last = last_live_offset(live, space);
  REQUIRE(last + 1 < space.size());
  for (const std::uint64_t cursor : {last + 1, (last + space.size()) / 2, space.size() - 1}) {
    const OrderedHit hit = scan.next_in_order(0, ScannerState{cursor, 0}, live);
    REQUIRE(live.index().address(hit.target) < last);  // wrapped
    check_against_walk(scan, 0, ScannerState{cursor, 0}, live, kCap);
  }

  SECTION("empty live set: no hit (walk capped at 2^19 probes)") {
    for (std::size_t i = 0; i < index.size(); ++i) live.remove(i);
    for (const std::uint64_t cursor : {std::uint64_t{0x80000000}, space.size() - 1})
      check_against_walk(scan, 0, ScannerState{cursor, 0}, live, kCap / 4);
  }
}

TEST_CASE(
    "models::SequentialScan: advance past each hit then next_in_order finds the following hit",
    "[models]") {
  // Hopping hit to hit with next_in_order and advance visits the same addresses, with the same
  // cumulative probe counts, as probing one by one: over two full turns of a /16 (all live), and
  // when each hit is removed from the live set on the way (the hosts it infects).
  const Prefix space{address_of(10, 0, 0, 0), 16};
  const SequentialScan scan(space);
  RandomStream rng(3, 0, 0, Purpose::test);
  const AddressIndex index(distinct_addresses_in(space, 200, rng));
  const std::uint32_t source = address_of(10, 0, 77, 5);
  ScannerState start;
  scan.begin(source, start, rng);
  CAPTURE(start.cursor);

  SECTION("two turns with a fixed live set") {
    const LiveIndex live(index);
    const std::uint64_t total = 2 * space.size();
    std::vector<std::pair<std::size_t, std::uint64_t>> walked, hopped;  // (target, probes so far)
    ScannerState state = start;
    RandomStream unused(0, 0, 0, Purpose::test);
    for (std::uint64_t k = 1; k <= total; ++k)
      if (const auto position = index.find(scan.next_probe(source, state, unused)))
        walked.emplace_back(*position, k);
    REQUIRE(state.probes == total);
    REQUIRE(state.cursor == start.cursor);
    state = start;
    for (;;) {
      const OrderedHit hit = scan.next_in_order(source, state, live);
      REQUIRE(hit.target != OrderedHit::kNone);
      REQUIRE(hit.probes >= 1);  // a hit is at least the probe at the cursor
      if (state.probes + hit.probes > total) break;
      scan.advance(state, hit.probes);
      hopped.emplace_back(hit.target, state.probes);
    }
    REQUIRE(walked.size() == 2 * index.size());
    REQUIRE(hopped == walked);
  }
  SECTION("each hit removed on the way: every address once, in scan order, then none") {
    LiveIndex live(index);
    ScannerState state = start;
    std::vector<std::uint32_t> visited;
    for (;;) {
      const OrderedHit hit = scan.next_in_order(source, state, live);
      if (hit.target == OrderedHit::kNone) break;
      REQUIRE(hit.probes >= 1);
      REQUIRE(hit.probes <= space.size());
      visited.push_back(index.address(hit.target));
      live.remove(hit.target);
      scan.advance(state, hit.probes);
    }
    REQUIRE(visited.size() == index.size());
    // In scan order: offsets from the start cursor, taken modulo the space, increase.
    std::vector<std::uint64_t> order;
    for (const std::uint32_t a : visited)
      order.push_back((a - space.base + space.size() - start.cursor) % space.size());
    REQUIRE(std::is_sorted(order.begin(), order.end()));
    // The last hit sits at most one turn from the start.
    REQUIRE(state.probes <= space.size());
  }
}

TEST_CASE("models::SequentialScan: advance and next_probe wrap modulo the space", "[models]") {
  const Prefix space{address_of(10, 0, 0, 0), 12};
  const SequentialScan scan(space);
  RandomStream unused(0, 0, 0, Purpose::test);
  ScannerState state{space.size() - 2, 5};
  REQUIRE(scan.next_probe(0, state, unused) == address_of(10, 15, 255, 254));
  REQUIRE(scan.next_probe(0, state, unused) == address_of(10, 15, 255, 255));
  REQUIRE(scan.next_probe(0, state, unused) == address_of(10, 0, 0, 0));
  REQUIRE(state.cursor == 1);
  REQUIRE(state.probes == 8);
  scan.advance(state, 3 * space.size() + 4);
  REQUIRE(state.cursor == 5);
  REQUIRE(state.probes == 8 + 3 * space.size() + 4);

  const SequentialScan full(Prefix{0, 0});
  ScannerState top{0xffffffffu, 0};
  REQUIRE(full.next_probe(0, top, unused) == 0xffffffffu);
  REQUIRE(top.cursor == 0);
  full.advance(top, std::uint64_t{1} << 40);  // a multiple of 2^32: back where it was
  REQUIRE(top.cursor == 0);
}

TEST_CASE("models::SequentialScan: random starts have octets in Blaster's ranges and end in .0",
          "[models]") {
  // Random starts only (probability 1): a.b.c.0 with a in 1..254, b and c in 0..253.
  const SequentialScan scan(Prefix{0, 0}, 1.0);
  RandomStream rng(4, 0, 0, Purpose::test);
  for (int i = 0; i < 10'000; ++i) {
    const auto source = static_cast<std::uint32_t>(rng.next_u64());
    ScannerState state{0, 77};
    scan.begin(source, state, rng);
    CAPTURE(source, state.cursor);
    REQUIRE(state.probes == 77);  // untouched
    REQUIRE(state.cursor < (std::uint64_t{1} << 32));
    const auto start = static_cast<std::uint32_t>(state.cursor);
    REQUIRE(octet(start, 3) == 0);
    REQUIRE(octet(start, 0) >= 1);
    REQUIRE(octet(start, 0) <= 254);
    REQUIRE(octet(start, 1) <= 253);
    REQUIRE(octet(start, 2) <= 253);
  }
}

TEST_CASE(
    "models::SequentialScan: local starts are the host's own /24, lowered by up to 19 above 20",
    "[models]") {
  // Local starts only (probability 0): the host's a.b, its third octet c unchanged when c <= 20,
  // else lowered by 0..19; last octet 0.
  const SequentialScan scan(Prefix{0, 0}, 0.0);
  RandomStream rng(5, 0, 0, Purpose::test);
  std::set<std::uint32_t> lowerings;
  for (int i = 0; i < 10'000; ++i) {
    const auto source = static_cast<std::uint32_t>(rng.next_u64());
    ScannerState state;
    scan.begin(source, state, rng);
    CAPTURE(source, state.cursor);
    const auto start = static_cast<std::uint32_t>(state.cursor);
    REQUIRE(octet(start, 3) == 0);
    REQUIRE(octet(start, 0) == octet(source, 0));
    REQUIRE(octet(start, 1) == octet(source, 1));
    if (octet(source, 2) <= 20) {
      REQUIRE(octet(start, 2) == octet(source, 2));
    } else {
      REQUIRE(octet(start, 2) <= octet(source, 2));
      REQUIRE(octet(source, 2) - octet(start, 2) <= 19);
      lowerings.insert(octet(source, 2) - octet(start, 2));
    }
  }
  REQUIRE(lowerings.size() == 20);  // 0..19 all seen (each about 460 times)

  SECTION("with the rule's parameters changed") {
    const SequentialScan custom(Prefix{0, 0}, 0.0, 100, 50);
    for (int i = 0; i < 2'000; ++i) {
      const auto source = static_cast<std::uint32_t>(rng.next_u64());
      ScannerState state;
      custom.begin(source, state, rng);
      CAPTURE(source, state.cursor);
      const auto start = static_cast<std::uint32_t>(state.cursor);
      REQUIRE((start & 0xffff00ffu) == (source & 0xffff0000u));
      if (octet(source, 2) <= 100)
        REQUIRE(octet(start, 2) == octet(source, 2));
      else
        REQUIRE(octet(source, 2) - octet(start, 2) <= 50);
    }
  }
}

TEST_CASE("models::SequentialScan: with Blaster's defaults every start is random or local",
          "[models]") {
  const SequentialScan scan(Prefix{0, 0});
  RandomStream rng(6, 0, 0, Purpose::test);
  int local_only = 0, random_only = 0;
  for (int i = 0; i < 10'000; ++i) {
    const auto source = static_cast<std::uint32_t>(rng.next_u64());
    ScannerState state;
    scan.begin(source, state, rng);
    CAPTURE(source, state.cursor);
    const auto start = static_cast<std::uint32_t>(state.cursor);
    REQUIRE(octet(start, 3) == 0);
    const std::uint32_t c = octet(source, 2);
    const bool could_be_local = (start & 0xffff0000u) == (source & 0xffff0000u) &&
                                octet(start, 2) <= c && c - octet(start, 2) <= (c > 20 ? 19u : 0u);
    const bool could_be_random = octet(start, 0) >= 1 && octet(start, 0) <= 254 &&
                                 octet(start, 1) <= 253 && octet(start, 2) <= 253;
    REQUIRE((could_be_local || could_be_random));
    local_only += could_be_local && !could_be_random;
    random_only += could_be_random && !could_be_local;
  }
  // Both kinds occur (the proportions are the statistical test's business).
  REQUIRE(local_only > 0);
  REQUIRE(random_only > 0);
}

TEST_CASE("models::SequentialScan: starts in a smaller space keep their offset modulo its size",
          "[models]") {
  // 10.0.0.0/12: starts are offsets below 2^20 ending in .0; a local start of a host inside the
  // space is its own (lowered) /24; random starts spread over all sixteen /16s of the space.
  const Prefix space{address_of(10, 0, 0, 0), 12};
  RandomStream rng(7, 0, 0, Purpose::test);

  const SequentialScan random_only(space, 1.0);
  std::set<std::uint32_t> slash16s;
  for (int i = 0; i < 2'000; ++i) {
    const std::uint32_t source =
        space.base + static_cast<std::uint32_t>(variates::uniform_below(rng, space.size()));
    ScannerState state;
    random_only.begin(source, state, rng);
    CAPTURE(source, state.cursor);
    REQUIRE(state.cursor < space.size());
    REQUIRE(state.cursor % 256 == 0);
    slash16s.insert(octet(space.base + static_cast<std::uint32_t>(state.cursor), 1));
  }
  REQUIRE(slash16s.size() == 16);  // about 125 starts expected in each

  const SequentialScan local_only(space, 0.0);
  for (int i = 0; i < 2'000; ++i) {
    const std::uint32_t source =
        space.base + static_cast<std::uint32_t>(variates::uniform_below(rng, space.size()));
    ScannerState state;
    local_only.begin(source, state, rng);
    CAPTURE(source, state.cursor);
    const std::uint32_t start = space.base + static_cast<std::uint32_t>(state.cursor);
    REQUIRE((start & 0xffff00ffu) == (source & 0xffff0000u));
    REQUIRE(octet(source, 2) - octet(start, 2) <= (octet(source, 2) > 20 ? 19u : 0u));
  }

  // A space finer than a /24: every start is the .0 of the /24, i.e. offset 0.
  const SequentialScan tiny(Prefix{address_of(10, 0, 0, 16), 28});
  for (int i = 0; i < 100; ++i) {
    ScannerState state;
    tiny.begin(address_of(10, 0, 0, 20), state, rng);
    REQUIRE(state.cursor == 0);
  }
}

TEST_CASE("models::SequentialScan: is sequential, has no memoryless sampler, checks its parameters",
          "[models]") {
  const Prefix space{0, 0};
  const SequentialScan scan(space);
  REQUIRE(scan.is_sequential());
  const AddressIndex index(std::vector<std::uint32_t>{1, 2, 3});
  const LiveIndex live(index);
  RandomStream rng(8, 0, 0, Purpose::test);
  REQUIRE(scan.hit_probability(0, live) == 0.0);
  REQUIRE_THROWS_AS(scan.draw_target(0, live, rng), std::logic_error);
  REQUIRE_THROWS_AS(SequentialScan(space, -0.1), std::invalid_argument);
  REQUIRE_THROWS_AS(SequentialScan(space, 1.5), std::invalid_argument);
  REQUIRE_THROWS_AS(SequentialScan(space, 0.6, 256, 19), std::invalid_argument);
  REQUIRE_THROWS_AS(SequentialScan(space, 0.6, 20, 22), std::invalid_argument);
  REQUIRE_NOTHROW(SequentialScan(space, 0.6, 20, 21));
  REQUIRE_NOTHROW(SequentialScan(space, 0.0, 0, 0));
}
