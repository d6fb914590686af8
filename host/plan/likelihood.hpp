// The Gaussian terms of a plan: every measured component (an observable of a single or correlated
// measurement), the total covariance C = C_exp + C_th over them, and the Cholesky factors of the
// blocks the kernels solve per point (one per measurement entry, one per chi2 group).
#pragma once
#include <string>
#include <vector>

#include "kernels/constraints/gaussian_chi2.hpp"

namespace bscan {

struct MeasuredValue;

// Mean and variance of a measured value whose error sources are glued half-Gaussians (+plus,
// -minus; flavio's AsymmetricNormalDistribution), the sources convolved: means and variances add.
struct Moments {
  double mean, variance;
};
Moments measured_moments(const MeasuredValue& m);
// The symmetric 1-sigma error flavio gives an observable of a correlated measurement:
// sqrt(sum over sources of plus * minus).
double correlated_sigma(const MeasuredValue& m);

struct GaussianPlan {
  std::vector<int> op;  // per component: the observable op (index into the plan's observables)
  std::vector<double> scale, value;
  std::vector<double> covariance;  // C over the components, n x n (set by the planner)
  std::vector<int> members;
  std::vector<GaussianBlock> blocks;
  std::vector<double> chol;

  int components() const { return static_cast<int>(op.size()); }
  // A block over `comps` (indices of components): the Cholesky factor of C's sub-matrix. Throws
  // InputError naming `what` when the sub-matrix is not positive definite or too large.
  int add_block(const std::vector<int>& comps, const std::string& what);
  // chi2 of block b at the observables `obs` (indexed like the plan's observables), host side.
  BlockChi2 chi2_at(int b, const std::vector<double>& obs) const;
  // The kernels' view of these vectors (host memory; backends copy them).
  GaussianTerms view() const;
};

}  // namespace bscan
