// Minimal complex number usable on host and device alike (no std::complex on the device).
#pragma once
#include <cmath>

#include "kernels/backend.hpp"

namespace bscan {

struct cplx {
  double re = 0.0;
  double im = 0.0;
};

BSCAN_HD inline cplx operator+(cplx a, cplx b) { return {a.re + b.re, a.im + b.im}; }
BSCAN_HD inline cplx operator-(cplx a, cplx b) { return {a.re - b.re, a.im - b.im}; }
BSCAN_HD inline cplx operator-(cplx a) { return {-a.re, -a.im}; }
BSCAN_HD inline cplx operator*(cplx a, cplx b) {
  return {a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re};
}
BSCAN_HD inline cplx operator*(double s, cplx a) { return {s * a.re, s * a.im}; }
BSCAN_HD inline cplx operator*(cplx a, double s) { return {s * a.re, s * a.im}; }
BSCAN_HD inline cplx operator/(cplx a, double s) { return {a.re / s, a.im / s}; }
BSCAN_HD inline cplx conj(cplx a) { return {a.re, -a.im}; }
BSCAN_HD inline double norm2(cplx a) { return a.re * a.re + a.im * a.im; }
BSCAN_HD inline cplx operator/(cplx a, cplx b) { return a * conj(b) / norm2(b); }
BSCAN_HD inline cplx& operator+=(cplx& a, cplx b) {
  a.re += b.re;
  a.im += b.im;
  return a;
}
BSCAN_HD inline cplx& operator-=(cplx& a, cplx b) {
  a.re -= b.re;
  a.im -= b.im;
  return a;
}
BSCAN_HD inline cplx& operator*=(cplx& a, double s) {
  a.re *= s;
  a.im *= s;
  return a;
}

BSCAN_HD inline double cabs(cplx a) { return std::hypot(a.re, a.im); }

// Principal square root, each component to relative precision (also a tiny imaginary part).
BSCAN_HD inline cplx csqrt(cplx a) {
  if (a.re == 0.0 && a.im == 0.0) return {0.0, a.im};
  const double t = std::sqrt(0.5 * (std::fabs(a.re) + cabs(a)));
  if (a.re >= 0.0) return {t, a.im / (2.0 * t)};
  return {std::fabs(a.im) / (2.0 * t), std::copysign(t, a.im)};
}

}  // namespace bscan
