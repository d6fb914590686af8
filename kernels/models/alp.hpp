// Model `alp` (paper 000, arXiv:2209.11247; docs/physics.md): an axion-like particle a with
// flavour-violating couplings to s-bar b and pseudoscalar couplings to e, mu, photons. It shifts
// C_P, C_P' through the propagator P(q2) = 1/(q2 - m_a^2 + i m_a Gamma_a) at every mass (no heavy /
// light switch).
#pragma once
#include <cmath>

#include "kernels/channels/bsll.hpp"
#include "kernels/channels/rate_terms.hpp"
#include "kernels/models/alp_g2.hpp"
#include "kernels/models/model_contract.hpp"
#include "kernels/sm/bk_form_factors.hpp"
#include "kernels/sm/bvll_form_factors.hpp"
#include "kernels/sm/kinematics.hpp"

namespace bscan {

struct AlpModel {
  static constexpr const char* kName = "alp";
  static constexpr const char* kDescription =
      "axion-like particle coupled to s-b, leptons and photons (paper 000)";
  static constexpr const char* kSymbol = "a";
  static constexpr const char* kSymbolLatex = "a";
  enum Param : int { m_a, c_sb_plus, c_sb_minus, c_ee, c_mumu, c_gamma, f_a, kNumParams };
  static constexpr int kMassParam = m_a;
  static constexpr ParamDef kParams[kNumParams] = {
      {"m_a", "GeV", "m_a", 1.0, Range::positive, "ALP mass"},
      {"c_sb_plus", "GeV^-1", "(c_d+c_Q)_{sb}/f_a", 0.0, Range::real,
       "scalar s-b coupling over f_a"},
      {"c_sb_minus", "GeV^-1", "(c_d-c_Q)_{sb}/f_a", 0.0, Range::real,
       "pseudoscalar s-b coupling over f_a"},
      {"c_ee", "GeV^-1", "(c_e-c_L)_{ee}/f_a", 0.0, Range::real, "electron coupling over f_a"},
      {"c_mumu", "GeV^-1", "(c_e-c_L)_{\\mu\\mu}/f_a", 0.0, Range::real, "muon coupling over f_a"},
      {"c_gamma", "GeV^-1", "c_{a\\gamma\\gamma}/f_a", 0.0, Range::real,
       "photon coupling over f_a (no alpha/4pi inside)"},
      // Lambda = 4 pi f_a = 1 TeV, paper 000 after Eq. (3.29); enters only logarithms.
      {"f_a", "GeV", "f_a", 1000.0 / (4.0 * 3.14159265358979323846), Range::positive,
       "ALP decay constant (only in loop logarithms)"},
  };
  // Parameters that change the pole (m_a, Gamma_a): stage-1 integrals are shared along the others.
  static constexpr unsigned kPoleParams = 1u << m_a | 1u << c_ee | 1u << c_mumu | 1u << c_gamma;
  BSCAN_HD static constexpr WcMasks wc_masks() { return {0u, 1u << kCP | 1u << kCPp}; }
  static constexpr unsigned kDecays = 1u << static_cast<int>(Decay::ee) |
                                      1u << static_cast<int>(Decay::mumu) |
                                      1u << static_cast<int>(Decay::gammagamma);
  enum Quantity : int {
    delta_a_e,
    delta_a_mu,
    DeltaMs,
    DeltaMs_over_SM,
    eft_coupling,
    delta_a_e_paper,
    delta_a_mu_paper,
    kNumQuantities
  };
  static constexpr QuantityDef kQuantities[kNumQuantities] = {
      {"delta_a_e", "\\Delta a_e", "1"},
      {"delta_a_mu", "\\Delta a_\\mu", "1"},
      {"DeltaMs", "\\Delta M_s", "ps^-1"},
      {"DeltaMs/SM", "\\Delta M_s/\\Delta M_s^{\\rm SM}", "1"},
      {"eft_coupling", "\\max_i |c_i|", "1"},
      {"delta_a_e_paper", "\\Delta a_e^{\\rm paper}", "1"},
      {"delta_a_mu_paper", "\\Delta a_\\mu^{\\rm paper}", "1"},
  };

  BSCAN_HD static double c_ll(const double* p, Lepton l) {
    return l == Lepton::e ? p[c_ee] : p[c_mumu];
  }

