// Reference models: the random-constant-spread fit recovers K and T from an exact logistic to
// rounding and from a noisy one within the spread least-squares theory predicts; the two-factor
// integrator converges at fourth order and reduces to the logistic when gamma = mu = eta = 0; the
// two-factor fit recovers the parameters of a curve it made.
#include <Eigen/Dense>
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "analysis/reference_models.hpp"
#include "sim/random.hpp"
#include "sim/variates.hpp"

using namespace wormsim::analysis;

namespace {

constexpr double kPerHour = 1.0 / 3600;

/// Sample times 0, step, ..., span (seconds).
std::vector<double> grid(double span_s, double step_s) {
  std::vector<double> t;
  for (double x = 0; x <= span_s + 1e-9; x += step_s) t.push_back(x);
  return t;
}

std::vector<double> rcs_curve(const RcsParameters& p, const std::vector<double>& times) {
  std::vector<double> a;
  for (double t : times) a.push_back(rcs_fraction(p, t));
  return a;
}

/// The largest difference between two solutions, in shares of N, over every time and component.
double max_share_difference(const std::vector<TwoFactorState>& a,
                            const std::vector<TwoFactorState>& b, double n) {
  double d = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    d = std::max(d, std::abs(a[i].infected - b[i].infected) / n);
    d = std::max(d, std::abs(a[i].removed - b[i].removed) / n);
    d = std::max(d, std::abs(a[i].quarantined - b[i].quarantined) / n);
  }
  return d;
}

/// Zou, Gong and Towsley's illustration (N = 10^6, I0 = 1, beta0 = 0.8/N, eta = 3, gamma = 0.05,
/// mu = 0.06/N) with their time unit read as one hour.
TwoFactorParameters zou_illustration() {
  TwoFactorParameters p;
  p.population = 1e6;
  p.initial_infected = 1;
  p.beta0 = 0.8 / p.population * kPerHour;
  p.eta = 3;
  p.gamma = 0.05 * kPerHour;
  p.mu = 0.06 / p.population * kPerHour;
  return p;
}

}  // namespace

TEST_CASE("analysis::rcs_fraction: half infected at T, symmetric about it, logistic in K",
          "[analysis]") {
  const RcsParameters p{5e-4, 21600};
  CHECK(rcs_fraction(p, 21600) == 0.5);
  CHECK(rcs_fraction(p, 21600 + 1000) == Approx(1 - rcs_fraction(p, 21600 - 1000)));
  CHECK(rcs_fraction(p, 21600 + 1000) == Approx(1 / (1 + std::exp(-0.5))));
  CHECK(rcs_fraction(p, -1e9) == 0);  // no overflow far from T
  CHECK(rcs_fraction(p, 1e9) == 1);
}

TEST_CASE("analysis::fit_rcs: recovers K and T from an exact logistic to 1e-6", "[analysis]") {
  // Code Red v2's figures: K = 1.8 per hour, half infected 6 h after the start; a day sampled
  // every minute, as the default scenario is. The start (weighted logit regression) is exact for
  // an exact logistic up to rounding in logit(a) near a = 1, and Levenberg-Marquardt then
  // polishes on the shares: the error is rounding, far below 1e-6.
  for (const RcsParameters truth : {RcsParameters{1.8 * kPerHour, 6 * 3600.0},
                                    RcsParameters{20 * kPerHour, 30 * 60.0},
                                    RcsParameters{0.3 * kPerHour, 30 * 3600.0}}) {
    const auto times = grid(86400, 60);
    const auto fit = fit_rcs(times, rcs_curve(truth, times));
    REQUIRE(fit.has_value());
    CAPTURE(truth.k_per_s, truth.t_half_s, fit->parameters.k_per_s, fit->parameters.t_half_s);
    CHECK(std::abs(fit->parameters.k_per_s / truth.k_per_s - 1) < 1e-6);
    CHECK(std::abs(fit->parameters.t_half_s / truth.t_half_s - 1) < 1e-6);
    CHECK(fit->quality.rss < 1e-20);
    CHECK(fit->quality.r_squared == Approx(1.0).margin(1e-12));
    CHECK(fit->quality.converged);
    CHECK(fit->quality.points == times.size());
  }
}

