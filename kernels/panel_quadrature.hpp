// Resonance-aware composite Gauss-Legendre quadrature in q2 (DESIGN §4). Breakpoints: the interval
// ends, the caller's feature points (bin edges of a smearing window, thresholds), a geometric
// grading x = +-base * 4^j around a Breit-Wigner pole at M2 (x = q2 - M2, base = max(gamma,
// distance of the pole from the interval)), and a geometric grading towards q2 = 0 for low-q2
// intervals (log q2 in the light-quark loop, lepton threshold). Panels are split to at most
// `max_panel`; on each, an N-point Gauss-Legendre rule in x. Ends where the integrand vanishes like
// a square root (lepton threshold, q2_max) get the substitution x = end +- len * tau^2. No adaptive
// control flow: the node set depends only on (interval, features, pole), so every thread of a warp
// does the same work for the same pole.
#pragma once
#include <cmath>

#include "backend.hpp"
#include "gauss_legendre.hpp"

namespace bscan {

struct Pole {
  double M2 = 0.0;     // squared mass [GeV^2]
  double gamma = 0.0;  // M * Gamma [GeV^2]
  bool active = false;
};

struct Interval {
  double lo, hi;
  bool sqrt_lo = false, sqrt_hi = false;  // integrand ~ sqrt(distance to that end)
};

inline constexpr int kMaxBreakpoints = 192;
inline constexpr double kGrading = 4.0;
inline constexpr double kLowQ2Grading = 0.25;  // grade towards 0 below this q2 [GeV^2]

namespace detail {

BSCAN_HD inline void insert_sorted(double* bp, int& n, double v) {
  if (n >= kMaxBreakpoints) return;
  int i = n++;
  while (i > 0 && bp[i - 1] > v) {
    bp[i] = bp[i - 1];
    --i;
  }
  bp[i] = v;
}

// One panel [u, v] in x with an N-point rule; `sing` = -1 / +1: square-root end at u / v.
template <int N, class Visit>
BSCAN_HD void gl_panel(double u, double v, int sing, double M2, Visit& visit) {
  using GL = GaussLegendre<N>;
  const double len = v - u;
  for (int i = 0; i < GL::kHalf; ++i) {
    for (int sgn = -1; sgn <= 1; sgn += 2) {
      const double t = sgn * GL::x(i);
      double x, w;
      if (sing == 0) {
        x = u + 0.5 * len * (1.0 + t);
        w = 0.5 * len * GL::w(i);
      } else {
        const double tau = 0.5 * (1.0 + t);
        x = sing < 0 ? u + len * tau * tau : v - len * tau * tau;
        w = GL::w(i) * len * tau;
      }
      visit(M2 + x, x, w);
    }
  }
}

}  // namespace detail

// Calls visit(q2, x, w) for every node, so that  int f(q2) dq2 ~= sum w f(q2);  x = q2 - M2 is
// exact relative to the pole (use it, not q2 - M2, to build the propagator).
template <int N, class Visit>
BSCAN_HD void panel_quadrature(const Interval& iv, const double* features, int n_features,
                               const Pole& pole, double max_panel, Visit&& visit) {
  if (!(iv.hi > iv.lo)) return;
  const double M2 = pole.active ? pole.M2 : 0.0;
  const double xa = iv.lo - M2, xb = iv.hi - M2;
  double bp[kMaxBreakpoints];
  int n = 0;
  detail::insert_sorted(bp, n, xa);
  detail::insert_sorted(bp, n, xb);
  auto add = [&](double x) {
    if (x > xa && x < xb) detail::insert_sorted(bp, n, x);
  };
  for (int i = 0; i < n_features; ++i) add(features[i] - M2);
  for (double s = kLowQ2Grading; s > iv.lo; s *= 1.0 / kGrading) add(s - M2);
  if (pole.active) {
    const double dist = xa > 0.0 ? xa : (xb < 0.0 ? -xb : 0.0);
    const double base = pole.gamma > dist ? pole.gamma : dist;
    const double reach = std::fabs(xa) > std::fabs(xb) ? std::fabs(xa) : std::fabs(xb);
    add(0.0);
    double h = base;
    for (int j = 0; j < 80 && h < reach; ++j, h *= kGrading) {
      add(h);
      add(-h);
    }
  }
  for (int i = 0; i + 1 < n; ++i) {
    const double p = bp[i], q = bp[i + 1];
    if (!(q > p)) continue;
    int pieces = static_cast<int>(std::ceil((q - p) / max_panel));
    pieces = pieces < 1 ? 1 : (pieces > 256 ? 256 : pieces);
    const double step = (q - p) / pieces;
    for (int k = 0; k < pieces; ++k) {
      const double u = k == 0 ? p : p + k * step;
      const double v = k == pieces - 1 ? q : p + (k + 1) * step;
      const bool s_lo = iv.sqrt_lo && u == xa, s_hi = iv.sqrt_hi && v == xb;
      if (s_lo && s_hi) {
        const double mid = 0.5 * (u + v);
        detail::gl_panel<N>(u, mid, -1, M2, visit);
        detail::gl_panel<N>(mid, v, +1, M2, visit);
      } else {
        detail::gl_panel<N>(u, v, s_lo ? -1 : (s_hi ? 1 : 0), M2, visit);
      }
    }
  }
}

}  // namespace bscan
