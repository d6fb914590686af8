// B0 -> K*0 l l against independent numbers: the by-hand "Level 1" rate (C9 + Y, constant C7eff),
// flavio 2.7 without its QCD-factorisation correction (the table switched off), full flavio (with
// the QCDF table, every bin of the presets and measurement sets), new-physics terms, and the ALP
// (paper 000 Eq. 3.34, the narrow-width limit).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <numbers>
#include <regex>

#include "host/exec/evaluate_point.hpp"
#include "kernels/models/alp.hpp"
#include "kernels/models/wet.hpp"
#include "test_support.hpp"

namespace bscan {
namespace {

using test::physics;

const nlohmann::json& ref() {
  static const nlohmann::json j = test::load_json("flavio_reference_bvll.json");
  return j;
}

// flavio key -> bscan id ("dBR/dq2(B0->K*mumu)[4.0]" -> "dBR/dq2(B0->K*0mumu)[4.0]").
std::string bscan_id(const std::string& key) {
  return std::regex_replace(key, std::regex(R"(B0->K\*(ee|mumu))"), "B0->K*0$1");
}

double value(const std::string& model, const std::map<std::string, double>& v,
             const std::string& id) {
  return evaluate_point(find_model(model), physics(), v, {id})[0];
}

// An SM observable of `wet` at zero shifts from the kernels' building blocks with the inputs `in`
// (here: the QCDF table switched off), as the plan's sm_predictions does.
double sm_value(const PhysicsInputs& in, const std::string& id) {
  const CompiledObservables c =
      compile_observables({parse_observable(id, find_model("wet"), SmearingResolutions{}, in)});
  std::vector<double> rate;
  for (const RateTerm& t : c.terms)
    rate.push_back(term_rate(term_contact(in, t), nullptr, DirCouplings{}, t.kind, {}));
  const std::vector<double> p(WetModel::kNumParams, 0.0);
  PointMemo<WetModel> memo(in, p.data());
  return evaluate_op<WetModel>(in, c.ops[0], p.data(), Pole{}, rate.data(), memo);
}

PhysicsInputs without_qcdf() {
  PhysicsInputs in = physics().inputs();
  in.bvll_qcdf.n = 0;
  return in;
}

// Level 1 by hand (C9 + Y, constant C7eff, no flavio corrections) at 4 GeV^2.
TEST(BvllRate, LevelOneByHand) {
  PhysicsInputs in = physics().inputs();
  const std::vector<double> q2 = {0.0, 30.0}, zero(2 * kCorrectionColumns, 0.0);
  in.corrections = {q2.data(), zero.data(), zero.data(), 2};
  in.bvll_qcdf.n = 0;  // Level 1: no QCDF either
  const RateTerm t{Channel::B0Kstar0, Lepton::mu, TermKind::differential, {}, 4.0};
  const double dbr =
      term_rate(term_contact(in, t), nullptr, DirCouplings{}, TermKind::differential, {}) /
      in.b0_kstar0.Gamma_B;
  EXPECT_NEAR(dbr / 4.9967e-8, 1.0, 2e-4);  // 5 digits by hand
}

// All twelve angular coefficients at the Level-1 point (by hand, GeV^-1, 7 digits).
TEST(BvllRate, LevelOneAngularCoefficients) {
  PhysicsInputs in = physics().inputs();
  const std::vector<double> q2 = {0.0, 30.0}, zero(2 * kCorrectionColumns, 0.0);
  in.corrections = {q2.data(), zero.data(), zero.data(), 2};
  in.bvll_qcdf.n = 0;  // Level 1: no QCDF either
  const std::pair<int, double> spec[] = {
      {kJ1s, 3.679268e-21}, {kJ1c, 1.683726e-20}, {kJ2s, 1.223947e-21}, {kJ2c, -1.646346e-20},
      {kJ3, -4.196959e-22}, {kJ4, 4.556207e-21},  {kJ5, -7.261592e-21}, {kJ6s, -3.231018e-21},
      {kJ6c, 0.0},          {kJ7, 0.0},           {kJ8, 2.561607e-23},  {kJ9, -3.289870e-24},
      {kRate, 2.165074e-20}};
  for (const auto& [component, expected] : spec) {
    RateTerm t{Channel::B0Kstar0, Lepton::mu, TermKind::differential, {}, 4.0};
    t.component = component;
    const double j =
        term_rate(term_contact(in, t), nullptr, DirCouplings{}, TermKind::differential, {});
    // 7 printed digits; J6c and J7 vanish (no scalar amplitude, no weak phase): 1e-12 of the rate.
    EXPECT_NEAR(j, expected, std::max(1e-6 * std::fabs(expected), 2e-32))
        << "component " << component;
  }
}

// The same Level-1 point: F_L = 0.76041, P5' = -0.80883, A_FB = +0.11193 (LHCb sign), by hand.
TEST(BvllRate, LevelOneAngularByHand) {
  PhysicsInputs in = physics().inputs();
  const std::vector<double> q2 = {0.0, 30.0}, zero(2 * kCorrectionColumns, 0.0);
  in.corrections = {q2.data(), zero.data(), zero.data(), 2};
  in.bvll_qcdf.n = 0;  // Level 1: no QCDF either
  auto j = [&](int component) {
    RateTerm t{Channel::B0Kstar0, Lepton::mu, TermKind::differential, {}, 4.0};
    t.component = component;
    return term_rate(term_contact(in, t), nullptr, DirCouplings{}, TermKind::differential, {});
  };
  const double rate = j(kRate);
  EXPECT_NEAR(-j(kJ2c) / rate, 0.76041, 1e-5);
  EXPECT_NEAR(j(kJ5) / (2.0 * std::sqrt(-j(kJ2s) * j(kJ2c))), -0.80883, 1e-5);
  EXPECT_NEAR(-(0.75 * j(kJ6s) + 0.375 * j(kJ6c)) / rate, 0.11193, 1e-5);
}

// flavio 2.7 with its spectator-scattering (QCDF) correction switched off: every SM binned BR
// (electron bins down to [0.0004, 0.05] included, where the photon pole dominates) and dBR/dq2
// within 2e-4 (flavio's bin integrals are within 2e-6 of converged; spline and inputs ~1e-5).
TEST(BvllRate, SmMatchesFlavioWithoutQcdf) {
  int n = 0;
  for (const auto& [key, v] : ref().at("sm_no_qcdf").items()) {
    if (key.rfind("BR(B0", 0) != 0 && key.rfind("dBR/dq2(B0", 0) != 0) continue;
    EXPECT_NEAR(sm_value(without_qcdf(), bscan_id(key)) / v.get<double>(), 1.0, 2e-4) << key;
    ++n;
  }
  EXPECT_GE(n, 25);
}

// Binned and unbinned F_L, A_FB, P5' against flavio without QCDF (ratios of the same integrals):
// within 2e-4 absolute.
TEST(BvllRate, AngularObservablesMatchFlavioWithoutQcdf) {
  int n = 0;
  for (const auto& [key, v] : ref().at("sm_no_qcdf").items()) {
    std::smatch m;
    static const std::regex re(R"(^<?(FL|AFB|P5p)>?\(B0->K\*mumu\)(\[.*\])$)");
    if (!std::regex_match(key, m, re)) continue;
    const std::string id = m[1].str() + "(B0->K*0mumu)" + m[2].str();
    EXPECT_NEAR(sm_value(without_qcdf(), id), v.get<double>(), 2e-4) << key;
    ++n;
  }
  EXPECT_EQ(n, 18);
}

// With flavio's QCDF table (data/sm/flavio-qcdf-bvll.csv): full flavio 2.7, every BR and dBR/dq2
// of the 'sm' block within 3e-4 and F_L, A_FB, P5' within 3e-4 absolute (the no-QCDF agreement
// plus the table's 1e-6), and every bin of the presets and measurement sets
// (flavio_reference_bvll_bins.json) within the same, except 5e-4 for the angular observables of
// the electron bin [0.0004, 0.05] (photon pole; flavio's own bin integral converges to ~1e-4
// there). Issue 9 asks 2 % and 0.01.
TEST(BvllRate, SmMatchesFullFlavio) {
  int n = 0;
  for (const auto& [key, v] : ref().at("sm").items()) {
    std::smatch m;
    static const std::regex angular(R"(^<?(FL|AFB|P5p)>?\(B0->K\*mumu\)(\[.*\])$)");
    if (std::regex_match(key, m, angular)) {
      EXPECT_NEAR(value("wet", {}, m[1].str() + "(B0->K*0mumu)" + m[2].str()), v.get<double>(),
                  3e-4)
          << key;
      ++n;
    } else if (key.rfind("BR(B0", 0) == 0 || key.rfind("dBR/dq2(B0", 0) == 0) {
      EXPECT_NEAR(value("wet", {}, bscan_id(key)) / v.get<double>(), 1.0, 3e-4) << key;
      ++n;
    }
  }
  EXPECT_GE(n, 43);
  const nlohmann::json bins = test::load_json("flavio_reference_bvll_bins.json").at("sm");
  for (const auto& [key, v] : bins.items()) {
    std::smatch m;
    static const std::regex angular(
        R"(^<(FL|AFB|P1|P2|P3|P4p|P5p|P6p|P8p)>\(B0->K\*(ee|mumu)\)(\[.*\])$)");
    if (std::regex_match(key, m, angular))
      EXPECT_NEAR(value("wet", {}, m[1].str() + "(B0->K*0" + m[2].str() + ")" + m[3].str()),
                  v.get<double>(), m[3].str() == "[0.0004,0.05]" ? 5e-4 : 3e-4)
          << key;
    else
      EXPECT_NEAR(value("wet", {}, key) / v.get<double>(), 1.0, 3e-4) << key;
  }
  EXPECT_EQ(bins.size(), 212u);
}

// Terms linear and quadratic in one coefficient (-v, 0, +v), against full flavio: C_P, C_P', C_S,
// C_S' within 1 %, C9, C10 and primes within 0.2 % at every q2 (with the QCDF table the SM
// amplitudes they interfere with are flavio's; without it the C9 interference was off by up to 4 %
// below 1.1 GeV^2). Only terms >= 1e-3 of the SM rate.
TEST(BvllRate, NewPhysicsTermsMatchFlavio) {
  std::map<std::string, std::map<double, nlohmann::json>> pts;
  for (const auto& p : ref().at("wet")) {
    const auto& wc = p.at("wc");
    if (wc.size() == 1 && wc.begin().value().is_number() && wc.begin().key().rfind("C7", 0) != 0)
      pts[wc.begin().key()][wc.begin().value().get<double>()] = p.at("obs");
  }
  int checked = 0;
  for (const auto& [name, by_v] : pts) {
    const double vm = by_v.begin()->first, vp = by_v.rbegin()->first;
    const bool scalar = name.rfind("CS", 0) == 0 || name.rfind("CP", 0) == 0;
    for (const auto& [key, fp_json] : by_v.rbegin()->second.items()) {
      if (key.rfind("BR(B0", 0) != 0 && key.rfind("dBR", 0) != 0) continue;
      const double sm = ref().at("sm").at(key).get<double>();
      const double fp = fp_json.get<double>(), fm = by_v.begin()->second.at(key).get<double>();
      const std::string id = bscan_id(key);
      const double bp = value("wet", {{name, vp}}, id), bm = value("wet", {{name, vm}}, id);
      const double b0 = value("wet", {}, id);
      const double lin_f = (fp - fm) / 2, quad_f = (fp + fm) / 2 - sm;
      const double lin_b = (bp - bm) / 2, quad_b = (bp + bm) / 2 - b0;
      const double tol = scalar ? 0.01 : 0.002;
      if (std::fabs(lin_f) > 1e-3 * sm) {
        EXPECT_NEAR(lin_b / lin_f, 1.0, tol) << name << " linear, " << key;
        ++checked;
      }
      if (std::fabs(quad_f) > 1e-3 * sm) {
        EXPECT_NEAR(quad_b / quad_f, 1.0, tol) << name << " quadratic, " << key;
        ++checked;
      }
    }
  }
  EXPECT_GE(checked, 50);
}

// C_P^- of a heavy ALP (m_a = 1 TeV). flavio evaluates B -> K* with m_s = 0, i.e. its C_P - C_P'
// = 2 C_P^- / m_b is the ALP's K m_l c_sb_minus c_ll / (2 D) exactly when C_P^- is defined with m_b
// alone; with that definition (the one of the flavio fit in tests/flavio/) bscan must equal
// flavio's fit within 1 % (both bins) and paper 000 Eq. (3.34) within 5 % (EOS inputs there).
// Defining C_P^- with m_s + m_b, as Eq. (3.6) literally does, moves the quadratic term by another
// 3.6 % (docs/physics.md): checked within 10 %.
TEST(BvllRate, AlpCoefficientsOfCPminus) {
  const PhysicsInputs& in = physics().inputs();
  const double ma = 1000.0, cmm = 1.0, mmu = in.m_lepton[1];
  const double cgamma = in.alpha_em_0 / (4.0 * std::numbers::pi) * cmm *
                        AlpModel::loop_B1(4.0 * mmu * mmu / (ma * ma)).re;
  const double K = AlpModel::coupling_K(in).re;
  auto terms = [&](const std::string& id, double quark_mass, double& lin, double& quad) {
    auto br = [&](double cpm) {
      const double cm = -4.0 * ma * ma * cpm / (K * mmu * quark_mass * cmm);
      return value("alp", {{"m_a", ma}, {"c_sb_minus", cm}, {"c_mumu", cmm}, {"c_gamma", cgamma}},
                   id) /
             1e-7;
    };
    const double p = br(1.0), m = br(-1.0), z = br(0.0);
    lin = (p - m) / 2;
    quad = (p + m) / 2 - z;
  };
  double lin, quad;
  terms("BR(B0->K*0mumu)[1.1,6.0]", in.sm.m_b, lin, quad);
  EXPECT_NEAR(lin / -7.332e-2, 1.0, 0.01);
  EXPECT_NEAR(quad / 7.186e-2, 1.0, 0.01);
  EXPECT_NEAR(lin / -7.4e-2, 1.0, 0.05);
  EXPECT_NEAR(quad / 7.5e-2, 1.0, 0.05);
  terms("BR(B0->K*0mumu)[0.045,1.1]", in.sm.m_b, lin, quad);
  EXPECT_NEAR(lin / -1.502e-2, 1.0, 0.01);
  EXPECT_NEAR(quad / 2.475e-3, 1.0, 0.01);
  terms("BR(B0->K*0mumu)[1.1,6.0]", in.sm.m_b + in.sm.m_s, lin, quad);
  EXPECT_NEAR(lin / -7.4e-2, 1.0, 0.10);
  EXPECT_NEAR(quad / 7.5e-2, 1.0, 0.10);
  std::printf(
      "paper 000 Eq. (3.34), C_P^- with m_s + m_b: linear %.4g (paper -7.4e-2), quadratic %.4g "
      "(7.5e-2)\n",
      lin, quad);
}

// Narrow ALP inside the bin: the ALP-squared part of the K* rate is BR(B0 -> K*0 a) BR(a -> mu mu).
TEST(BvllRate, AlpNarrowWidthLimit) {
  const ModelInfo& alp = find_model("alp");
  for (double ma : {0.5, 1.5, 2.2}) {
    const std::string id = ma < 1.0 ? "BR(B0->K*0mumu)[0.045,1.1]" : "BR(B0->K*0mumu)[1.1,6.0]";
    std::map<std::string, double> v = {{"m_a", ma}, {"c_sb_minus", 1e-9}, {"c_mumu", 1e-3}};
    const std::vector<std::string> ids = {id, "Gamma_a", "BR(B0->K*0a)", "BR(a->mumu)"};
    const auto plus = evaluate_point(alp, physics(), v, ids);
    v["c_sb_minus"] = -1e-9;
    const auto minus = evaluate_point(alp, physics(), v, ids);
    v["c_sb_minus"] = 0.0;
    const auto zero = evaluate_point(alp, physics(), v, ids);
    ASSERT_LE(plus[1] / ma, 1e-8);
    EXPECT_NEAR((0.5 * (plus[0] + minus[0]) - zero[0]) / (plus[2] * plus[3]), 1.0, 1e-5)
        << "m_a = " << ma;
  }
}

}  // namespace
}  // namespace bscan