TEST_CASE("analysis::fit_rcs: on a noisy logistic K and T stay within 5 standard errors",
          "[analysis]") {
  // Noise: independent normal errors of sd sigma = 0.01 on each of the 1,441 shares (seed 2002,
  // the test purpose's stream). Least-squares theory: the estimate is asymptotically normal with
  // covariance sigma^2 (J'J)^-1, J the Jacobian of a(t) in (K, T) at the truth; the curvature of
  // the model over one standard error is negligible at this noise (a shift of 1e-3 in K moves a
  // by less than 0.01 sigma), so 5 standard errors bound each error with two-sided false-alarm
  // rate 5.7e-7. Expected sizes: SE(K) about 0.4% of K, SE(T) about 8 s.
  const RcsParameters truth{1.8 * kPerHour, 6 * 3600.0};
  const double sigma = 0.01;
  const std::uint64_t seed = 2002;
  const auto times = grid(86400, 60);
  auto shares = rcs_curve(truth, times);
  wormsim::sim::RandomStream noise(seed, 0, 1, wormsim::sim::Purpose::test);
  for (double& a : shares) a += sigma * wormsim::sim::variates::standard_normal(noise);

  Eigen::Matrix2d information = Eigen::Matrix2d::Zero();
  for (double t : times) {
    const double a = rcs_fraction(truth, t), s = a * (1 - a);
    const Eigen::Vector2d g(s * (t - truth.t_half_s), -truth.k_per_s * s);
    information += g * g.transpose();
  }
  const Eigen::Matrix2d covariance = sigma * sigma * information.inverse();
  const double se_k = std::sqrt(covariance(0, 0)), se_t = std::sqrt(covariance(1, 1));

  const auto fit = fit_rcs(times, shares);
  REQUIRE(fit.has_value());
  const double k = fit->parameters.k_per_s, t_half = fit->parameters.t_half_s;
  CAPTURE(seed, sigma, times.size(), k, se_k, t_half, se_t);
  CHECK(std::abs(k - truth.k_per_s) <= 5 * se_k);
  CHECK(std::abs(t_half - truth.t_half_s) <= 5 * se_t);
  // The check has power: 5 SE is a small part of K and T, so a fit off by 3% would fail.
  CHECK(5 * se_k < 0.03 * truth.k_per_s);
  CHECK(5 * se_t < 0.03 * truth.t_half_s);
  // The residuals are the noise: rss / n estimates sigma^2 (within 10%: its relative sd is
  // sqrt(2/n) = 3.7%).
  CHECK(fit->quality.rss / static_cast<double>(times.size()) == Approx(sigma * sigma).epsilon(0.1));
}

TEST_CASE("analysis::fit_rcs: no fit for a flat curve, mismatched sizes or no share inside (0, 1)",
          "[analysis]") {
  const auto times = grid(3600, 60);
  CHECK_FALSE(fit_rcs(times, std::vector<double>(times.size(), 0.3)).has_value());
  CHECK_FALSE(fit_rcs(times, std::vector<double>(times.size() - 1, 0.3)).has_value());
  CHECK_FALSE(fit_rcs(times, std::vector<double>(times.size(), 0.0)).has_value());
  std::vector<double> falling;
  for (double t : times) falling.push_back(0.9 - t / 7200);
  CHECK_FALSE(fit_rcs(times, falling).has_value());
}

