// Model `alp_cp`: paper 000's effective pseudoscalar coefficients per lepton, the planes of its
// Figs. 2, 5 and 13. Heavy ALP (Eqs. 3.5-3.9): constant C_P+-; very light ALP (Eqs. 5.6-5.7):
// C~_P+- GeV^2 / (q2 - m_a^2 + i m_a Gamma_a). Both enter flavio's basis as C_P = (C_P+ + C_P-) /
// m_b(mu_b), C_P' = (C_P+ - C_P-) / m_b(mu_b) (paper 000 Eq. 3.9; WCxf flavio basis).
#pragma once

#include "kernels/channels/bsll.hpp"
#include "kernels/channels/rate_terms.hpp"
#include "kernels/models/model_contract.hpp"

namespace bscan {

struct AlpCpModel : NoParticle, NoQuantities {
  static constexpr const char* kName = "alp_cp";
  static constexpr const char* kDescription =
      "paper 000's effective coefficients C_P+-^l (heavy) and C~_P+-^l (very light ALP)";
  enum Param : int {
    CPplus_ee,
    CPminus_ee,
    CPplus_mumu,
    CPminus_mumu,
    CPplus_tilde_ee,
    CPminus_tilde_ee,
    CPplus_tilde_mumu,
    CPminus_tilde_mumu,
    m_a,
    Gamma_a,
    kNumParams
  };
  static constexpr const char* kHeavy = "contact coefficient, heavy ALP (Eqs. 3.5-3.9)";
  static constexpr const char* kTilde =
      "light-ALP coefficient times GeV^2/(q2 - m_a^2 + i m_a Gamma_a) (Eq. 5.6)";
  static constexpr ParamDef kParams[kNumParams] = {
      {"CPplus_ee", "1", "C_{P+}^{e}", 0.0, Range::real, kHeavy},
      {"CPminus_ee", "1", "C_{P-}^{e}", 0.0, Range::real, kHeavy},
      {"CPplus_mumu", "1", "C_{P+}^{\\mu}", 0.0, Range::real, kHeavy},
      {"CPminus_mumu", "1", "C_{P-}^{\\mu}", 0.0, Range::real, kHeavy},
      {"CPplus_tilde_ee", "GeV^2", "\\tilde C_{P+}^{e}", 0.0, Range::real, kTilde},
      {"CPminus_tilde_ee", "GeV^2", "\\tilde C_{P-}^{e}", 0.0, Range::real, kTilde},
      {"CPplus_tilde_mumu", "GeV^2", "\\tilde C_{P+}^{\\mu}", 0.0, Range::real, kTilde},
      {"CPminus_tilde_mumu", "GeV^2", "\\tilde C_{P-}^{\\mu}", 0.0, Range::real, kTilde},
      {"m_a", "GeV", "m_a", 0.0, Range::non_negative, "pole mass of the tilde terms"},
      {"Gamma_a", "GeV", "\\Gamma_a", 0.0, Range::non_negative, "pole width"},
  };
  static constexpr unsigned kPoleParams = 1u << m_a | 1u << Gamma_a;
  BSCAN_HD static constexpr WcMasks wc_masks() {
    return {1u << kCP | 1u << kCPp, 1u << kCP | 1u << kCPp};
  }

  BSCAN_HD static int offset(Lepton l) { return l == Lepton::e ? CPplus_ee : CPplus_mumu; }

  // Only the C~ terms have the pole: without them there is none (with them and Gamma_a = 0 a bin
  // around m_a^2 diverges, and is NaN, counted and reported by the run).
  BSCAN_HD static Pole pole(const PhysicsInputs&, const double* p) {
    const bool tilde = p[CPplus_tilde_ee] != 0.0 || p[CPminus_tilde_ee] != 0.0 ||
                       p[CPplus_tilde_mumu] != 0.0 || p[CPminus_tilde_mumu] != 0.0;
    return {p[m_a] * p[m_a], p[m_a] * p[Gamma_a], tilde};
  }

  BSCAN_HD static WcShifts wc_shifts(const PhysicsInputs& in, const double* p, Lepton l) {
    const int o = offset(l);
    const double plus = p[o], minus = p[o + 1];
    const double plus_t = p[o + 4], minus_t = p[o + 5];
    WcShifts s;
    s.a[kCP] = {(plus + minus) / in.sm.m_b, 0.0};
    s.a[kCPp] = {(plus - minus) / in.sm.m_b, 0.0};
    s.b[kCP] = {(plus_t + minus_t) / in.sm.m_b, 0.0};
    s.b[kCPp] = {(plus_t - minus_t) / in.sm.m_b, 0.0};
    return s;
  }

  // B_s -> l l sees C_P - C_P' = 2 C_P-(M_Bs^2) / m_b (flavio bll.py amplitudes).
  BSCAN_HD static BsllAmplitudes bs_amplitudes(const PhysicsInputs& in, const double* p, Lepton l) {
    const int o = offset(l);
    const double M2 = in.bs.m_Bs * in.bs.m_Bs;
    const cplx D{M2 - p[m_a] * p[m_a], p[m_a] * p[Gamma_a]};
    const cplx cp_minus = cplx{p[o + 1], 0.0} + cplx{p[o + 5], 0.0} / D;
    return bsll_amplitudes_wet(in, l, {0.0, 0.0}, {0.0, 0.0}, (2.0 / in.sm.m_b) * cp_minus);
  }
};

}  // namespace bscan
