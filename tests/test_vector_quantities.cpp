// The light vector's quantities (paper 001 Eqs. 5, 8, 11, 12; docs/physics.md) and its
// alternative input Gamma_V_over_m_V, against GSL's adaptive quadrature and dilogarithm and
// reference values of the loop functions.
#include <fmt/format.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_sf_dilog.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "host/exec/evaluate_point.hpp"
#include "host/model/model_registry.hpp"
#include "kernels/models/vector.hpp"
#include "test_support.hpp"

namespace bscan {
namespace {

constexpr double kPi = 3.14159265358979323846;

// F_V or F_A by GSL's QAGS to 1e-13 relative (independent of the kernels' panel quadrature).
double gsl_loop(double rho, bool axial) {
  struct Args {
    double rho;
    bool axial;
  } args{rho, axial};
  gsl_function f;
  f.function = [](double z, void* a) {
    const Args& r = *static_cast<Args*>(a);
    const double D = z * z + (1.0 - z) * r.rho;
    return r.axial ? (z * (1.0 - z) * (z - 4.0) - 2.0 * z * z * z / r.rho) / D
                   : z * z * (1.0 - z) / D;
  };
  f.params = &args;
  gsl_integration_workspace* w = gsl_integration_workspace_alloc(2000);
  double result = 0.0, err = 0.0;
  const double points[] = {0.0, 1.0 - 1.0 / rho, 1.0};
  if (rho > 2.0)
    gsl_integration_qagp(&f, const_cast<double*>(points), 3, 0.0, 1e-13, 2000, w, &result, &err);
  else
    gsl_integration_qags(&f, 0.0, 1.0, 0.0, 1e-13, 2000, w, &result, &err);
  gsl_integration_workspace_free(w);
  return result;
}

TEST(VectorLoops, GminusTwoIntegralsMatchAdaptiveQuadrature) {
  // rho from a vector lighter than the muon to m_V = 10 GeV against the electron (4e8).
  for (double rho : {0.01, 0.5, 1.0, 3.9, 4.1, 10.0, 100.0, 559.85, 1e4, 2.4e7, 4e8}) {
    double fv, fa;
    vector_g2_loops(rho, fv, fa);
    EXPECT_NEAR(fv / gsl_loop(rho, false), 1.0, 1e-10) << rho;
    EXPECT_NEAR(fa / gsl_loop(rho, true), 1.0, 1e-10) << rho;
  }
}

TEST(VectorLoops, SpecCheckValues) {
  // F_V, F_A reference values, printed to 4-5 digits: agreement to half a unit of the last digit.
  const double fv_ref[] = {0.1046, 0.022944, 0.0030623}, fa_ref[] = {-1.3138, -0.15312, -0.016351};
  const double fv_tol[] = {5e-5, 5e-7, 5e-8}, fa_tol[] = {5e-5, 5e-6, 5e-7};
  const double rhos[] = {1.0, 10.0, 100.0};
  for (int i = 0; i < 3; ++i) {
    double fv, fa;
    vector_g2_loops(rhos[i], fv, fa);
    EXPECT_NEAR(fv, fv_ref[i], fv_tol[i]) << rhos[i];
    EXPECT_NEAR(fa, fa_ref[i], fa_tol[i]) << rhos[i];
  }
  // m_V = 2.5 GeV: f_V = 3 rho F_V = 0.97698, f_A = -3/5 rho F_A = 0.9948765508 (30-digit
  // mpmath, docs/physics.md); limits f -> 1 for rho >> 1.
  double fv, fa;
  const double rho = 559.85;
  vector_g2_loops(rho, fv, fa);
  EXPECT_NEAR(3.0 * rho * fv, 0.97698, 5e-6);
  EXPECT_NEAR(3.0 * rho * fv, 0.976983513295943, 1e-9);
  EXPECT_NEAR(-0.6 * rho * fa, 0.994876550837013, 1e-9);
  vector_g2_loops(1e9, fv, fa);
  EXPECT_NEAR(3e9 * fv, 1.0, 1e-6);
  EXPECT_NEAR(-0.6e9 * fa, 1.0, 1e-6);
}

TEST(VectorLoops, DilogMatchesGsl) {
  for (double x = 1e-9; x < 1e9; x *= 1.7) {
    const double ref = gsl_sf_dilog(-x);
    EXPECT_NEAR(dilog_negative(-x) / ref, 1.0, 2e-15) << x;
  }
}

TEST(VectorLoops, ZVertexCheckValues) {
  // K_F reference values (7 digits) and paper 001's large-x form -7/2 + pi^2/3 + 3 ln x - ln^2 x.
  EXPECT_NEAR(vector_z_vertex(1.0), 1.079736, 1e-6);
  EXPECT_NEAR(vector_z_vertex(10.0), 0.466419, 1e-6);
  EXPECT_NEAR(vector_z_vertex(100.0), -8.004096, 1e-6);
  EXPECT_NEAR(vector_z_vertex(1330.43), -30.449, 1e-3);
  for (double x : {1e3, 1e4, 1e6}) {
    const double l = std::log(x), large = -3.5 + kPi * kPi / 3.0 + 3.0 * l - l * l;
    EXPECT_NEAR(vector_z_vertex(x), large, 20.0 * l * l / x) << x;  // O(ln^2 x / x) corrections
  }
  EXPECT_NEAR(vector_z_vertex(1e-2), 0.042828905906125814, 1e-12);  // 40-digit mpmath
}

std::map<std::string, double> benchmark_point() {
  return {{"m_V", 2.5},   {"g_bs", -1.5e-8}, {"g_muV", 0.015}, {"g_muA", -0.0066},
          {"g_chi", 1.5}, {"m_chi", 0.8},    {"g_phi", 2.0},   {"m_phi", 0.9},
          {"v", 0.3},     {"g_eV", 0.001},   {"g_eA", 0.0}};
}

TEST(VectorQuantities, GminusTwoAndZVertexThroughTheModel) {
  const ModelInfo& m = find_model("vector");
  const auto p = benchmark_point();
  const auto v =
      evaluate_point(m, test::physics(), p, {"delta_a_mu", "delta_a_e", "gZmumu/SM", "gZee/SM"});
  const double mmu = test::physics().inputs().m_lepton[1],
               me = test::physics().inputs().m_lepton[0];
  const double rho = 2.5 * 2.5 / (mmu * mmu), gv = 0.015, ga = -0.0066;
  EXPECT_NEAR(
      v[0] / ((gv * gv * gsl_loop(rho, false) + ga * ga * gsl_loop(rho, true)) / (4.0 * kPi * kPi)),
      1.0, 1e-10);
  EXPECT_NEAR(v[1] / (1e-6 * gsl_loop(2.5 * 2.5 / (me * me), false) / (4.0 * kPi * kPi)), 1.0,
              1e-10);
  const double x = 91.1876 * 91.1876 / 6.25;
  const double l = std::log(x), r = 1.0 + 1.0 / x;
  const double kf =
      -3.5 - 2.0 / x + (3.0 + 2.0 / x) * l - 2.0 * r * r * (gsl_sf_dilog(-x) + l * std::log1p(x));
  EXPECT_NEAR(v[2] - 1.0, (gv * gv + ga * ga) / (16.0 * kPi * kPi) * kf, 1e-15);
  EXPECT_NEAR(v[3] - 1.0, 1e-6 / (16.0 * kPi * kPi) * kf, 1e-15);
}

TEST(VectorQuantities, AnnihilationRatesOfPaperEqs11And12) {
  const ModelInfo& m = find_model("vector");
  auto p = benchmark_point();
  const auto v =
      evaluate_point(m, test::physics(), p, {"sigma_v(chichi->mumu)", "sigma_v(phiphi->mumu)"});
  // Eqs. (11), (12) written out here, with (hbar c)^2 c = 1.16733e-17 cm^3/s per GeV^-2 (PDG:
  // 0.389379 mb GeV^2 times c).
  const double mmu = 0.1056583755, gv = 0.015, ga = -0.0066, conv = 0.389379e-27 * 2.99792458e10;
  auto bracket = [&](double m) {
    return (gv * gv * (m * m + mmu * mmu / 2) + ga * ga * (m * m - mmu * mmu)) /
           std::pow(6.25 - 4 * m * m, 2) * std::sqrt(1 - mmu * mmu / (m * m));
  };
  EXPECT_NEAR(v[0] / (1.5 * 1.5 / kPi * bracket(0.8) * conv), 1.0, 2e-6);
  EXPECT_NEAR(v[1] / (0.09 * 4.0 / (3 * kPi) * bracket(0.9) * conv), 1.0, 2e-6);
  p["m_chi"] = 0.1;  // below the muon pair threshold
  EXPECT_EQ(evaluate_point(m, test::physics(), p, {"sigma_v(chichi->mumu)"})[0], 0.0);
}

TEST(VectorQuantities, WidthOverMassFixesTheInvisibleCoupling) {
  const ModelInfo& m = find_model("vector");
  for (double r : {1e-6, 0.1, 0.2, 0.5}) {
    auto p = benchmark_point();
    p.erase("g_chi");
    p["Gamma_V_over_m_V"] = r;
    const auto v = evaluate_point(m, test::physics(), p,
                                  {"Gamma_V/m_V", "g_chi", "BR(V->invisible)", "Gamma_V"});
    // Eq. 2 with the chi mass and the phi, muon and electron widths subtracted.
    VectorModel::Param gi = VectorModel::g_chi;
    double q[VectorModel::kNumParams];
    for (int k = 0; k < VectorModel::kNumParams; ++k) q[k] = m.params[k].default_value;
    for (const auto& [n, x] : p) q[*m.param_index(n)] = x;
    q[gi] = 0.0;
    const double others = VectorModel::total_width(test::physics().inputs(), q);
    const double beta = std::sqrt(1.0 - 4.0 * 0.64 / 6.25);
    const double g2 = (r * 2.5 - others) * 12.0 * kPi / (2.5 * (1.0 + 2.0 * 0.64 / 6.25) * beta);
    if (g2 < 0.0) {
      EXPECT_TRUE(std::isnan(v[1])) << "no g_chi gives a width below the visible ones";
      continue;
    }
    EXPECT_NEAR(v[0] / r, 1.0, 1e-13) << r;
    EXPECT_NEAR(v[1] / std::sqrt(g2), 1.0, 1e-12) << r;
    EXPECT_NEAR(v[3] / (r * 2.5), 1.0, 1e-13) << r;
  }
}

}  // namespace
}  // namespace bscan