TEST_CASE("analysis::solve_two_factor: RK4 converges at fourth order", "[analysis]") {
  // Halving the step of a fourth-order method divides the change in the solution by 2^4 = 16
  // once the step is in the asymptotic range (lambda h of order 0.1 here; the next term of the
  // error, O(h^5), moves the ratio by a few per cent). Accept 12 to 20: a first- or second-order
  // error (ratio 2 or 4) or a third-order one (8) fails. Steps 75, 37.5 and 18.75 s divide the
  // 600 s sampling interval exactly, so each halving doubles the steps exactly.
  const TwoFactorParameters p = zou_illustration();
  const auto times = grid(100 * 3600.0, 600);
  const auto coarse = solve_two_factor(p, times, 75);
  const auto middle = solve_two_factor(p, times, 37.5);
  const auto fine = solve_two_factor(p, times, 18.75);
  const double e1 = max_share_difference(coarse, middle, p.population);
  const double e2 = max_share_difference(middle, fine, p.population);
  CAPTURE(e1, e2, e1 / e2);
  REQUIRE(e2 > 0);
  CHECK(e1 / e2 >= 12);
  CHECK(e1 / e2 <= 20);
  // The outbreak happened: most hosts infected or removed by the end, so the check saw dynamics.
  CHECK(fine.back().ever_infected() + fine.back().quarantined > 0.9 * p.population);
  CHECK(fine.back().removed > 0.1 * p.population);

  // The default step: its error, estimated by the difference to a run with a quarter of the
  // step (which removes all but 1/256 of it), is below 1e-7 of N. RK4's error is C (lambda h)^4;
  // the halvings above measure C near 6e-6 here (e1 of about 3e-10 at lambda h = 0.087), so at
  // lambda h = 0.05 the error is near 4e-11: the bound allows a constant a thousand times larger,
  // for other parameter sets. A first-order (Euler) step would err by about lambda h = 0.05 times
  // its own constant, and fail.
  const double h = two_factor_default_step(p);
  const auto by_default = solve_two_factor(p, times, h);
  const auto reference = solve_two_factor(p, times, h / 4);
  const double e_default = max_share_difference(by_default, reference, p.population);
  CAPTURE(h, e_default);
  CHECK(e_default < 1e-7);
}

TEST_CASE("analysis::solve_two_factor: with gamma = mu = eta = 0 it is random constant spread",
          "[analysis]") {
  // dI/dt = beta0 (N - I) I is the logistic with K = beta0 N and T = ln(N / I0 - 1) / K; R and Q
  // stay 0. At the default step (lambda h = 2 K h = 0.05) RK4's error is C (lambda h)^4 with C
  // of order 1e-5 (as measured above), about 1e-10 of N; the bound 1e-7 leaves room for other
  // constants and for the closed form's own rounding, and an Euler step (error of order
  // lambda h = 0.05 times its constant) would fail it.
  TwoFactorParameters p;
  p.population = 360000;
  p.initial_infected = 10;
  const double k = 1.8 * kPerHour;
  p.beta0 = k / p.population;
  const RcsParameters closed{k, std::log(p.population / p.initial_infected - 1) / k};
  const auto times = grid(86400, 60);
  const auto y = solve_two_factor(p, times, two_factor_default_step(p));
  double worst = 0;
  for (std::size_t i = 0; i < times.size(); ++i) {
    worst = std::max(worst, std::abs(y[i].infected / p.population - rcs_fraction(closed, times[i])));
    REQUIRE(y[i].removed == 0);
    REQUIRE(y[i].quarantined == 0);
  }
  CAPTURE(worst);
  CHECK(worst < 1e-7);
  // And the curve went through the whole S-shape.
  CHECK(y.back().infected / p.population > 0.999);
}

TEST_CASE("analysis::fit_two_factor: recovers the parameters of the model's own curve",
          "[analysis]") {
  // Data: the illustration's I/N and J/N every 10 minutes for 100 hours, integrated with a
  // sixteenth of the default step (error below 1e-9 of N). The fit starts from the random-
  // constant-spread curve with the right initial growth (beta0 N) but no congestion and no
  // removal, and with I0 three times too large. The fit's own integration error (below 1e-6 of
  // N, see above) moves the optimum by an amount of that order relative to the parameters'
  // sensitivities; 1e-3 relative leaves a wide margin while a wrong local minimum (eta, gamma or
  // mu off by tens of per cent) fails.
  const TwoFactorParameters truth = zou_illustration();
  const auto times = grid(100 * 3600.0, 600);
  const auto data = solve_two_factor(truth, times, two_factor_default_step(truth) / 16);
  std::vector<double> now, ever;
  for (const auto& s : data) {
    now.push_back(s.infected / truth.population);
    ever.push_back(s.ever_infected() / truth.population);
  }
  TwoFactorParameters start = truth;
  start.initial_infected = 3;
  start.eta = 0;
  start.gamma = 0;
  start.mu = 0;
  const auto fit = fit_two_factor(times, now, ever, start);
  REQUIRE(fit.has_value());
  const TwoFactorParameters& p = fit->parameters;
  CAPTURE(p.beta0 * p.population * 3600, p.initial_infected, p.eta, p.gamma * 3600,
          p.mu * p.population * 3600, fit->quality.rss, fit->quality.iterations);
  CHECK(p.beta0 == Approx(truth.beta0).epsilon(1e-3));
  CHECK(p.initial_infected == Approx(truth.initial_infected).epsilon(1e-3));
  CHECK(p.eta == Approx(truth.eta).epsilon(1e-3));
  CHECK(p.gamma == Approx(truth.gamma).epsilon(1e-3));
  CHECK(p.mu == Approx(truth.mu).epsilon(1e-3));
  CHECK(fit->quality.r_squared > 1 - 1e-9);
  REQUIRE(fit->curve.size() == times.size());
}

