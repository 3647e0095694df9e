// Reference models from the literature, to overlay on a run's curves (DESIGN.md, "analysis/":
// reference ODE models): the random-constant-spread logistic of Staniford, Paxson and Weaver and
// the two-factor model of Zou, Gong and Towsley, each with a least-squares fit to a curve. Pure
// functions of their arguments: the same input gives the same bits on any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

namespace wormsim::analysis {

// ---------------------------------------------------------------------------------------------
// Random constant spread (Staniford, Paxson, Weaver, "How to 0wn the Internet in Your Spare
// Time", USENIX Security 2002): da/dt = K a (1 - a) for the infected share a of the vulnerable
// hosts, whose solution is a(t) = e^{K(t - T)} / (1 + e^{K(t - T)}); K is the initial compromise
// rate (probe rate x vulnerable hosts / address-space size for uniform scanning) and T the time
// at which half the vulnerable hosts are infected.

struct RcsParameters {
  double k_per_s = 0;   ///< K, per second (x 3600 for the paper's per-hour figure)
  double t_half_s = 0;  ///< T, seconds on the curve's own time axis
};

/// a(t) of random constant spread, in [0, 1]; t in seconds on the same axis as T.
double rcs_fraction(const RcsParameters& p, double t_s);

/// A least-squares fit of a model to a curve.
struct FitQuality {
  std::size_t points = 0;  ///< residuals summed (samples, times the series fitted)
  double rss = 0;          ///< residual sum of squares, in squared fractions
  double r_squared = 0;    ///< 1 - rss / (total sum of squares about each series' mean)
  int iterations = 0;      ///< Levenberg-Marquardt iterations taken
  bool converged = false;  ///< false: stopped at the iteration limit (the result is still the best)
};

struct RcsFit {
  RcsParameters parameters;
  FitQuality quality;
};

/// Fits K and T to the infected shares `fractions` (each in [0, 1]) at `times_s` by least
/// squares on the shares themselves (the curve a report overlays). Start: weighted linear least
/// squares of logit(a) on t over the samples strictly between 0 and 1, with weights (a(1 - a))^2
/// (the delta method: the variance of logit(a) is that of a divided by (a(1 - a))^2), which is
/// exact for an exact logistic; then Levenberg-Marquardt with the analytic Jacobian in scaled
/// coordinates (K and T in units of the last sample time). Nullopt when the sizes differ, when
/// fewer than two samples lie strictly between 0 and 1, or when the curve does not grow (the
/// start's slope is not positive).
std::optional<RcsFit> fit_rcs(const std::vector<double>& times_s,
                              const std::vector<double>& fractions);

// ---------------------------------------------------------------------------------------------
// Two-factor worm model (Zou, Gong, Towsley, "Code Red worm propagation modeling and analysis",
// ACM CCS 2002, section 5). N vulnerable hosts are susceptible S, infectious I, removed from the
// infectious R (cleaned, patched or taken off-line after infection) or removed from the
// susceptible Q (patched or filtered before infection); J = I + R are the hosts ever infected:
//   S = N - I - R - Q
//   dI/dt = beta(t) S I - dR/dt       (the paper: beta(t) [N - R - I - Q] I - dR/dt)
//   dR/dt = gamma I
//   dQ/dt = mu S J
//   beta(t) = beta0 (1 - I/N)^eta      (congestion slows infection as more hosts scan)
// with I(0) = I0, R(0) = Q(0) = 0. gamma = mu = eta = 0 gives random constant spread with
// K = beta0 N and T = ln(N / I0 - 1) / K. The paper's illustration used N = 1,000,000, I0 = 1,
// beta0 = 0.8 / N, eta = 3, gamma = 0.05, mu = 0.06 / N (per unit of its time axis).

struct TwoFactorParameters {
  double population = 1;        ///< N, hosts
  double initial_infected = 1;  ///< I0 = I(0), hosts; R(0) = Q(0) = 0
  double beta0 = 0;             ///< per host per second
  double eta = 0;               ///< congestion exponent, dimensionless, >= 0
  double gamma = 0;             ///< removal rate of infectious hosts, per second
  double mu = 0;                ///< removal rate of susceptible hosts, per host per second
};

/// The state at one time, in hosts.
struct TwoFactorState {
  double infected = 0;                                         ///< I: infectious now
  double removed = 0;                                          ///< R: removed after infection
  double quarantined = 0;                                      ///< Q: removed before infection
  double ever_infected() const { return infected + removed; }  ///< J = I + R
};

/// The largest step the integrator takes by default: 0.05 / lambda, with lambda = beta0 N (2 +
/// eta) + gamma + 2 mu N, a bound on the size of the Jacobian of the right-hand side over the
/// states (0 <= I, R, Q, S <= N), so that lambda h <= 0.05. Classical RK4's global error is
/// O((lambda h)^4) (6e-6 at this step) times a constant that is small for these equations: the
/// tests measure about 1e-9 of N on the logistic and on Zou et al.'s illustration, far below
/// the sampling noise of a run of thousands of hosts (1 / sqrt(N)).
double two_factor_default_step(const TwoFactorParameters& p);

/// Integrates the two-factor model from times_s[0] (where the state is I0, 0, 0) and returns the
/// state at every time of `times_s` (non-decreasing, seconds). Classical fourth-order
/// Runge-Kutta with a fixed step: each interval between consecutive times is cut into
/// ceil(interval / max_step_s) equal steps, so the solution lands on every time exactly.
std::vector<TwoFactorState> solve_two_factor(const TwoFactorParameters& p,
                                             const std::vector<double>& times_s, double max_step_s);

/// Which parameters a two-factor fit adjusts; beta0 always, the others when set (else they keep
/// the start's values).
struct TwoFactorFree {
  bool initial_infected = true;
  bool eta = true;
  bool gamma = true;
  bool mu = true;
};

struct TwoFactorFit {
  TwoFactorParameters parameters;
  TwoFactorFree free_parameters;  ///< which parameters were fitted (the rest kept the start's)
  FitQuality quality;
  double max_step_s = 0;              ///< the integrator's step on the final solution
  std::vector<TwoFactorState> curve;  ///< the fitted solution at every time of the input
};

/// Fits the two-factor model to the infectious share `infected_now` = I/N and, when
/// `ever_infected` is not empty, the share ever infected J/N at the same times, by least squares
/// on both series together (J pins down R = J - I, hence gamma). Starts at `start` (its
/// population is N) and adjusts beta0 and the `free_parameters` with projected
/// Levenberg-Marquardt (at most 200 iterations a round): beta0 > 0, 1e-12 N <= I0 <= N,
/// 0 <= eta <= 20, gamma >= 0, mu >= 0 (rates at most 1e6 per span of the curve), with
/// forward-difference derivatives of the RK4 solution. The integrator's step is fixed during a
/// fit (so derivatives are smooth) at the default step of the start; if the fitted parameters
/// need a smaller step, the fit is repeated from there with it. The step is never below 1e-5 of
/// the span, which bounds the work of a pathological fit. Nullopt when the sizes differ, there
/// are fewer than three times, N <= 0 or the start is not feasible.
std::optional<TwoFactorFit> fit_two_factor(const std::vector<double>& times_s,
                                           const std::vector<double>& infected_now,
                                           const std::vector<double>& ever_infected,
                                           const TwoFactorParameters& start,
                                           TwoFactorFree free_parameters = {});

}  // namespace wormsim::analysis
