// The CUDA backend against the OpenMP backend on the same scan (ctest label `gpu`; skipped where
// the build has no CUDA backend or the machine no GPU).
#include <gtest/gtest.h>

#include <cmath>

#include "host/exec/backend.hpp"
#include "host/plan/scan_plan.hpp"
#include "kernels/models/alp.hpp"
#include "test_support.hpp"

namespace bscan {
namespace {

TEST(GpuBackend, MatchesCpuBackend) {
  const PhysicsData& ph = test::physics();
  ScanConfig c;
  c.model = "alp";
  c.parameters = {{"c_ee", 0.1}, {"c_mumu", 1e-4}, {"c_sb_minus", 5e-10}};
  std::vector<double> ma, csb;
  for (int i = 0; i < 64; ++i) ma.push_back(0.05 * std::pow(100.0, i / 63.0));
  for (int i = 0; i < 32; ++i) csb.push_back(1e-11 * std::pow(1e3, i / 31.0));
  c.axes.push_back({"m_a", ma, true});
  c.axes.push_back({"c_sb_plus", csb, true});
  c.observables = {"RK[1.1,6.0]", "BR(B+->K+ee)[1.1,6.0]{smear}", "dBR/dq2(B+->K+mumu)[2.0]",
                   "Gamma_a"};
  const ScanPlan pb = build_plan(c, ph);
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
