// Bin acceptance W(q2): indicator of [q2_lo, q2_hi], or with Gaussian resolution r in the dilepton
// mass |q| (paper 000 Eq. 4.19; docs/physics.md, Smearing):
// W = Phi((sqrt(q2_hi) - |q|)/r) - Phi((sqrt(q2_lo) - |q|)/r), integrated over the bin +- 6 r.
#pragma once
#include <cmath>

#include "kernels/backend.hpp"

namespace bscan {

inline constexpr double kSmearSigmas = 6.0;

struct Bin {
  double q2_lo, q2_hi;
  double r;  // resolution in |q| [GeV]; 0 = no smearing
};

// Standard normal CDF, written with erfc so that both tails keep their relative precision.
BSCAN_HD inline double normal_cdf(double x) { return 0.5 * std::erfc(-x / 1.4142135623730951); }

BSCAN_HD inline double bin_window(const Bin& b, double q2) {
  if (b.r <= 0.0) return (q2 >= b.q2_lo && q2 <= b.q2_hi) ? 1.0 : 0.0;
  const double q = std::sqrt(q2);
  const double hi = (std::sqrt(b.q2_hi) - q) / b.r, lo = (std::sqrt(b.q2_lo) - q) / b.r;
  // Phi(hi) - Phi(lo) = Phi(-lo) - Phi(-hi): use the form whose terms are small to avoid
  // cancellation.
  return lo > 0.0 ? normal_cdf(-lo) - normal_cdf(-hi) : normal_cdf(hi) - normal_cdf(lo);
}

// q2 range over which a bin's rate is integrated, before intersecting with the kinematic range.
BSCAN_HD inline void bin_support(const Bin& b, double& lo, double& hi) {
  if (b.r <= 0.0) {
    lo = b.q2_lo;
    hi = b.q2_hi;
    return;
  }
  const double a = std::sqrt(b.q2_lo) - kSmearSigmas * b.r;
  const double c = std::sqrt(b.q2_hi) + kSmearSigmas * b.r;
  lo = a > 0.0 ? a * a : 0.0;
  hi = c * c;
}

}  // namespace bscan
