// A toy model that lives only in the tests, to show what adding a model takes: one header (this
// file) and one registration line in the program that offers it (toy_bscan.cpp). A scalar S of
// mass m_S with a flavour-changing residue g_sb and a muon coupling g_mumu: it shifts C_S and C_S'
// of the muons through its propagator and decays into muons only. Not physics: no production
// rate, no B_s -> mu mu contribution.
#pragma once
#include <cmath>

#include "kernels/channels/bsll.hpp"
#include "kernels/channels/rate_terms.hpp"
#include "kernels/models/model_contract.hpp"
#include "kernels/sm/kinematics.hpp"

namespace bscan::test {

struct ToyScalarModel : NoQuantities {
  static constexpr const char* kName = "toy_scalar";
  static constexpr const char* kDescription =
      "test-only scalar with one pole and one muon coupling";
  static constexpr const char* kSymbol = "S";
  static constexpr const char* kSymbolLatex = "S";
  enum Param : int { m_S, g_sb, g_mumu, kNumParams };
  static constexpr int kMassParam = m_S;
  static constexpr ParamDef kParams[kNumParams] = {
      {"m_S", "GeV", "m_S", 1.0, Range::positive, "scalar mass"},
      {"g_sb", "GeV^-1", "g_{sb}", 0.0, Range::real, "residue of C_S, C_S' per unit g_mumu"},
      {"g_mumu", "1", "g_{\\mu\\mu}", 0.0, Range::real, "muon Yukawa coupling"},
  };
  static constexpr unsigned kPoleParams = 1u << m_S | 1u << g_mumu;
  static constexpr unsigned kDecays = 1u << static_cast<int>(Decay::mumu);
  BSCAN_HD static constexpr WcMasks wc_masks() { return {0u, 1u << kCS | 1u << kCSp}; }

  // Gamma(S -> mu mu) = g^2 m_S beta^3 / (8 pi) for a scalar Yukawa coupling.
  BSCAN_HD static double width(const PhysicsInputs& in, const double* p, Decay f) {
    if (f != Decay::mumu) return 0.0;
    const double beta = lepton_beta(p[m_S] * p[m_S], in.m_lepton[static_cast<int>(Lepton::mu)]);
    return p[g_mumu] * p[g_mumu] * p[m_S] * beta * beta * beta / (8.0 * 3.14159265358979323846);
  }
  BSCAN_HD static double total_width(const PhysicsInputs& in, const double* p) {
    return width(in, p, Decay::mumu);
  }
  BSCAN_HD static double production_br(const PhysicsInputs&, const double*, Channel) { return 0.0; }

  BSCAN_HD static Pole pole(const PhysicsInputs& in, const double* p) {
    const double w = total_width(in, p);
    return {p[m_S] * p[m_S], p[m_S] * w, w > 0.0};
  }

  BSCAN_HD static WcShifts wc_shifts(const PhysicsInputs&, const double* p, Lepton l) {
    WcShifts s;
    if (l == Lepton::mu) s.b[kCS] = s.b[kCSp] = {p[g_sb] * p[g_mumu], 0.0};
    return s;
  }

  BSCAN_HD static BsllAmplitudes bs_amplitudes(const PhysicsInputs& in, const double*, Lepton l) {
    return bsll_amplitudes_wet(in, l, {0.0, 0.0}, {0.0, 0.0}, {0.0, 0.0});
  }
};

}  // namespace bscan::test
