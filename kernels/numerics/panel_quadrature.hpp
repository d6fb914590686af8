// Resonance-aware composite Gauss-Legendre quadrature in q2 (docs/numerics.md, Quadrature), with
// no adaptive control flow: the panels depend only on the geometry (interval, breakpoints, singular
// points), never on integrand values, so every thread that integrates the same pole does the same
// work.
//
// Panels: between consecutive breakpoints (interval ends, the caller's feature points, the pole and
// the branch points inside the interval), each panel is split until it lies at least a third of
// its length away from every singular point: the Breit-Wigner pole (its singularities sit at
// x = +-i M Gamma, so its distance is |dist| + M Gamma) and the square-root branch points of the
// integrand (lepton threshold, q2_max, the charm threshold, q2 = 0). The piece next to the
// offending point gets length 3 d, so panels grow geometrically (x4) away from it: a 10-point rule
// then sees every singularity outside a Bernstein ellipse of rho >= 3 (error ~rho^-20 ~ 3e-10 per
// panel) for any width, down to Gamma/M = 1e-18 and below. A panel that ends on a branch point gets
// the substitution x = end +- len tau^2, which makes a square-root end smooth in tau.
#pragma once
#include <cmath>

#include "kernels/backend.hpp"
#include "kernels/numerics/gauss_legendre.hpp"

namespace bscan {

struct Pole {
  double M2 = 0.0;     // squared mass [GeV^2]
  double gamma = 0.0;  // M * Gamma [GeV^2]
  bool active = false;
};

inline constexpr int kMaxBreakpoints = 64;  // ends, features, branch points, pole
inline constexpr int kMaxBranchPoints = 8;
inline constexpr double kMinRelativeDistance =
    1e-24;  // floor of d / panel: bounds the splits (~40)

// An integration interval in q2 and the square-root branch points of its integrand.
struct Interval {
  double lo, hi;
  double branch[kMaxBranchPoints];
  int n_branch = 0;
};

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

// The singular point closest to [u, v] relative to its length, if it is too close: returns the
// cut that separates a piece of length 3 d (at most half the panel) next to it, or NaN when the
// panel is fine. A panel that gets the tau^2 substitution at an end compresses its other end by
// about 2, so there every other singular point must be a whole panel length away.
BSCAN_HD inline double cut_towards_singularity(double u, double v, bool substituted,
                                               const double* xb, int nb, bool pole, double gamma) {
  const double len = v - u;
  double best_d = substituted ? len : len / 3.0, cut = NAN;
  auto consider = [&](double s, double offset, bool branch) {
    if (branch && (s == u || s == v)) return;  // handled by the tau^2 substitution
    const double dist = s <= u ? u - s : (s >= v ? s - v : 0.0);
    double d = std::sqrt(dist * dist + offset * offset);
    if (d < kMinRelativeDistance * len) d = kMinRelativeDistance * len;
    if (d < best_d) {
      best_d = d;
      const double piece = 3.0 * d < 0.5 * len ? 3.0 * d : 0.5 * len;
      cut = s <= u ? u + piece : v - piece;
    }
  };
  if (pole) consider(0.0, gamma, false);
  for (int i = 0; i < nb; ++i) consider(xb[i], 0.0, true);
  return cut;
}

}  // namespace detail