namespace bscan {
namespace {

// The m_chi = 0 spectrum of docs/physics.md (B -> K(*) + invisible) written out, integrated by
// GSL's QAG in theta, q2 = m_V^2 + m_V Gamma_V tan(theta), where the Breit-Wigner is flat.
double gsl_invisible_spectrum(double g_bs, double g_chi, double m_v, double gamma_v, double lo,
                              double hi) {
  struct Args {
    const BToKInputs* ch;
    double g_bs, g_chi, m_v, gamma_v;
  } a{&test::physics().inputs().bplus_kplus, g_bs, g_chi, m_v, gamma_v};
  gsl_function f;
  f.function = [](double theta, void* v) {
    const Args& r = *static_cast<Args*>(v);
    const double mg = r.m_v * r.gamma_v, q2 = r.m_v * r.m_v + mg * std::tan(theta);
    const double mB = r.ch->m_B, fp = bk_form_factors(*r.ch, q2).f_plus;
    const double lam = kallen(mB * mB, r.ch->m_K * r.ch->m_K, q2);
    if (!(lam > 0.0)) return 0.0;
    return r.g_bs * r.g_bs * fp * fp * lam * std::sqrt(lam) / (64.0 * kPi * mB * mB * mB) *
           r.g_chi * r.g_chi / (12.0 * kPi * kPi) / mg / r.ch->Gamma_B;  // x dq2/dtheta / |D|^2
  };
  f.params = &a;
  const double mg = m_v * gamma_v, end = std::pow(a.ch->m_B - a.ch->m_K, 2);
  gsl_integration_workspace* w = gsl_integration_workspace_alloc(4000);
  double result = 0.0, err = 0.0;
  gsl_set_error_handler_off();
  const int status = gsl_integration_qag(&f, std::atan((lo - m_v * m_v) / mg),
                                         std::atan((std::min(hi, end) - m_v * m_v) / mg), 0.0,
                                         1e-12, 4000, GSL_INTEG_GAUSS61, w, &result, &err);
  gsl_integration_workspace_free(w);
  EXPECT_EQ(status, 0) << "GSL: " << gsl_strerror(status);
  return result;
}

TEST(VectorInvisible, OffShellSpectrumMatchesAdaptiveQuadrature) {
  const ModelInfo& m = find_model("vector");
  const double end = std::pow(5.27934 - 0.493677, 2);
  for (double r : {1e-6, 1e-3, 0.1, 0.2, 0.5})
    for (const auto& [lo, hi] : std::vector<std::pair<double, double>>{
             {0.0, end}, {0.0, 5.0}, {6.25, 12.0}, {1.0, 6.25}, {8.0, 20.0}}) {
      // Lepton couplings small enough for Gamma_V / m_V = 1e-6 (their widths below it).
      std::map<std::string, double> p{{"m_V", 2.5},
                                      {"g_bs", 1e-8},
                                      {"g_muV", 1e-4},
                                      {"g_muA", -4.4e-5},
                                      {"Gamma_V_over_m_V", r}};
      const std::string id = fmt::format("BR(B+->K+invisible)[{},{}]", lo, hi);
      const auto v = evaluate_point(m, test::physics(), p, {id, "g_chi", "Gamma_V"});
      const double ref = gsl_invisible_spectrum(1e-8, v[1], 2.5, v[2], lo, hi);
      EXPECT_NEAR(v[0] / ref, 1.0, 1e-8) << id << " Gamma/m = " << r;
    }
}

TEST(VectorInvisible, NarrowWidthLimitIsEquation3) {
  // As Gamma_V -> 0 the whole spectrum is BR(B -> M V) BR(V -> invisible): Eq. (3) for B -> K.
  // The difference is O(Gamma/m) = 1e-9 here; m_chi > 0 puts a branch point inside the range.
  const ModelInfo& m = find_model("vector");
  std::map<std::string, double> p{{"m_V", 2.5},      {"g_bs", 1e-8}, {"g_muV", 1e-6},
                                  {"g_chi", 1.6e-4}, {"m_chi", 0.3}, {"g_phi", 1e-4}};
  const auto v =
      evaluate_point(m, test::physics(), p,
                     {"BR(B+->K+invisible)[0,30]", "BR(B+->K+V(invisible))",
                      "BR(B0->K*0invisible)[0,30]", "BR(B0->K*0V(invisible))", "Gamma_V/m_V"});
  EXPECT_LT(v[4], 2e-9);
  EXPECT_NEAR(v[0] / v[1], 1.0, 1e-6);
  EXPECT_NEAR(v[2] / v[3], 1.0, 1e-6);
}

}  // namespace
}  // namespace bscan

