// The Gaussian chi2: the kernels' forward substitution against an independent dense Eigen solve
// on random covariances, the moments of asymmetric errors against numerical integration, refusal
// of bad correlation matrices naming the entry, and a correlated set's chi2 per point against the
// same chi2 assembled here from the set's numbers.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <fstream>
#include <numbers>
#include <random>

#include "host/config/measurement_set.hpp"
#include "host/errors.hpp"
#include "host/exec/evaluate_point.hpp"
#include "host/plan/likelihood.hpp"
#include "test_support.hpp"

namespace bscan {
namespace {

namespace fs = std::filesystem;

TEST(GaussianChi2, ForwardSubstitutionEqualsADenseSolve) {
  std::mt19937_64 rng(20261207);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> log_scale(-6.0, 2.0);
  for (const int n : {1, 2, 3, 8, 17, 40, 120}) {
    // C = D (A A^T / n + 0.05 I) D with scales over 8 decades: correlated and badly scaled.
    Eigen::MatrixXd A(n, n);
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) A(i, j) = normal(rng);
    Eigen::VectorXd d(n);
    for (int i = 0; i < n; ++i) d(i) = std::pow(10.0, log_scale(rng));
    const Eigen::MatrixXd C = d.asDiagonal() *
                              (A * A.transpose() / n + 0.05 * Eigen::MatrixXd::Identity(n, n)) *
                              d.asDiagonal();
    GaussianPlan gp;
    gp.covariance.assign(C.data(), C.data() + C.size());
    std::vector<double> obs(n);
    for (int i = 0; i < n; ++i) {
      gp.op.push_back(n - 1 - i);  // components read the observables in reverse order
      gp.scale.push_back(1.5);
      gp.value.push_back(d(i) * normal(rng));
      obs[n - 1 - i] = d(i) * normal(rng);
    }
    std::vector<int> all(n), odd;
    for (int i = 0; i < n; ++i) all[i] = i;
    for (int i = 1; i < n; i += 2) odd.push_back(i);
    for (const std::vector<int>& comps : {all, odd}) {
      if (comps.empty()) continue;
      const int b = gp.add_block(comps, "test");
      const int m = static_cast<int>(comps.size());
      Eigen::VectorXd r(m);
      Eigen::MatrixXd sub(m, m);
      for (int i = 0; i < m; ++i) {
        r(i) = gp.scale[comps[i]] * obs[gp.op[comps[i]]] - gp.value[comps[i]];
        for (int j = 0; j < m; ++j) sub(i, j) = C(comps[i], comps[j]);
      }
      // The reference equilibrates first (z = D^-1 r, M = D^-1 C D^-1 with D = sqrt(diag C)) and
      // solves with a fully pivoted LU: pivoted LU on the raw matrix, whose scales span 16
      // decades, loses the digits that Cholesky (invariant under diagonal scaling) keeps.
      const Eigen::VectorXd inv = sub.diagonal().cwiseSqrt().cwiseInverse();
      const Eigen::VectorXd z = inv.asDiagonal() * r;
      const Eigen::MatrixXd M = inv.asDiagonal() * sub * inv.asDiagonal();
      const double dense = z.dot(M.fullPivLu().solve(z));
      // 1e-10 relative: both are backward stable and M's condition number stays below ~1e4.
      EXPECT_NEAR(gp.chi2_at(b, obs).chi2, dense, 1e-10 * dense) << "n = " << n << ", m = " << m;
    }
  }
}

// Two components reading observables 0 and 1, measured at 0, with covariance C.
GaussianPlan two_components(const Eigen::Matrix2d& C) {
  GaussianPlan gp;
  gp.covariance = {C(0, 0), C(0, 1), C(1, 0), C(1, 1)};
  gp.op = {0, 1};
  gp.scale = {1.0, 1.0};
  gp.value = {0.0, 0.0};
  return gp;
}

TEST(GaussianChi2, AMemberWithoutPredictionMakesTheChi2NaN) {
  GaussianPlan gp = two_components(Eigen::Matrix2d{{1.0, 0.3}, {0.3, 2.0}});
  const int b = gp.add_block({0, 1}, "test");
  EXPECT_TRUE(std::isnan(gp.chi2_at(b, {1.0, NAN}).chi2));
  EXPECT_TRUE(std::isnan(gp.chi2_at(b, {INFINITY, 0.0}).chi2));
  EXPECT_GT(gp.chi2_at(b, {1.0, 1.0}).chi2, 0.0);
}

TEST(GaussianChi2, NonPositiveDefiniteCovarianceIsRefusedNamingTheBlock) {
  GaussianPlan gp = two_components(Eigen::Matrix2d{{1.0, 1.0}, {1.0, 1.0}});
  try {
    gp.add_block({0, 1}, "constraint 'X'");
    FAIL() << "a singular covariance was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("constraint 'X'"), std::string::npos) << e.what();
  }
}

// The moments of flavio's AsymmetricNormalDistribution (two half-Gaussians glued at the mode,
// continuous) by trapezoidal integration of its pdf, against measured_moments' closed form.
TEST(GaussianChi2, MomentsOfAsymmetricErrorsMatchTheIntegratedPdf) {
  const MeasuredValue m{"x", 0.9, {{0.09, 0.05}, {0.02, 0.03}}};
  // The sources convolve: mean shifts and variances add, so each is integrated on its own.
  double mean = m.value, var = 0.0;
  for (const ErrorPair& e : m.errors) {
    const double r = e.plus, l = e.minus,
                 norm = 2.0 / (std::sqrt(2.0 * std::numbers::pi) * (r + l));
    double m1 = 0.0, m2 = 0.0;
    const int steps = 400000;
    const double lo = -12.0 * l, hi = 12.0 * r, h = (hi - lo) / steps;
    for (int k = 0; k <= steps; ++k) {
      const double x = lo + k * h, s = x < 0 ? l : r;
      const double w =
          (k == 0 || k == steps ? 0.5 : 1.0) * h * norm * std::exp(-x * x / (2 * s * s));
      m1 += w * x;
      m2 += w * x * x;
    }
    mean += m1;
    var += m2 - m1 * m1;
  }
  const Moments got = measured_moments(m);
  EXPECT_NEAR(got.mean, mean, 1e-9);
  EXPECT_NEAR(got.variance, var, 1e-9 * var);
  EXPECT_NEAR(correlated_sigma(m), std::sqrt(0.09 * 0.05 + 0.02 * 0.03), 1e-15);
}

class CorrelatedSets : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::fresh_test_dir("bscan_corr"); }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& body) {
    const fs::path f = dir_ / (name + ".toml");
    std::ofstream(f) << "name = \"" << name << "\"\ndescription = \"d\"\nsource = \"s\"\n" << body;
    return f;
  }

  std::string error_of(const fs::path& f) {
    try {
      load_measurement_set(f);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  }

  fs::path dir_;
};

