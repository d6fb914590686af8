// B_s -> l+ l- (flavio bll.py br_inst, br_timeint; De Bruyn et al., arXiv:1204.1737): the
// dimensionless amplitudes P, S and the time-integrated (untagged) branching ratio.
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

// A neutral B_q meson decaying to l l: mass, width, decay constant, y_q = DeltaGamma/(2 Gamma)
// and xi_t = V_tb V_tq^*.
struct LeptonicMeson {
  double m, Gamma, f, y;
  cplx xi_t;
};

// Time-integrated BR = BR_inst (1 + A_DeltaGamma y_q) / (1 - y_q^2), with
// BR_inst = G_F^2 alpha^2 |xi_t|^2 f^2 M m_l^2 beta (|P|^2 + |S|^2) / (16 pi^3 Gamma) and
// A_DeltaGamma = (Re P^2 - Re S^2) / (|P|^2 + |S|^2) [arXiv:1204.1737 as cited by flavio].
BSCAN_HD inline double bqll_branching_ratio(const PhysicsInputs& in, const LeptonicMeson& b,
                                            Lepton l, const BsllAmplitudes& a) {
  constexpr double kPi = 3.14159265358979323846;
  const double ml = in.m_lepton[static_cast<int>(l)];
  const double sum = norm2(a.P) + norm2(a.S);
  const double br_inst = in.sm.G_F * in.sm.G_F * in.sm.alpha_e * in.sm.alpha_e * norm2(b.xi_t) *
                         b.f * b.f * b.m * ml * ml * lepton_beta(b.m * b.m, ml) * sum /
                         (16.0 * kPi * kPi * kPi * b.Gamma);
  const double a_dg = ((a.P * a.P).re - (a.S * a.S).re) / sum;
  return br_inst * (1.0 + a_dg * b.y) / (1.0 - b.y * b.y);
}

BSCAN_HD inline double bsll_branching_ratio(const PhysicsInputs& in, Lepton l,
                                            const BsllAmplitudes& a) {
  const BsInputs& bs = in.bs;
  return bqll_branching_ratio(in, {bs.m_Bs, bs.Gamma_Bs, bs.f_Bs, bs.y_s, in.sm.xi_t}, l, a);
}

// B0 -> l l in the SM (P = C10, S = 0: the models shift b -> s only), the instantaneous BR as
// flavio's BR(B0->ll) (bll.py br_inst: y_d ~ 1e-3 left out).
BSCAN_HD inline double bdll_branching_ratio(const PhysicsInputs& in, Lepton l) {
  const BToVInputs& b0 = in.b0_kstar0;
  return bqll_branching_ratio(in, {b0.m_B, b0.Gamma_B, in.bd.f_B0, 0.0, in.bd.xi_t}, l,
                              {cplx{in.sm.C10, 0.0}, cplx{0.0, 0.0}});
}

}  // namespace bscan
