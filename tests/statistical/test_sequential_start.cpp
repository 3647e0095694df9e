// Invariant: SequentialScan::begin draws Blaster's start in distribution: local with probability
// 0.4 (random 0.6); a local start's third octet lowered by an amount uniform on 0..19 when the
// host's third octet is above 20; a random start's first octet uniform on 1..254 and its second
// and third octets uniform on 0..253.
//
// Telling local from random exactly: every source here has first octet 255, which a random start
// never has (1..254), so a start is local if and only if its first octet is 255. Sources are drawn
// uniformly among 255.x.y.z, so about 235/256 of them have a third octet above 20.
//
// Tolerances, fixed before any output was seen:
// - the local count L of n draws is Binomial(n, 0.4) for a correct rule; it is accepted within
//   5 standard deviations of n * 0.4, sd = sqrt(n * 0.4 * 0.6): a false alarm has probability
//   5.7e-7 (normal approximation, excellent at n = 200 000).
// - each uniformity check is Pearson's chi-square test at significance alpha = 0.001, a false
//   alarm in one run in a thousand; the critical values are the 0.999 quantiles of chi-square:
//   df = 19 (20 lowering amounts): 43.820; df = 253 (254 octet values): 328.246 (computed from the
//   regularized incomplete gamma function; tables give 43.82 for df 19, and the Wilson–Hilferty
//   approximation 328.26 for df 253). Every expected cell count is above 400, far beyond the usual
//   rule of 5, so the chi-square approximation holds. With four chi-square checks and the binomial
//   check, the chance that a correct rule fails this file is at most 4.0e-3 (union bound). The
//   seeds are fixed, so a pass is reproducible and a failure is reproduced exactly by a rerun.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "models/scanning/sequential_scan.hpp"
#include "sim/random.hpp"
#include "sim/variates.hpp"

namespace {

using wormsim::models::ScannerState;
using wormsim::models::SequentialScan;
using wormsim::sim::Prefix;
using wormsim::sim::Purpose;
using wormsim::sim::RandomStream;

constexpr std::size_t kDraws = 200'000;         // n: 80 000 local, 120 000 random expected
constexpr double kLocalProbability = 0.4;       // 1 - Blaster's 0.6
constexpr double kBinomialSigmas = 5.0;         // false alarm 5.7e-7
constexpr double kChiSquare999Df19 = 43.820;    // chi-square 0.999 quantile, df = 19
constexpr double kChiSquare999Df253 = 328.246;  // chi-square 0.999 quantile, df = 253

struct StartCounts {
  std::size_t draws = 0;
  std::size_t local = 0;
  std::size_t impossible = 0;  // starts the rule cannot give (not .0, lowering out of range)
  std::array<std::size_t, 20> lowering{};  // local starts of hosts with third octet > 20
  std::array<std::size_t, 256> first{};    // random starts, by octet value
  std::array<std::size_t, 256> second{};
  std::array<std::size_t, 256> third{};
};

/// `n` starts in the full space from sources 255.x.y.z; the sources come from a stream of their
/// own (entity 1) so that the scanner's stream (entity 0) is used by begin only.
StartCounts draw_starts(std::uint64_t seed, std::size_t n) {
  const SequentialScan scan(Prefix{0, 0});  // Blaster's defaults
  RandomStream scanner_rng(seed, 0, 0, Purpose::test);
  RandomStream source_rng(seed, 0, 1, Purpose::test);
  StartCounts counts;
  counts.draws = n;
  for (std::size_t i = 0; i < n; ++i) {
    const auto source = static_cast<std::uint32_t>(
        0xff000000u | wormsim::sim::variates::uniform_below(source_rng, std::uint64_t{1} << 24));
    ScannerState state;
    scan.begin(source, state, scanner_rng);
    const auto start = static_cast<std::uint32_t>(state.cursor);
    if ((start & 0xffu) != 0) ++counts.impossible;
    if (start >> 24 == 0xff) {
      ++counts.local;
      const std::uint32_t host_third = (source >> 8) & 0xffu, start_third = (start >> 8) & 0xffu;
      if (host_third > 20) {
        if (start_third > host_third || host_third - start_third >= 20)
          ++counts.impossible;
        else
          ++counts.lowering[host_third - start_third];
      }
    } else {
      ++counts.first[start >> 24];
      ++counts.second[(start >> 16) & 0xffu];
      ++counts.third[(start >> 8) & 0xffu];
    }
  }
  return counts;
}

/// Counts outside `[first, first + cells)`: values the rule cannot give.
template <std::size_t N>
std::size_t outside(const std::array<std::size_t, N>& counts, std::size_t first,
                    std::size_t cells) {
  std::size_t total = 0;
  for (std::size_t v = 0; v < N; ++v)
    if (v < first || v >= first + cells) total += counts[v];
  return total;
}

/// Pearson's statistic of `counts[first .. first + cells)` against equal expected counts.
template <std::size_t N>
double chi_square_uniform(const std::array<std::size_t, N>& counts, std::size_t first,
                          std::size_t cells) {
  std::size_t total = 0;
  for (std::size_t v = first; v < first + cells; ++v) total += counts[v];
  const double expected = static_cast<double>(total) / static_cast<double>(cells);
  double statistic = 0;
  for (std::size_t v = first; v < first + cells; ++v) {
    const double d = static_cast<double>(counts[v]) - expected;
    statistic += d * d / expected;
  }
  return statistic;
}

}  // namespace

