// The project's own variate transforms of raw 64-bit words (DESIGN.md, "Random streams"):
// std::*_distribution is implementation-defined, these are specified here and give the same
// numbers with every standard library. Each transform says how many words it consumes.
#pragma once

#include <cmath>
#include <cstdint>

#include "sim/random.hpp"

namespace wormsim::sim {
/// 128-bit unsigned arithmetic (a GCC/Clang extension) for multiply-high tricks.
__extension__ typedef unsigned __int128 uint128;
}  // namespace wormsim::sim

namespace wormsim::sim::variates {

/// Uniform on [0, 1): the top 53 bits of one word, scaled by 2^-53.
inline double uniform01(RandomStream& s) {
  return static_cast<double>(s.next_u64() >> 11) * 0x1.0p-53;
}

/// Uniform on (0, 1]: one word; safe to take the logarithm of.
inline double uniform01_open_low(RandomStream& s) {
  return static_cast<double>((s.next_u64() >> 11) + 1) * 0x1.0p-53;
}

/// Uniform integer in [0, n), n >= 1, without bias: Lemire's multiply-shift with rejection
/// ("Fast random integer generation in an interval", ACM TOMACS 2019). Usually one word.
inline std::uint64_t uniform_below(RandomStream& s, std::uint64_t n) {
  uint128 m = static_cast<uint128>(s.next_u64()) * n;
  auto low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<uint128>(s.next_u64()) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

/// Bernoulli(p): one word.
inline bool bernoulli(RandomStream& s, double p) {
  return uniform01(s) < p;
}

/// Exponential with the given rate (mean 1/rate) by inversion: -ln(U)/rate, U in (0, 1]. One word.
inline double exponential(RandomStream& s, double rate) {
  return -std::log(uniform01_open_low(s)) / rate;
}

/// Number of Bernoulli(p) trials up to and including the first success (support 1, 2, ...), by
/// inversion: ceil(ln U / ln(1 - p)), U in (0, 1]. One word. p in (0, 1]. Saturates at 2^62.
inline std::uint64_t geometric_trials(RandomStream& s, double p) {
  const double u = uniform01_open_low(s);  // drawn even for p = 1, so a call is always one word
  if (p >= 1.0) return 1;
  const double k = std::ceil(std::log(u) / std::log1p(-p));
  if (!(k < 0x1.0p62)) return std::uint64_t{1} << 62;
  return k < 1.0 ? 1 : static_cast<std::uint64_t>(k);
}

/// Standard normal by Marsaglia's polar method; two words per attempt, acceptance pi/4. Returns
/// one of the pair (the other is discarded so that the stream position depends only on the
/// number of calls and rejections, never on hidden state).
inline double standard_normal(RandomStream& s) {
  for (;;) {
    const double u = 2.0 * uniform01(s) - 1.0;
    const double v = 2.0 * uniform01(s) - 1.0;
    const double r = u * u + v * v;
    if (r > 0.0 && r < 1.0) return u * std::sqrt(-2.0 * std::log(r) / r);
  }
}

/// Gamma(shape, 1) by Marsaglia and Tsang ("A simple method for generating gamma variables",
/// ACM TOMS 2000); for shape < 1 the boost Gamma(shape+1) * U^(1/shape).
inline double gamma(RandomStream& s, double shape) {
  if (shape < 1.0) {
    const double g = gamma(s, shape + 1.0);
    return g * std::pow(uniform01_open_low(s), 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x, v;
    do {
      x = standard_normal(s);
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = uniform01_open_low(s);
    if (u < 1.0 - 0.0331 * (x * x) * (x * x)) return d * v;
    if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
  }
}

/// Time for `k` events of a Poisson process of the given rate: Gamma(k, 1)/rate; exponential for
/// k == 1 (one word), Marsaglia–Tsang otherwise.
inline double erlang_time(RandomStream& s, std::uint64_t k, double rate) {
  if (k == 1) return exponential(s, rate);
  return gamma(s, static_cast<double>(k)) / rate;
}

}  // namespace wormsim::sim::variates
