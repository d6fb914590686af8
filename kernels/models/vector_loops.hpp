// One-loop functions of the light vector (paper 001 Eqs. 5, 8; docs/physics.md): the (g-2) F_V,
// F_A of rho = m_V^2 / m_l^2 and the Z-vertex function K_F of x = m_Z^2 / m_V^2.
#pragma once
#include <cmath>

#include "kernels/backend.hpp"
#include "kernels/numerics/panel_quadrature.hpp"

namespace bscan {

// F_V = int_0^1 z^2 (1 - z) / D dz, F_A = int_0^1 [z (1 - z)(z - 4) - 2 z^3 / rho] / D dz with
// D = z^2 + (1 - z) rho (Leveille 1978). Written in w = 1 - z, where D = (1 - w)^2 + w rho
// varies on the scale 1/rho near w = 0, and integrated with panels graded towards the root of D
// at w ~ -1/rho (real for rho > 4), as the ALP loops (alp_g2.hpp).
BSCAN_HD inline void vector_g2_loops(double rho, double& fv, double& fa) {
  Interval iv{0.0, 1.0, {1.0}, 1};
  if (rho > 4.0) iv.branch[iv.n_branch++] = 2.0 / ((2.0 - rho) - std::sqrt(rho * rho - 4.0 * rho));
  fv = fa = 0.0;
  panel_quadrature<16>(iv, nullptr, 0, nullptr, 0, Pole{}, 0.25, [&](double w, double, double wt) {
    const double z = 1.0 - w, D = z * z + w * rho;
    fv += wt * z * z * w / D;
    fa += wt * (z * w * (z - 4.0) - 2.0 * z * z * z / rho) / D;
  });
}

// Delta a_l = (g_V^2 F_V + g_A^2 F_A) / (4 pi^2) (paper 001 Eq. 5 with f_V = 3 rho F_V,
// f_A = -3/5 rho F_A).
BSCAN_HD inline double vector_delta_a(double m_l, double m_v, double g_v, double g_a) {
  constexpr double kPi = 3.14159265358979323846;
  double fv, fa;
  vector_g2_loops(m_v * m_v / (m_l * m_l), fv, fa);
  return (g_v * g_v * fv + g_a * g_a * fa) / (4.0 * kPi * kPi);
}

// Li2(y) for 0 <= y <= 1/2: sum_n B_n u^(n+1) / (n+1)!, u = -ln(1 - y) <= ln 2 (the Bernoulli
// series of 't Hooft and Veltman, Nucl. Phys. B153 (1979) 365); terms beyond n = 18 < 1e-19.
BSCAN_HD inline double dilog_bernoulli(double y) {
  constexpr double kB[] = {4.518980029619918e-16,   -1.9939295860721074e-14, 8.921691020456452e-13,
                           -4.0647616451442256e-11, 1.8978869988971e-09,     -9.185773074661964e-08,
                           4.72411186696901e-06,    -0.0002777777777777778,  0.027777777777777776};
  const double u = -std::log1p(-y), u2 = u * u;
  double s = 0.0;
  for (double b : kB) s = s * u2 + b;  // sum_{k} B_{2k} u^(2k) / (2k+1)!, k = 9 ... 1
  return u + u2 * (-0.25 + u * s);
}

// Li2(t) for real t <= 0: Landen's identity Li2(t) = -Li2(t / (t - 1)) - ln^2(1 - t) / 2 maps
// [-1, 0] onto [0, 1/2]; inversion Li2(t) = -pi^2/6 - ln^2(-t)/2 - Li2(1/t) maps t < -1 onto it.
BSCAN_HD inline double dilog_negative(double t) {
  constexpr double kPi2Over6 = 1.6449340668482264;
  if (t >= -1.0) {
    const double l = std::log1p(-t);
    return -dilog_bernoulli(t / (t - 1.0)) - 0.5 * l * l;
  }
  const double l = std::log(-t);
  return -kPi2Over6 - 0.5 * l * l - dilog_negative(1.0 / t);
}

// Real part of the massive-vector vertex function, x = m_Z^2 / m_V^2 (Hollik's Lambda_2):
// K_F = -7/2 - 2/x + (3 + 2/x) ln x - 2 (1 + 1/x)^2 [Li2(-x) + ln x ln(1 + x)].
// Its terms cancel to O(x ln x) as x -> 0 (K_F -> 0): 1e-12 relative accuracy at x = 1e-2 (m_V =
// 10 m_Z), 4e-10 at 1e-3, 3e-8 at 1e-4 (against 40-digit mpmath).
BSCAN_HD inline double vector_z_vertex(double x) {
  const double lx = std::log(x), r = 1.0 + 1.0 / x;
  return -3.5 - 2.0 / x + (3.0 + 2.0 / x) * lx -
         2.0 * r * r * (dilog_negative(-x) + lx * std::log1p(x));
}

}  // namespace bscan
