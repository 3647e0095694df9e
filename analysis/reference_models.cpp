#include "analysis/reference_models.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

namespace wormsim::analysis {

namespace {

using Vector = Eigen::VectorXd;
using Matrix = Eigen::MatrixXd;

/// A bounded nonlinear least-squares problem: minimise |residuals(p)|^2 over lower <= p <= upper.
struct LeastSquares {
  std::function<Vector(const Vector&)> residuals;
  /// The Jacobian at p, given the residuals there (so a finite-difference one need not repeat
  /// them).
  std::function<Matrix(const Vector&, const Vector&)> jacobian;
  Vector lower, upper;
};

struct LeastSquaresResult {
  Vector p;
  double rss = 0;
  int iterations = 0;
  bool converged = false;
};

bool all_finite(const Vector& v) {
  return v.allFinite();
}

/// Projected Levenberg-Marquardt with Marquardt's scaling (the damping is lambda times the
/// diagonal of J'J, which makes the steps independent of the parameters' units). A parameter at
/// a bound whose descent direction points out of the box is held there for the step (a simple
/// active set); the step is then clipped to the box. A step is taken only if it lowers the sum of
/// squares, so the result is never worse than the start. Stops when a step lowers the sum by less
/// than 1e-14 of itself or moves every parameter by less than 1e-12 of its size, when no step
/// lowers it even with damping 1e15 (the minimum at the precision of the arithmetic), or after
/// `max_iterations`.
LeastSquaresResult levenberg_marquardt(const LeastSquares& problem, Vector p,
                                       int max_iterations = 200) {
  const auto n = p.size();
  p = p.cwiseMax(problem.lower).cwiseMin(problem.upper);
  Vector r = problem.residuals(p);
  LeastSquaresResult out;
  if (!all_finite(r)) {
    out.p = p;
    out.rss = std::numeric_limits<double>::infinity();
    return out;
  }
  double f = r.squaredNorm();
  double lambda = 1e-3;
  int it = 0;
  bool converged = false;
  for (; it < max_iterations && !converged; ++it) {
    if (f == 0) {
      converged = true;
      break;
    }
    const Matrix jac = problem.jacobian(p, r);
    const Matrix a = jac.transpose() * jac;
    const Vector g = jac.transpose() * r;
    // Held parameters: at a bound, with the descent direction -g pointing out.
    std::vector<Eigen::Index> active;
    for (Eigen::Index j = 0; j < n; ++j) {
      const bool held =
          (p[j] <= problem.lower[j] && g[j] > 0) || (p[j] >= problem.upper[j] && g[j] < 0);
      if (!held) active.push_back(j);
    }
    if (active.empty()) {
      converged = true;
      break;
    }
    const auto m = static_cast<Eigen::Index>(active.size());
    Matrix a_active(m, m);
    Vector g_active(m);
    double max_diagonal = 0;
    for (Eigen::Index u = 0; u < m; ++u) {
      g_active[u] = g[active[u]];
      for (Eigen::Index v = 0; v < m; ++v) a_active(u, v) = a(active[u], active[v]);
      max_diagonal = std::max(max_diagonal, a_active(u, u));
    }
    if (max_diagonal <= 0) {  // the residuals do not depend on the active parameters
      converged = true;
      break;
    }
    bool accepted = false;
    while (!accepted) {
      Matrix damped = a_active;
      for (Eigen::Index u = 0; u < m; ++u)
        damped(u, u) += lambda * std::max(a_active(u, u), 1e-12 * max_diagonal);
      const Vector step_active = damped.ldlt().solve(-g_active);
      Vector candidate = p;
      for (Eigen::Index u = 0; u < m; ++u) candidate[active[u]] += step_active[u];
      candidate = candidate.cwiseMax(problem.lower).cwiseMin(problem.upper);
      const Vector r_new = problem.residuals(candidate);
      const double f_new = all_finite(r_new) ? r_new.squaredNorm() : f;
      if (all_finite(step_active) && f_new < f) {
        bool small_step = true;
        for (Eigen::Index j = 0; j < n; ++j)
          if (std::abs(candidate[j] - p[j]) > 1e-12 * (std::abs(p[j]) + 1e-12)) small_step = false;
        converged = small_step || f - f_new <= 1e-14 * f;
        p = candidate;
        r = r_new;
        f = f_new;
        lambda = std::max(lambda / 3, 1e-12);
        accepted = true;
      } else {
        lambda *= 4;
        if (lambda > 1e15) {
          converged = true;
          break;
        }
      }
    }
  }
  out.p = p;
  out.rss = f;
  out.iterations = it;
  out.converged = converged;
  return out;
}

double total_sum_of_squares(const std::vector<double>& y) {
  if (y.empty()) return 0;
  double mean = 0;
  for (double v : y) mean += v;
  mean /= static_cast<double>(y.size());
  double ss = 0;
  for (double v : y) ss += (v - mean) * (v - mean);
  return ss;
}

double r_squared(double rss, double tss) {
  if (tss > 0) return 1 - rss / tss;
  return rss == 0 ? 1 : 0;
}

/// The logistic 1 / (1 + e^{-x}) without overflow for large |x|.
double logistic(double x) {
  if (x >= 0) return 1 / (1 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1 + e);
}

}  // namespace

double rcs_fraction(const RcsParameters& p, double t_s) {
  return logistic(p.k_per_s * (t_s - p.t_half_s));
}

std::optional<RcsFit> fit_rcs(const std::vector<double>& times_s,
                              const std::vector<double>& fractions) {
  if (times_s.size() != fractions.size() || times_s.size() < 2) return std::nullopt;
  // Scaled time tau = t / scale keeps K and T of order one whatever the run's length, so the
  // finite arithmetic of the normal equations is not dominated by one parameter's units.
  const double scale = std::max(std::abs(times_s.back()), 1.0);
  const std::size_t n = times_s.size();

  // Start: weighted least squares of logit(a) = K (tau - T) on tau.
  double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  std::size_t inside = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double a = fractions[i];
    if (!(a > 0 && a < 1)) continue;
    const double w = a * (1 - a) * a * (1 - a);
    const double x = times_s[i] / scale, y = std::log(a / (1 - a));
    sw += w;
    sx += w * x;
    sy += w * y;
    sxx += w * x * x;
    sxy += w * x * y;
    ++inside;
  }
  if (inside < 2) return std::nullopt;
  const double det = sw * sxx - sx * sx;
  if (!(det > 0)) return std::nullopt;
  const double slope = (sw * sxy - sx * sy) / det;
  const double intercept = (sy - slope * sx) / sw;
  // A curve whose logit rises by less than 1e-9 over the whole span does not grow (a flat curve
  // gives a slope of rounding size, of either sign).
  if (!(slope > 1e-9) || !std::isfinite(slope)) return std::nullopt;

