// dGamma/dq2(B -> K* (-> K pi) l l) as a Hermitian form in the transversity amplitudes
// A = (A_perp^L, A_perp^R, A_par^L, A_par^R, A_0^L, A_0^R, A_t, A_S) (Altmannshofer et al.,
// arXiv:0811.1214; verified against flavio angular.py), summed over the K* decay angles:
// dGamma/dq2 = 3/4 (2 J1s + J1c) - 1/4 (2 J2s + J2c), and its spectral decomposition in the
// directions (dC9 + dC9', dC10 + dC10', dC9 - dC9', dC10 - dC10', dCS - dCS', dCP - dCP').
#pragma once
#include <cmath>

#include "kernels/channels/spectral.hpp"
#include "kernels/sm/bvll_form_factors.hpp"
#include "kernels/sm/bvll_qcdf.hpp"
#include "kernels/sm/kinematics.hpp"
#include "kernels/sm/sm_wilson_coefficients.hpp"
#include "kernels/sm/subleading.hpp"

namespace bscan {

enum KstarDir : int {
  kDirC9Plus = 0,
  kDirC10Plus = 1,
  kDirC9Minus = 2,
  kDirC10Minus = 3,
  kDirCSMinus = 4,
  kDirCPMinus = 5,
  kKstarDirs = 6
};

// What a K* term integrates: the rate, or one angular coefficient J_i (arXiv:0811.1214
// "theory" signs; the same decomposition holds for each, only the Hermitian form differs).
enum KstarComponent : int {
  kRate = 0,
  kJ1s,
  kJ1c,
  kJ2s,
  kJ2c,
  kJ3,
  kJ4,
  kJ5,
  kJ6s,
  kJ6c,
  kJ7,
  kJ8,
  kJ9
};

BSCAN_HD inline double bv_q2_max(const BToVInputs& ch) {
  return (ch.m_B - ch.m_V) * (ch.m_B - ch.m_V);
}

// S, L, Q at the point k for both CP modes; zero outside the physical range. with_vector = false
// drops the SM vector-current parts (C9eff, C7eff) of the amplitudes (see bkll_spectral.hpp).
BSCAN_HD inline Spectral bvll_spectral(const PhysicsInputs& in, const BToVInputs& ch, Lepton lep,
                                       const KinPoint& k, bool with_vector = true,
                                       int component = kRate) {
  constexpr double kPi = 3.14159265358979323846;
  constexpr int kA = 8;  // amplitudes
  Spectral out;
  const double m = in.m_lepton[static_cast<int>(lep)];
  if (!(k.above_min > 0.0) || k.below_max < 0.0) return out;
  const double q2 = k.q2, sq = std::sqrt(q2);
  const BvFormFactors ff = bv_form_factors(ch, q2);
  const double mB = ch.m_B, mV = ch.m_V;
  const double lam = kallen_factored(mB, mV, k), sqlam = std::sqrt(lam > 0.0 ? lam : 0.0);
  const double beta2 = k.above_min / q2, beta = std::sqrt(beta2);
  // N = |V_tb V_ts^*| [G_F^2 alpha^2 q2 sqrt(lambda) beta / (3 2^10 pi^5 M_B^3)]^(1/2); the CKM
  // phase is common to all amplitudes and drops out of the rate.
  const double N =
      std::sqrt(norm2(in.sm.xi_t) * in.sm.G_F * in.sm.G_F * in.sm.alpha_e * in.sm.alpha_e * q2 *
                sqlam * beta / (3.0 * 1024.0 * std::pow(kPi, 5) * mB * mB * mB));
  const double s2 = 1.4142135623730951;
  const double pre_perp = s2 * N * sqlam * ff.V / (mB + mV);
  const double pre_par = -s2 * N * (mB * mB - mV * mV) * ff.A1 / (mB - mV);
  const double pre_0 = -8.0 * N * mB * mV / sq * ff.A12;
  const double pre_t = 2.0 * N * sqlam / sq * ff.A0;
  const double pre_s = -2.0 * N * sqlam * ff.A0;
  const double c7_perp = s2 * N * sqlam * 2.0 * in.sm.m_b / q2 * ff.T1;
  const double c7_par = -s2 * N * (mB * mB - mV * mV) * 2.0 * in.sm.m_b / q2 * ff.T2;
  const double c7_0 = -8.0 * N * mB * mV / sq * in.sm.m_b / (mB + mV) * ff.T23;
  // M: the component = A^dagger M A (Hermitian). Amplitude order: perp L/R, par L/R, 0 L/R, t, S.
  cplx M[kA][kA] = {};
  auto re = [&M](int a, int b, double c) {  // adds c Re(A_a A_b^*)
    M[a][b] += cplx{0.5 * c, 0.0};
    M[b][a] += cplx{0.5 * c, 0.0};
  };
  auto im = [&M](int a, int b, double c) {  // adds c Im(A_a A_b^*)
    M[a][b] += cplx{0.0, 0.5 * c};
    M[b][a] += cplx{0.0, -0.5 * c};
  };
  const double r = m / sq, ml2 = 4.0 * m * m / q2, b2s = beta2 / s2;
  switch (component) {
    case kRate:  // 3/4 (2 J1s + J1c) - 1/4 (2 J2s + J2c)
      for (int i = 0; i < 6; ++i) re(i, i, (3.0 + beta2) / 4.0);
      for (int i = 0; i < 6; i += 2) re(i, i + 1, 1.5 * ml2);
      re(6, 6, 0.75 * ml2);
      re(7, 7, 0.75 * beta2);
      break;
    case kJ1s:
      for (int i = 0; i < 4; ++i) re(i, i, (2.0 + beta2) / 4.0);
      re(0, 1, ml2);
      re(2, 3, ml2);
      break;
    case kJ1c:
      re(4, 4, 1.0);
      re(5, 5, 1.0);
      re(6, 6, ml2);
      re(4, 5, 2.0 * ml2);
      re(7, 7, beta2);
      break;
    case kJ2s:
      for (int i = 0; i < 4; ++i) re(i, i, beta2 / 4.0);
      break;
    case kJ2c:
      re(4, 4, -beta2);
      re(5, 5, -beta2);
      break;
    case kJ3:
      for (int i = 0; i < 2; ++i) re(i, i, beta2 / 2.0);
      for (int i = 2; i < 4; ++i) re(i, i, -beta2 / 2.0);
      break;
    case kJ4:
      re(4, 2, b2s);
      re(5, 3, b2s);
      break;
    case kJ5:  // sqrt2 beta [Re(A0L AperpL*) - Re(A0R AperpR*) - r Re((AparL + AparR) AS*)]
      re(4, 0, s2 * beta);
      re(5, 1, -s2 * beta);
      re(2, 7, -s2 * beta * r);
      re(3, 7, -s2 * beta * r);
      break;
    case kJ6s:  // 2 beta [Re(AparL AperpL*) - Re(AparR AperpR*)]
      re(2, 0, 2.0 * beta);
      re(3, 1, -2.0 * beta);
      break;
    case kJ6c:  // 4 beta r Re((A0L + A0R) AS*)
      re(4, 7, 4.0 * beta * r);
      re(5, 7, 4.0 * beta * r);
      break;
    case kJ7:  // sqrt2 beta [Im(A0L AparL*) - Im(A0R AparR*) + r Im((AperpL + AperpR) AS*)]
      im(4, 2, s2 * beta);
      im(5, 3, -s2 * beta);
      im(0, 7, s2 * beta * r);
      im(1, 7, s2 * beta * r);
      break;
    case kJ8:  // beta^2/sqrt2 sum Im(A0 Aperp*)
      im(4, 0, b2s);
      im(5, 1, b2s);
      break;
    case kJ9:  // beta^2 sum Im(Apar* Aperp) = beta^2 sum Im(Aperp Apar*)
      im(0, 2, beta2);
      im(1, 3, beta2);
      break;
  }
  // A = A0 + U c.
  double U[kA][kKstarDirs] = {};
  U[0][kDirC9Plus] = U[1][kDirC9Plus] = pre_perp;
  U[0][kDirC10Plus] = -pre_perp;
  U[1][kDirC10Plus] = pre_perp;
  U[2][kDirC9Minus] = U[3][kDirC9Minus] = pre_par;
  U[2][kDirC10Minus] = -pre_par;
  U[3][kDirC10Minus] = pre_par;
  U[4][kDirC9Minus] = U[5][kDirC9Minus] = pre_0;
  U[4][kDirC10Minus] = -pre_0;
  U[5][kDirC10Minus] = pre_0;
  U[6][kDirC10Minus] = pre_t;
  U[6][kDirCPMinus] = pre_t * q2 / (2.0 * m);
  U[7][kDirCSMinus] = pre_s;
  cplx MU[kA][kKstarDirs] = {};
  for (int i = 0; i < kA; ++i)
    for (int d = 0; d < kKstarDirs; ++d)
      for (int j = 0; j < kA; ++j)
        if (U[j][d] != 0.0) MU[i][d] += U[j][d] * M[i][j];
  for (int d = 0; d < kKstarDirs; ++d)
    for (int e = 0; e < kKstarDirs; ++e) {
      cplx q{0.0, 0.0};
      for (int i = 0; i < kA; ++i) q += U[i][d] * MU[i][e];
      out.Q[d][e] = q;
    }
  const cplx Y = with_vector ? charm_loop_Y(in.sm, q2) : cplx{};
  const cplx C10{in.sm.C10, 0.0};
  const double pre_v[3] = {pre_perp, pre_par, pre_0}, c7_v[3] = {c7_perp, c7_par, c7_0};
  const TransversityShift sub =
      with_vector ? bv_subleading(in.bv_subleading, q2, mB, in.sm.m_b, pre_v, c7_v)
                  : TransversityShift{};
  for (int mode = 0; mode < 2; ++mode) {
    cplx C9{0.0, 0.0}, C7perp{0.0, 0.0}, C7par{0.0, 0.0}, C70{0.0, 0.0};
    if (with_vector) {
      const EffectiveC79 c79 = sm_effective_c79(in, q2, mode == 1, Y);
      cplx qcdf[3];  // QCDF: a C7-like shift per transversity amplitude (bvll_qcdf.hpp)
      bvll_qcdf_shifts(in.bvll_qcdf, mode == 1, q2, qcdf);
      C9 = c79.C9;
      C7perp = c79.C7 + cplx{in.sm.C7peff, 0.0} + qcdf[0];
      C7par = c79.C7 - cplx{in.sm.C7peff, 0.0} + qcdf[1];
      C70 = c79.C7 - cplx{in.sm.C7peff, 0.0} + qcdf[2];
    }
    const cplx A0[kA] = {pre_perp * (C9 - C10) + c7_perp * C7perp + sub.perp,
                         pre_perp * (C9 + C10) + c7_perp * C7perp + sub.perp,
                         pre_par * (C9 - C10) + c7_par * C7par + sub.par,
                         pre_par * (C9 + C10) + c7_par * C7par + sub.par,
                         pre_0 * (C9 - C10) + c7_0 * C70 + sub.zero,
                         pre_0 * (C9 + C10) + c7_0 * C70 + sub.zero,
                         pre_t * C10,
                         {0.0, 0.0}};
    double s = 0.0;
    for (int i = 0; i < kA; ++i)
      for (int j = 0; j < kA; ++j)
        if (M[i][j].re != 0.0 || M[i][j].im != 0.0) s += (conj(A0[i]) * M[i][j] * A0[j]).re;
    out.S[mode] = s;
    for (int d = 0; d < kKstarDirs; ++d) {
      cplx l{0.0, 0.0};
      for (int i = 0; i < kA; ++i) l += conj(A0[i]) * MU[i][d];
      out.L[mode][d] = l;
    }
  }
  return out;
}

}  // namespace bscan
