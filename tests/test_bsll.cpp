// B_s -> l l against flavio 2.7 (SM, every WET point, linear and quadratic terms) and the ALP
// against paper 000 Eq. (3.40) and flavio's fit of the same coefficients.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <numbers>

#include "host/exec/evaluate_point.hpp"
#include "kernels/models/alp.hpp"
#include "test_support.hpp"

namespace bscan {
namespace {

const nlohmann::json& bvll_reference() {
  static const nlohmann::json j = test::load_json("flavio_reference_bvll.json");
  return j;
}

double bs(const std::string& model, const std::map<std::string, double>& v, const std::string& id) {
  return evaluate_point(find_model(model), test::physics(), v, {id})[0];
}

// SM and every new-physics point (C10, CS, CP and primes, complex ones included; C7, C9 must not
// change it): 1e-4 covers the 7-digit inputs (flavio computes this closed form exactly).
TEST(Bsll, MatchesFlavioEverywhere) {
  const auto& ref = bvll_reference();
  for (const char* id : {"BR(Bs->mumu)", "BR(Bs->ee)"})
    EXPECT_NEAR(bs("wet", {}, id) / ref.at("sm").at(id).get<double>(), 1.0, 1e-4) << id;
  int n = 0;
  for (const auto& point : ref.at("wet")) {
    const std::string lep = point.at("lepton");
    const std::string key = lep == "mu" ? "BR(Bs->mumu)" : "BR(Bs->ee)";
    if (!point.at("obs").contains(key) || point.at("wc").contains("C7_bs") ||
        point.at("wc").contains("C7p_bs"))
      continue;  // no C7 in `wet` yet (it cannot change B_s -> l l anyway)
    const double v = bs("wet", test::wet_values(point.at("wc")), key);
    EXPECT_NEAR(v / point.at("obs").at(key).get<double>(), 1.0, 1e-4)
        << key << " at " << point.at("wc").dump();
    ++n;
  }
  EXPECT_GE(n, 30);
}

// Linear and quadratic terms in each of C10, CS, CP and primes from the -v, 0, +v points: within
// 1 % of flavio's (issue 3 acceptance), whenever the term is at least 1e-3 of the SM rate.
TEST(Bsll, LinearAndQuadraticTermsMatchFlavio) {
  const auto& ref = bvll_reference();
  std::map<std::string, std::map<double, double>> pts;  // coefficient -> value -> BR
  for (const auto& point : ref.at("wet")) {
    const auto& wc = point.at("wc");
    if (wc.size() != 1 || !wc.begin().value().is_number()) continue;
    const std::string lep = point.at("lepton"), key = lep == "mu" ? "BR(Bs->mumu)" : "BR(Bs->ee)";
    if (point.at("obs").contains(key))
      pts[wc.begin().key()][wc.begin().value().get<double>()] = point.at("obs").at(key);
  }
  int checked = 0;
  for (const auto& [name, by_value] : pts) {
    if (name.rfind("C7", 0) == 0 || by_value.size() != 2) continue;
    const std::string key = name.find("mumu") != std::string::npos ? "BR(Bs->mumu)" : "BR(Bs->ee)";
    const double sm = ref.at("sm").at(key).get<double>();
    const double vm = by_value.begin()->first, vp = by_value.rbegin()->first;
    const double fm = by_value.begin()->second, fp = by_value.rbegin()->second;
    const double bm = bs("wet", {{name, vm}}, key), bp = bs("wet", {{name, vp}}, key),
                 b0 = bs("wet", {}, key);
    const double lin_f = (fp - fm) / 2, quad_f = (fp + fm) / 2 - sm;
    const double lin_b = (bp - bm) / 2, quad_b = (bp + bm) / 2 - b0;
    if (std::fabs(lin_f) > 1e-3 * sm) {
      EXPECT_NEAR(lin_b / lin_f, 1.0, 0.01) << name << " linear";
      ++checked;
    }
    if (std::fabs(quad_f) > 1e-3 * sm) {
      EXPECT_NEAR(quad_b / quad_f, 1.0, 0.01) << name << " quadratic";
      ++checked;
    }
  }
  EXPECT_GE(checked, 16);
}

// Paper 000 Eq. (3.40): BR(B_s -> mu mu) = (3.67 - 1.15e2 C + 9.04e2 C^2) 1e-9 with C = C_P^- (the
// coefficient of (s gamma5 b)(mu gamma5 mu) with alpha/4pi and m_b inside, standard sign). The
// ALP at m_a = 1 TeV with c_sb_minus chosen so that C_P^- = +-1: linear and quadratic terms within
// 5 % of the paper and 1 % of flavio's fit (tests/data/flavio_reference_bvll.json, alp).
TEST(Bsll, AlpReproducesPaperEq340) {
  const PhysicsInputs& in = test::physics().inputs();
  const double ma = 1000.0, cmm = 1.0, mmu = in.m_lepton[1];
  const double cgamma = in.alpha_em_0 / (4.0 * std::numbers::pi) * cmm *
                        AlpModel::loop_B1(4.0 * mmu * mmu / (ma * ma)).re;
  // C_P^- = K m_l (m_s + m_b) c_sb_minus c_ll / (4 D), D ~ -m_a^2 (docs/physics.md).
  const double K = AlpModel::coupling_K(in).re;
  auto br = [&](double cpm) {
    const double cm = -4.0 * ma * ma * cpm / (K * mmu * (in.sm.m_s + in.sm.m_b) * cmm);
    return bs("alp", {{"m_a", ma}, {"c_sb_minus", cm}, {"c_mumu", cmm}, {"c_gamma", cgamma}},
              "BR(Bs->mumu)");
  };
  const double p = br(1.0), m = br(-1.0), z = br(0.0);
  const double lin = (p - m) / 2 / 1e-9, quad = ((p + m) / 2 - z) / 1e-9;
  EXPECT_NEAR(lin / -1.15e2, 1.0, 0.05);
  EXPECT_NEAR(quad / 9.04e2, 1.0, 0.05);
  EXPECT_NEAR(lin / -113.9, 1.0, 0.01);
  EXPECT_NEAR(quad / 893.4, 1.0, 0.01);
}

}  // namespace
}  // namespace bscan
