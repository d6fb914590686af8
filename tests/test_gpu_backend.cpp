// The CUDA backend against the OpenMP backend on the same scan (ctest label `gpu`; skipped where
// the build has no CUDA backend or the machine no GPU).
#include <gtest/gtest.h>

#include <cmath>

#include "host/scan_problem.hpp"
#include "kernels/alp_model.hpp"
#include "test_support.hpp"

namespace bscan {
namespace {

TEST(GpuBackend, MatchesCpuBackend) {
  const PhysicsData& ph = test::physics();
  ScanProblem pb;
  pb.model = &find_model("alp");
  pb.physics = &ph;
  pb.fixed = pb.model->resolve({{"c_ee", 0.1}, {"c_mumu", 1e-4}, {"c_sb_minus", 5e-10}});
  std::vector<double> ma, csb;
  for (int i = 0; i < 64; ++i) ma.push_back(0.05 * std::pow(100.0, i / 63.0));
  for (int i = 0; i < 32; ++i) csb.push_back(1e-11 * std::pow(1e3, i / 31.0));
  pb.axes.push_back({"m_a", AlpModel::m_a, ma, true});
  pb.axes.push_back({"c_sb_plus", AlpModel::c_sb_plus, csb, true});
  for (const char* id :
       {"RK[1.1,6.0]", "BR(B+->K+ee)[1.1,6.0]{smear}", "dBR/dq2(B+->K+mumu)[2.0]", "Gamma_a"})
    pb.observables.push_back(parse_observable(id, *pb.model, {}, ph.inputs()));
  prepare_terms(pb);
  std::string why;
  std::unique_ptr<Backend> gpu = make_cuda_backend(pb, why);
  if (!gpu) GTEST_SKIP() << why;
  const long long n = pb.total_points();
  std::vector<double> a(pb.observables.size() * n), b(a.size());
  make_cpu_backend(pb, 2)->evaluate(0, n, a.data());
  gpu->evaluate(0, n, b.data());
  for (std::size_t i = 0; i < a.size(); ++i)
    ASSERT_NEAR(b[i] / a[i], 1.0, 1e-12) << "element " << i;  // same formulas, FMA contraction only
}

}  // namespace
}  // namespace bscan
