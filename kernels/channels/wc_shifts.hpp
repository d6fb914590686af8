// New-physics shifts of the b -> s l l Wilson coefficients (flavio basis at 4.8 GeV, C_S,P in
// GeV^-1) as a model delivers them per lepton: dC_i(q2) = a_i + b_i P(q2), with P the model's
// propagator. Channels project them onto their own coefficient directions (rate_terms.hpp).
#pragma once

#include "kernels/numerics/complex.hpp"

namespace bscan {

enum Wc : int { kC9, kC9p, kC10, kC10p, kCS, kCSp, kCP, kCPp, kNumWc };

struct WcShifts {
  cplx a[kNumWc] = {};  // contact
  cplx b[kNumWc] = {};  // residue of the resonance
};

// Which raw coefficients a model shifts by contact terms and through its resonance (bit i = Wc i).
struct WcMasks {
  unsigned contact = 0, resonant = 0;
};

}  // namespace bscan
