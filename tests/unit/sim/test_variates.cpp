// Statistical unit tests of sim/variates: each transform has the mean (and, where cheap, the
// variance) theory gives, its support, and consumes the number of words it documents.
//
// How tolerances are chosen (fixed before looking at any output): a sample mean of n independent
// draws with variance s2 has standard error sqrt(s2 / n); a sample variance has standard error
// sqrt((mu4 - s2^2) / n), mu4 the fourth central moment. Both statistics are close to normal at the
// sample sizes used here, so a check passes within 5 standard errors: the two-sided false-alarm
// rate is 2 * Phi(-5) = 5.7e-7 per check, below 1e-6. Frequency checks use Pearson's chi-square
// with every expected count >= 100, against the chi-square quantile of upper tail 1e-6 (computed
// from the regularised incomplete gamma function, listed next to each degree of freedom).
// Every check has its own fixed seed; a failure is reproduced exactly by rerunning.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "sim/random.hpp"
#include "sim/variates.hpp"

namespace {

using wormsim::sim::Purpose;
using wormsim::sim::RandomStream;
namespace variates = wormsim::sim::variates;

constexpr double kSigmas = 5.0;  // false-alarm rate 5.7e-7 per two-sided check

/// Running mean and unbiased variance (Welford), exact enough for 10^6 draws.
struct Moments {
  std::uint64_t n = 0;
  double mean = 0.0;
  double m2 = 0.0;
  void add(double x) {
    ++n;
    const double delta = x - mean;
    mean += delta / static_cast<double>(n);
    m2 += delta * (x - mean);
  }
  double variance() const { return m2 / static_cast<double>(n - 1); }
};

/// Checks |estimate - expected| <= kSigmas * standard_error, reporting the z-score.
void check_close(const char* statistic, double estimate, double expected, double standard_error) {
  const double z = (estimate - expected) / standard_error;
  CAPTURE(statistic, estimate, expected, standard_error, z);
  CHECK(std::abs(z) <= kSigmas);
}

/// Checks a sample's mean and variance against theory: variance s2, fourth central moment mu4.
void check_mean_and_variance(const Moments& m, double mean, double s2, double mu4) {
  const double n = static_cast<double>(m.n);
  check_close("mean", m.mean, mean, std::sqrt(s2 / n));
  check_close("variance", m.variance(), s2, std::sqrt((mu4 - s2 * s2) / n));
}

/// The chi-square quantile with upper tail 1e-6 for the listed degrees of freedom.
double chi_square_critical_1e6(std::uint64_t degrees_of_freedom) {
  switch (degrees_of_freedom) {
    case 1:
      return 23.928;
    case 2:
      return 27.631;
    case 3:
      return 30.665;
    case 4:
      return 33.377;
    case 5:
      return 35.888;
    case 6:
      return 38.258;
    case 9:
      return 44.811;
    case 12:
      return 50.825;
    case 15:
      return 56.493;
    case 99:
      return 180.792;
    case 999:
      return 1226.046;
    default:
      FAIL("no tabulated chi-square quantile for " << degrees_of_freedom << " df");
  }
  return 0.0;
}

}  // namespace

TEST_CASE(
    "sim::variates::uniform01: values lie in the half-open unit interval, mean 1/2, variance 1/12",
    "[sim][stat]") {
  // Invariant: uniform01 is uniform on [0, 1): never 1, mean 1/2, variance 1/12 (fourth central
  // moment 1/80); uniform01_open_low is uniform on (0, 1]: never 0.
  const std::uint64_t seed = 101;
  const std::uint64_t sample_size = 400'000;
  CAPTURE(seed, sample_size);
  RandomStream s(seed, 0, 0, Purpose::test);
  Moments m;
  double low = 1.0, high = 0.0;
  for (std::uint64_t i = 0; i < sample_size; ++i) {
    const double u = variates::uniform01(s);
    low = std::min(low, u);
    high = std::max(high, u);
    m.add(u);
  }
  CHECK(low >= 0.0);
  CHECK(high < 1.0);
  check_mean_and_variance(m, 0.5, 1.0 / 12.0, 1.0 / 80.0);

  Moments open;
  bool all_in_range = true;
  for (std::uint64_t i = 0; i < sample_size; ++i) {
    const double u = variates::uniform01_open_low(s);
    all_in_range = all_in_range && u > 0.0 && u <= 1.0;
    open.add(u);
  }
  CHECK(all_in_range);
  check_mean_and_variance(open, 0.5, 1.0 / 12.0, 1.0 / 80.0);
}