  // Gamma(a -> l l) = m_a m_l^2 c_ll^2 beta / (8 pi) [paper 000 Eq. 4.5].
  BSCAN_HD static double width_ll(const PhysicsInputs& in, const double* p, Lepton l) {
    constexpr double kPi = 3.14159265358979323846;
    const double ml = in.m_lepton[static_cast<int>(l)], c = c_ll(p, l);
    return p[m_a] * ml * ml * c * c * lepton_beta(p[m_a] * p[m_a], ml) / (8.0 * kPi);
  }

  // Lepton-loop function B1(tau) = 1 - tau f(tau)^2 (arXiv:1708.00443; ALPaca common.py).
  BSCAN_HD static cplx loop_B1(double tau) {
    constexpr double kPi = 3.14159265358979323846;
    cplx f;
    if (tau >= 1.0) {
      f = {std::asin(1.0 / std::sqrt(tau)), 0.0};
    } else {
      // ln((1+s)/(1-s)) with 1-s = tau/(1+s): no cancellation for tau -> 0 (a heavy ALP; 1-s
      // was 0 below tau ~ 1e-16 and B1 infinite).
      const double s = std::sqrt(1.0 - tau);
      f = {kPi / 2.0, std::log1p(s) - 0.5 * std::log(tau)};
    }
    return cplx{1.0, 0.0} - tau * (f * f);
  }

  // Gamma(a -> gamma gamma) = |c_eff|^2 m_a^3 / (4 pi), c_eff = c_gamma - alpha/(4 pi) sum_l c_ll
  // B1.
  // c_eff = c_gamma - alpha/(4 pi) sum_l c_ll B1(4 m_l^2 / m_a^2) [GeV^-1] (ALPaca gaugebosons.py).
  BSCAN_HD static cplx photon_coupling_eff(const PhysicsInputs& in, const double* p) {
    constexpr double kPi = 3.14159265358979323846;
    cplx c{p[c_gamma], 0.0};
    for (int l = 0; l < kLeptons; ++l) {
      const double ml = in.m_lepton[l];
      const double tau = 4.0 * ml * ml / (p[m_a] * p[m_a]);
      c -= (in.alpha_em_0 / (4.0 * kPi) * c_ll(p, static_cast<Lepton>(l))) * loop_B1(tau);
    }
    return c;
  }

  BSCAN_HD static double width_gamma_gamma(const PhysicsInputs& in, const double* p) {
    constexpr double kPi = 3.14159265358979323846;
    return norm2(photon_coupling_eff(in, p)) * p[m_a] * p[m_a] * p[m_a] / (4.0 * kPi);
  }

  // Delta a_l with c_aγγ + Delta c_aγγ taken as Re c_eff (bscan's smooth interpolation between
  // paper 000 Eqs. 3.30 and 5.14, docs/physics.md) and Lambda = 4 pi f_a.
  BSCAN_HD static double delta_a(const PhysicsInputs& in, const double* p, Lepton l) {
    constexpr double kPi = 3.14159265358979323846;
    return alp_delta_a(in.m_lepton[static_cast<int>(l)], p[m_a], c_ll(p, l),
                       photon_coupling_eff(in, p).re, 4.0 * kPi * p[f_a]);
  }

  // Paper 000's simplified Delta a_l (Eqs. 3.28-3.30; 5.12-5.14 for the muon below 2 m_mu): the
  // ALP-photon diagram only, A_l (c_gamma + Delta c) c_ll with A_l = m_l^2/(2 pi^2) (ln(Lambda^2 /
  // m_a^2) - 3/2), or A~_mu = m_mu^2/(2 pi^2) (ln(Lambda^2/m_mu^2) - 1) and Delta c~ = -alpha/(4
  // pi) c_ee.
  BSCAN_HD static double delta_a_paper(const PhysicsInputs& in, const double* p, Lepton l) {
    constexpr double kPi = 3.14159265358979323846;
    const double ml = in.m_lepton[static_cast<int>(l)];
    const double m_mu = in.m_lepton[static_cast<int>(Lepton::mu)];
    const double lambda = 4.0 * kPi * p[f_a], k = in.alpha_em_0 / (4.0 * kPi);
    const bool very_light = l == Lepton::mu && p[m_a] < 2.0 * m_mu;
    const double a = ml * ml / (2.0 * kPi * kPi) *
                     (very_light ? std::log(lambda * lambda / (ml * ml)) - 1.0
                                 : std::log(lambda * lambda / (p[m_a] * p[m_a])) - 1.5);
    const double dc = very_light ? -k * p[c_ee] : -k * (p[c_ee] + p[c_mumu]);
    return a * (p[c_gamma] + dc) * c_ll(p, l);
  }