// LHCb's R_K / R_K* 2022 as flavio stores it ('LHCb RK RK* 2022': four values, asymmetric errors,
// correlation as its upper triangle), plus a single measurement in the same chi2 group.
const char* kRatios = R"(
[chi2_groups]
ratios = ["LHCb_2022", "RK_other"]
only = ["LHCb_2022"]

[[constraint]]
name = "LHCb_2022"
role = "anomaly"
type = "correlated"
values = [
  { observable = "RK[1.1,6.0]", value = 0.949, errors = [[0.042, 0.041], [0.022, 0.022]] },
  { observable = "RK[0.1,1.1]", value = 0.994, errors = [[0.090, 0.082], [0.029, 0.027]] },
  { observable = "RKstar[1.1,6.0]", value = 1.027, errors = [[0.072, 0.068], [0.027, 0.026]] },
  { observable = "RKstar[0.1,1.1]", value = 0.927, errors = [[0.093, 0.087], [0.036, 0.035]] },
]
correlation = [[1.0, 0.015, -0.017, 0.005], [1.0, 0.004, -0.033], [1.0, 0.016], [1.0]]
source = "test"

[[constraint]]
name = "RK_other"
role = "anomaly"
type = "measurement"
observable = "RK[1.1,6.0]"
value = 0.85
errors = [[0.06, 0.04]]
source = "test"
)";

