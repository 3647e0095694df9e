// Replication summaries: mean, median and the Student-t 95% interval match hand computations.
#include <catch2/catch.hpp>

#include <cmath>

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

TEST_CASE("analysis::estimate: missing values are skipped; none gives no estimate", "[analysis]") {
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