  // Largest dimensionless coupling |c_i| = |c_i / f_a| f_a (EFT validity, paper 000 Sect. 3.2.1).
  BSCAN_HD static double max_coupling(const double* p) {
    double c = 0.0;
    const int couplings[] = {c_sb_plus, c_sb_minus, c_ee, c_mumu, c_gamma};
    for (int i : couplings) c = std::fmax(c, std::fabs(p[i]));
    return c * p[f_a];
  }

  BSCAN_HD static double total_width(const PhysicsInputs& in, const double* p) {
    const double g = in.options.photon_width ? width_gamma_gamma(in, p) : 0.0;
    return width_ll(in, p, Lepton::e) + width_ll(in, p, Lepton::mu) + g;
  }

  // Partial width of the ALP into f; gamma gamma only when it is part of the total width.
  BSCAN_HD static double width(const PhysicsInputs& in, const double* p, Decay f) {
    switch (f) {
      case Decay::ee:
        return width_ll(in, p, Lepton::e);
      case Decay::mumu:
        return width_ll(in, p, Lepton::mu);
      case Decay::gammagamma:
        return in.options.photon_width ? width_gamma_gamma(in, p) : 0.0;
      case Decay::invisible:
      case Decay::kNumDecays:
        break;
    }
    return 0.0;
  }

  // BR(B -> M a) [paper 000 Eq. 4.2].
  BSCAN_HD static double production_br(const PhysicsInputs& in, const double* p, Channel c) {
    return per_channel(
        c, [&] { return br_b_to_k_a(in.bplus_kplus, p); },
        [&] { return br_b_to_kstar_a(in.b0_kstar0, p); });
  }

  // Above the dimuon threshold a zero width means no lepton coupling, hence no residue: no pole.
  // Below it a zero-width pole lies under every lepton's kinematic range.
  BSCAN_HD static Pole pole(const PhysicsInputs& in, const double* p) {
    const double w = total_width(in, p);
    const bool active = w > 0.0 || p[m_a] < 2.0 * in.m_lepton[static_cast<int>(Lepton::mu)];
    return {p[m_a] * p[m_a], p[m_a] * w, active};
  }

  // Shifts of C_P, C_P' (flavio basis) = b / (q2 - m_a^2 + i m_a Gamma_a) with
  // b(C_P + C_P') = -K m_l c_sb_plus c_ll / 2 and b(C_P - C_P') = +K m_l c_sb_minus c_ll / 2,
  // K = 2 sqrt2 pi / (alpha_e G_F V_tb V_ts^*): the quark masses of the tree-level exchange cancel
  // against the hadronic matrix elements (docs/physics.md, "ALP exchange").
  BSCAN_HD static WcShifts wc_shifts(const PhysicsInputs& in, const double* p, Lepton l) {
    const cplx k = (0.25 * in.m_lepton[static_cast<int>(l)] * c_ll(p, l)) * coupling_K(in);
    WcShifts s;
    s.b[kCP] = (p[c_sb_minus] - p[c_sb_plus]) * k;
    s.b[kCPp] = (-p[c_sb_plus] - p[c_sb_minus]) * k;
    return s;
  }

  // B_s -> l l: P = C10 + K M_Bs^2 c_sb_minus c_ll / (4 D(M_Bs^2)), S = 0 (docs/physics.md;
  // the quark masses cancel against <0|s gamma5 b|B_s>).
  BSCAN_HD static BsllAmplitudes bs_amplitudes(const PhysicsInputs& in, const double* p, Lepton l) {
    const double M2 = in.bs.m_Bs * in.bs.m_Bs;
    const cplx D{M2 - p[m_a] * p[m_a], p[m_a] * total_width(in, p)};
    const cplx P =
        cplx{in.sm.C10, 0.0} + (0.25 * M2 * p[c_sb_minus] * c_ll(p, l)) * (coupling_K(in) / D);
    return {P, {0.0, 0.0}};
  }

  // K = 2 sqrt2 pi / (alpha_e G_F V_tb V_ts^*): the ALP exchange in units of the WET normalisation.
  BSCAN_HD static cplx coupling_K(const PhysicsInputs& in) {
    constexpr double kPi = 3.14159265358979323846;
    return cplx{2.0 * 1.4142135623730951 * kPi / (in.sm.alpha_e * in.sm.G_F), 0.0} / in.sm.xi_t;
  }

