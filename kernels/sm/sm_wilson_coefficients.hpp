// SM effective coefficients C7eff(q2), C9eff(q2) for b -> s and its CP conjugate (flavio
// get_wceff): C9 + Y(q2) + dC9(q2), C7eff + dC7(q2), with flavio's tabulated corrections.
#pragma once

#include "kernels/sm/charm_loop.hpp"
#include "kernels/sm/physics_inputs.hpp"

namespace bscan {

struct EffectiveC79 {
  cplx C7, C9;
};

// Natural cubic spline values at q2 (constant beyond the table ends) of one CP mode's columns:
// out[0..4) = re/im of dC7, dC9 (from first_col), out[4..6) = re/im of ddC7/dmc (from
// slope_col); one interval search for all of them.
BSCAN_HD inline void spline_eval(const CorrectionTable& t, int first_col, int slope_col, double q2,
                                 double* out) {
  const int cols[6] = {first_col,     first_col + 1, first_col + 2,
                       first_col + 3, slope_col,     slope_col + 1};
  if (q2 <= t.q2[0] || q2 >= t.q2[t.n - 1]) {
    const int row = q2 <= t.q2[0] ? 0 : t.n - 1;
    for (int c = 0; c < 6; ++c) out[c] = t.y[row * kCorrectionColumns + cols[c]];
    return;
  }
  int lo = 0, hi = t.n - 1;
  while (hi - lo > 1) {
    const int mid = (lo + hi) / 2;
    (t.q2[mid] > q2 ? hi : lo) = mid;
  }
  const double h = t.q2[hi] - t.q2[lo];
  const double a = (t.q2[hi] - q2) / h, b = 1.0 - a;
  const double ca = (a * a * a - a) * h * h / 6.0, cb = (b * b * b - b) * h * h / 6.0;
  for (int c = 0; c < 6; ++c) {
    const int il = lo * kCorrectionColumns + cols[c], ih = il + (hi - lo) * kCorrectionColumns;
    out[c] = a * t.y[il] + b * t.y[ih] + ca * t.y2[il] + cb * t.y2[ih];
  }
}

// conjugate = false: b -> s mode; true: the CP-conjugate (b-bar) mode. Both carry the same Y. dC7
// is linear in m_c_BVgamma around the table's mc0 (its secant slope over +-1 sigma).
BSCAN_HD inline EffectiveC79 sm_effective_c79(const PhysicsInputs& in, double q2, bool conjugate,
                                              cplx Y) {
  double d[6];
  spline_eval(in.corrections, conjugate ? 4 : 0, kCorrectionSlopes + (conjugate ? 2 : 0), q2, d);
  const double dm = in.sm.m_c_BVgamma - in.corrections.mc0;
  return {cplx{in.sm.C7eff + d[0] + dm * d[4], d[1] + dm * d[5]}, cplx{in.sm.C9 + d[2], d[3]} + Y};
}

BSCAN_HD inline EffectiveC79 sm_effective_c79(const PhysicsInputs& in, double q2, bool conjugate) {
  return sm_effective_c79(in, q2, conjugate, charm_loop_Y(in.sm, q2));
}

}  // namespace bscan
