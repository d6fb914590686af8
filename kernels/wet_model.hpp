// Model `wet`: contact shifts of the b -> s l l Wilson coefficients in flavio's WET basis at
// mu = 4.8 GeV (physics-bkll.md §1.1); C_S, C_P and primes in GeV^-1.
#pragma once

#include "bsll.hpp"
#include "rate_terms.hpp"

namespace bscan {

struct WetModel {
  // Per lepton: C9, C10, CS, CP, C9p, C10p, CSp, CPp; electrons first, then muons; real parts,
  // then the imaginary parts in the same order.
  enum Coef : int { C9, C10, CS, CP, C9p, C10p, CSp, CPp, kCoefs };
  static constexpr int kNumParams = 4 * kCoefs;
  static constexpr unsigned kPoleParams = 0u;
  BSCAN_HD static constexpr WcMasks wc_masks() { return {(1u << kNumWc) - 1u, 0u}; }
  static constexpr int kNumQuantities = 0;

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

  BSCAN_HD static double quantity(const PhysicsInputs&, const double*, int) { return 0.0; }
  BSCAN_HD static double on_shell_br(const PhysicsInputs&, const double*, Channel, Lepton) {
    return 0.0;  // no new particle
  }
};

}  // namespace bscan
