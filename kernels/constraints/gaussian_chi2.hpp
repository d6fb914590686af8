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

// Forward substitution L y = r over the block's members for W points at once (lanes: the inner
// loops run over points, so one load of L serves W points and vectorises), four rows at a time
// (one load of y_j serves four rows, and eight independent sums hide the latency of the
// multiply-adds). residual(k, r) writes r of component k for the W points; at(len, chi2) is
// called with the running chi2 of the leading `len` members for len = 0 .. n (the Cholesky factor
// of a leading sub-block is the leading part of the block's factor, so nested chi2 groups ordered
// first-to-last share one solve). Non-finite chi2 come out as NaN.
template <int W, class Residual, class Prefix>
BSCAN_HD void block_chi2_lanes(const GaussianTerms& g, const GaussianBlock& b,
                               const Residual& residual, const Prefix& at, BlockChi2* out) {
  constexpr int R = 4;
  double y[kMaxGaussianBlock * W];
  double chi2[W];
  for (int p = 0; p < W; ++p) chi2[p] = 0.0;
  at(0, chi2);
  const double* chol = g.chol + b.chol;
  for (int i0 = 0; i0 < b.n; i0 += R) {
    const int nr = b.n - i0 < R ? b.n - i0 : R;
    double s[R][W];
    const double* row[R];  // rows past the block's end repeat row i0: summed, never used
    for (int r = 0; r < R; ++r) {
      const long long i = i0 + (r < nr ? r : 0);
      row[r] = chol + i * (i + 1) / 2;
      residual(g.members[b.first + i], s[r]);
    }
    for (int j = 0; j < i0; ++j) {
      const double* yj = y + j * W;
      const double l0 = row[0][j], l1 = row[1][j], l2 = row[2][j], l3 = row[3][j];
      BSCAN_SIMD for (int p = 0; p < W; ++p) {
        s[0][p] -= l0 * yj[p];
        s[1][p] -= l1 * yj[p];
        s[2][p] -= l2 * yj[p];
        s[3][p] -= l3 * yj[p];
      }
    }
    for (int r = 0; r < nr; ++r) {
      const int i = i0 + r;
      for (int q = 0; q < r; ++q) {
        const double l = row[r][i0 + q];
        const double* yq = y + (i0 + q) * W;
        BSCAN_SIMD for (int p = 0; p < W; ++p) s[r][p] -= l * yq[p];
      }
      double* yi = y + i * W;
      BSCAN_SIMD for (int p = 0; p < W; ++p) {
        yi[p] = s[r][p] / row[r][i];
        chi2[p] += yi[p] * yi[p];
      }
      at(i + 1, chi2);
    }
  }
  for (int p = 0; p < W; ++p)
    out[p] = {std::isfinite(chi2[p]) ? chi2[p] : NAN, b.n > 0 ? y[p] : 0.0};
}

// One point: residual(k) gives r of component k, at(len, chi2) as above.
template <class Residual, class Prefix>
BSCAN_HD BlockChi2 block_chi2(const GaussianTerms& g, const GaussianBlock& b,
                              const Residual& residual, const Prefix& at) {
  BlockChi2 out;
  block_chi2_lanes<1>(
      g, b, [&](int k, double* r) { r[0] = residual(k); },
      [&](int len, const double* chi2) { at(len, std::isfinite(chi2[0]) ? chi2[0] : NAN); }, &out);
  return out;
}

template <class Residual>
BSCAN_HD BlockChi2 block_chi2(const GaussianTerms& g, const GaussianBlock& b,
                              const Residual& residual) {
  return block_chi2(g, b, residual, [](int, double) {});
}

}  // namespace bscan
