#include "sim/random.hpp"

namespace wormsim::sim {

namespace {
constexpr std::uint32_t kMul0 = 0xD2511F53u, kMul1 = 0xCD9E8D57u;
constexpr std::uint32_t kWeyl0 = 0x9E3779B9u, kWeyl1 = 0xBB67AE85u;

inline void mulhilo(std::uint32_t a, std::uint32_t b, std::uint32_t& hi, std::uint32_t& lo) {
  const std::uint64_t p = static_cast<std::uint64_t>(a) * b;
  hi = static_cast<std::uint32_t>(p >> 32);
  lo = static_cast<std::uint32_t>(p);
}

inline std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}
}  // namespace

Philox4x32::Block Philox4x32::apply(Block c, std::array<std::uint32_t, 2> k) {
  for (int round = 0; round < 10; ++round) {
    std::uint32_t hi0, lo0, hi1, lo1;
    mulhilo(kMul0, c[0], hi0, lo0);
    mulhilo(kMul1, c[2], hi1, lo1);
    c = {hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0};
    k[0] += kWeyl0;
    k[1] += kWeyl1;
  }
  return c;
}

std::array<std::uint32_t, 2> stream_key(std::uint64_t seed, std::uint64_t replication) {
  const std::uint64_t k = splitmix64(splitmix64(seed) ^ (replication * 0xD6E8FEB86659FD93ull));
  return {static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(k >> 32)};
}

RandomStream::RandomStream(std::array<std::uint32_t, 2> key, std::uint64_t entity, Purpose purpose,
                           std::uint64_t position)
    : key_(key),
      entity_low_(static_cast<std::uint32_t>(entity)),
      entity_high_purpose_(static_cast<std::uint32_t>(((entity >> 32) & 0xFFFFFFu) << 8) |
                           static_cast<std::uint32_t>(purpose)),
      block_(position >> 1) {
  if (position & 1) {
    refill();
    --buffered_;
  }
}

void RandomStream::refill() {
  const auto out = Philox4x32::apply(
      {static_cast<std::uint32_t>(block_), static_cast<std::uint32_t>(block_ >> 32), entity_low_,
       entity_high_purpose_},
      key_);
  ++block_;
  // Served from the back: buffer_[1] first, then buffer_[0].
  buffer_[1] = (static_cast<std::uint64_t>(out[1]) << 32) | out[0];
  buffer_[0] = (static_cast<std::uint64_t>(out[3]) << 32) | out[2];
  buffered_ = 2;
}

}  // namespace wormsim::sim
