// Subleading hadronic effects of B -> K(*) l l as flavio 2.7 parametrises them (bpll_subleading.py,
// bvll/subleading.py): shifts of C9 (B -> K) and, per helicity, of C7, C7' (q2 <= 9) and C9
// (q2 > 14) of B -> K*, the same for both CP modes (strong phases); nothing in between. Central
// values zero: they enter as nuisance parameters of the theory covariance.
#pragma once
#include "kernels/numerics/complex.hpp"
#include "kernels/sm/physics_inputs.hpp"

namespace bscan {

inline constexpr double kSubleadingLowQ2Max = 9.0;    // flavio get_subleading: q2 <= 9
inline constexpr double kSubleadingHighQ2Min = 14.0;  // and q2 > 14

// dC9(q2) of B -> K: a + b q2 at low q2, c at high q2.
BSCAN_HD inline cplx bk_subleading_dC9(const BkSubleading& s, double q2) {
  if (q2 <= kSubleadingLowQ2Max) return s.a + q2 * s.b;
  if (q2 > kSubleadingHighQ2Min) return s.c;
  return {0.0, 0.0};
}

// Shifts of the vector-current transversity amplitudes (perp, par, 0; the same for L and R). A
// helicity-h shift d_h of C9 (or C7) moves only H_h; with A_perp, A_par ~ (H_+ -+ H_-)
// (flavio angular.py transversity_to_helicity) this is, in bscan's amplitudes:
//   dA_perp = p_perp (d_+ + d_-)/2 + p_par (d_+ - d_-)/2, dA_par = p_par (d_+ + d_-)/2 +
//   p_perp (d_+ - d_-)/2, dA_0 = p_0 d_0 for C9 (p: the C9 prefactors), and for C7 at low q2
//   dA_perp = (c_perp - c_par)(d'_+ + d_-)/2, dA_par = (c_perp - c_par)(d'_+ - d_-)/2,
//   dA_0 = c_0 d_0 (c: the C7 prefactors; d'_+ shifts C7' in H_+, d_0 and d_- shift C7).
struct TransversityShift {
  cplx perp, par, zero;
};
BSCAN_HD inline TransversityShift bv_subleading(const BvSubleading& s, double q2, double mB,
                                                double m_b, const double pre[3],
                                                const double c7[3]) {
  TransversityShift t{};
  if (q2 <= kSubleadingLowQ2Max) {
    // d = (a + b q2 / mB^2) mB / (2 m_b), helicities 0, -, + (flavio's delta_C7 convention)
    cplx d[3];
    for (int h = 0; h < 3; ++h) d[h] = (s.a[h] + (q2 / (mB * mB)) * s.b[h]) * (mB / (2.0 * m_b));
    const double c = c7[0] - c7[1];
    t.perp = 0.5 * c * (d[2] + d[1]);
    t.par = 0.5 * c * (d[2] - d[1]);
    t.zero = c7[2] * d[0];
  } else if (q2 > kSubleadingHighQ2Min) {
    const cplx sum = 0.5 * (s.c[2] + s.c[1]), diff = 0.5 * (s.c[2] - s.c[1]);
    t.perp = pre[0] * sum + pre[1] * diff;
    t.par = pre[1] * sum + pre[0] * diff;
    t.zero = pre[2] * s.c[0];
  }
  return t;
}

}  // namespace bscan
