// Two- and three-body kinematics (as in flavio bpll.py, bvll/observables.py).
#pragma once
#include <cmath>

#include "kernels/backend.hpp"

namespace bscan {

// Källén function lambda(a, b, c).
BSCAN_HD inline double kallen(double a, double b, double c) {
  return a * a + b * b + c * c - 2.0 * (a * b + a * c + b * c);
}

// A point of a three-body spectrum with its exact distances to the kinematic ends: near an end,
// q2 itself cannot resolve the distance (e.g. a pole within 1e-15 GeV^2 of q2_max), so the
// caller passes them, computed from the distance to the pole.
struct KinPoint {
  double q2;
  double above_min;  // q2 - 4 m_l^2
  double below_max;  // (m_B - m_M)^2 - q2
};

// lambda(m_B^2, m_M^2, q2) = ((m_B + m_M)^2 - q2) ((m_B - m_M)^2 - q2), factored so that it keeps
// its relative precision at q2_max.
BSCAN_HD inline double kallen_factored(double m_B, double m_M, const KinPoint& k) {
  return ((m_B + m_M) * (m_B + m_M) - k.q2) * k.below_max;
}

// Lepton velocity beta = sqrt(1 - 4 m^2 / q2); 0 below threshold.
BSCAN_HD inline double lepton_beta(double q2, double m) {
  const double x = 1.0 - 4.0 * m * m / q2;
  return x > 0.0 ? std::sqrt(x) : 0.0;
}

}  // namespace bscan
