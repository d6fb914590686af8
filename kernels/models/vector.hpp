// Model `vector` (paper 001, arXiv:1704.06188; docs/physics.md): a light vector V coupled to
// g_bs s-bar gamma_mu P_L b, to muons and electrons with vector and axial couplings, and to an
// invisible Dirac fermion chi (g_chi, m_chi). It shifts C9, C10 and, through the longitudinal part
// of its propagator, C_P (and C_P' in B_s -> l l) by residues over
// P(q2) = 1/(q2 - m_V^2 + i m_V Gamma_V). Its
// quantities: (g-2)_l, the Z-vertex ratio and the dark-matter annihilation rates of paper 001
// Eqs. (5), (8), (11), (12) (chi, or a complex scalar phi with coupling g_phi, as invisible state).
#pragma once
#include <cmath>

#include "kernels/channels/bsll.hpp"
#include "kernels/channels/rate_terms.hpp"
#include "kernels/models/model_contract.hpp"
#include "kernels/models/vector_loops.hpp"
#include "kernels/sm/bk_form_factors.hpp"
#include "kernels/sm/bvll_form_factors.hpp"
#include "kernels/sm/kinematics.hpp"

namespace bscan {

struct VectorModel {
  static constexpr const char* kName = "vector";
  static constexpr const char* kDescription =
      "light vector V coupled to s-b, muons, electrons and an invisible fermion (paper 001)";
  static constexpr const char* kSymbol = "V";
  static constexpr const char* kSymbolLatex = "V";
  enum Param : int {
    m_V,
    g_bs,
    g_muV,
    g_muA,
    g_eV,
    g_eA,
    g_chi,
    m_chi,
    g_phi,
    m_phi,
    v,
    Gamma_V_over_m_V,
    kNumParams
  };
  static constexpr int kMassParam = m_V;
  static constexpr ParamDef kParams[kNumParams] = {
      {"m_V", "GeV", "m_V", 2.5, Range::positive, "vector mass"},
      {"g_bs", "1", "g_{bs}", 0.0, Range::real,
       "coupling to s-bar gamma_mu P_L b (paper 001 Eq. 1)"},
      {"g_muV", "1", "g_{\\mu V}", 0.0, Range::real, "vector coupling to muons"},
      {"g_muA", "1", "g_{\\mu A}", 0.0, Range::real, "axial coupling to muons"},
      {"g_eV", "1", "g_{eV}", 0.0, Range::real, "vector coupling to electrons"},
      {"g_eA", "1", "g_{eA}", 0.0, Range::real, "axial coupling to electrons"},
      {"g_chi", "1", "g_\\chi", 0.0, Range::real, "coupling to the invisible Dirac fermion chi"},
      {"m_chi", "GeV", "m_\\chi", 0.0, Range::non_negative,
       "mass of chi, below m_V / 2 (paper 001: V -> chi chi open)"},
      {"g_phi", "1", "g_\\phi", 0.0, Range::real,
       "coupling to an invisible complex scalar phi (paper 001 Eq. 12)"},
      {"m_phi", "GeV", "m_\\phi", 0.0, Range::non_negative, "mass of phi, below m_V / 2"},
      {"v", "1", "v", 0.3, Range::non_negative,
       "relative velocity of the phi pair in sigma_v(phiphi->mumu) (p-wave, Eq. 12)"},
      {"Gamma_V_over_m_V", "1", "\\Gamma_V/m_V", NAN, Range::non_negative,
       "total width over mass; set, it fixes g_chi (paper 001 treats it as the free parameter)",
       "g_chi"},
  };
  static constexpr unsigned kPoleParams = 1u << m_V | 1u << g_muV | 1u << g_muA | 1u << g_eV |
                                          1u << g_eA | 1u << g_chi | 1u << m_chi | 1u << g_phi |
                                          1u << m_phi | 1u << Gamma_V_over_m_V;
  enum Quantity : int {
    delta_a_e,
    delta_a_mu,
    gZee_over_SM,
    gZmumu_over_SM,
    sigma_v_chi,
    sigma_v_phi,
    kNumQuantities
  };
  static constexpr QuantityDef kQuantities[kNumQuantities] = {
      {"delta_a_e", "\\Delta a_e", "1"},
      {"delta_a_mu", "\\Delta a_\\mu", "1"},
      {"gZee/SM", "g_{Zee}/g_{Zee}^{\\rm SM}", "1"},
      {"gZmumu/SM", "g_{Z\\mu\\mu}/g_{Z\\mu\\mu}^{\\rm SM}", "1"},
      {"sigma_v(chichi->mumu)", "\\langle\\sigma v\\rangle(\\chi\\bar\\chi\\to\\mu\\mu)", "cm^3/s"},
      {"sigma_v(phiphi->mumu)", "\\langle\\sigma v\\rangle(\\phi\\phi^*\\to\\mu\\mu)", "cm^3/s"},
  };
  static constexpr unsigned kDecays = 1u << static_cast<int>(Decay::ee) |
                                      1u << static_cast<int>(Decay::mumu) |
                                      1u << static_cast<int>(Decay::invisible);
  BSCAN_HD static constexpr WcMasks wc_masks() { return {0u, 1u << kC9 | 1u << kC10 | 1u << kCP}; }

