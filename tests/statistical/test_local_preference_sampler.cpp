// Invariant: LocalPreferenceScan's exact sampler (hit_probability, then draw_target given a hit)
// and its per-probe oracle (next_probe, one address at a time) describe the same probe
// distribution (DESIGN.md, "Scanning without simulating every probe": the oracle is what tests
// hold the fast samplers against). Checked at the strategy level, for one source and one relevant
// set with entries removed from the live set:
// (a) the hit frequency over M oracle probes against hit_probability: a binomial test, |z| < 5;
// (b) the target given a hit, from draw_target against the first hit of repeated next_probe:
//     chi-square tests of homogeneity (two independent samples) on the region of the target
//     (own /16, rest of the own /8, elsewhere) and on a few individual targets.
//
// Tolerances, fixed before any output was seen. (a) 5 sigma: a correct sampler fails with
// probability 2 (1 - Phi(5)) = 5.7e-7 (the normal approximation to Bin(M, p) is excellent at
// M p = 1e4). (b) significance alpha = 0.001 per chi-square check. Both tables are designed
// with an even number of degrees of freedom (3 bins, df = 2; 7 bins, df = 6), for which the
// chi-square tail has the closed form Q(x; 2m) = exp(-x/2) sum_{j<m} (x/2)^j / j!; the critical
// value is computed from it by bisection and checked against the tabulated 13.816 (df 2) and
// 22.458 (df 6). The homogeneity statistic is asymptotically chi-square with (bins - 1) degrees
// of freedom; every expected count below is above 30, far above the usual 5 (checked). With the
// union bound, a correct sampler fails this file with probability <= 2e-3 + 6e-7; the seeds are
// fixed, so a pass is reproducible and a failure is reproduced exactly by rerunning.
//
// Design. Space 124.0.0.0/6 (four /8s, 127/8 among them and excluded), source 126.10.20.30, the
// Code Red II defaults. Relevant addresses: ~240 in the own /16, ~2,400 elsewhere in 126/8,
// ~96,000 in 124/8 and 125/8, 500 in 127/8 (never hit), 500 outside the space (never hit); about
// one in six removed from the live set. Per-address probe probabilities: own /16
// 3/8 / 2^16 + 1/2 / 2^24 + 1/8 / (3 * 2^24) = 5.75e-6, rest of 126/8 3.23e-8, 124-125/8 2.48e-9,
// so p = 1.5e-3 with the hits 83% in the own /16, 4% in the rest of the /8 and 13% elsewhere:
// every class carries weight, and 127/8 makes the "anywhere" class smaller than its block (a
// sampler that forgot that would put 25% fewer hits elsewhere). Oracle cost: 1/p = 650 probes
// per hit; each of the three oracle runs below takes 6.5 to 8 million probes, about a second in
// Release.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
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

constexpr std::uint64_t kSeed = 20010804;  // Code Red II's first day; fixed
// Entities of the Purpose::test streams, one per use, so no two samples share draws.
constexpr std::uint64_t kPlacementStream = 0, kRemovalStream = 1, kBinomialStream = 10,
                        kOracleStream = 11, kSamplerStream = 12, kWrongSamplerStream = 13;
constexpr std::uint64_t kBinomialProbes = 8'000'000;  // M: about 11,300 hits expected
constexpr std::size_t kOracleHits = 10'000;           // hits from repeated next_probe
constexpr std::size_t kSamplerDraws = 200'000;        // draw_target is cheap: a larger sample
constexpr double kAlpha = 0.001;
constexpr double kSigmas = 5;

const sim::Prefix kSpace{ip(124, 0, 0, 0), 6};
constexpr std::uint32_t kSource = ip(126, 10, 20, 30);

/// The relevant set and its live subset; `watched` are six live positions in the own /16 tested
/// one by one: both ends of the /16 and four right after a removed entry, where an off-by-one in
/// the k-th live look-up would show.
struct Setup {
  sim::AddressIndex index;
  sim::LiveIndex live;
  std::array<std::size_t, 6> watched{};

