// Independent CPU reference for the B -> K l l and B0 -> K*0 l l rate terms of the kernels
// (docs/numerics.md, Accuracy contract): per call, GSL adaptive quadrature of the full CP-averaged
// |amplitude|^2 in flavio's helicity form (B -> K: flavio angular.py helicity_amps_p; B -> K*:
// helicity_amps_v and flavio's G-basis angular function, reference_bvll.hpp) with the exact
// propagator. Shares only the plain-data input types with the kernels (PhysicsInputs, RateTerm,
// DirCouplings, Pole), none of their physics or numerics. Slow (milliseconds to seconds per call):
// for tests only.
#pragma once
#include <array>
#include <complex>

#include "kernels/channels/rate_terms.hpp"

namespace bscan::reference {

using Complex = std::complex<double>;

// New-physics shifts of the channel's directions at one q2 (flavio basis, CS and CP in GeV^-1):
// B+ -> K+: (C9 + C9', C10 + C10', CS + CS', CP + CP') (entries 4, 5 unused);
// B0 -> K*0: (C9 + C9', C10 + C10', C9 - C9', C10 - C10', CS - CS', CP - CP').
using Shifts = std::array<Complex, kMaxDirs>;

// CP-averaged 1/2 (dGamma/dq2 + dGammabar/dq2) [GeV^-1] at q2 for the b -> s shifts `c`; the
// CP-conjugate mode gets conj(c) and the CP-conjugate SM corrections. Zero outside 4 m_l^2 < q2 <=
// (m_B - m_K(*))^2 (the channel's masses).
double cp_averaged_density(const PhysicsInputs& in, Channel channel, Lepton lepton, double q2,
                           const Shifts& c);

// Bin acceptance W(q2) (paper 000 Eq. 4.19): indicator of [q2_lo, q2_hi], or with Gaussian
// resolution r in |q|: Phi((sqrt(q2_hi) - |q|)/r) - Phi((sqrt(q2_lo) - |q|)/r).
double window(const Bin& bin, double q2);

// CP-averaged binned rate int W(q2) 1/2 (dGamma + dGammabar) [GeV] of a binned term, with the
// shifts c_k(q2) = a_k + b_k / (q2 - M^2 + i gamma) (conj(a), conj(b) for the CP conjugate).
// Aborts (throws std::runtime_error) when GSL cannot reach the tolerance.
double binned_rate(const PhysicsInputs& in, const RateTerm& t, const DirCouplings& cp,
                   const Pole& pole, double rel_tol = 1e-11);

// CP-averaged differential rate [GeV^-1] of a differential term at t.q2, same couplings.
double differential_rate(const PhysicsInputs& in, const RateTerm& t, const DirCouplings& cp,
                         const Pole& pole);

}  // namespace bscan::reference