  BSCAN_HD static double g_vector(const double* p, Lepton l) {
    return l == Lepton::e ? p[g_eV] : p[g_muV];
  }
  BSCAN_HD static double g_axial(const double* p, Lepton l) {
    return l == Lepton::e ? p[g_eA] : p[g_muA];
  }

  // Gamma(V -> l l) = m_V beta / (12 pi) [gV^2 (1 + 2 m_l^2/m_V^2) + gA^2 beta^2].
  BSCAN_HD static double width_ll(const PhysicsInputs& in, const double* p, Lepton l) {
    constexpr double kPi = 3.14159265358979323846;
    const double m = p[m_V], ml = in.m_lepton[static_cast<int>(l)];
    const double beta = lepton_beta(m * m, ml), gv = g_vector(p, l), ga = g_axial(p, l);
    return m * beta / (12.0 * kPi) *
           (gv * gv * (1.0 + 2.0 * ml * ml / (m * m)) + ga * ga * beta * beta);
  }

  // Gamma(V -> chi chi) = g_chi^2 m_V / (12 pi) (1 + 2 m_chi^2/m_V^2) sqrt(1 - 4 m_chi^2/m_V^2)
  // (paper 001 Eq. 2 for m_chi = 0).
  BSCAN_HD static double width_invisible(const double* p) {
    constexpr double kPi = 3.14159265358979323846;
    const double m = p[m_V], mc = p[m_chi];
    const double beta = lepton_beta(m * m, mc);
    return p[g_chi] * p[g_chi] * m / (12.0 * kPi) * (1.0 + 2.0 * mc * mc / (m * m)) * beta;
  }

  // Gamma(V -> phi phi*) = g_phi^2 m_V / (48 pi) (1 - 4 m_phi^2/m_V^2)^(3/2) (p-wave; the current
  // i g_phi V^nu phi^* d_nu phi + h.c. of paper 001).
  BSCAN_HD static double width_phi(const double* p) {
    constexpr double kPi = 3.14159265358979323846;
    const double m = p[m_V], beta = lepton_beta(m * m, p[m_phi]);
    return p[g_phi] * p[g_phi] * m / (48.0 * kPi) * beta * beta * beta;
  }

  BSCAN_HD static double width(const PhysicsInputs& in, const double* p, Decay f) {
    switch (f) {
      case Decay::ee:
        return width_ll(in, p, Lepton::e);
      case Decay::mumu:
        return width_ll(in, p, Lepton::mu);
      case Decay::invisible:
        return width_invisible(p) + width_phi(p);
      case Decay::gammagamma:
      case Decay::kNumDecays:
        break;
    }
    return 0.0;
  }

  BSCAN_HD static double total_width(const PhysicsInputs& in, const double* p) {
    return width_invisible(p) + width_phi(p) + width_ll(in, p, Lepton::e) +
           width_ll(in, p, Lepton::mu);
  }

  // Gamma_V_over_m_V, when set, fixes g_chi: Gamma(V -> chi chi) = Gamma_V - the other widths
  // (NaN where those alone exceed Gamma_V: no g_chi gives that width).
  BSCAN_HD static void complete(const PhysicsInputs& in, double* p) {
    if (std::isnan(p[Gamma_V_over_m_V])) return;
    const double rest = p[Gamma_V_over_m_V] * p[m_V] - width_phi(p) - width_ll(in, p, Lepton::e) -
                        width_ll(in, p, Lepton::mu);
    p[g_chi] = 1.0;
    const double per_unit = width_invisible(p);
    p[g_chi] = rest >= 0.0 && per_unit > 0.0 ? std::sqrt(rest / per_unit) : NAN;
  }