// Calls visit_panel(u, v, sing) for every panel [u, v] in x = q2 - M2 (sing = -1 / +1: square-root
// end at u / v, to be integrated with the tau^2 substitution; 0: none). `features` are extra
// breakpoints (e.g. the edges of a smearing window); `nodes` (sorted, may be null) are more of
// them, merged on the fly, for long lists such as the nodes of an interpolation table, whose kinks
// then sit on panel ends. Panels are at most `max_panel` long. A zero-width pole inside the range
// has no finite integral: then visit_panel(0, 0, 2) is the only call.
template <class VisitPanel>
BSCAN_HD void for_each_panel(const Interval& iv, const double* features, int n_features,
                             const double* nodes, int n_nodes, const Pole& pole, double max_panel,
                             VisitPanel&& visit_panel) {
  if (!(iv.hi > iv.lo)) return;
  const double M2 = pole.active ? pole.M2 : 0.0;
  const double xa = iv.lo - M2, xb = iv.hi - M2;
  if (pole.active && !(pole.gamma > 0.0) && xa <= 0.0 && xb >= 0.0) {
    visit_panel(0.0, 0.0, 2);
    return;
  }
  double branch[kMaxBranchPoints];
  for (int i = 0; i < iv.n_branch; ++i) branch[i] = iv.branch[i] - M2;
  double bp[kMaxBreakpoints];
  int n = 0;
  detail::insert_sorted(bp, n, xa);
  detail::insert_sorted(bp, n, xb);
  auto add = [&](double x) {
    if (x > xa && x < xb) detail::insert_sorted(bp, n, x);
  };
  for (int i = 0; i < n_features; ++i) add(features[i] - M2);
  for (int i = 0; i < iv.n_branch; ++i) add(branch[i]);
  if (pole.active) add(0.0);
  auto is_branch = [&](double x) {
    for (int i = 0; i < iv.n_branch; ++i)
      if (branch[i] == x) return true;
    return false;
  };
  auto emit = [&](double u, double v) {
    int pieces = static_cast<int>(std::ceil((v - u) / max_panel));
    pieces = pieces < 1 ? 1 : (pieces > 256 ? 256 : pieces);
    const double step = (v - u) / pieces;
    for (int k = 0; k < pieces; ++k) {
      const double a = k == 0 ? u : u + k * step, b = k == pieces - 1 ? v : u + (k + 1) * step;
      const bool s_lo = k == 0 && is_branch(u), s_hi = k == pieces - 1 && is_branch(v);
      if (s_lo && s_hi) {
        const double mid = 0.5 * (a + b);
        visit_panel(a, mid, -1);
        visit_panel(mid, b, +1);
      } else {
        visit_panel(a, b, s_lo ? -1 : (s_hi ? 1 : 0));
      }
    }
  };
  // First table node inside the interval.
  int j = 0;
  for (int end = n_nodes; j < end;) {
    const int mid = (j + end) / 2;
    if (nodes[mid] - M2 > xa) {
      end = mid;
    } else {
      j = mid + 1;
    }
  }
  double cur = xa;
  for (int i = 1; i < n;) {
    const double node = j < n_nodes ? nodes[j] - M2 : INFINITY;
    const double next = node < bp[i] ? node : bp[i];
    if (node <= next) ++j;
    if (bp[i] <= next) ++i;
    if (!(next > cur)) continue;
    // Split [cur, next] geometrically towards its singular points; a small stack of pending
    // pieces (each split leaves one piece next to the singularity and the rest).
    double stack_u[96], stack_v[96];
    int top = 0;
    stack_u[top] = cur;
    stack_v[top++] = next;
    cur = next;
    while (top > 0) {
      --top;
      const double u = stack_u[top], v = stack_v[top];
      if (!(v > u)) continue;
      const double cut = detail::cut_towards_singularity(u, v, is_branch(u) || is_branch(v), branch,
                                                         iv.n_branch, pole.active, pole.gamma);
      if (std::isnan(cut) || !(cut > u && cut < v) || top + 2 > 96) {
        emit(u, v);
        continue;
      }
      stack_u[top] = cut;  // the two pieces are checked again (another point may be close)
      stack_v[top++] = v;
      stack_u[top] = u;
      stack_v[top++] = cut;
    }
  }
}

// Calls visit(q2, x, w) for every node, so that  int f(q2) dq2 ~= sum w f(q2);  x = q2 - M2 is
// exact relative to the pole (use it, not q2 - M2, to build the propagator). Panels as in
// for_each_panel; a zero-width pole inside the range gives the single call visit(M2, 0, NaN).
template <int N, class Visit>
BSCAN_HD void panel_quadrature(const Interval& iv, const double* features, int n_features,
                               const double* nodes, int n_nodes, const Pole& pole, double max_panel,
                               Visit&& visit) {
  const double M2 = pole.active ? pole.M2 : 0.0;
  for_each_panel(iv, features, n_features, nodes, n_nodes, pole, max_panel,
                 [&](double u, double v, int sing) {
                   if (sing == 2) {
                     visit(M2, 0.0, NAN);
                     return;
                   }
                   detail::gl_panel<N>(u, v, sing, M2, visit);
                 });
}

}  // namespace bscan
