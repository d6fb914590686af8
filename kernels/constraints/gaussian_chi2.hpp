// chi2 of correlated Gaussian terms: residuals r_k = scale_k * observable_k - value_k, chi2 =
// r^T C^-1 r = |y|^2 with L y = r, L the Cholesky factor of the block's covariance C = C_exp + C_th
// (factored once by the plan, host/plan/likelihood.cpp; forward substitution per point here).
#pragma once
#include <cmath>

#include "kernels/backend.hpp"

namespace bscan {

inline constexpr int kMaxGaussianBlock = 256;  // components of one block (entry or chi2 group)

// A block: components members[first .. first + n) and the packed lower-triangular Cholesky factor
// of their covariance at chol[offset ..], row-major (row i holds i + 1 numbers).
struct GaussianBlock {
  int first = 0, n = 0;
  long long chol = 0;
};

// Device view of the Gaussian terms of a plan.
struct GaussianTerms {
  const int* op = nullptr;        // per component: the observable op it reads
  const double* scale = nullptr;  // per component: prediction = scale * observable
  const double* value = nullptr;  // per component: measured value (mean of its distribution)
  const int* members = nullptr;   // component indices of the blocks
  const GaussianBlock* blocks = nullptr;
  const double* chol = nullptr;
};

struct BlockChi2 {
  double chi2;  // NaN when a member has no finite prediction
  double y0;    // first decorrelated residual: the signed pull of a one-component block
};

// Forward substitution L y = r over the block's members; residual(k) gives r of component k.
// at(len, chi2) is called with the chi2 of the leading `len` members for len = 0 .. n: the
// Cholesky factor of a leading sub-block is the leading part of the block's factor, so nested
// chi2 groups ordered first-to-last share one solve.
template <class Residual, class Prefix>
BSCAN_HD BlockChi2 block_chi2(const GaussianTerms& g, const GaussianBlock& b,
                              const Residual& residual, const Prefix& at) {
  double y[kMaxGaussianBlock];
  double chi2 = 0.0;
  at(0, 0.0);
  for (int i = 0; i < b.n; ++i) {
    const double* row = g.chol + b.chol + static_cast<long long>(i) * (i + 1) / 2;
    // Four partial sums: the dot product is bound by the latency of one chain of adds otherwise.
    double s0 = residual(g.members[b.first + i]), s1 = 0.0, s2 = 0.0, s3 = 0.0;
    int j = 0;
    for (; j + 4 <= i; j += 4) {
      s0 -= row[j] * y[j];
      s1 -= row[j + 1] * y[j + 1];
      s2 -= row[j + 2] * y[j + 2];
      s3 -= row[j + 3] * y[j + 3];
    }
    for (; j < i; ++j) s0 -= row[j] * y[j];
    y[i] = ((s0 + s1) + (s2 + s3)) / row[i];
    chi2 += y[i] * y[i];
    at(i + 1, std::isfinite(chi2) ? chi2 : NAN);
  }
  if (!std::isfinite(chi2)) chi2 = NAN;
  return {chi2, b.n > 0 ? y[0] : 0.0};
}

template <class Residual>
BSCAN_HD BlockChi2 block_chi2(const GaussianTerms& g, const GaussianBlock& b,
                              const Residual& residual) {
  return block_chi2(g, b, residual, [](int, double) {});
}

}  // namespace bscan