namespace bscan {
namespace {

TEST(VectorNormalisation, PaperNormalisationIsAContactC9) {
  // options.vector_norm = N: a heavy V (m_V = 1 TeV) is the contact C9 = -g_bs g_muV / (N m_V^2)
  // of the wet model, up to q2 / m_V^2 ~ 1e-5.
  const double n = -7.7e-10, g_bs = 1e-3, g_muV = 0.7, m_v = 1000.0;
  const std::vector<std::string> ids = {"BR(B+->K+mumu)[1.1,6.0]", "P5p(B0->K*0mumu)[4.0,6.0]"};
  const test::ScanRun v =
      test::run_problem(test::point_plan("vector", {{"m_V", m_v}, {"g_bs", g_bs}, {"g_muV", g_muV}},
                                         ids, [&](ScanConfig& c) { c.options.vector_norm = n; }));
  const double c9 = -g_bs * g_muV / (n * m_v * m_v);
  EXPECT_NEAR(c9, 1.0 / 1.1, 1e-3);  // a sizeable shift, so the test can fail
  const std::vector<double> w =
      evaluate_point(find_model("wet"), test::physics(), {{"C9_bsmumu", c9}}, ids);
  for (std::size_t o = 0; o < ids.size(); ++o) EXPECT_NEAR(v.out[o] / w[o], 1.0, 1e-4) << ids[o];
}

}  // namespace
}  // namespace bscan