TEST_CASE("analysis::fit_two_factor: beta0 alone, from 50% off, when the rest is fixed",
          "[analysis]") {
  // With eta, gamma, mu and I0 held at the truth, the one-parameter fit is well conditioned; the
  // data's and the fit's integration errors (below 1e-6 of N) bound the error in beta0 to well
  // under 1e-4 relative.
  const TwoFactorParameters truth = zou_illustration();
  const auto times = grid(100 * 3600.0, 600);
  const auto data = solve_two_factor(truth, times, two_factor_default_step(truth) / 16);
  std::vector<double> now;
  for (const auto& s : data) now.push_back(s.infected / truth.population);
  TwoFactorParameters start = truth;
  start.beta0 *= 1.5;
  const auto fit = fit_two_factor(times, now, {}, start, {false, false, false, false});
  REQUIRE(fit.has_value());
  CAPTURE(fit->parameters.beta0 / truth.beta0);
  CHECK(fit->parameters.beta0 == Approx(truth.beta0).epsilon(1e-4));
  CHECK(fit->parameters.eta == truth.eta);
  CHECK(fit->parameters.gamma == truth.gamma);
  CHECK(fit->parameters.initial_infected == Approx(truth.initial_infected).epsilon(1e-12));
  CHECK(fit->quality.points == times.size());
}

TEST_CASE("analysis::fit_two_factor: a logistic curve gives no congestion and no removal",
          "[analysis]") {
  // A pure random-constant-spread curve (J = I) is the two-factor model with eta = gamma = mu =
  // 0, which lies on the fit's bounds: the projected fit must stay there (to within what the
  // integration error can buy) and find beta0 N = K.
  const RcsParameters truth{1.8 * kPerHour, 6 * 3600.0};
  const auto times = grid(86400, 60);
  const auto a = rcs_curve(truth, times);
  TwoFactorParameters start;
  start.population = 360000;
  start.beta0 = 0.7 * truth.k_per_s / start.population;
  start.initial_infected = 100;
  const auto fit = fit_two_factor(times, a, a, start);
  REQUIRE(fit.has_value());
  const TwoFactorParameters& p = fit->parameters;
  CAPTURE(p.beta0 * p.population * 3600, p.initial_infected, p.eta, p.gamma * 3600,
          p.mu * p.population * 3600);
  CHECK(p.beta0 * p.population == Approx(truth.k_per_s).epsilon(1e-3));
  CHECK(p.eta < 1e-3);
  CHECK(p.gamma * 3600 < 1e-4);
  CHECK(p.mu * p.population * 3600 < 1e-4);
  CHECK(fit->quality.r_squared > 1 - 1e-9);
}

TEST_CASE("analysis::fit_two_factor: infeasible starts and mismatched sizes give no fit",
          "[analysis]") {
  const auto times = grid(3600, 60);
  const std::vector<double> shares(times.size(), 0.5);
  TwoFactorParameters start;
  start.population = 100;
  start.beta0 = 1e-5;
  CHECK(fit_two_factor(times, shares, {}, start).has_value());
  CHECK_FALSE(fit_two_factor(times, std::vector<double>(3, 0.5), {}, start).has_value());
  CHECK_FALSE(fit_two_factor(times, shares, std::vector<double>(2, 0.5), start).has_value());
  TwoFactorParameters bad = start;
  bad.beta0 = 0;
  CHECK_FALSE(fit_two_factor(times, shares, {}, bad).has_value());
  bad = start;
  bad.initial_infected = 200;
  CHECK_FALSE(fit_two_factor(times, shares, {}, bad).has_value());
}
