// B_s -> l+ l- (physics-models.md §A4; flavio bll.py br_inst, br_timeint): the dimensionless
// amplitudes P, S and the time-integrated (untagged) branching ratio.
#pragma once
#include <cmath>

#include "kernels/sm/kinematics.hpp"
#include "kernels/sm/physics_inputs.hpp"

namespace bscan {

struct BsllAmplitudes {
  cplx P, S;
};

// P = C10 - C10' + M^2/(2 m_l) m_b/(m_b + m_s) (C_P - C_P'),
// S = beta M^2/(2 m_l) m_b/(m_b + m_s) (C_S - C_S')   (flavio basis, C_S,P in GeV^-1).
BSCAN_HD inline BsllAmplitudes bsll_amplitudes_wet(const PhysicsInputs& in, Lepton l, cplx c10_diff,
                                                   cplx cs_diff, cplx cp_diff) {
  const double ml = in.m_lepton[static_cast<int>(l)], M = in.bs.m_Bs;
  const double k = M * M / (2.0 * ml) * in.sm.m_b / (in.sm.m_b + in.sm.m_s);
  const double beta = lepton_beta(M * M, ml);
  return {cplx{in.sm.C10, 0.0} + c10_diff + k * cp_diff, (beta * k) * cs_diff};
}

// Time-integrated BR = BR_inst (1 + A_DeltaGamma y_s) / (1 - y_s^2), with
// BR_inst = G_F^2 alpha^2 |xi_t|^2 f_Bs^2 M m_l^2 beta (|P|^2 + |S|^2) / (16 pi^3 Gamma_Bs) and
// A_DeltaGamma = (Re P^2 - Re S^2) / (|P|^2 + |S|^2) [arXiv:1204.1737 as cited by flavio].
BSCAN_HD inline double bsll_branching_ratio(const PhysicsInputs& in, Lepton l,
                                            const BsllAmplitudes& a) {
  constexpr double kPi = 3.14159265358979323846;
  const BsInputs& bs = in.bs;
  const double ml = in.m_lepton[static_cast<int>(l)];
  const double sum = norm2(a.P) + norm2(a.S);
  const double br_inst = in.sm.G_F * in.sm.G_F * in.sm.alpha_e * in.sm.alpha_e * norm2(in.sm.xi_t) *
                         bs.f_Bs * bs.f_Bs * bs.m_Bs * ml * ml *
                         lepton_beta(bs.m_Bs * bs.m_Bs, ml) * sum /
                         (16.0 * kPi * kPi * kPi * bs.Gamma_Bs);
  const double a_dg = ((a.P * a.P).re - (a.S * a.S).re) / sum;
  return br_inst * (1.0 + a_dg * bs.y_s) / (1.0 - bs.y_s * bs.y_s);
}

}  // namespace bscan