  // Square-root branch points of Gamma(V -> f) in m_V^2 (for off_shell_br).
  BSCAN_HD static int thresholds(const double* p, Decay f, double* m2) {
    if (f != Decay::invisible) return 0;
    m2[0] = 4.0 * p[m_chi] * p[m_chi];
    m2[1] = 4.0 * p[m_phi] * p[m_phi];
    return 2;
  }

  // V must be able to decay into its invisible states (paper 001: m_chi < m_V / 2).
  static const char* outside_domain(const double* p) {
    if (!(p[m_V] > 2.0 * p[m_chi])) return "m_V must exceed 2 m_chi (V -> chi chi open)";
    if (!(p[m_V] > 2.0 * p[m_phi])) return "m_V must exceed 2 m_phi (V -> phi phi* open)";
    return nullptr;
  }

  // Without a width there is no coupling to a final state, hence no residue: no pole.
  BSCAN_HD static Pole pole(const PhysicsInputs& in, const double* p) {
    const double w = total_width(in, p);
    return {p[m_V] * p[m_V], p[m_V] * w, w > 0.0};
  }

  // 1 / N, N = G_F V_tb V_ts^* alpha / (sqrt2 pi) (paper 001 Eqs. 7, 9) [GeV^2], or the
  // config's options.vector_norm.
  BSCAN_HD static cplx inverse_norm(const PhysicsInputs& in) {
    constexpr double kPi = 3.14159265358979323846;
    if (in.options.vector_norm != 0.0) return cplx{1.0 / in.options.vector_norm, 0.0};
    return cplx{1.4142135623730951 * kPi / (in.sm.G_F * in.sm.alpha_e), 0.0} / in.sm.xi_t;
  }

  // Residues of C9, C10 = g_bs g_lV,A / N (paper 001 Eq. 9) and of the longitudinal
  // C_P = -2 m_l / m_V^2 C10 (Eq. 7), flavio basis, for B -> K(*) l l. The longitudinal part comes
  // from q_mu s-bar gamma^mu P_L b = m_b s-bar P_R b - m_s s-bar P_L b; the B -> K(*) matrix
  // elements take m_s = 0 (as flavio's), and in that scheme there is no C_P': the time-like
  // amplitude then cancels on shell exactly (narrow-width identity). B_s -> l l keeps it.
  BSCAN_HD static WcShifts wc_shifts(const PhysicsInputs& in, const double* p, Lepton l) {
    const cplx k = inverse_norm(in);
    const double ml = in.m_lepton[static_cast<int>(l)], mv2 = p[m_V] * p[m_V];
    WcShifts s;
    s.b[kC9] = (p[g_bs] * g_vector(p, l)) * k;
    s.b[kC10] = (p[g_bs] * g_axial(p, l)) * k;
    s.b[kCP] = (-2.0 * ml / mv2) * s.b[kC10];
    return s;
  }

  // B_s -> l l: C10 and C_P - C_P' at q2 = M_Bs^2 with C_P' = +2 m_l / m_V^2 (m_s / m_b) C10
  // (docs/physics.md; B_s -> l l takes m_s(4.8 GeV), as flavio's); the pole at m_V = M_Bs cancels.
  BSCAN_HD static BsllAmplitudes bs_amplitudes(const PhysicsInputs& in, const double* p, Lepton l) {
    const double M2 = in.bs.m_Bs * in.bs.m_Bs;
    const cplx D{M2 - p[m_V] * p[m_V], p[m_V] * total_width(in, p)};
    const WcShifts s = wc_shifts(in, p, l);
    const cplx cp_minus_cpp = (1.0 + in.sm.m_s / in.sm.m_b) * s.b[kCP];
    return bsll_amplitudes_wet(in, l, s.b[kC10] / D, {0.0, 0.0}, cp_minus_cpp / D);
  }

  // BR(B -> K V) = g_bs^2 f+^2 lambda^(3/2) / (64 pi m_B^3 m_V^2 Gamma_B) (paper 001 Eq. 3).
  BSCAN_HD static double br_b_to_k_v(const BToKInputs& ch, const double* p) {
    constexpr double kPi = 3.14159265358979323846;
    if (p[m_V] >= ch.m_B - ch.m_K) return 0.0;
    const double mv2 = p[m_V] * p[m_V], mB2 = ch.m_B * ch.m_B;
    const double fp = bk_form_factors(ch, mv2).f_plus;
    const double lam = kallen(mB2, ch.m_K * ch.m_K, mv2);
    return p[g_bs] * p[g_bs] * fp * fp * lam * std::sqrt(lam) /
           (64.0 * kPi * mB2 * ch.m_B * mv2 * ch.Gamma_B);
  }

