// Two- and three-body kinematics (physics-bkll.md §2).
#pragma once
#include <cmath>

#include "backend.hpp"

namespace bscan {

// Källén function lambda(a, b, c).
BSCAN_HD inline double kallen(double a, double b, double c) {
  return a * a + b * b + c * c - 2.0 * (a * b + a * c + b * c);
}

// Lepton velocity beta = sqrt(1 - 4 m^2 / q2); 0 below threshold.
BSCAN_HD inline double lepton_beta(double q2, double m) {
  const double x = 1.0 - 4.0 * m * m / q2;
  return x > 0.0 ? std::sqrt(x) : 0.0;
}

}  // namespace bscan
