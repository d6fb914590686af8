// Perturbative quark-loop function Y(q2) added to C9 (flavio matrixelements.Y; hep-ph/0106067,
// arXiv:0811.1214).
#pragma once
#include <cmath>

#include "kernels/backend.hpp"
#include "kernels/numerics/complex.hpp"
#include "kernels/sm/physics_inputs.hpp"

namespace bscan {

// Fermion-loop function h(q2, m_q, mu) for a massive quark [hep-ph/0106067 via FL
// matrixelements.h].
BSCAN_HD inline cplx loop_h_massive(double q2, double m, double mu) {
  constexpr double kPi = 3.14159265358979323846;
  const double z = 4.0 * m * m / q2;
  const double base = -4.0 / 9.0 * std::log(m * m / (mu * mu)) + 8.0 / 27.0 + 4.0 / 9.0 * z;
  const double pre = -4.0 / 9.0 * (2.0 + z) * std::sqrt(std::fabs(z - 1.0));
  if (z > 1.0) return {base + pre * std::atan(1.0 / std::sqrt(z - 1.0)), 0.0};
  const cplx a{std::log((1.0 + std::sqrt(1.0 - z)) / std::sqrt(z)), -kPi / 2.0};
  return cplx{base, 0.0} + pre * a;
}

// h(q2, 0, mu) for a massless quark.
BSCAN_HD inline cplx loop_h_massless(double q2, double mu) {
  constexpr double kPi = 3.14159265358979323846;
  return {8.0 / 27.0 - 4.0 / 9.0 * std::log(q2 / (mu * mu)), 4.0 * kPi / 9.0};
}

// Y(q2) = h(m_c) F_c - h(m_b) F_b / 2 - h(0) F_u / 2 + F_4 with pole masses m_c, m_b.
BSCAN_HD inline cplx charm_loop_Y(const SmInputs& sm, double q2) {
  const double Fc = 4.0 / 3.0 * sm.C1 + sm.C2 + 6.0 * sm.C3 + 60.0 * sm.C5;
  const double Fb = 7.0 * sm.C3 + 4.0 / 3.0 * sm.C4 + 76.0 * sm.C5 + 64.0 / 3.0 * sm.C6;
  const double Fu = sm.C3 + 4.0 / 3.0 * sm.C4 + 16.0 * sm.C5 + 64.0 / 3.0 * sm.C6;
  const double F4 = 4.0 / 3.0 * sm.C3 + 64.0 / 9.0 * sm.C5 + 64.0 / 27.0 * sm.C6;
  return Fc * loop_h_massive(q2, sm.m_c_pole, sm.mu_b) -
         0.5 * Fb * loop_h_massive(q2, sm.m_b_pole, sm.mu_b) -
         0.5 * Fu * loop_h_massless(q2, sm.mu_b) + cplx{F4, 0.0};
}

}  // namespace bscan
