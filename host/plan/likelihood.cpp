#include "host/plan/likelihood.hpp"

#include <fmt/format.h>

#include <Eigen/Cholesky>
#include <cmath>
#include <numbers>

#include "host/config/measurement_set.hpp"
#include "host/errors.hpp"

namespace bscan {

// AsymmetricNormal(m, R, L): pdf glued at the mode m, mean m + sqrt(2/pi) (R - L),
// E[(x - m)^2] = (R^3 + L^3) / (R + L).
Moments measured_moments(const MeasuredValue& m) {
  Moments out{m.value, 0.0};
  for (const ErrorPair& e : m.errors) {
    const double r = e.plus, l = e.minus;
    if (r + l == 0.0) continue;
    const double shift = std::sqrt(2.0 / std::numbers::pi) * (r - l);
    out.mean += shift;
    out.variance += (r * r * r + l * l * l) / (r + l) - shift * shift;
  }
  return out;
}

double correlated_sigma(const MeasuredValue& m) {
  double s2 = 0.0;
  for (const ErrorPair& e : m.errors) s2 += e.plus * e.minus;
  return std::sqrt(s2);
}

int GaussianPlan::add_block(const std::vector<int>& comps, const std::string& what) {
  const auto n = static_cast<Eigen::Index>(comps.size());
  if (n > kMaxGaussianBlock)
    throw InputError(fmt::format("{}: {} measured observables in one chi2 block, at most {}", what,
                                 n, kMaxGaussianBlock));
  const std::size_t total = op.size();
  Eigen::MatrixXd sub(n, n);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < n; ++j)
      sub(i, j) = covariance[static_cast<std::size_t>(comps[i]) * total +
                             static_cast<std::size_t>(comps[j])];
  const Eigen::LLT<Eigen::MatrixXd> llt(sub);
  if (llt.info() != Eigen::Success || !sub.allFinite())
    throw InputError(fmt::format(
        "{}: the covariance of its {} measured observables (experiment + theory) is not positive "
        "definite",
        what, n));
  const Eigen::MatrixXd L = llt.matrixL();
  GaussianBlock b{static_cast<int>(members.size()), static_cast<int>(n),
                  static_cast<long long>(chol.size())};
  members.insert(members.end(), comps.begin(), comps.end());
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j <= i; ++j) chol.push_back(L(i, j));
  blocks.push_back(b);
  return static_cast<int>(blocks.size() - 1);
}

BlockChi2 GaussianPlan::chi2_at(int b, const std::vector<double>& obs) const {
  const GaussianTerms g = view();
  return block_chi2(g, blocks[static_cast<std::size_t>(b)], [&](int k) {
    return scale[k] * obs[static_cast<std::size_t>(op[k])] - value[k];
  });
}

GaussianTerms GaussianPlan::view() const {
  return {op.data(), scale.data(), value.data(), members.data(), blocks.data(), chol.data()};
}

}  // namespace bscan
