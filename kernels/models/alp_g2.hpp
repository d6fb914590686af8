// ALP contributions to the lepton anomalous magnetic moments (arXiv:1708.00443 form; paper 000
// Eqs. 3.28-3.30, 5.12-5.14): the Yukawa loop h1 and the ALP-photon loop h2, x = m_a^2 / m_l^2.
#pragma once
#include <cmath>

#include "kernels/backend.hpp"

namespace bscan {

// Closed forms of paper 000 for x <= 4, with acos(sqrt(x)/2) sqrt(x/(4-x)) = atan(g)/g, g =
// sqrt((4-x)/x) (no digits lost near x = 4). For x > 4 the closed forms cancel from O(x^2 ln x)
// down to h1 ~ ln(x)/x (6e-12 at x = 30, all digits by x ~ 1e5); there they are rewritten exactly
// in q = (1-b)/(1+b) ~ 1/x, b = sqrt(1 - 4/x) (so x = 2 + q + 1/q, ln x = 2 ln(1+q) - ln q,
// atanh(b) = -ln(q)/2), with ln(1+q) = q - q^2/2 + q^3 sigma, which removes the cancelling orders
// analytically (sympy: tests/python/derive_alp_g2_series.py):
//   h1 = q [-(1+q)^2 (1+b) ln(q) / b + q^3 + q^2 - 2q - 3 - 2 (1+q)^2 (1+q+q^2) sigma],
//   h2 = -(1+q)(3+q) ln(q) / 3 + (9 + 6q + 2q^2 - 2q^3 - q^4) / 6 + q (1+q)^4 sigma / 3,
//   sigma = 1/(2(2+q)) + 2/(2+q)^3 sum_{k>=1} s^(2k-2)/(2k+1), s = q/(2+q) <= 1/3 (16 terms).
// Relative error against mpmath: h1 <= 1.2e-14 at 3 < x < 5 (the closed forms' own cancellation
// around h1(4) = 17 - 24 ln 2, the same in either form), <= 4e-15 at other x <= 30, <= 1e-15 for
// 30 < x < 1e300 (q turns subnormal above ~1e307); h2 <= 5e-16 everywhere. Cost for x > 4: sqrt,
// log (log1p below 16/3), 4 divisions, ~60 adds/multiplies (15 of them the Horner FMAs).
BSCAN_HD inline void alp_g2_loops(double x, double& h1, double& h2) {
  if (x <= 0.0) {
    h1 = h2 = 1.0;
    return;
  }
  if (x <= 4.0) {
    const double lx = std::log(x), g = std::sqrt((4.0 - x) / x);
    const double F = g > 0.0 ? std::atan(g) / g : 1.0;
    h1 = 1.0 + 2.0 * x - x * (x - 1.0) * lx + 2.0 * x * (x - 3.0) * F;
    h2 = 1.0 - x / 3.0 + x * x / 6.0 * lx + (2.0 + x) * (4.0 - x) / 3.0 * F;
    return;
  }
  const double rx = 1.0 / x, b = std::sqrt((x - 4.0) * rx), opb = 1.0 + b;
  const double q = 4.0 * rx / (opb * opb), opq = 1.0 + q, opq2 = opq * opq;
  // ln q = -2 atanh(b): through log1p while q is near 1 (b < 1/2, x < 16/3).
  const double lnq = b < 0.5 ? -std::log1p(2.0 * b / (1.0 - b)) : std::log(q);
  const double r = 1.0 / (2.0 + q), s = q * r, u = s * s;
  double p = 1.0 / 33;
  p = p * u + 1.0 / 31;
  p = p * u + 1.0 / 29;
  p = p * u + 1.0 / 27;
  p = p * u + 1.0 / 25;
  p = p * u + 1.0 / 23;
  p = p * u + 1.0 / 21;
  p = p * u + 1.0 / 19;
  p = p * u + 1.0 / 17;
  p = p * u + 1.0 / 15;
  p = p * u + 1.0 / 13;
  p = p * u + 1.0 / 11;
  p = p * u + 1.0 / 9;
  p = p * u + 1.0 / 7;
  p = p * u + 1.0 / 5;
  p = p * u + 1.0 / 3;
  const double sigma = r * (0.5 + 2.0 * r * r * p);
  h1 = q * (-opq2 * opb * lnq / b + (((q + 1.0) * q - 2.0) * q - 3.0) -
            2.0 * opq2 * ((q + 1.0) * q + 1.0) * sigma);
  h2 = (2.0 * (q * opq2 * opq2 * sigma - opq * (3.0 + q) * lnq) +
        ((((-q - 2.0) * q + 2.0) * q + 6.0) * q + 9.0)) *
       (1.0 / 6.0);
}

BSCAN_HD inline double alp_g2_h1(double x) {
  double h1, h2;
  alp_g2_loops(x, h1, h2);
  return h1;
}

// Delta a_l = -m_l^2 c_ll^2 h1 / (16 pi^2) + m_l^2 c_ll c_gamma_eff [ln(Lambda^2/m_l^2) - h2] / (2
// pi^2), with c_ll, c_gamma_eff in GeV^-1 and Lambda = 4 pi f_a.
BSCAN_HD inline double alp_delta_a(double m_l, double m_a, double c_ll, double c_gamma_eff,
                                   double lambda) {
  constexpr double kPi = 3.14159265358979323846;
  double h1, h2;
  alp_g2_loops(m_a * m_a / (m_l * m_l), h1, h2);
  return -m_l * m_l * c_ll * c_ll * h1 / (16.0 * kPi * kPi) +
         m_l * m_l * c_ll * c_gamma_eff * (std::log(lambda * lambda / (m_l * m_l)) - h2) /
             (2.0 * kPi * kPi);
}

}  // namespace bscan
