// ALP contributions to the lepton anomalous magnetic moments (physics-models.md §A6; paper 000
// Eqs. 3.28-3.30, 5.12-5.14): the Yukawa loop h1 and the ALP-photon loop h2, x = m_a^2 / m_l^2.
#pragma once
#include <cmath>

#include "kernels/backend.hpp"
#include "kernels/numerics/panel_quadrature.hpp"

namespace bscan {

// Closed forms (real branches) for 0 < x <= 30; above, where their cancellations cost digits (all
// of them by x ~ 1e5), the integral forms h1 = 2 int_0^1 z^3 / D dz and
// h2 = 2 + (2/x) int_0^1 [(D + z^2) ln D - 2 z^2 ln z^2] dz, D = z^2 + (1 - z) x, written in
// w = 1 - z (exact near z = 1, where the integrand varies on the scale 1/x) and integrated with
// panels graded towards the root of D at w ~ -1/x.
inline constexpr double kG2ClosedFormMax = 30.0;

BSCAN_HD inline void alp_g2_loops(double x, double& h1, double& h2) {
  if (x <= 0.0) {
    h1 = h2 = 1.0;
    return;
  }
  if (x <= kG2ClosedFormMax && std::fabs(x - 4.0) > 1e-6) {
    const double lx = std::log(x), base1 = 1.0 + 2.0 * x - x * (x - 1.0) * lx;
    const double base2 = 1.0 - x / 3.0 + x * x / 6.0 * lx;
    if (x > 4.0) {
      const double L = std::log((std::sqrt(x) + std::sqrt(x - 4.0)) / 2.0);
      h1 = base1 + 2.0 * x * (x - 3.0) * std::sqrt(x / (x - 4.0)) * L;
      h2 = base2 - (2.0 + x) / 3.0 * std::sqrt(x * (x - 4.0)) * L;
    } else {
      const double A = std::acos(std::sqrt(x) / 2.0);
      h1 = base1 + 2.0 * x * (x - 3.0) * std::sqrt(x / (4.0 - x)) * A;
      h2 = base2 + (2.0 + x) / 3.0 * std::sqrt(x * (4.0 - x)) * A;
    }
    return;
  }
  // In w: D = (1 - w)^2 + w x; branch points w = 1 (z^2 ln z^2) and the root of D near w = 0,
  // w1 = 1 / w2 with w2 = ((2 - x) - sqrt(x^2 - 4x)) / 2 (real for x > 4; else D has no real root).
  Interval iv{0.0, 1.0, {1.0}, 1};
  if (x > 4.0) iv.branch[iv.n_branch++] = 2.0 / ((2.0 - x) - std::sqrt(x * x - 4.0 * x));
  double i1 = 0.0, i2 = 0.0;
  panel_quadrature<16>(iv, nullptr, 0, nullptr, 0, Pole{}, 0.25, [&](double w, double, double wt) {
    const double z = 1.0 - w, D = z * z + w * x;
    i1 += wt * z * z * z / D;
    i2 += wt * ((D + z * z) * std::log(D) - (z > 0.0 ? 4.0 * z * z * std::log(z) : 0.0));
  });
  h1 = 2.0 * i1;
  h2 = 2.0 + 2.0 / x * i2;
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