  LeastSquares problem;
  problem.lower = Vector(2);
  problem.upper = Vector(2);
  problem.lower << 1e-12, -1e9;
  problem.upper << 1e12, 1e9;
  auto model = [&](const Vector& p, std::size_t i) {
    return logistic(p[0] * (times_s[i] / scale - p[1]));
  };
  problem.residuals = [&](const Vector& p) {
    Vector r(static_cast<Eigen::Index>(n));
    for (std::size_t i = 0; i < n; ++i)
      r[static_cast<Eigen::Index>(i)] = model(p, i) - fractions[i];
    return r;
  };
  // d a / d k = a (1 - a) (tau - c), d a / d c = -k a (1 - a).
  problem.jacobian = [&](const Vector& p, const Vector&) {
    Matrix jac(static_cast<Eigen::Index>(n), 2);
    for (std::size_t i = 0; i < n; ++i) {
      const double a = model(p, i), slope_a = a * (1 - a);
      const auto row = static_cast<Eigen::Index>(i);
      jac(row, 0) = slope_a * (times_s[i] / scale - p[1]);
      jac(row, 1) = -p[0] * slope_a;
    }
    return jac;
  };
  Vector start(2);
  start << slope, -intercept / slope;
  const LeastSquaresResult result = levenberg_marquardt(problem, start);
  if (!std::isfinite(result.rss)) return std::nullopt;

  RcsFit fit;
  fit.parameters.k_per_s = result.p[0] / scale;
  fit.parameters.t_half_s = result.p[1] * scale;
  fit.quality.points = n;
  fit.quality.rss = result.rss;
  fit.quality.r_squared = r_squared(result.rss, total_sum_of_squares(fractions));
  fit.quality.iterations = result.iterations;
  fit.quality.converged = result.converged;
  return fit;
}

