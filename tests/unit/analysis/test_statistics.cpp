// Replication summaries: mean, median and the Student-t 95% interval, and the paired
// differences of a comparison, match hand computations.
#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>

#include "analysis/statistics.hpp"

using namespace wormsim::analysis;

TEST_CASE("analysis::estimate: mean, median and t interval of a small sample", "[analysis]") {
  // Values 1..5: mean 3, sample sd sqrt(2.5), se sqrt(0.5), t(0.975, 4) = 2.776.
  const auto e = estimate({1.0, 2.0, 3.0, 4.0, 5.0});
  REQUIRE(e.has_value());
  CHECK(e->n == 5);
  CHECK(e->mean == Approx(3.0));
  CHECK(e->median == Approx(3.0));
  CHECK(e->ci_low == Approx(3.0 - 2.776 * std::sqrt(0.5)));
  CHECK(e->ci_high == Approx(3.0 + 2.776 * std::sqrt(0.5)));
}

TEST_CASE("analysis::estimate: missing values are skipped, none gives no estimate", "[analysis]") {
  const auto e = estimate({1.0, std::nullopt, 3.0, std::nullopt});
  REQUIRE(e.has_value());
  CHECK(e->n == 2);
  CHECK(e->median == Approx(2.0));
  CHECK_FALSE(estimate({std::nullopt}).has_value());
  const auto one = estimate({7.0});
  CHECK(one->ci_low == 7.0);
  CHECK(one->ci_high == 7.0);
}

TEST_CASE("analysis::student_t975: the table and the expansion meet smoothly", "[analysis]") {
  CHECK(student_t975(1) == Approx(12.706));
  CHECK(student_t975(30) == Approx(2.042));
  CHECK(student_t975(31) == Approx(2.040).margin(1e-3));
  CHECK(student_t975(120) == Approx(1.980).margin(1e-3));
  CHECK(student_t975(100000) == Approx(1.960).margin(1e-3));
}

TEST_CASE("analysis::paired_difference: mean and t interval of the per-index differences",
          "[analysis]") {
  // Differences other - base: 8-10, 11-12, 9-9, 10-15 = -2, -1, 0, -5. Mean -2; deviations
  // 0, 1, 2, -3 sum to 14 squared, so s^2 = 14/3, se = sqrt(14/3/4) = sqrt(7/6); t(0.975, 3) =
  // 3.182.
  const auto d = paired_difference({10.0, 12.0, 9.0, 15.0}, {8.0, 11.0, 9.0, 10.0});
  REQUIRE(d.has_value());
  CHECK(d->n == 4);
  CHECK(d->mean == Approx(-2.0));
  CHECK(d->median == Approx(-1.5));
  CHECK(d->ci_low == Approx(-2.0 - 3.182 * std::sqrt(7.0 / 6.0)));
  CHECK(d->ci_high == Approx(-2.0 + 3.182 * std::sqrt(7.0 / 6.0)));
}

TEST_CASE("analysis::paired_difference: identical samples give a zero-width interval at 0",
          "[analysis]") {
  const std::vector<std::optional<double>> same = {3.5, 1e6, std::nullopt, 42.0, 0.1};
  const auto d = paired_difference(same, same);
  REQUIRE(d.has_value());
  CHECK(d->n == 4);
  CHECK(d->mean == 0.0);
  CHECK(d->ci_low == 0.0);
  CHECK(d->ci_high == 0.0);
}

TEST_CASE("analysis::paired_difference: only indices with both values pair, sizes must match",
          "[analysis]") {
  const auto d = paired_difference({1.0, std::nullopt, 3.0, 4.0}, {2.0, 5.0, std::nullopt, 7.0});
  REQUIRE(d.has_value());
  CHECK(d->n == 2);
  CHECK(d->mean == Approx(2.0));  // differences 1 and 3
  CHECK_FALSE(paired_difference({std::nullopt, 1.0}, {2.0, std::nullopt}).has_value());
  CHECK_THROWS_AS(paired_difference({1.0}, {1.0, 2.0}), std::invalid_argument);
}