  // BR(B -> K* V) = (g_bs/2)^2 lambda^(1/2) / (16 pi m_B^3 Gamma_B) (|H0|^2 + |H+|^2 + |H-|^2),
  // H+- = (m_B + m_K*) A1 -+ lambda^(1/2) V / (m_B + m_K*), H0 = 8 m_B m_K* A12 / m_V.
  BSCAN_HD static double br_b_to_kstar_v(const BToVInputs& ch, const double* p) {
    constexpr double kPi = 3.14159265358979323846;
    if (p[m_V] >= ch.m_B - ch.m_V) return 0.0;
    const double mv2 = p[m_V] * p[m_V], mB2 = ch.m_B * ch.m_B, sum = ch.m_B + ch.m_V;
    const BvFormFactors ff = bv_form_factors(ch, mv2);
    const double sl = std::sqrt(kallen(mB2, ch.m_V * ch.m_V, mv2));
    const double hp = sum * ff.A1 - sl / sum * ff.V, hm = sum * ff.A1 + sl / sum * ff.V;
    const double h0 = 8.0 * ch.m_B * ch.m_V * ff.A12 / p[m_V];
    return 0.25 * p[g_bs] * p[g_bs] * sl * (h0 * h0 + hp * hp + hm * hm) /
           (16.0 * kPi * mB2 * ch.m_B * ch.Gamma_B);
  }

  BSCAN_HD static double production_br(const PhysicsInputs& in, const double* p, Channel c) {
    return per_channel(
        c, [&] { return br_b_to_k_v(in.bplus_kplus, p); },
        [&] { return br_b_to_kstar_v(in.b0_kstar0, p); });
  }

  // <sigma v>(X X -> mu mu) of paper 001 Eqs. (11) (Dirac chi, s-wave: k = g_chi^2 / pi) and (12)
  // (complex scalar phi, p-wave: k = v^2 g_phi^2 / (3 pi)):
  // k [g_muV^2 (m^2 + m_mu^2/2) + g_muA^2 (m^2 - m_mu^2)] / (m_V^2 - 4 m^2)^2 sqrt(1 - m_mu^2/m^2),
  // zero below threshold (m <= m_mu); in cm^3/s.
  BSCAN_HD static double sigma_v(const PhysicsInputs& in, const double* p, double k, double m) {
    const double mmu = in.m_lepton[static_cast<int>(Lepton::mu)];
    if (m <= mmu) return 0.0;
    const double m2 = m * m, mmu2 = mmu * mmu, d = p[m_V] * p[m_V] - 4.0 * m2;
    const double gv = p[g_muV], ga = p[g_muA];
    return k * (gv * gv * (m2 + 0.5 * mmu2) + ga * ga * (m2 - mmu2)) / (d * d) *
           std::sqrt(1.0 - mmu2 / m2) * in.gev_m2_in_cm3_per_s;
  }

  // g_Zll / g_Zll^SM = 1 + (g_lV^2 + g_lA^2) / (16 pi^2) K_F(m_Z^2 / m_V^2) (paper 001 Eq. 8).
  BSCAN_HD static double z_vertex_ratio(const PhysicsInputs& in, const double* p, Lepton l) {
    constexpr double kPi = 3.14159265358979323846;
    const double gv = g_vector(p, l), ga = g_axial(p, l);
    return 1.0 + (gv * gv + ga * ga) / (16.0 * kPi * kPi) *
                     vector_z_vertex(in.m_Z * in.m_Z / (p[m_V] * p[m_V]));
  }

  BSCAN_HD static double quantity(const PhysicsInputs& in, const double* p, int q) {
    constexpr double kPi = 3.14159265358979323846;
    const auto delta_a = [&](Lepton l) {
      return vector_delta_a(in.m_lepton[static_cast<int>(l)], p[m_V], g_vector(p, l),
                            g_axial(p, l));
    };
    switch (q) {
      case delta_a_e:
        return delta_a(Lepton::e);
      case delta_a_mu:
        return delta_a(Lepton::mu);
      case gZee_over_SM:
        return z_vertex_ratio(in, p, Lepton::e);
      case gZmumu_over_SM:
        return z_vertex_ratio(in, p, Lepton::mu);
      case sigma_v_chi:
        return sigma_v(in, p, p[g_chi] * p[g_chi] / kPi, p[m_chi]);
      case sigma_v_phi:
        return sigma_v(in, p, p[v] * p[v] * p[g_phi] * p[g_phi] / (3.0 * kPi), p[m_phi]);
      default:
        return NAN;
    }
  }
};

}  // namespace bscan
