// Model `wet`: contact shifts of the b -> s l l Wilson coefficients in flavio's WET basis at
// mu = 4.8 GeV (WCxf wet.flavio.basis.yml); C_S, C_P and primes in GeV^-1.
#pragma once

#include "kernels/channels/bsll.hpp"
#include "kernels/channels/rate_terms.hpp"
#include "kernels/models/model_contract.hpp"

namespace bscan {

struct WetModel : NoParticle, NoQuantities {
  static constexpr const char* kName = "wet";
  static constexpr const char* kDescription =
      "contact shifts of the b->sll Wilson coefficients (flavio WET basis, mu = 4.8 GeV)";
  // Per lepton: C9, C10, CS, CP, C9p, C10p, CSp, CPp; electrons first, then muons; real parts,
  // then the imaginary parts in the same order.
  enum Coef : int { C9, C10, CS, CP, C9p, C10p, CSp, CPp, kCoefs };
  static constexpr int kNumParams = 4 * kCoefs;
  static constexpr const char* kRe =
      "real part of the new-physics shift at mu = 4.8 GeV, flavio WET basis";
  static constexpr const char* kIm =
      "imaginary part of the new-physics shift at mu = 4.8 GeV, flavio WET basis";
  static constexpr ParamDef kParams[kNumParams] = {
      {"C9_bsee", "1", "\\mathrm{Re}\\,\\delta C_9^{bsee}", 0.0, Range::real, kRe},
      {"C10_bsee", "1", "\\mathrm{Re}\\,\\delta C_{10}^{bsee}", 0.0, Range::real, kRe},
      {"CS_bsee", "GeV^-1", "\\mathrm{Re}\\,\\delta C_S^{bsee}", 0.0, Range::real, kRe},
      {"CP_bsee", "GeV^-1", "\\mathrm{Re}\\,\\delta C_P^{bsee}", 0.0, Range::real, kRe},
      {"C9p_bsee", "1", "\\mathrm{Re}\\,\\delta C_9'^{bsee}", 0.0, Range::real, kRe},
      {"C10p_bsee", "1", "\\mathrm{Re}\\,\\delta C_{10}'^{bsee}", 0.0, Range::real, kRe},
      {"CSp_bsee", "GeV^-1", "\\mathrm{Re}\\,\\delta C_S'^{bsee}", 0.0, Range::real, kRe},
      {"CPp_bsee", "GeV^-1", "\\mathrm{Re}\\,\\delta C_P'^{bsee}", 0.0, Range::real, kRe},
      {"C9_bsmumu", "1", "\\mathrm{Re}\\,\\delta C_9^{bsmumu}", 0.0, Range::real, kRe},
      {"C10_bsmumu", "1", "\\mathrm{Re}\\,\\delta C_{10}^{bsmumu}", 0.0, Range::real, kRe},
      {"CS_bsmumu", "GeV^-1", "\\mathrm{Re}\\,\\delta C_S^{bsmumu}", 0.0, Range::real, kRe},
      {"CP_bsmumu", "GeV^-1", "\\mathrm{Re}\\,\\delta C_P^{bsmumu}", 0.0, Range::real, kRe},
      {"C9p_bsmumu", "1", "\\mathrm{Re}\\,\\delta C_9'^{bsmumu}", 0.0, Range::real, kRe},
      {"C10p_bsmumu", "1", "\\mathrm{Re}\\,\\delta C_{10}'^{bsmumu}", 0.0, Range::real, kRe},
      {"CSp_bsmumu", "GeV^-1", "\\mathrm{Re}\\,\\delta C_S'^{bsmumu}", 0.0, Range::real, kRe},
      {"CPp_bsmumu", "GeV^-1", "\\mathrm{Re}\\,\\delta C_P'^{bsmumu}", 0.0, Range::real, kRe},
      {"C9_bsee_im", "1", "\\mathrm{Im}\\,\\delta C_9^{bsee}", 0.0, Range::real, kIm},
      {"C10_bsee_im", "1", "\\mathrm{Im}\\,\\delta C_{10}^{bsee}", 0.0, Range::real, kIm},
      {"CS_bsee_im", "GeV^-1", "\\mathrm{Im}\\,\\delta C_S^{bsee}", 0.0, Range::real, kIm},
      {"CP_bsee_im", "GeV^-1", "\\mathrm{Im}\\,\\delta C_P^{bsee}", 0.0, Range::real, kIm},
      {"C9p_bsee_im", "1", "\\mathrm{Im}\\,\\delta C_9'^{bsee}", 0.0, Range::real, kIm},
      {"C10p_bsee_im", "1", "\\mathrm{Im}\\,\\delta C_{10}'^{bsee}", 0.0, Range::real, kIm},
      {"CSp_bsee_im", "GeV^-1", "\\mathrm{Im}\\,\\delta C_S'^{bsee}", 0.0, Range::real, kIm},
      {"CPp_bsee_im", "GeV^-1", "\\mathrm{Im}\\,\\delta C_P'^{bsee}", 0.0, Range::real, kIm},
      {"C9_bsmumu_im", "1", "\\mathrm{Im}\\,\\delta C_9^{bsmumu}", 0.0, Range::real, kIm},
      {"C10_bsmumu_im", "1", "\\mathrm{Im}\\,\\delta C_{10}^{bsmumu}", 0.0, Range::real, kIm},
      {"CS_bsmumu_im", "GeV^-1", "\\mathrm{Im}\\,\\delta C_S^{bsmumu}", 0.0, Range::real, kIm},
      {"CP_bsmumu_im", "GeV^-1", "\\mathrm{Im}\\,\\delta C_P^{bsmumu}", 0.0, Range::real, kIm},
      {"C9p_bsmumu_im", "1", "\\mathrm{Im}\\,\\delta C_9'^{bsmumu}", 0.0, Range::real, kIm},
      {"C10p_bsmumu_im", "1", "\\mathrm{Im}\\,\\delta C_{10}'^{bsmumu}", 0.0, Range::real, kIm},
      {"CSp_bsmumu_im", "GeV^-1", "\\mathrm{Im}\\,\\delta C_S'^{bsmumu}", 0.0, Range::real, kIm},
      {"CPp_bsmumu_im", "GeV^-1", "\\mathrm{Im}\\,\\delta C_P'^{bsmumu}", 0.0, Range::real, kIm},
  };
  static constexpr unsigned kPoleParams = 0u;
  BSCAN_HD static constexpr WcMasks wc_masks() { return {(1u << kNumWc) - 1u, 0u}; }

  BSCAN_HD static int index(Lepton l, Coef c) { return static_cast<int>(l) * kCoefs + c; }
  BSCAN_HD static cplx coef(const double* p, Lepton l, Coef c) {
    return {p[index(l, c)], p[2 * kCoefs + index(l, c)]};
  }

  BSCAN_HD static Pole pole(const PhysicsInputs&, const double*) { return {}; }

  BSCAN_HD static WcShifts wc_shifts(const PhysicsInputs&, const double* p, Lepton l) {
    WcShifts s;
    const Coef order[kNumWc] = {C9, C9p, C10, C10p, CS, CSp, CP, CPp};  // Wc order
    for (int i = 0; i < kNumWc; ++i) s.a[i] = coef(p, l, order[i]);
    return s;
  }

  BSCAN_HD static BsllAmplitudes bs_amplitudes(const PhysicsInputs& in, const double* p, Lepton l) {
    return bsll_amplitudes_wet(in, l, coef(p, l, C10) - coef(p, l, C10p),
                               coef(p, l, CS) - coef(p, l, CSp), coef(p, l, CP) - coef(p, l, CPp));
  }
};

}  // namespace bscan
