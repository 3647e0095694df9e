// Unit tests of sim/address_index: dotted-quad and prefix text, the radix sort, and the index's
// look-ups and block counts, each checked against the standard library or brute force.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sim/address_index.hpp"
#include "sim/random.hpp"
#include "sim/variates.hpp"

namespace {

using wormsim::sim::AddressIndex;
using wormsim::sim::format_address;
using wormsim::sim::format_prefix;
using wormsim::sim::parse_address;
using wormsim::sim::parse_prefix;
using wormsim::sim::Prefix;
using wormsim::sim::Purpose;
using wormsim::sim::radix_sort;
using wormsim::sim::RandomStream;
namespace variates = wormsim::sim::variates;

std::uint32_t random_address(RandomStream& s) {
  return static_cast<std::uint32_t>(s.next_u64());
}

/// `n` distinct addresses in random order: the extremes 0 and 0xFFFFFFFF, dense runs inside a
/// few /16 and /24 blocks (so blocks hold many entries and neighbours), and uniform ones.
std::vector<std::uint32_t> random_distinct_addresses(RandomStream& s, std::size_t n) {
  std::set<std::uint32_t> chosen = {0u, 0xFFFFFFFFu, 1u, 0xFFFFFFFEu, 0x0000FFFFu, 0x00010000u};
  const std::uint32_t dense16 = random_address(s) & 0xFFFF0000u;
  const std::uint32_t dense24 = random_address(s) & 0xFFFFFF00u;
  while (chosen.size() < n) {
    const std::uint64_t kind = variates::uniform_below(s, 4);
    std::uint32_t a = random_address(s);
    if (kind == 0) a = dense16 | (a & 0xFFFFu);
    if (kind == 1) a = dense24 | (a & 0xFFu);
    chosen.insert(a);
  }
  std::vector<std::uint32_t> out(chosen.begin(), chosen.end());
  // Shuffle with the project's own generator (Fisher–Yates) so the order is reproducible.
  for (std::size_t i = out.size(); i > 1; --i)
    std::swap(out[i - 1], out[variates::uniform_below(s, i)]);
  return out;
}

/// Probe addresses: every member and its neighbours, block edges, extremes and random ones.
std::vector<std::uint32_t> probes_for(const std::vector<std::uint32_t>& sorted, RandomStream& s) {
  std::vector<std::uint32_t> probes = {0u, 1u, 0xFFFFFFFFu, 0xFFFFFFFEu, 0x7FFFFFFFu, 0x80000000u};
  for (std::uint32_t a : sorted) {
    probes.push_back(a);
    probes.push_back(a - 1);  // wraps at 0, as intended
    probes.push_back(a + 1);
    probes.push_back(a & 0xFFFF0000u);
    probes.push_back(a | 0x0000FFFFu);
  }
  for (int i = 0; i < 2'000; ++i) probes.push_back(random_address(s));
  return probes;
}

}  // namespace

TEST_CASE("sim::parse_address: dotted quads parse and format back", "[sim]") {
  // Invariant: a well-formed dotted quad parses to its 32-bit value (first octet most
  // significant), and format_address writes the canonical text that parses back to it.
  CHECK(parse_address("0.0.0.0") == std::optional<std::uint32_t>{0u});
  CHECK(parse_address("255.255.255.255") == std::optional<std::uint32_t>{0xFFFFFFFFu});
  CHECK(parse_address("192.168.1.2") == std::optional<std::uint32_t>{0xC0A80102u});
  CHECK(parse_address("10.0.0.1") == std::optional<std::uint32_t>{0x0A000001u});
  CHECK(format_address(0xC0A80102u) == "192.168.1.2");
  CHECK(format_address(0u) == "0.0.0.0");
  CHECK(format_address(0xFFFFFFFFu) == "255.255.255.255");

  const std::uint64_t seed = 31;
  CAPTURE(seed);
  RandomStream s(seed, 0, 0, Purpose::test);
  for (int i = 0; i < 2'000; ++i) {
    const std::uint32_t a = random_address(s);
    const std::string text = format_address(a);
    CAPTURE(a, text);
    REQUIRE(parse_address(text) == std::optional<std::uint32_t>{a});
  }
}

TEST_CASE("sim::parse_address: malformed addresses are refused", "[sim]") {
  // Invariant: anything but four decimal octets 0..255 separated by single dots, with nothing
  // before or after, is refused.
  const std::vector<std::string_view> bad = {
      "",          "1.2.3",      "1.2.3.4.5", "256.0.0.0",  "1.2.3.256",
      "1.2.3.999", "1..2.3",     "1.2.3.",    ".1.2.3",     "a.b.c.d",
      "1.2.3.4 ",  " 1.2.3.4",   "-1.2.3.4",  "1.2.3.-4",   "1.2.3.4/8",
      "1,2,3,4",   "0001.2.3.4", "1.2.3.4x",  "4294967295", "99999999999.1.1.1",
  };
  for (std::string_view text : bad) {
    CAPTURE(text);
    CHECK_FALSE(parse_address(text).has_value());
  }
}

TEST_CASE("sim::parse_prefix: prefixes of every length parse and format back", "[sim]") {
  // Invariant: "a.b.c.d/len" with len in 0..32 and no host bits set parses to {base, len}; its
  // size is 2^(32-len), its last address base + size - 1, and format_prefix gives the text back.
  const auto p24 = parse_prefix("192.168.1.0/24");
  REQUIRE(p24.has_value());
  CHECK(p24->base == 0xC0A80100u);
  CHECK(p24->length == 24);
  CHECK(p24->size() == 256u);
  CHECK(p24->last() == 0xC0A801FFu);
  CHECK(p24->contains(0xC0A80100u));
  CHECK(p24->contains(0xC0A801FFu));
  CHECK_FALSE(p24->contains(0xC0A80200u));
  CHECK_FALSE(p24->contains(0xC0A800FFu));

  const auto all = parse_prefix("0.0.0.0/0");
  REQUIRE(all.has_value());
  CHECK(all->size() == (std::uint64_t{1} << 32));
  CHECK(all->last() == 0xFFFFFFFFu);
  CHECK(all->contains(0u));
  CHECK(all->contains(0xFFFFFFFFu));

  const auto host = parse_prefix("255.255.255.255/32");
  REQUIRE(host.has_value());
  CHECK(host->size() == 1u);
  CHECK(host->last() == 0xFFFFFFFFu);

  const std::uint64_t seed = 32;
  CAPTURE(seed);
  RandomStream s(seed, 0, 0, Purpose::test);
  for (int length = 0; length <= 32; ++length) {
    for (int i = 0; i < 20; ++i) {
      const Prefix p = Prefix::of(random_address(s), static_cast<std::uint8_t>(length));
      const std::string text = format_prefix(p);
      CAPTURE(length, text);
      const auto back = parse_prefix(text);
      REQUIRE(back.has_value());
      CHECK(back->base == p.base);
      CHECK(back->length == p.length);
      CHECK(back->size() == std::uint64_t{1} << (32 - length));
    }
  }
}

TEST_CASE("sim::parse_prefix: host bits, lengths above 32 and bad octets are refused", "[sim]") {
  // Invariant: a prefix whose base has bits set below its length, a length outside 0..32, a
  // missing or malformed length, or a malformed address is refused.
  const std::vector<std::string_view> bad = {
      "192.168.1.1/24",  // host bits set
      "11.0.0.0/7",      // 11 = 0b1011: its lowest bit is a host bit of a /7
      "0.0.0.1/31",     "128.0.0.0/0",  "1.2.3.4/33",    "0.0.0.0/33",
      "0.0.0.0/100",    "1.2.3.0",      "1.2.3.0/",      "1.2.3.0/-1",
      "1.2.3.0/24x",    "1.2.3.0/ 24",  "/24",           "256.0.0.0/8",
      "1.2.3/24",       "1.2.3.0.0/24", "1.2.3.0/24/24", "a.b.c.d/8",
  };
  for (std::string_view text : bad) {
    CAPTURE(text);
    CHECK_FALSE(parse_prefix(text).has_value());
  }
  CHECK(parse_prefix("10.0.0.0/8").has_value());
  CHECK(parse_prefix("0.0.0.1/32").has_value());
}

TEST_CASE("sim::Prefix::of: masks the host bits for every length", "[sim]") {
  // Invariant: Prefix::of(a, len) is the unique prefix of that length containing a.
  const std::uint32_t a = 0xDEADBEEFu;
  for (int length = 0; length <= 32; ++length) {
    const Prefix p = Prefix::of(a, static_cast<std::uint8_t>(length));
    CAPTURE(length);
    CHECK(p.contains(a));
    CHECK(p.size() == std::uint64_t{1} << (32 - length));
    CHECK((p.base & static_cast<std::uint32_t>(p.size() - 1)) == 0u);
  }
}

TEST_CASE("sim::radix_sort: sorts like std::sort", "[sim]") {
  // Invariant: radix_sort gives the same sequence as std::sort, for empty and tiny inputs,
  // duplicates, keys differing only in the low or only in the high half, and random keys.
  const std::uint64_t seed = 33;
  CAPTURE(seed);
  RandomStream s(seed, 0, 0, Purpose::test);
  std::vector<std::vector<std::uint32_t>> inputs = {
      {},
      {42u},
      {0xFFFFFFFFu, 0u},
      {5u, 5u, 5u, 1u, 0xFFFFFFFFu, 0xFFFFFFFFu, 0u},
      {0x00010000u, 0x0000FFFFu, 0xFFFF0000u, 0x0001FFFFu, 0x00000001u},
  };
  std::vector<std::uint32_t> low_only, high_only, random_keys, with_duplicates;
  for (int i = 0; i < 5'000; ++i) {
    low_only.push_back(random_address(s) & 0xFFFFu);
    high_only.push_back(random_address(s) & 0xFFFF0000u);
    random_keys.push_back(random_address(s));
    with_duplicates.push_back(static_cast<std::uint32_t>(variates::uniform_below(s, 300)) *
                              0x01010101u);
  }
  inputs.push_back(low_only);
  inputs.push_back(high_only);
  inputs.push_back(random_keys);
  inputs.push_back(with_duplicates);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    std::vector<std::uint32_t> expected = inputs[i];
    std::vector<std::uint32_t> actual = inputs[i];
    std::sort(expected.begin(), expected.end());
    radix_sort(actual);
    CAPTURE(i, inputs[i].size());
    CHECK(actual == expected);
  }
}

