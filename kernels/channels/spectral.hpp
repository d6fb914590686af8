// Model-independent spectral functions of a rate that is quadratic in new-physics shifts c_k of
// the Wilson coefficients (docs/numerics.md, Decomposition):
// dGamma/dq2 = S + 2 Re(sum_k L_k c_k) + sum_kl c_k^* Q_kl c_l.
#pragma once

#include "kernels/numerics/complex.hpp"

namespace bscan {

inline constexpr int kMaxDirs = 6;  // coefficient directions of the richest channel (B -> K*)

// Values (or integrals) of S, L_k, Q_kl for the b -> s mode [0] and its CP conjugate [1].
// Q is the same for both modes (it carries no Wilson coefficient) and Hermitian.
struct Spectral {
  double S[2] = {0.0, 0.0};
  cplx L[2][kMaxDirs] = {};
  cplx Q[kMaxDirs][kMaxDirs] = {};
};

}  // namespace bscan