TEST_CASE("sim::variates::uniform_below: every value below n is equally likely", "[sim][stat]") {
  // Invariant: uniform_below(n) is uniform on {0, ..., n-1} for every n >= 1, including n that
  // are not powers of two (where a modulo or a plain multiply-shift would be biased). Pearson's
  // chi-square over the n cells must stay below its 1e-6 upper quantile; n = 1 must always give 0.
  const std::uint64_t seed = 202;
  CAPTURE(seed);
  {
    RandomStream s(seed, 0, 1, Purpose::test);
    bool all_zero = true;
    for (int i = 0; i < 1'000; ++i) all_zero = all_zero && variates::uniform_below(s, 1) == 0;
    CHECK(all_zero);
  }
  for (std::uint64_t n : {2u, 3u, 4u, 5u, 6u, 7u, 10u, 13u, 16u, 100u, 1000u}) {
    const std::uint64_t sample_size = n <= 100 ? 50'000 : 200'000;  // expected counts >= 200
    RandomStream s(seed, 0, n, Purpose::test);
    std::vector<std::uint64_t> counts(n, 0);
    bool in_range = true;
    for (std::uint64_t i = 0; i < sample_size; ++i) {
      const std::uint64_t v = variates::uniform_below(s, n);
      if (v >= n) {
        in_range = false;
        continue;
      }
      ++counts[v];
    }
    const double expected = static_cast<double>(sample_size) / static_cast<double>(n);
    double chi_square = 0.0;
    for (std::uint64_t c : counts) {
      const double d = static_cast<double>(c) - expected;
      chi_square += d * d / expected;
    }
    const double critical = chi_square_critical_1e6(n - 1);
    CAPTURE(n, sample_size, chi_square, critical);
    CHECK(in_range);
    CHECK(chi_square < critical);
  }
}

TEST_CASE("sim::variates::uniform_below: no bias for n close to 2^64", "[sim][stat]") {
  // Invariant: for n = 3 * 2^62 each third of [0, n) has probability 1/3. Reducing a word modulo
  // n would put half of the mass in the first third (its values have two pre-images), so this
  // catches the classic modulo bias at a size no cell count could. The count in one third is
  // binomial(N, 1/3): standard error sqrt(N * 1/3 * 2/3), 5 sigma as everywhere here.
  const std::uint64_t seed = 203;
  const std::uint64_t sample_size = 300'000;
  CAPTURE(seed, sample_size);
  const std::uint64_t n = std::uint64_t{3} << 62;
  const std::uint64_t third = std::uint64_t{1} << 62;
  RandomStream s(seed, 0, 0, Purpose::test);
  std::uint64_t counts[3] = {0, 0, 0};
  bool in_range = true;
  for (std::uint64_t i = 0; i < sample_size; ++i) {
    const std::uint64_t v = variates::uniform_below(s, n);
    in_range = in_range && v < n;
    ++counts[std::min<std::uint64_t>(v / third, 2)];
  }
  CHECK(in_range);
  const double size = static_cast<double>(sample_size);
  for (std::uint64_t c : counts)
    check_close("count in one third", static_cast<double>(c), size / 3.0,
                std::sqrt(size * (1.0 / 3.0) * (2.0 / 3.0)));
}

TEST_CASE("sim::variates::exponential: mean 1/rate and variance 1/rate^2", "[sim][stat]") {
  // Invariant: exponential(rate) has mean 1/rate, variance 1/rate^2 (fourth central moment
  // 9/rate^4), is never negative nor infinite, and uses one word per draw.
  const std::uint64_t seed = 303;
  const std::uint64_t sample_size = 200'000;
  for (double rate : {0.001, 1.0, 25.0}) {
    CAPTURE(seed, sample_size, rate);
    RandomStream s(seed, 0, static_cast<std::uint64_t>(rate * 1000), Purpose::test);
    Moments m;
    bool finite_non_negative = true;
    for (std::uint64_t i = 0; i < sample_size; ++i) {
      const double x = variates::exponential(s, rate);
      finite_non_negative = finite_non_negative && x >= 0.0 && std::isfinite(x);
      m.add(x);
    }
    CHECK(finite_non_negative);
    CHECK(s.position() == sample_size);
    const double s2 = 1.0 / (rate * rate);
    check_mean_and_variance(m, 1.0 / rate, s2, 9.0 * s2 * s2);
  }
}

TEST_CASE("sim::variates::geometric_trials: mean 1/p over the support 1, 2, ...", "[sim][stat]") {
  // Invariant: geometric_trials(p) counts Bernoulli(p) trials up to the first success: values are
  // >= 1, the mean is 1/p with variance (1-p)/p^2, and P(1) = p (binomial, 5 sigma). p = 1 always
  // gives 1. Every call consumes exactly one word, whatever p, so that changing p does not shift
  // the draws that follow on the same stream.
  const std::uint64_t seed = 404;
  const std::uint64_t sample_size = 200'000;
  for (double p : {1.0, 0.999, 0.5, 0.1, 0.01, 1e-4}) {
    CAPTURE(seed, sample_size, p);
    RandomStream s(seed, 0, static_cast<std::uint64_t>(p * 1e6), Purpose::test);
    Moments m;
    std::uint64_t ones = 0;
    bool at_least_one = true;
    for (std::uint64_t i = 0; i < sample_size; ++i) {
      const std::uint64_t k = variates::geometric_trials(s, p);
      at_least_one = at_least_one && k >= 1;
      if (k == 1) ++ones;
      m.add(static_cast<double>(k));
    }
    CHECK(at_least_one);
    CHECK(s.position() == sample_size);
    if (p == 1.0) {
      CHECK(ones == sample_size);
      continue;
    }
    const double n = static_cast<double>(sample_size);
    check_close("mean", m.mean, 1.0 / p, std::sqrt((1.0 - p) / (p * p) / n));
    check_close("P(K = 1)", static_cast<double>(ones) / n, p, std::sqrt(p * (1.0 - p) / n));
  }
}

TEST_CASE("sim::variates::standard_normal: mean 0 and variance 1", "[sim][stat]") {
  // Invariant: standard_normal has mean 0, variance 1 (fourth central moment 3) and is symmetric:
  // the fraction of positive draws is 1/2 (binomial, 5 sigma).
  const std::uint64_t seed = 505;
  const std::uint64_t sample_size = 400'000;
  CAPTURE(seed, sample_size);
  RandomStream s(seed, 0, 0, Purpose::test);
  Moments m;
  std::uint64_t positive = 0;
  for (std::uint64_t i = 0; i < sample_size; ++i) {
    const double x = variates::standard_normal(s);
    if (x > 0.0) ++positive;
    m.add(x);
  }
  check_mean_and_variance(m, 0.0, 1.0, 3.0);
  const double n = static_cast<double>(sample_size);
  check_close("fraction positive", static_cast<double>(positive) / n, 0.5, std::sqrt(0.25 / n));
}

TEST_CASE("sim::variates::gamma: mean and variance equal the shape", "[sim][stat]") {
  // Invariant: Gamma(k, 1) has mean k and variance k (fourth central moment 3k^2 + 6k), for
  // shapes below 1 (the boosted path), exactly 1, small and very large; draws are positive.
  const std::uint64_t seed = 606;
  const std::uint64_t sample_size = 100'000;
  for (double shape : {0.5, 1.0, 3.0, 1000.0}) {
    CAPTURE(seed, sample_size, shape);
    RandomStream s(seed, 0, static_cast<std::uint64_t>(shape * 10), Purpose::test);
    Moments m;
    bool positive = true;
    for (std::uint64_t i = 0; i < sample_size; ++i) {
      const double x = variates::gamma(s, shape);
      positive = positive && x > 0.0 && std::isfinite(x);
      m.add(x);
    }
    CHECK(positive);
    check_mean_and_variance(m, shape, shape, 3.0 * shape * shape + 6.0 * shape);
  }
}

TEST_CASE("sim::variates::erlang_time: mean k/rate and variance k/rate^2", "[sim][stat]") {
  // Invariant: the time to k events of a Poisson process of rate r is Gamma(k, 1)/r: mean k/r,
  // variance k/r^2, fourth central moment (3k^2 + 6k)/r^4; k = 1 is the one-word exponential.
  const std::uint64_t seed = 707;
  const std::uint64_t sample_size = 100'000;
  struct Case {
    std::uint64_t k;
    double rate;
  };
  for (const Case c : {Case{1, 2.0}, Case{2, 0.5}, Case{5, 10.0}, Case{50, 0.01}}) {
    CAPTURE(seed, sample_size, c.k, c.rate);
    RandomStream s(seed, 0, c.k, Purpose::test);
    Moments m;
    for (std::uint64_t i = 0; i < sample_size; ++i) m.add(variates::erlang_time(s, c.k, c.rate));
    if (c.k == 1) CHECK(s.position() == sample_size);
    const double k = static_cast<double>(c.k);
    const double r2 = c.rate * c.rate;
    check_mean_and_variance(m, k / c.rate, k / r2, (3.0 * k * k + 6.0 * k) / (r2 * r2));
  }
}

TEST_CASE("sim::variates::bernoulli: success frequency p", "[sim][stat]") {
  // Invariant: bernoulli(p) is true with probability p (binomial, 5 sigma), never for p = 0,
  // always for p = 1, and uses one word per call.
  const std::uint64_t seed = 808;
  const std::uint64_t sample_size = 100'000;
  for (double p : {0.0, 0.03, 0.5, 1.0}) {
    CAPTURE(seed, sample_size, p);
    RandomStream s(seed, 0, static_cast<std::uint64_t>(p * 100), Purpose::test);
    std::uint64_t successes = 0;
    for (std::uint64_t i = 0; i < sample_size; ++i)
      if (variates::bernoulli(s, p)) ++successes;
    CHECK(s.position() == sample_size);
    const double n = static_cast<double>(sample_size);
    if (p == 0.0 || p == 1.0) {
      CHECK(static_cast<double>(successes) == p * n);
      continue;
    }
    check_close("frequency", static_cast<double>(successes) / n, p, std::sqrt(p * (1 - p) / n));
  }
}