  // BR(B+ -> K+ a) = M_B c+^2 f0^2(m_a^2) sqrt(lambda) (1 - M_K^2/M_B^2)^2 / (64 pi Gamma_B)
  // [paper 000 Eq. 4.2].
  BSCAN_HD static double br_b_to_k_a(const BToKInputs& ch, const double* p) {
    constexpr double kPi = 3.14159265358979323846;
    const double ma2 = p[m_a] * p[m_a];
    if (p[m_a] >= ch.m_B - ch.m_K) return 0.0;
    const double mB2 = ch.m_B * ch.m_B, mK2 = ch.m_K * ch.m_K;
    const double f0 = bk_form_factors(ch, ma2).f_zero;
    const double r = 1.0 - mK2 / mB2;
    return ch.m_B * p[c_sb_plus] * p[c_sb_plus] * f0 * f0 * std::sqrt(kallen(mB2, mK2, ma2)) * r *
           r / (64.0 * kPi * ch.Gamma_B);
  }

  // BR(B0 -> K*0 a) = c-^2 A0^2(m_a^2) lambda^(3/2) / (64 pi M_B^3 Gamma_B) [paper 000 Eq. 4.2].
  BSCAN_HD static double br_b_to_kstar_a(const BToVInputs& ch, const double* p) {
    constexpr double kPi = 3.14159265358979323846;
    if (p[m_a] >= ch.m_B - ch.m_V) return 0.0;
    const double ma2 = p[m_a] * p[m_a], mB2 = ch.m_B * ch.m_B;
    const double a0 = bv_form_factors(ch, ma2).A0;
    const double lam = kallen(mB2, ch.m_V * ch.m_V, ma2);
    return p[c_sb_minus] * p[c_sb_minus] * a0 * a0 * lam * std::sqrt(lam) /
           (64.0 * kPi * mB2 * ch.m_B * ch.Gamma_B);
  }

  // Tree-level ALP exchange in B_s mixing, heavy ALP (closed form, docs/physics.md; flavio M12):
  // M12 = M12_SM + M_Bs^3 f_Bs^2 / (4 m_a^2) { ((m_b - m_s)/(m_b + m_s))^2 c+^2 (B4/4 - 5 B2/24)
  //                                            - c-^2 (B4/4 + 5 B2/24) },  Delta M_s = 2 |M12|
  //                                            [GeV].
  // Applied for m_a > 1.2 M_Bs (as ALPaca); NaN below: no reliable prediction (docs/physics.md).
  BSCAN_HD static double delta_ms(const PhysicsInputs& in, const double* p) {
    const BsInputs& bs = in.bs;
    if (p[m_a] < 1.2 * bs.m_Bs) return NAN;
    const double r = (in.sm.m_b - in.sm.m_s) / (in.sm.m_b + in.sm.m_s);
    const double cp = p[c_sb_plus], cm = p[c_sb_minus];
    const double alp = bs.m_Bs * bs.m_Bs * bs.m_Bs * bs.f_Bs * bs.f_Bs / (4.0 * p[m_a] * p[m_a]) *
                       (r * r * cp * cp * (bs.B4 / 4.0 - 5.0 * bs.B2 / 24.0) -
                        cm * cm * (bs.B4 / 4.0 + 5.0 * bs.B2 / 24.0));
    return 2.0 * std::sqrt(norm2(bs.M12_SM + cplx{alp, 0.0}));
  }

  BSCAN_HD static double quantity(const PhysicsInputs& in, const double* p, int q) {
    switch (q) {
      case delta_a_e:
        return delta_a(in, p, Lepton::e);
      case delta_a_mu:
        return delta_a(in, p, Lepton::mu);
      case DeltaMs:  // in ps^-1
        return delta_ms(in, p) * 1e-12 / in.bs.hbar;
      case DeltaMs_over_SM:
        return delta_ms(in, p) / (2.0 * std::sqrt(norm2(in.bs.M12_SM)));
      case eft_coupling:
        return max_coupling(p);
      case delta_a_e_paper:
        return delta_a_paper(in, p, Lepton::e);
      case delta_a_mu_paper:
        return delta_a_paper(in, p, Lepton::mu);
      default:
        return NAN;
    }
  }
};

}  // namespace bscan
