// dGamma/dq2(B -> K l l) as a Hermitian form in F = (F_V, F_A, F_S, F_P) (BHP form as in EOS,
// arXiv:0709.4174; verified against flavio) and its spectral decomposition in the directions
// c = (dC9 + dC9', dC10 + dC10', dCS + dCS', dCP + dCP') (flavio basis, C_S,P in GeV^-1).
#pragma once
#include <cmath>

#include "kernels/channels/spectral.hpp"
#include "kernels/sm/bk_form_factors.hpp"
#include "kernels/sm/kinematics.hpp"
#include "kernels/sm/sm_wilson_coefficients.hpp"
#include "kernels/sm/subleading.hpp"

namespace bscan {

// Directions of B -> K: the sums C_i + C_i' (flavio angular.py helicity_amps_p).
enum BkDir : int { kDirC9 = 0, kDirC10 = 1, kDirCS = 2, kDirCP = 3, kBkDirs = 4 };

BSCAN_HD inline double bk_q2_max(const BToKInputs& ch) {
  return (ch.m_B - ch.m_K) * (ch.m_B - ch.m_K);
}

// S, L, Q of dGamma/dq2 [GeV^-1] at the point k (both CP modes); zero outside the physical range.
// with_vector = false skips the vector-current SM amplitude F_V (charm loop, flavio corrections):
// then S and L_C9 are not computed, which is all a model without C9/C7 shifts needs in stage 1.
BSCAN_HD inline Spectral bkll_spectral(const PhysicsInputs& in, const BToKInputs& ch, Lepton lep,
                                       const KinPoint& k, bool with_vector = true) {
  constexpr double kPi = 3.14159265358979323846;
  Spectral out;
  const double m = in.m_lepton[static_cast<int>(lep)];
  if (!(k.above_min > 0.0) || k.below_max < 0.0) return out;
  const double q2 = k.q2;
  const BkFormFactors ff = bk_form_factors(ch, q2);
  const double mB2 = ch.m_B * ch.m_B, mK2 = ch.m_K * ch.m_K;
  const double lam = kallen_factored(ch.m_B, ch.m_K, k);
  const double beta = std::sqrt(k.above_min / q2);
  const double sqlam = std::sqrt(lam > 0.0 ? lam : 0.0);
  // Gamma_0 = G_F^2 alpha^2 |xi_t|^2 / (512 pi^5 M_B^3) sqrt(lambda) beta f+^2 [EOS
  // b-to-k-ll-base.cc]
  const double g0 = in.sm.G_F * in.sm.G_F * in.sm.alpha_e * in.sm.alpha_e * norm2(in.sm.xi_t) /
                    (512.0 * std::pow(kPi, 5) * mB2 * ch.m_B) * sqlam * beta * ff.f_plus *
                    ff.f_plus;
  // dGamma/dq2 = 2 (a + c/3) written as F^dagger M F with real symmetric M.
  const double mVV = 2.0 * g0 * lam / 4.0 * (1.0 - beta * beta / 3.0);
  const double mAA = mVV + 2.0 * g0 * 4.0 * m * m * mB2;
  const double mSS = 2.0 * g0 * q2 * beta * beta;
  const double mPP = 2.0 * g0 * q2;
  const double mPA = 2.0 * g0 * m * (mB2 - mK2 + q2);
  // F = F0 + U c:  F_V += c9, F_A += c10, F_S += ks cS, F_P += ks cP + m X c10.
  const double ks = 0.5 * (mB2 - mK2) * ff.f_zero / ff.f_plus;
  const double X = (mB2 - mK2) / q2 * (ff.f_zero / ff.f_plus - 1.0) - 1.0;
  const double c7_pre = 2.0 * in.sm.m_b / (ch.m_B + ch.m_K) * ff.f_T / ff.f_plus;
  const double F0A = in.sm.C10;
  const double F0P = m * X * F0A;
  // Columns of U^T M (rows V, A, S, P of M times U): needed for L and Q.
  // (M U)_{i,k}: k = c9 -> M_{i,V}; c10 -> M_{i,A} + m X M_{i,P}; cS -> ks M_{i,S}; cP -> ks
  // M_{i,P}.
  const double MU[4][4] = {
      {mVV, 0.0, 0.0, 0.0},
      {0.0, mAA + m * X * mPA, 0.0, ks * mPA},
      {0.0, 0.0, ks * mSS, 0.0},
      {0.0, mPA + m * X * mPP, 0.0, ks * mPP},
  };
  const double U[4][4] = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, ks, 0}, {0, m * X, 0, ks}};
  for (int kk = 0; kk < kBkDirs; ++kk)
    for (int l = 0; l < kBkDirs; ++l) {
      double q = 0.0;
      for (int i = 0; i < 4; ++i) q += U[i][kk] * MU[i][l];
      out.Q[kk][l] = {q, 0.0};
    }
  const cplx Y = with_vector ? charm_loop_Y(in.sm, q2) : cplx{};
  for (int mode = 0; mode < 2; ++mode) {
    cplx F0V{0.0, 0.0};
    if (with_vector) {
      const EffectiveC79 c79 = sm_effective_c79(in, q2, mode == 1, Y);
      F0V = c79.C9 + bk_subleading_dC9(in.bk_subleading, q2) +
            c7_pre * (c79.C7 + cplx{in.sm.C7peff, 0.0});
    }
    const cplx F0[4] = {F0V, {F0A, 0.0}, {0.0, 0.0}, {F0P, 0.0}};
    out.S[mode] = mVV * norm2(F0V) + mAA * F0A * F0A + mPP * F0P * F0P + 2.0 * mPA * F0P * F0A;
    for (int kk = 0; kk < kBkDirs; ++kk) {
      cplx l{0.0, 0.0};
      for (int i = 0; i < 4; ++i) l += MU[i][kk] * conj(F0[i]);
      out.L[mode][kk] = l;
    }
  }
  return out;
}

}  // namespace bscan