TEST_F(CorrelatedSets, BadCorrelationMatricesAreRefusedNamingTheEntry) {
  std::string body = kRatios;
  const auto with = [&](const std::string& from, const std::string& to) {
    std::string b = body;
    b.replace(b.find(from), from.size(), to);
    return b;
  };
  const std::string not_pd = with("[[1.0, 0.015, -0.017, 0.005]", "[[1.0, 0.999, 0.999, -0.999]");
  std::string e = error_of(write("a", not_pd));
  EXPECT_NE(e.find("'LHCb_2022'"), std::string::npos) << e;
  EXPECT_NE(e.find("positive definite"), std::string::npos) << e;
  e = error_of(write("b", with(", [1.0]]", "]")));
  EXPECT_NE(e.find("'LHCb_2022'"), std::string::npos) << e;
  EXPECT_NE(e.find("3 rows for 4 values"), std::string::npos) << e;
  e = error_of(write("c", with("[1.0, 0.016]", "[0.9, 0.016]")));
  EXPECT_NE(e.find("diagonal"), std::string::npos) << e;
  e = error_of(write("d", with("value = 0.85", "value = nan")));
  EXPECT_NE(e.find("'RK_other'"), std::string::npos) << e;
}

TEST_F(CorrelatedSets, PointChi2EqualsTheChi2AssembledFromTheSetsNumbers) {
  const fs::path file = write("ratios", kRatios);
  ConstraintOptions opt;
  opt.measurements = file.string();
  const ModelInfo& wet = find_model("wet");
  for (const double c9 : {0.0, -0.8, 0.5}) {
    const PointResult r = evaluate_point(wet, test::physics(),
                                         {{"C9_bsmumu", c9}, {"C10_bsmumu", -0.3 * c9}}, {}, opt);
    // The predictions the constraints read, by id.
    const auto pred = [&](const std::string& id) {
      for (std::size_t k = 0; k < r.plan.observables.size(); ++k)
        if (r.plan.observables[k].id == id) return r.values[k];
      throw std::out_of_range(id);
    };
    // Correlated entry: symmetric sigma = sqrt(sum plus * minus) (flavio's reading).
    const double v[4] = {0.949, 0.994, 1.027, 0.927};
    const double s[4] = {
        std::sqrt(0.042 * 0.041 + 0.022 * 0.022), std::sqrt(0.090 * 0.082 + 0.029 * 0.027),
        std::sqrt(0.072 * 0.068 + 0.027 * 0.026), std::sqrt(0.093 * 0.087 + 0.036 * 0.035)};
    const double rho[4][4] = {{1.0, 0.015, -0.017, 0.005},
                              {0.015, 1.0, 0.004, -0.033},
                              {-0.017, 0.004, 1.0, 0.016},
                              {0.005, -0.033, 0.016, 1.0}};
    const char* ids[4] = {"RK[1.1,6.0]", "RK[0.1,1.1]", "RKstar[1.1,6.0]", "RKstar[0.1,1.1]"};
    Eigen::MatrixXd C = Eigen::MatrixXd::Zero(5, 5);
    Eigen::VectorXd res(5);
    for (int i = 0; i < 4; ++i) {
      res(i) = pred(ids[i]) - v[i];
      for (int j = 0; j < 4; ++j) C(i, j) = rho[i][j] * s[i] * s[j];
    }
    // Single entry: the moments of the glued half-Gaussians.
    const double shift = std::sqrt(2.0 / std::numbers::pi) * (0.06 - 0.04);
    res(4) = pred("RK[1.1,6.0]") - (0.85 + shift);
    C(4, 4) = (std::pow(0.06, 3) + std::pow(0.04, 3)) / 0.1 - shift * shift;
    const double chi2_entry = res.head(4).dot(C.topLeftCorner(4, 4).ldlt().solve(res.head(4)));
    const double chi2_all = res.dot(C.ldlt().solve(res));
    const auto row = [&](const std::string& name) {
      const auto& n = r.plan.pull_names;
      return static_cast<double>(r.pulls[std::find(n.begin(), n.end(), name) - n.begin()]);
    };
    // float32 rows: 1e-6 relative.
    EXPECT_NEAR(row("chi2_only"), chi2_entry, 1e-6 * chi2_entry) << c9;
    EXPECT_NEAR(row("chi2_ratios"), chi2_all, 1e-6 * chi2_all) << c9;
    EXPECT_NEAR(row("LHCb_2022"), std::sqrt(chi2_entry), 1e-6 * std::sqrt(chi2_entry)) << c9;
    EXPECT_NEAR(row("RK_other"), res(4) / std::sqrt(C(4, 4)), 1e-6) << c9;
  }
}

}  // namespace
}  // namespace bscan