TEST_CASE("models::SequentialScan: a start is local with probability 0.4", "[stat]") {
  constexpr std::uint64_t kSeed = 20030811;  // Blaster's first day
  const StartCounts counts = draw_starts(kSeed, kDraws);
  const double n = static_cast<double>(counts.draws);
  const double mean = n * kLocalProbability;
  const double sd = std::sqrt(n * kLocalProbability * (1 - kLocalProbability));
  const double z = (static_cast<double>(counts.local) - mean) / sd;
  CAPTURE(kSeed, counts.draws, counts.local, mean, sd, z);
  REQUIRE(counts.impossible == 0);
  REQUIRE(std::abs(z) <= kBinomialSigmas);
}

TEST_CASE(
    "models::SequentialScan: a local start lowers a third octet above 20 uniformly by 0 to 19",
    "[stat]") {
  constexpr std::uint64_t kSeed = 20030812;
  const StartCounts counts = draw_starts(kSeed, kDraws);
  std::size_t lowered = 0;
  for (const std::size_t c : counts.lowering) lowered += c;
  const double statistic = chi_square_uniform(counts.lowering, 0, 20);
  CAPTURE(kSeed, counts.draws, lowered, statistic, kChiSquare999Df19);
  REQUIRE(counts.impossible == 0);
  REQUIRE(lowered > 60'000);  // 0.4 * 235/256 * n = 73 400 expected: cells of 3 700
  REQUIRE(statistic <= kChiSquare999Df19);
}

TEST_CASE("models::SequentialScan: a random start has uniform octets, 1 to 254 then 0 to 253",
          "[stat]") {
  constexpr std::uint64_t kSeed = 20030813;
  const StartCounts counts = draw_starts(kSeed, kDraws);
  const std::size_t random = counts.draws - counts.local;
  const double first = chi_square_uniform(counts.first, 1, 254);
  const double second = chi_square_uniform(counts.second, 0, 254);
  const double third = chi_square_uniform(counts.third, 0, 254);
  CAPTURE(kSeed, counts.draws, random, first, second, third, kChiSquare999Df253);
  REQUIRE(counts.impossible == 0);
  REQUIRE(outside(counts.first, 1, 254) == 0);
  REQUIRE(outside(counts.second, 0, 254) == 0);
  REQUIRE(outside(counts.third, 0, 254) == 0);
  REQUIRE(random > 110'000);  // 120 000 expected: cells of about 470
  REQUIRE(first <= kChiSquare999Df253);
  REQUIRE(second <= kChiSquare999Df253);
  REQUIRE(third <= kChiSquare999Df253);
}
