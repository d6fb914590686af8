// BSZ z-expansion of a B -> M form factor (arXiv:1503.05534) as flavio evaluates it (flavio
// formfactors/common.py z, b_p/bsz.py, b_v/bsz.py).
#pragma once
#include <cmath>

#include "kernels/backend.hpp"
#include "kernels/sm/physics_inputs.hpp"

namespace bscan {

// Conformal variable z(t) with t0 = t+ (1 - sqrt(1 - t-/t+)) [FL formfactors/common.py z].
BSCAN_HD inline double bsz_z(double t, double m_B, double m_M) {
  const double tp = (m_B + m_M) * (m_B + m_M);
  const double tm = (m_B - m_M) * (m_B - m_M);
  const double t0 = tp * (1.0 - std::sqrt(1.0 - tm / tp));
  const double a = std::sqrt(tp - t);
  const double b = std::sqrt(tp - t0);
  return (a - b) / (a + b);
}

// F(q2) = sum_k a_k (z(q2) - z(0))^k / (1 - q2/m_R^2) [FL formfactors/b_p/bsz.py ff], given dz.
BSCAN_HD inline double bsz_series(const BszSeries& s, double q2, double dz) {
  return (s.a[0] + dz * (s.a[1] + dz * s.a[2])) / (1.0 - q2 / (s.m_pole * s.m_pole));
}

}  // namespace bscan
