#include "analysis/statistics.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

namespace wormsim::analysis {

double student_t975(std::size_t df) {
  static constexpr std::array<double, 31> table = {
      0,     12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
      2.201, 2.179,  2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080,
      2.074, 2.069,  2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (df == 0) return 0;
  if (df < table.size()) return table[df];
  const double z = 1.959963984540054, n = static_cast<double>(df);
  const double z3 = z * z * z, z5 = z3 * z * z;
  return z + (z3 + z) / (4 * n) + (5 * z5 + 16 * z3 + 3 * z) / (96 * n * n);
}

std::optional<Estimate> estimate(const std::vector<std::optional<double>>& values) {
  std::vector<double> v;
  for (const auto& x : values)
    if (x) v.push_back(*x);
  if (v.empty()) return std::nullopt;
  Estimate e;
  e.n = v.size();
  double sum = 0;
  for (double x : v) sum += x;
  e.mean = sum / static_cast<double>(e.n);
  std::sort(v.begin(), v.end());
  e.median = e.n % 2 ? v[e.n / 2] : 0.5 * (v[e.n / 2 - 1] + v[e.n / 2]);
  e.ci_low = e.ci_high = e.mean;
  if (e.n >= 2) {
    double ss = 0;
    for (double x : v) ss += (x - e.mean) * (x - e.mean);
    const double se = std::sqrt(ss / static_cast<double>(e.n - 1) / static_cast<double>(e.n));
    const double half = student_t975(e.n - 1) * se;
    e.ci_low = e.mean - half;
    e.ci_high = e.mean + half;
  }
  return e;
}

std::optional<Estimate> paired_difference(const std::vector<std::optional<double>>& base,
                                          const std::vector<std::optional<double>>& other) {
  if (base.size() != other.size())
    throw std::invalid_argument("paired_difference: the samples differ in size");
  std::vector<std::optional<double>> differences(base.size());
  for (std::size_t i = 0; i < base.size(); ++i)
    if (base[i] && other[i]) differences[i] = *other[i] - *base[i];
  return estimate(differences);
}

}  // namespace wormsim::analysis