TEST_CASE("sim::AddressIndex: look-ups agree with std::lower_bound", "[sim]") {
  // Invariant: the index holds its addresses sorted, and lower_bound, find and next_at_or_after
  // agree with std::lower_bound on the sorted set for members, their neighbours, /16 edges, the
  // extreme addresses 0 and 0xFFFFFFFF and random probes, for sets of several sizes.
  const std::uint64_t seed = 34;
  for (std::size_t n : {std::size_t{6}, std::size_t{7}, std::size_t{100}, std::size_t{5'000}}) {
    CAPTURE(seed, n);
    RandomStream s(seed, 0, n, Purpose::test);
    const std::vector<std::uint32_t> addresses = random_distinct_addresses(s, n);
    std::vector<std::uint32_t> sorted = addresses;
    std::sort(sorted.begin(), sorted.end());
    const AddressIndex index(addresses);
    REQUIRE(index.size() == n);
    REQUIRE(std::equal(index.addresses().begin(), index.addresses().end(), sorted.begin(),
                       sorted.end()));
    for (std::size_t i = 0; i < n; ++i) REQUIRE(index.address(i) == sorted[i]);

    std::size_t errors = 0;
    for (std::uint32_t a : probes_for(sorted, s)) {
      const auto expected = static_cast<std::size_t>(
          std::lower_bound(sorted.begin(), sorted.end(), a) - sorted.begin());
      const bool member = expected < n && sorted[expected] == a;
      const std::optional<std::size_t> found = index.find(a);
      const std::optional<std::size_t> next = index.next_at_or_after(a);
      bool ok = index.lower_bound(a) == expected;
      ok = ok && found.has_value() == member && (!member || *found == expected);
      ok = ok && next.has_value() == (expected < n) && (!next || *next == expected);
      if (!ok) {
        ++errors;
        UNSCOPED_INFO("probe " << a << ": expected " << expected << ", lower_bound "
                               << index.lower_bound(a));
      }
    }
    CHECK(errors == 0);
  }
}

TEST_CASE("sim::AddressIndex: range and count match brute force for every prefix length", "[sim]") {
  // Invariant: for every prefix length 0..32, range(block) is the index interval of exactly the
  // addresses inside the block and count(block) its size — compared with a linear scan — for
  // blocks that hold members, their neighbours, the first and last blocks, and random blocks.
  const std::uint64_t seed = 35;
  const std::size_t n = 3'000;
  CAPTURE(seed, n);
  RandomStream s(seed, 0, 0, Purpose::test);
  const std::vector<std::uint32_t> addresses = random_distinct_addresses(s, n);
  std::vector<std::uint32_t> sorted = addresses;
  std::sort(sorted.begin(), sorted.end());
  const AddressIndex index(addresses);

  std::size_t errors = 0, blocks_checked = 0;
  for (int length = 0; length <= 32; ++length) {
    const auto len = static_cast<std::uint8_t>(length);
    std::vector<std::uint32_t> anchors = {0u, 0xFFFFFFFFu};
    for (int i = 0; i < 40; ++i) {
      const std::uint32_t member = sorted[variates::uniform_below(s, n)];
      anchors.push_back(member);
      const std::uint64_t block_size = std::uint64_t{1} << (32 - length);
      anchors.push_back(static_cast<std::uint32_t>(member + block_size));  // the next block
      anchors.push_back(random_address(s));
    }
    for (std::uint32_t anchor : anchors) {
      const Prefix block = Prefix::of(anchor, len);
      std::size_t first = n, inside = 0;
      for (std::size_t i = 0; i < n; ++i) {
        if (block.contains(sorted[i])) {
          first = std::min(first, i);
          ++inside;
        }
      }
      if (inside == 0) {
        first = static_cast<std::size_t>(
            std::lower_bound(sorted.begin(), sorted.end(), block.base) - sorted.begin());
      }
      const auto [lo, hi] = index.range(block);
      ++blocks_checked;
      if (lo != first || hi != first + inside || index.count(block) != inside) {
        ++errors;
        UNSCOPED_INFO(format_prefix(block) << ": expected [" << first << ", " << first + inside
                                           << "), got [" << lo << ", " << hi << ")");
      }
    }
  }
  CAPTURE(blocks_checked);
  CHECK(errors == 0);
}

TEST_CASE("sim::AddressIndex: an empty index finds nothing and counts zero", "[sim]") {
  // Invariant: a default-built index and one built from no addresses have size 0, lower_bound 0,
  // no find or next result, and empty ranges for every block.
  const AddressIndex default_built;
  const AddressIndex from_empty(std::vector<std::uint32_t>{});
  for (const AddressIndex* index : {&default_built, &from_empty}) {
    CHECK(index->size() == 0);
    CHECK(index->addresses().empty());
    for (std::uint32_t a : {0u, 1u, 0x80000000u, 0xFFFFFFFFu}) {
      CAPTURE(a);
      CHECK(index->lower_bound(a) == 0);
      CHECK_FALSE(index->find(a).has_value());
      CHECK_FALSE(index->next_at_or_after(a).has_value());
      for (int length : {0, 8, 16, 24, 32}) {
        const Prefix block = Prefix::of(a, static_cast<std::uint8_t>(length));
        CAPTURE(length);
        CHECK(index->count(block) == 0);
        const auto [lo, hi] = index->range(block);
        CHECK(lo == hi);
      }
    }
  }
}

TEST_CASE("sim::AddressIndex: the extreme addresses are found and counted", "[sim]") {
  // Invariant: 0 and 0xFFFFFFFF behave like any other address: found at the first and last
  // index, counted in /32, /24, /16, /8 and /0 blocks, and next_at_or_after(0xFFFFFFFF) is the
  // last index only when 0xFFFFFFFF is a member.
  const AddressIndex index({0xFFFFFFFFu, 0x0A000001u, 0u});
  CHECK(index.find(0u) == std::optional<std::size_t>{0});
  CHECK(index.find(0xFFFFFFFFu) == std::optional<std::size_t>{2});
  CHECK(index.next_at_or_after(0xFFFFFFFFu) == std::optional<std::size_t>{2});
  CHECK(index.next_at_or_after(0x0A000002u) == std::optional<std::size_t>{2});
  CHECK_FALSE(index.find(0x0A000002u).has_value());
  for (int length : {0, 8, 16, 24, 32}) {
    const auto len = static_cast<std::uint8_t>(length);
    CAPTURE(length);
    CHECK(index.count(Prefix::of(0u, len)) == (length == 0 ? 3u : 1u));
    CHECK(index.count(Prefix::of(0xFFFFFFFFu, len)) == (length == 0 ? 3u : 1u));
  }
  const AddressIndex without_top({0u, 5u});
  CHECK_FALSE(without_top.next_at_or_after(0xFFFFFFFFu).has_value());
  CHECK(without_top.lower_bound(0xFFFFFFFFu) == 2);
  CHECK(without_top.count(Prefix::of(0xFFFFFFFFu, 0)) == 2);
  CHECK(without_top.count(Prefix::of(0xFFFFFFFFu, 1)) == 0);
}

TEST_CASE("sim::AddressIndex: uniform_in draws every address of a block about equally often",
          "[sim]") {
  // Invariant: the draw stays inside the block and is uniform over its addresses. Six addresses
  // in the block, 80,000 draws: each count is Binomial(80000, 1/6), sd = 105; 5 sd keeps the
  // false-alarm rate per count below 1e-6.
  std::vector<std::uint32_t> addresses = {0x0A000001, 0x0A000005, 0x0A0000FF, 0x0A000100,
                                          0x0A000200, 0x0A00FFFF, 0x0A010000, 0x0B000000};
  const wormsim::sim::AddressIndex index(addresses);
  const wormsim::sim::Prefix block{0x0A000000, 16};  // holds the first six
  wormsim::sim::RandomStream rng(99, 0, 0, wormsim::sim::Purpose::test);
  std::vector<int> counts(index.size(), 0);
  const int draws = 80'000;
  for (int i = 0; i < draws; ++i) {
    const auto pos = index.uniform_in(block, rng);
    REQUIRE(pos.has_value());
    REQUIRE(block.contains(index.address(*pos)));
    ++counts[*pos];
  }
  for (std::size_t i = 0; i < 6; ++i) {
    CAPTURE(i, counts[i]);
    CHECK(std::abs(counts[i] - draws / 6) < 5 * std::sqrt(draws * (1.0 / 6) * (5.0 / 6)));
  }
  CHECK_FALSE(index.uniform_in(wormsim::sim::Prefix{0x0C000000, 8}, rng).has_value());
}
