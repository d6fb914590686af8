// SM effective coefficients C7eff(q2), C9eff(q2) for b -> s and its CP conjugate (physics-bkll.md
// §4.4 "Level 2"): C9 + Y(q2) + dC9(q2), C7eff + dC7(q2), with flavio's tabulated corrections.
#pragma once

#include "charm_loop.hpp"
#include "physics_inputs.hpp"

namespace bscan {

struct EffectiveC79 {
  cplx C7, C9;
};

// Natural cubic spline value of column `col` at q2 (constant beyond the table ends).
BSCAN_HD inline double spline_eval(const CorrectionTable& t, int col, double q2) {
  if (q2 <= t.q2[0]) return t.y[col];
  if (q2 >= t.q2[t.n - 1]) return t.y[(t.n - 1) * kCorrectionColumns + col];
  int lo = 0, hi = t.n - 1;
  while (hi - lo > 1) {
    const int mid = (lo + hi) / 2;
    (t.q2[mid] > q2 ? hi : lo) = mid;
  }
  const double h = t.q2[hi] - t.q2[lo];
  const double a = (t.q2[hi] - q2) / h, b = 1.0 - a;
  const int il = lo * kCorrectionColumns + col, ih = hi * kCorrectionColumns + col;
  return a * t.y[il] + b * t.y[ih] +
         ((a * a * a - a) * t.y2[il] + (b * b * b - b) * t.y2[ih]) * h * h / 6.0;
}

// conjugate = false: b -> s mode; true: the CP-conjugate (b-bar) mode. Both carry the same Y.
BSCAN_HD inline EffectiveC79 sm_effective_c79(const PhysicsInputs& in, double q2, bool conjugate) {
  const int c = conjugate ? 4 : 0;
  const CorrectionTable& t = in.corrections;
  const cplx d7{spline_eval(t, c + 0, q2), spline_eval(t, c + 1, q2)};
  const cplx d9{spline_eval(t, c + 2, q2), spline_eval(t, c + 3, q2)};
  return {cplx{in.sm.C7eff, 0.0} + d7, cplx{in.sm.C9, 0.0} + charm_loop_Y(in.sm, q2) + d9};
}

}  // namespace bscan
