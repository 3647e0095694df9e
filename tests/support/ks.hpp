// Two-sample Kolmogorov-Smirnov helpers shared by the statistical tests that hold the exact
// samplers against the per-probe oracle. Test support only.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace wormsim::test {

/// c(0.001) = sqrt(ln(2 / 0.001) / 2): the asymptotic two-sample KS constant at alpha = 0.001.
inline constexpr double kKsCritical001 = 1.949;

/// Two-sample KS statistic sup |F_a - F_b| (ties handled: both ECDFs step past a value together).
inline double ks_statistic(std::vector<double> a, std::vector<double> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  const double n = static_cast<double>(a.size()), m = static_cast<double>(b.size());
  std::size_t i = 0, j = 0;
  double d = 0;
  while (i < a.size() && j < b.size()) {
    const double v = std::min(a[i], b[j]);
    while (i < a.size() && a[i] <= v) ++i;
    while (j < b.size() && b[j] <= v) ++j;
    d = std::max(d, std::abs(static_cast<double>(i) / n - static_cast<double>(j) / m));
  }
  return d;
}

/// The alpha = 0.001 critical value for samples of sizes n and m.
inline double ks_critical(std::size_t n, std::size_t m) {
  const double dn = static_cast<double>(n), dm = static_cast<double>(m);
  return kKsCritical001 * std::sqrt((dn + dm) / (dn * dm));
}

/// How many values are finite (runs that reached a fraction before the end).
inline std::size_t count_reached(const std::vector<double>& v) {
  return static_cast<std::size_t>(
      std::count_if(v.begin(), v.end(), [](double x) { return std::isfinite(x); }));
}

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return 0.5 * (v[(v.size() - 1) / 2] + v[v.size() / 2]);
}

}  // namespace wormsim::test