namespace {

/// The two-factor model in shares of N: y = (i, r, q) = (I, R, Q) / N, with b = beta0 N and
/// m = mu N per second. Dividing the equations by N gives
///   di/dt = b (1 - i)^eta s i - gamma i,  dr/dt = gamma i,  dq/dt = m s (i + r),
/// s = 1 - i - r - q.
struct ShareModel {
  double b = 0, eta = 0, gamma = 0, m = 0;

  Eigen::Vector3d derivative(const Eigen::Vector3d& y) const {
    const double i = y[0], r = y[1], q = y[2];
    const double s = 1 - i - r - q;
    // The base is clipped at 0 because an integration step may overshoot i = 1 by rounding,
    // and a negative base has no real non-integer power.
    const double beta = b * std::pow(std::max(0.0, 1 - i), eta);
    const double removal = gamma * i;
    return {beta * s * i - removal, removal, m * s * (i + r)};
  }
};

/// RK4 from y0 at times[0] to every time of `times`, ceil(interval / max_step) equal steps per
/// interval.
std::vector<Eigen::Vector3d> integrate(const ShareModel& model, const Eigen::Vector3d& y0,
                                       const std::vector<double>& times, double max_step) {
  std::vector<Eigen::Vector3d> out;
  out.reserve(times.size());
  if (times.empty()) return out;
  Eigen::Vector3d y = y0;
  out.push_back(y);
  for (std::size_t k = 1; k < times.size(); ++k) {
    const double interval = times[k] - times[k - 1];
    if (interval > 0) {
      const double steps_real = std::ceil(interval / max_step);
      const auto steps = static_cast<std::size_t>(std::max(1.0, steps_real));
      const double h = interval / static_cast<double>(steps);
      for (std::size_t j = 0; j < steps; ++j) {
        const Eigen::Vector3d k1 = model.derivative(y);
        const Eigen::Vector3d k2 = model.derivative(y + 0.5 * h * k1);
        const Eigen::Vector3d k3 = model.derivative(y + 0.5 * h * k2);
        const Eigen::Vector3d k4 = model.derivative(y + h * k3);
        y += (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
      }
    }
    out.push_back(y);
  }
  return out;
}

ShareModel share_model(const TwoFactorParameters& p) {
  return {p.beta0 * p.population, p.eta, p.gamma, p.mu * p.population};
}

}  // namespace

double two_factor_default_step(const TwoFactorParameters& p) {
  const ShareModel m = share_model(p);
  const double lambda = m.b * (2 + m.eta) + m.gamma + 2 * m.m;
  return lambda > 0 ? 0.05 / lambda : std::numeric_limits<double>::infinity();
}

std::vector<TwoFactorState> solve_two_factor(const TwoFactorParameters& p,
                                             const std::vector<double>& times_s,
                                             double max_step_s) {
  const double n = p.population;
  const auto shares =
      integrate(share_model(p), {p.initial_infected / n, 0, 0}, times_s, max_step_s);
  std::vector<TwoFactorState> out;
  out.reserve(shares.size());
  for (const auto& y : shares) out.push_back({y[0] * n, y[1] * n, y[2] * n});
  return out;
}

std::optional<TwoFactorFit> fit_two_factor(const std::vector<double>& times_s,
                                           const std::vector<double>& infected_now,
                                           const std::vector<double>& ever_infected,
                                           const TwoFactorParameters& start,
                                           TwoFactorFree free_parameters) {
  const std::size_t n = times_s.size();
  const bool with_ever = !ever_infected.empty();
  if (infected_now.size() != n || (with_ever && ever_infected.size() != n) || n < 3)
    return std::nullopt;
  const double population = start.population;
  if (!(population > 0) || !(start.beta0 > 0) || !(start.initial_infected > 0) ||
      start.initial_infected > population || start.eta < 0 || start.gamma < 0 || start.mu < 0)
    return std::nullopt;

  // Full parameter vector, scaled to be of order one: (b, ln i0, eta, gamma, m) with the rates in
  // units of the curve's span. The fit adjusts the free entries only.
  const double scale = std::max(times_s.back() - times_s.front(), 1.0);
  Vector full(5), lower(5), upper(5);
  full << start.beta0 * population * scale, std::log(start.initial_infected / population),
      start.eta, start.gamma * scale, start.mu * population * scale;
  lower << 1e-9, std::log(1e-12), 0, 0, 0;
  upper << 1e6, 0, 20, 1e6, 1e6;
  const bool is_free[5] = {true, free_parameters.initial_infected, free_parameters.eta,
                           free_parameters.gamma, free_parameters.mu};
  std::vector<Eigen::Index> index;
  for (Eigen::Index j = 0; j < 5; ++j)
    if (is_free[j]) index.push_back(j);
  const auto k = static_cast<Eigen::Index>(index.size());

  auto expand = [&](const Vector& x) {
    Vector p = full;
    for (Eigen::Index u = 0; u < k; ++u) p[index[u]] = x[u];
    return p;
  };
  auto parameters_of = [&](const Vector& p) {
    TwoFactorParameters out;
    out.population = population;
    out.beta0 = p[0] / scale / population;
    out.initial_infected = std::exp(p[1]) * population;
    out.eta = p[2];
    out.gamma = p[3] / scale;
    out.mu = p[4] / scale / population;
    return out;
  };
  const auto rows = static_cast<Eigen::Index>(with_ever ? 2 * n : n);

  // The work of one solution is bounded: at most 2e4 steps over the span (the default
  // scenario's day needs 1,730). Only a curve that jumps from 0 to 1 between two samples would
  // call for more, and no step makes its fit meaningful; such a fit (a tiny or very dense
  // outbreak) would otherwise take longer than the simulation.
  const double min_step = scale / 2e4;
  double max_step = std::max(two_factor_default_step(start), min_step);
  LeastSquares problem;
  problem.lower = Vector(k);
  problem.upper = Vector(k);
  Vector x(k);
  for (Eigen::Index u = 0; u < k; ++u) {
    problem.lower[u] = lower[index[u]];
    problem.upper[u] = upper[index[u]];
    x[u] = full[index[u]];
  }
  problem.residuals = [&](const Vector& xs) {
    const TwoFactorParameters p = parameters_of(expand(xs));
    const auto y =
        integrate(share_model(p), {p.initial_infected / population, 0, 0}, times_s, max_step);
    Vector r(rows);
    for (std::size_t i = 0; i < n; ++i) {
      r[static_cast<Eigen::Index>(i)] = y[i][0] - infected_now[i];
      if (with_ever) r[static_cast<Eigen::Index>(n + i)] = y[i][0] + y[i][1] - ever_infected[i];
    }
    return r;
  };
  // Forward differences, stepping into the box: with the step count fixed the RK4 solution is a
  // smooth function of the parameters, and a relative step of 1e-7 (about the square root of the
  // double precision) balances truncation and rounding.
  problem.jacobian = [&](const Vector& xs, const Vector& r0) {
    Matrix jac(rows, k);
    for (Eigen::Index u = 0; u < k; ++u) {
      Vector moved = xs;
      double h = 1e-7 * std::max(std::abs(xs[u]), 1.0);
      if (moved[u] + h > problem.upper[u]) h = -h;
      moved[u] += h;
      jac.col(u) = (problem.residuals(moved) - r0) / h;
    }
    return jac;
  };

  LeastSquaresResult result;
  int iterations = 0;
  // A fit with the step fixed; then check the step rule at the fitted parameters and refit from
  // there with the smaller step if they need one (lambda h = 0.05 is far inside RK4's stability
  // bound of about 2.8, so the first fit's solutions were stable even where it was too coarse).
  for (int round = 0; round < 6; ++round) {
    result = levenberg_marquardt(problem, x);
    iterations += result.iterations;
    if (!std::isfinite(result.rss)) return std::nullopt;
    x = result.p;
    const double needed = std::max(two_factor_default_step(parameters_of(expand(x))), min_step);
    if (needed >= max_step) break;
    max_step = needed;
  }

  TwoFactorFit fit;
  fit.parameters = parameters_of(expand(x));
  fit.free_parameters = free_parameters;
  fit.max_step_s = max_step;
  fit.curve = solve_two_factor(fit.parameters, times_s, max_step);
  fit.quality.points = static_cast<std::size_t>(rows);
  // The sum of squares of the curve returned, at the final step.
  double rss = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double di = fit.curve[i].infected / population - infected_now[i];
    rss += di * di;
    if (with_ever) {
      const double dj = fit.curve[i].ever_infected() / population - ever_infected[i];
      rss += dj * dj;
    }
  }
  fit.quality.rss = rss;
  double tss = total_sum_of_squares(infected_now);
  if (with_ever) tss += total_sum_of_squares(ever_infected);
  fit.quality.r_squared = r_squared(rss, tss);
  fit.quality.iterations = iterations;
  fit.quality.converged = result.converged;
  return fit;
}

}  // namespace wormsim::analysis
