// flavio's QCDF correction to the B -> K* l l transversity amplitudes (physics_inputs.hpp
// QcdfTable): A_X^{L,R} += c7_X dC7_X(q2), linear interpolation as flavio's own table
// (a natural spline would ring at its kink at q2 = 0.1), clamped below the first node.
#pragma once
#include "kernels/numerics/complex.hpp"
#include "kernels/sm/physics_inputs.hpp"

namespace bscan {

// dC7 for X = perp, par, 0 of the b -> s mode (conjugate = false) or its CP conjugate.
BSCAN_HD inline void bvll_qcdf_shifts(const QcdfTable& t, bool conjugate, double q2, cplx d[3]) {
  d[0] = d[1] = d[2] = cplx{0.0, 0.0};
  if (t.n == 0 || !(q2 < t.q2_cut)) return;
  int lo = 0, hi = t.n - 1;  // the interval [q2[lo], q2[lo + 1]] that holds q2
  while (hi - lo > 1) {
    const int mid = (lo + hi) / 2;
    if (t.q2[mid] <= q2)
      lo = mid;
    else
      hi = mid;
  }
  const double x = q2 <= t.q2[0] ? 0.0 : (q2 - t.q2[lo]) / (t.q2[hi] - t.q2[lo]);
  const int off = conjugate ? 6 : 0;
  for (int k = 0; k < 3; ++k) {
    const double* a = t.y + lo * kQcdfColumns + off + 2 * k;
    const double* b = t.y + hi * kQcdfColumns + off + 2 * k;
    d[k] = cplx{a[0] + x * (b[0] - a[0]), a[1] + x * (b[1] - a[1])};
  }
}

}  // namespace bscan
