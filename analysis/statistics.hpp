// Summaries over replications: mean, median and a 95% interval for the mean (Student's t over
// the replications, which are independent by construction of their random streams), and the
// paired differences between two scenarios run on common random numbers.
#pragma once

#include <optional>
#include <vector>

namespace wormsim::analysis {

struct Estimate {
  std::size_t n = 0;  ///< replications that had a value
  double mean = 0;
  double median = 0;
  double ci_low = 0;  ///< 95% interval for the mean; equal to the mean when n < 2
  double ci_high = 0;
};

/// Two-sided 97.5% quantile of Student's t with `df` degrees of freedom (exact table to 30,
/// then the Cornish–Fisher expansion, accurate to 1e-3 there).
double student_t975(std::size_t df);

/// Estimate from the values present; nullopt if there are none.
std::optional<Estimate> estimate(const std::vector<std::optional<double>>& values);

/// Mean, median and 95% Student-t interval of the paired differences other[i] - base[i], over
/// the indices i where both have a value. Index i is replication i of two scenarios run with the
/// same seed: their random streams are keyed by (seed, replication, entity, purpose), so the pair
/// shares its draws wherever the scenarios agree (common random numbers), which usually makes the
/// differences vary less than they would between independent runs. Nullopt if no index has both
/// values; throws std::invalid_argument if the sizes differ.
std::optional<Estimate> paired_difference(const std::vector<std::optional<double>>& base,
                                          const std::vector<std::optional<double>>& other);

}  // namespace wormsim::analysis