  Setup() : index(addresses()), live(index) {
    sim::RandomStream rng(kSeed, 0, kRemovalStream, sim::Purpose::test);
    const std::uint32_t low_end = ip(126, 10, 0, 0), high_end = ip(126, 10, 255, 255);
    for (std::size_t i = 0; i < index.size(); ++i) {
      const bool is_end = index.address(i) == low_end || index.address(i) == high_end;
      if (sim::variates::uniform_below(rng, 6) == 0 && !is_end) live.remove(i);
    }
    watched[0] = *index.find(low_end);
    watched[1] = *index.find(high_end);
    std::size_t found = 2;
    const auto [lo, hi] = index.range(sim::Prefix::of(kSource, 16));
    for (std::size_t i = lo + 1; i < hi && found < watched.size(); ++i)
      if (live.is_live(i) && !live.is_live(i - 1)) watched[found++] = i;
    REQUIRE(found == watched.size());
  }
  Setup(const Setup&) = delete;
  Setup& operator=(const Setup&) = delete;

 private:
  static sim::AddressIndex addresses() {
    sim::RandomStream rng(kSeed, 0, kPlacementStream, sim::Purpose::test);
    std::vector<std::uint32_t> a{ip(126, 10, 0, 0), ip(126, 10, 255, 255), ip(126, 10, 20, 31)};
    const auto add = [&](sim::Prefix block, std::size_t count) {
      for (std::size_t i = 0; i < count; ++i)
        a.push_back(block.base +
                    static_cast<std::uint32_t>(sim::variates::uniform_below(rng, block.size())));
    };
    add(sim::Prefix::of(kSource, 16), 240);
    add(sim::Prefix::of(kSource, 8), 2'400);
    add(sim::Prefix{ip(124, 0, 0, 0), 7}, 96'000);
    add(sim::Prefix{ip(127, 0, 0, 0), 8}, 500);
    add(sim::Prefix{ip(123, 0, 0, 0), 8}, 250);
    add(sim::Prefix{ip(128, 0, 0, 0), 8}, 250);
    std::sort(a.begin(), a.end());
    a.erase(std::unique(a.begin(), a.end()), a.end());
    return sim::AddressIndex(std::move(a));
  }
};

/// Region of a target: 0 own /16, 1 rest of the own /8, 2 elsewhere.
std::size_t region(std::uint32_t a) {
  if ((a >> 16) == (kSource >> 16)) return 0;
  if ((a >> 24) == (kSource >> 24)) return 1;
  return 2;
}

/// Bin of a target for the individual-target table: 0..5 the watched positions, 6 the rest.
std::size_t target_bin(const Setup& s, std::size_t position) {
  const auto it = std::find(s.watched.begin(), s.watched.end(), position);
  return static_cast<std::size_t>(it - s.watched.begin());
}

/// The position a probe hits, if it lands on a live relevant address.
std::optional<std::size_t> hit_of(const Setup& s, std::uint32_t address) {
  const auto position = s.index.find(address);
  if (position && s.live.is_live(*position)) return position;
  return std::nullopt;
}

/// Hit targets of the per-probe oracle: each is the first hit of repeated next_probe.
std::vector<std::size_t> oracle_hits(const Setup& s, const LocalPreferenceScan& scan,
                                     std::size_t hits, std::uint64_t& probes) {
  sim::RandomStream rng(kSeed, 0, kOracleStream, sim::Purpose::test);
  models::ScannerState state;
  std::vector<std::size_t> out;
  probes = 0;
  while (out.size() < hits) {
    ++probes;
    if (const auto hit = hit_of(s, scan.next_probe(kSource, state, rng))) out.push_back(*hit);
  }
  return out;
}

/// Chi-square survival function for an even number of degrees of freedom 2m:
/// Q(x; 2m) = exp(-x/2) sum_{j<m} (x/2)^j / j!.
double chi2_survival_even(double x, unsigned df) {
  const double h = x / 2;
  double term = 1, sum = 0;
  for (unsigned j = 0; j < df / 2; ++j) {
    sum += term;
    term *= h / (j + 1);
  }
  return std::exp(-h) * sum;
}

/// The x with Q(x; df) = alpha, by bisection (Q decreases in x).
double chi2_critical_even(unsigned df, double alpha) {
  double lo = 0, hi = 1000;
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2;
    (chi2_survival_even(mid, df) > alpha ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

struct Homogeneity {
  double statistic = 0;
  double min_expected = 0;
  unsigned df = 0;
};

/// Pearson's chi-square test of homogeneity of two samples over the same bins.
Homogeneity homogeneity(const std::vector<double>& a, const std::vector<double>& b) {
  double na = 0, nb = 0;
  for (double x : a) na += x;
  for (double x : b) nb += x;
  Homogeneity h;
  h.df = static_cast<unsigned>(a.size() - 1);
  h.min_expected = na + nb;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double pooled = (a[i] + b[i]) / (na + nb);
    const double ea = na * pooled, eb = nb * pooled;
    h.min_expected = std::min({h.min_expected, ea, eb});
    h.statistic += (a[i] - ea) * (a[i] - ea) / ea + (b[i] - eb) * (b[i] - eb) / eb;
  }
  return h;
}

struct Tables {
  std::vector<double> regions = std::vector<double>(3, 0);
  std::vector<double> targets = std::vector<double>(7, 0);
};

Tables tabulate(const Setup& s, const std::vector<std::size_t>& hits) {
  Tables t;
  for (const std::size_t position : hits) {
    t.regions[region(s.index.address(position))] += 1;
    t.targets[target_bin(s, position)] += 1;
  }
  return t;
}

/// Targets from the exact sampler, draw_target, given a hit.
std::vector<std::size_t> sampler_hits(const Setup& s, const LocalPreferenceScan& scan,
                                      std::size_t draws, std::uint64_t stream) {
  sim::RandomStream rng(kSeed, 0, stream, sim::Purpose::test);
  std::vector<std::size_t> out(draws);
  for (auto& position : out) position = scan.draw_target(kSource, s.live, rng);
  return out;
}

}  // namespace

TEST_CASE("stat: the chi-square critical values used here have a 0.001 tail", "[stat]") {
  // The tabulated values (e.g. Abramowitz and Stegun, table 26.8) against the closed form.
  CHECK(chi2_critical_even(2, kAlpha) == Approx(13.816).margin(1e-3));
  CHECK(chi2_critical_even(6, kAlpha) == Approx(22.458).margin(1e-3));
  CHECK(chi2_survival_even(13.816, 2) == Approx(kAlpha).epsilon(1e-3));
}

TEST_CASE("stat: local preference per-probe hit frequency matches hit_probability (binomial)",
          "[stat]") {
  const Setup s;
  const LocalPreferenceScan scan(kSpace);
  const double p = scan.hit_probability(kSource, s.live);
  sim::RandomStream rng(kSeed, 0, kBinomialStream, sim::Purpose::test);
  models::ScannerState state;
  std::uint64_t hits = 0;
  for (std::uint64_t i = 0; i < kBinomialProbes; ++i)
    hits += hit_of(s, scan.next_probe(kSource, state, rng)).has_value();
  const double m = static_cast<double>(kBinomialProbes);
  const double expected = m * p;
  const double z = (static_cast<double>(hits) - expected) / std::sqrt(expected * (1 - p));
  CAPTURE(kSeed, kBinomialStream, kBinomialProbes, s.index.size(), s.live.live_count(), p, expected,
          hits, z, kSigmas);
  CHECK(std::abs(z) < kSigmas);
}

TEST_CASE("stat: local preference draw_target matches the first hit of repeated next_probe",
          "[stat]") {
  const Setup s;
  const LocalPreferenceScan scan(kSpace);
  std::uint64_t probes = 0;
  const std::vector<std::size_t> oracle = oracle_hits(s, scan, kOracleHits, probes);
  const std::vector<std::size_t> sampled = sampler_hits(s, scan, kSamplerDraws, kSamplerStream);
  std::size_t invalid = 0;  // not live, outside the space, or in 127/8
  for (const std::size_t position : sampled) {
    const std::uint32_t a = s.index.address(position);
    invalid += !s.live.is_live(position) || !kSpace.contains(a) || (a >> 24) == 127;
  }
  CHECK(invalid == 0);
  const Tables o = tabulate(s, oracle), d = tabulate(s, sampled);
  // For the record (not tested): the exact region shares, from the per-address probabilities.
  std::array<double, 3> shares{};
  for (std::size_t i = 0; i < s.index.size(); ++i) {
    const std::uint32_t a = s.index.address(i);
    if (!s.live.is_live(i) || !kSpace.contains(a) || (a >> 24) == 127) continue;
    const std::size_t r = region(a);
    shares[r] += 0.125 / (3 * 0x1p24) + (r <= 1 ? 0.5 / 0x1p24 : 0) + (r == 0 ? 0.375 / 0x1p16 : 0);
  }
  const double p = shares[0] + shares[1] + shares[2];
  for (double& share : shares) share /= p;
  CAPTURE(kSeed, kOracleStream, kSamplerStream, kOracleHits, probes, kSamplerDraws, p, shares);
  {
    const Homogeneity h = homogeneity(o.regions, d.regions);
    const double critical = chi2_critical_even(h.df, kAlpha);
    INFO("statistic: region of the target (own /16, rest of own /8, elsewhere), df 2");
    CAPTURE(o.regions, d.regions, h.statistic, h.df, h.min_expected, critical);
    CHECK(h.min_expected >= 5);
    CHECK(h.statistic < critical);
  }
  {
    const Homogeneity h = homogeneity(o.targets, d.targets);
    const double critical = chi2_critical_even(h.df, kAlpha);
    INFO("statistic: six individual targets in the own /16 and the rest, df 6");
    CAPTURE(o.targets, d.targets, h.statistic, h.df, h.min_expected, critical);
    CHECK(h.min_expected >= 5);
    CHECK(h.statistic < critical);
  }
}

// The region check is not vacuous: at the same sample sizes and level it rejects two plausible
// wrong samplers. (1) One that forgets the exclusions: "anywhere" then spreads over 4 * 2^24
// addresses instead of 3 * 2^24 (and reaches 127/8), moving the share of hits elsewhere from 13%
// to 10% and that of the own /16 from 83% to 85.5%; with the effective sample size
// 10,000 * 200,000 / 210,000 = 9,500 the statistic's expectation is about
// 2 + 9,500 * (0.029^2 / 0.10 + 0.027^2 / 0.85) = 90 against the critical 13.8 (standard
// deviation about sqrt(2 (2 + 2 * 88)) = 19, so it stays below 13.8 far less than once in 10^3).
// (2) One that picks the class by pi alone, not by pi * live / allowed (as if every class held hits
// in the same density): the share in the own /16 drops from 83% to about 42%, thousands on the
// statistic.
TEST_CASE("stat: the region check rejects samplers that ignore exclusions or class densities",
          "[stat]") {
  const Setup s;
  const LocalPreferenceScan scan(kSpace);
  std::uint64_t probes = 0;
  const Tables o = tabulate(s, oracle_hits(s, scan, kOracleHits, probes));
  const double critical = chi2_critical_even(2, kAlpha);
  CAPTURE(kSeed, kOracleHits, kSamplerDraws, critical);
  {
    const LocalPreferenceScan no_exclusions(kSpace, LocalPreferenceScan::kCodeRedIIClasses, {});
    const Tables d =
        tabulate(s, sampler_hits(s, no_exclusions, kSamplerDraws, kWrongSamplerStream));
    const Homogeneity h = homogeneity(o.regions, d.regions);
    INFO("wrong sampler: exclusions ignored");
    CAPTURE(o.regions, d.regions, h.statistic);
    CHECK(h.statistic > critical);
  }
  {
    // Class by pi, then a uniform live target of that class: the one-class strategies' samplers.
    const std::array<LocalPreferenceScan, 3> one_class{LocalPreferenceScan(kSpace, {1, 0, 0}),
                                                       LocalPreferenceScan(kSpace, {0, 1, 0}),
                                                       LocalPreferenceScan(kSpace, {0, 0, 1})};
    const auto& pi = LocalPreferenceScan::kCodeRedIIClasses;
    sim::RandomStream rng(kSeed, 0, kWrongSamplerStream, sim::Purpose::test);
    std::vector<std::size_t> wrong(kSamplerDraws);
    for (auto& position : wrong) {
      const double u = sim::variates::uniform01(rng);
      const std::size_t c = u < pi[0] ? 0 : u < pi[0] + pi[1] ? 1 : 2;
      position = one_class[c].draw_target(kSource, s.live, rng);
    }
    const Tables d = tabulate(s, wrong);
    const Homogeneity h = homogeneity(o.regions, d.regions);
    INFO("wrong sampler: class by pi alone");
    CAPTURE(o.regions, d.regions, h.statistic);
    CHECK(h.statistic > critical);
  }
}
