// Integrals of a function against the Cauchy kernel 1/(t - zeta) on [-1, 1], zeta complex (the
// Breit-Wigner propagator 1/(q2 - M^2 + i M Gamma) on a panel, mapped to t). The caller passes
// zeta - 1 and zeta + 1, computed from the panel ends directly, so that a pole next to an end keeps
// its distance to full precision.
//  * near the segment: the Chebyshev moments mu_n = int T_n(t) / (t - zeta) dt by forward
//    recurrence (Piessens & Branders' modified Clenshaw-Curtis scheme, the one behind QUADPACK's
//    QAWC), exact as Im zeta -> 0: principal value plus the -i pi delta term;
//  * away from it: 1 / (zeta - t) = (2 / r) sum'_k w^k T_k(t) with r = sqrt(zeta^2 - 1),
//    w = zeta - r = 1 / (zeta + r), |w| = 1 / rho (Bernstein ellipse through zeta), summed against
//    the function's Chebyshev moments int f T_k dt.
#pragma once
#include <cmath>

#include "kernels/backend.hpp"
#include "kernels/numerics/complex.hpp"

namespace bscan {

// The Bernstein ellipse parameter rho >= 1 of zeta (foci -1, +1): rho = a + sqrt(a^2 - 1),
// a = (|zeta - 1| + |zeta + 1|) / 2.
BSCAN_HD inline double bernstein_rho(cplx zm1, cplx zp1) {
  const double a = 0.5 * (cabs(zm1) + cabs(zp1));
  return a + std::sqrt(a > 1.0 ? (a - 1.0) * (a + 1.0) : 0.0);
}

// mu_n = int_{-1}^{1} T_n(t) / (t - zeta) dt for n < n_mu.
BSCAN_HD inline void cauchy_chebyshev_moments(cplx zm1, cplx zp1, int n_mu, cplx* mu) {
  const cplx zeta = 0.5 * (zm1 + zp1);
  // mu_0 = ln((zeta - 1) / (zeta + 1)); its argument from (zeta - 1) conj(zeta + 1) =
  // |zeta|^2 - 1 + 2 i Im zeta, with |zeta|^2 - 1 = (Re zeta - 1)(Re zeta + 1) + Im zeta^2.
  const double im = zm1.im;
  mu[0] = {std::log(cabs(zm1) / cabs(zp1)), std::atan2(2.0 * im, zm1.re * zp1.re + im * im)};
  if (n_mu > 1) mu[1] = cplx{2.0, 0.0} + zeta * mu[0];
  for (int n = 1; n + 1 < n_mu; ++n) {
    const double int_tn = (n & 1) != 0 ? 0.0 : 2.0 / (1.0 - double(n) * double(n));
    mu[n + 1] = 2.0 * (zeta * mu[n]) - mu[n - 1] + cplx{2.0 * int_tn, 0.0};
  }
}

// The factors of the far series: int f / (t - zeta) dt = pref * sum'_k w^k m_k with
// m_k = int f T_k dt (the k = 0 term halved).
BSCAN_HD inline void cauchy_series_factors(cplx zm1, cplx zp1, cplx& pref, cplx& w) {
  const cplx zeta = 0.5 * (zm1 + zp1);
  cplx r = csqrt(zm1 * zp1);
  if (r.re * zeta.re + r.im * zeta.im < 0.0) r = -r;  // |zeta + r| >= 1
  w = cplx{1.0, 0.0} / (zeta + r);
  pref = cplx{-2.0, 0.0} / r;
}

}  // namespace bscan
