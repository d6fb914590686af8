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
  static constexpr DirMasks kBkMasks{0xFu, 0u};
  static constexpr int kNumQuantities = 0;

  BSCAN_HD static int index(Lepton l, Coef c) { return static_cast<int>(l) * kCoefs + c; }
  BSCAN_HD static cplx coef(const double* p, Lepton l, Coef c) {
    return {p[index(l, c)], p[2 * kCoefs + index(l, c)]};
  }

  BSCAN_HD static Pole pole(const PhysicsInputs&, const double*) { return {}; }

  // B -> K sees the sums C_i + C_i' (physics-bkll.md §9 item 5).
  BSCAN_HD static DirCouplings bk_couplings(const PhysicsInputs&, const double* p, Lepton l) {
    DirCouplings cp;
    cp.a[kDirC9] = coef(p, l, C9) + coef(p, l, C9p);
    cp.a[kDirC10] = coef(p, l, C10) + coef(p, l, C10p);
    cp.a[kDirCS] = coef(p, l, CS) + coef(p, l, CSp);
    cp.a[kDirCP] = coef(p, l, CP) + coef(p, l, CPp);
    return cp;
  }

  BSCAN_HD static BsllAmplitudes bs_amplitudes(const PhysicsInputs& in, const double* p, Lepton l) {
    return bsll_amplitudes_wet(in, l, coef(p, l, C10) - coef(p, l, C10p),
                               coef(p, l, CS) - coef(p, l, CSp), coef(p, l, CP) - coef(p, l, CPp));
  }

  BSCAN_HD static double quantity(const PhysicsInputs&, const double*, int) { return 0.0; }
};

}  // namespace bscan
