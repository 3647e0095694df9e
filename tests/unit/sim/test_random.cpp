// Unit tests of sim/random: Philox4x32-10 against the published known answers, independence of
// streams with different identities, reproducibility of one identity, and resumption of a stream
// from its position.
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <set>
#include <vector>

#include "sim/random.hpp"

namespace {

using wormsim::sim::Philox4x32;
using wormsim::sim::Purpose;
using wormsim::sim::RandomStream;

std::vector<std::uint64_t> draw(RandomStream& s, std::size_t n) {
  std::vector<std::uint64_t> out(n);
  for (auto& w : out) w = s.next_u64();
  return out;
}

}  // namespace

TEST_CASE("sim::Philox4x32: matches the Random123 known-answer vectors", "[sim]") {
  // Invariant: Philox4x32::apply is Philox4x32-10 exactly as published (Random123 kat_vectors,
  // "philox4x32 10" lines), so streams mean the same numbers as every other implementation.
  struct Kat {
    Philox4x32::Block counter;
    std::array<std::uint32_t, 2> key;
    Philox4x32::Block expected;
  };
  const std::array<Kat, 3> kats = {{
      {{0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u},
       {0x00000000u, 0x00000000u},
       {0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}},
      {{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu},
       {0xffffffffu, 0xffffffffu},
       {0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}},
      {{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u},
       {0xa4093822u, 0x299f31d0u},
       {0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}},
  }};
  for (std::size_t i = 0; i < kats.size(); ++i) {
    CAPTURE(i);
    const Philox4x32::Block out = Philox4x32::apply(kats[i].counter, kats[i].key);
    for (std::size_t w = 0; w < 4; ++w) {
      CAPTURE(w, out[w], kats[i].expected[w]);
      CHECK(out[w] == kats[i].expected[w]);
    }
  }
}

TEST_CASE("sim::RandomStream: the same identity gives the same sequence", "[sim]") {
  // Invariant: a stream is a pure function of (seed, replication, entity, purpose): two streams
  // built from the same identity yield identical words, and so does a copy taken mid-way.
  RandomStream a(42, 3, 123'456, Purpose::scan);
  RandomStream b(42, 3, 123'456, Purpose::scan);
  CHECK(draw(a, 1'001) == draw(b, 1'001));
  RandomStream copy = a;
  CHECK(draw(a, 37) == draw(copy, 37));
  // The key-based constructor is the same stream as the (seed, replication) one.
  RandomStream c(wormsim::sim::stream_key(42, 3), 123'456, Purpose::scan);
  RandomStream d(42, 3, 123'456, Purpose::scan);
  CHECK(draw(c, 64) == draw(d, 64));
}

TEST_CASE("sim::RandomStream: streams that differ in any part of their identity differ", "[sim]") {
  // Invariant: changing the seed, the replication, the entity (low or high 32 bits, up to 56 bits)
  // or the purpose gives a different stream. With independent 64-bit words, a chance collision of
  // even the first word has probability 2^-64 per pair, so any shared word among the first 16 of
  // any two identities below is a real defect, not bad luck.
  struct Identity {
    std::uint64_t seed, replication, entity;
    Purpose purpose;
  };
  const std::vector<Identity> identities = {
      {1, 0, 0, Purpose::scan},
      {2, 0, 0, Purpose::scan},                             // seed
      {0, 0, 0, Purpose::scan},                             // seed zero
      {1, 1, 0, Purpose::scan},                             // replication
      {2, 1, 0, Purpose::scan},                             // seed and replication together
      {1, 0, 1, Purpose::scan},                             // entity, low word
      {1, 0, std::uint64_t{1} << 32, Purpose::scan},        // entity, high word
      {1, 0, (std::uint64_t{1} << 56) - 1, Purpose::scan},  // largest entity
      {1, 0, 0, Purpose::placement},                        // purpose
      {1, 0, 0, Purpose::attributes},
      {1, 0, 0, Purpose::seeding},
      {1, 0, 0, Purpose::outcome},
      {1, 0, 0, Purpose::test},
  };
  std::set<std::uint64_t> seen;
  std::size_t words = 0;
  for (const Identity& id : identities) {
    RandomStream s(id.seed, id.replication, id.entity, id.purpose);
    for (std::uint64_t w : draw(s, 16)) {
      seen.insert(w);
      ++words;
    }
  }
  CHECK(seen.size() == words);
}

TEST_CASE("sim::RandomStream: neighbouring seeds and replications give unrelated keys", "[sim]") {
  // Invariant: stream_key mixes (seed, replication) so that no two of a grid of small seeds and
  // replications share a key (4096 keys of 64 bits collide by chance with probability about 2^-41).
  std::set<std::pair<std::uint32_t, std::uint32_t>> keys;
  for (std::uint64_t seed = 0; seed < 64; ++seed)
    for (std::uint64_t replication = 0; replication < 64; ++replication) {
      const auto k = wormsim::sim::stream_key(seed, replication);
      keys.insert({k[0], k[1]});
    }
  CHECK(keys.size() == 64u * 64u);
}

TEST_CASE("sim::RandomStream: position() counts the words drawn", "[sim]") {
  // Invariant: position() is the number of next_u64 calls made since the start, at every step,
  // including across the two-word block boundaries of the underlying generator.
  RandomStream s(7, 0, 99, Purpose::test);
  CHECK(s.position() == 0);
  for (std::uint64_t i = 1; i <= 101; ++i) {
    s.next_u64();
    CHECK(s.position() == i);
  }
  // A stream built at a position reports that position before drawing.
  for (std::uint64_t p : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{2}, std::uint64_t{7},
                          std::uint64_t{1'000'000}, std::uint64_t{1'000'001}}) {
    RandomStream r(wormsim::sim::stream_key(7, 0), 99, Purpose::test, p);
    CAPTURE(p);
    CHECK(r.position() == p);
  }
}

TEST_CASE("sim::RandomStream: a stream rebuilt at a position continues where the original was",
          "[sim]") {
  // Invariant: RandomStream(key, entity, purpose, position) yields exactly the words the original
  // stream of that identity yields after `position` draws, for odd positions (mid-block) and even
  // ones (block boundary) alike, and then keeps counting from there.
  const auto key = wormsim::sim::stream_key(2003, 1);
  const std::uint64_t entity = 0x00AB'CDEF'0123'4567;  // uses the high entity bits too
  RandomStream original(key, entity, Purpose::outcome);
  const std::vector<std::uint64_t> reference = draw(original, 64);
  for (std::uint64_t p = 0; p < 48; ++p) {
    CAPTURE(p);
    RandomStream resumed(key, entity, Purpose::outcome, p);
    const std::vector<std::uint64_t> next = draw(resumed, 16);
    const std::vector<std::uint64_t> expected(
        reference.begin() + static_cast<std::ptrdiff_t>(p),
        reference.begin() + static_cast<std::ptrdiff_t>(p) + 16);
    CHECK(next == expected);
    CHECK(resumed.position() == p + 16);
  }
  // Resuming from a stream's own position() mid-way gives the same continuation.
  RandomStream walker(key, entity, Purpose::outcome);
  for (int step = 0; step < 5; ++step) {
    draw(walker, static_cast<std::size_t>(2 * step + 1));  // odd and even positions alternate
    RandomStream resumed(key, entity, Purpose::outcome, walker.position());
    CAPTURE(walker.position());
    CHECK(draw(resumed, 9) == draw(walker, 9));
  }
}
