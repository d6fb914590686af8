// Whole scans through the OpenMP backend (grid decoding, pole keys, stage sharing, observables)
// against the adaptive reference, for the `alp` model on a grid that spans widths from 1e-18 to
// O(0.1) of the mass and masses below, inside, on the edge of and above the bins.
#include <gtest/gtest.h>

#include <cmath>

#include "host/exec/backend.hpp"
#include "host/plan/scan_plan.hpp"
#include "kernels/models/alp.hpp"
#include "reference/reference_bkll.hpp"
#include "test_support.hpp"

namespace bscan {
namespace {

TEST(BackendVsReference, AlpGridMatchesReference) {
  const PhysicsData& ph = test::physics();
  // Everything in: the photon width (keeps the 1 MeV ALP below the e+e- threshold off-zero), the
  // SM-resonance interference, and smearing of the SM part, as the reference computes it.
  PhysicsInputs in = ph.inputs();
  in.options = {true, true};
  ScanConfig c;
  c.model = "alp";
  c.options = in.options;
  c.smear_non_resonant = true;
  c.parameters = {{"c_sb_plus", 3e-9}};
  // m_a: 1 MeV, below the muon threshold, inside [1.1, 6], exactly on the lower edge, above m_B.
  c.axes.push_back({"m_a", {0.001, 0.15, std::sqrt(1.1), 1.7, 2.3, 40.0}, false});
  // c_ee spans Gamma_a / m_a from ~1e-18 to ~1e-1 (the c_gamma = 0 photon width rides along).
  c.axes.push_back({"c_ee", {1e-6, 1e-2, 10.0, 3e3}, true});
  c.axes.push_back({"c_mumu", {0.0, 0.5}, false});
  c.observables = {"BR(B+->K+ee)[1.1,6.0]", "BR(B+->K+mumu)[1.1,6.0]",
                   "BR(B+->K+ee)[1.1,6.0]{smear}", "BR(B+->K+mumu)[0.1,0.98]{smear}"};
  const ScanPlan pb = build_plan(c, ph);
  const long long n = pb.total_points();
  std::vector<double> out(pb.observables.size() * n);
  make_cpu_backend(pb, 2)->evaluate(0, n, out.data());

  double worst = 0.0;
  for (long long i = 0; i < n; ++i) {
    double p[AlpModel::kNumParams];
    for (int k = 0; k < AlpModel::kNumParams; ++k) p[k] = pb.fixed[k];
    long long rest = i;
    for (int a = static_cast<int>(pb.axes.size()) - 1; a >= 0; --a) {
      const auto& ax = pb.axes[a];
      p[ax.param] = ax.values[rest % ax.values.size()];
      rest /= static_cast<long long>(ax.values.size());
    }
    const Pole pole = AlpModel::pole(in, p);
    for (std::size_t o = 0; o < pb.observables.size(); ++o) {
      const RateTerm& t = pb.observables[o].terms[0];
      const double ref =
          reference::binned_rate(in, t, project(t.channel, AlpModel::wc_shifts(in, p, t.lepton)),
                                 pole) /
          in.bplus_kplus.Gamma_B;
      const double err = std::fabs(out[o * n + i] / ref - 1.0);
      worst = std::max(worst, err);
      EXPECT_LE(err, 1e-6) << c.observables[o] << " at m_a = " << p[AlpModel::m_a]
                           << ", c_ee = " << p[AlpModel::c_ee]
                           << ", c_mumu = " << p[AlpModel::c_mumu]
                           << ", Gamma/m = " << pole.gamma / pole.M2;
    }
  }
  std::printf(
      "backend vs reference: %lld points x %zu observables, worst |1 - kernel/reference| = %.3e\n",
      n, pb.observables.size(), worst);
}

}  // namespace
}  // namespace bscan
