// Constraints: the kernel's pull and pass logic, the measurement sets, every validity condition on
// both sides of its closed-form boundary (paper 000 Eqs. 4.9, 4.10, 4.12, 4.13), the flag words
// against the pulls, and the on-shell options (Eq. 4.1 narrow-width decomposition, smearing of the
// resonance only).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "host/config/scan_config.hpp"
#include "host/errors.hpp"
#include "host/plan/constraints.hpp"
#include "kernels/models/alp.hpp"
#include "reference/reference_bkll.hpp"
#include "test_support.hpp"

namespace bscan {
namespace {

using LineScan = test::ScanRun;

// A one-axis scan of `model` along `axis` with `fixed` parameters and a [constraints] table.
LineScan line_scan(const std::string& model, const std::string& params, const std::string& axis,
                   std::vector<double> values, const std::string& constraints) {
  const std::string text = fmt::format(
      "model = \"{}\"\nobservables = [\"RK[1.1,6.0]\"]\n[parameters]\n{}\n[constraints]\n{}\n"
      "[[axes]]\nname = \"{}\"\nvalues = [1.0]\n",
      model, params, constraints, axis);
  ScanConfig c = parse_config(text, "line scan");
  c.axes[0].values = std::move(values);
  return test::run_problem(build_plan(c, test::physics()));
}

// x (1 - d), x, x (1 + d): just inside / on / just outside a boundary at x.
std::vector<double> around(double x, double d = 1e-3) { return {x * (1 - d), x, x * (1 + d)}; }

// ---------------------------------------------------------------- kernel logic

TEST(ConstraintKernel, AsymmetricPullUsesTheErrorsFacingThePrediction) {
  ConstraintOp c{ConstraintKind::measurement};
  c.value = 1.0;
  c.err_plus = 0.3;   // measurement could be higher by 0.3
  c.err_minus = 0.1;  // or lower by 0.1
  c.th_plus = 0.0;
  c.th_minus = 0.4;  // prediction could be lower by 0.4
  // Prediction above: experimental +0.3 and theoretical -0.4 in quadrature = 0.5.
  auto above = evaluate_constraint(c, [](int) { return 2.0; });
  EXPECT_DOUBLE_EQ(above.pull, 2.0);
  EXPECT_FALSE(above.pass_1s);
  EXPECT_TRUE(above.pass_2s);
  // Prediction below: experimental -0.1, theoretical +0 -> 0.1.
  auto below = evaluate_constraint(c, [](int) { return 0.79; });
  EXPECT_NEAR(below.pull, -2.1, 1e-12);
  EXPECT_FALSE(below.pass_2s);
  // A scaled prediction carries the scale's relative error: 2 x 0.5, error 0.5 x 0.2 = 0.1.
  ConstraintOp s{ConstraintKind::measurement};
  s.value = 1.3;
  s.err_plus = s.err_minus = 0.0;
  s.scale = 2.0;
  s.scale_plus = s.scale_minus = 0.2;
  EXPECT_NEAR(evaluate_constraint(s, [](int) { return 0.5; }).pull, -3.0, 1e-12);
}

TEST(ConstraintKernel, UpperLimitTakesTheStrongestBinAndIgnoresNaN) {
  ConstraintOp c{ConstraintKind::upper_limit};
  c.n_ops = 3;
  c.lo[0] = 1.0;
  c.lo[1] = 0.1;
  c.lo[2] = 10.0;
  c.sigma_level = 2.0;
  const double v[] = {0.5, 0.06, NAN};
  const ConstraintResult r = evaluate_constraint(c, [&](int k) { return v[k]; });
  EXPECT_NEAR(r.pull, 1.2, 1e-12);  // 2 x 0.06 / 0.1 beats 2 x 0.5 / 1
  EXPECT_FALSE(r.pass_1s);
  EXPECT_TRUE(r.pass_2s);
}

TEST(ConstraintKernel, WindowsAndThresholdsAreInclusive) {
  ConstraintOp box{ConstraintKind::excluded_region};
  box.n_ops = 2;
  box.lo[0] = 1.0;
  box.hi[0] = 2.0;
  box.lo[1] = 0.1;
  box.hi[1] = 0.2;
  const auto at = [&](double a, double b) {
    return evaluate_constraint(box, [&](int k) { return k == 0 ? a : b; }).pass_2s;
  };
  EXPECT_FALSE(at(1.5, -0.15));  // |value| inside both ranges: excluded
  EXPECT_TRUE(at(1.5, 0.25));
  EXPECT_TRUE(at(2.5, 0.15));
  ConstraintOp most{ConstraintKind::at_most};
  most.lo[0] = 0.2;
  EXPECT_TRUE(evaluate_constraint(most, [](int) { return 0.2; }).pass_2s);
  EXPECT_FALSE(evaluate_constraint(most, [](int) { return 0.2000001; }).pass_2s);
}

// ---------------------------------------------------------------- measurement sets

TEST(MeasurementSets, BothSetsLoadWithTheRequiredFlagNames) {
  for (const char* set : {"paper-2021", "lhcb-2022"}) {
    LineScan s =
        line_scan("alp", "c_ee = 0.1", "m_a", {1.2}, fmt::format("measurements = \"{}\"", set));
    for (const char* f :
         {"solves_RK_1s", "solves_RK_2s", "solves_RKstar_low_1s", "solves_RKstar_low_2s",
          "solves_RKstar_central_1s", "solves_RKstar_central_2s", "allowed_2s"})
      EXPECT_NE(std::find(s.pb.flag_names.begin(), s.pb.flag_names.end(), f), s.pb.flag_names.end())
          << set << ": " << f;
  }
}

TEST(MeasurementSets, ErrorsNameTheSetTheKeyAndTheConstraint) {
  const auto error_of = [](const std::string& constraints) {
    try {
      line_scan("alp", "c_ee = 0.1", "m_a", {1.2}, constraints);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error_of("measurements = \"no-such-set\"").find("no-such-set.toml"), std::string::npos);
  EXPECT_NE(error_of("measurements = \"paper-2021\"\nonly = [\"RK\", \"RKx\"]").find("only[1]"),
            std::string::npos);
  EXPECT_NE(error_of("measurements = \"paper-2021\"\nthresholds = { RK = 1.0 }").find("RK"),
            std::string::npos);
  EXPECT_NE(error_of("measurements = \"paper-2021\"\ntheory_errors = { nope = 0.1 }")
                .find("theory_errors.nope"),
            std::string::npos);
}

TEST(MeasurementSets, ConstraintsTheModelCannotEvaluateAreSkipped) {
  // alp_cp has no particle: no widths, no searches, no Delta M_s, no g-2.
  LineScan s = line_scan("alp_cp", "", "CPplus_ee", {0.0}, "measurements = \"paper-2021\"");
  for (const char* absent : {"nwa", "K_a_mumu_2s", "DeltaMs_2s", "solves_g2_mu_2s"})
    EXPECT_EQ(std::find(s.pb.flag_names.begin(), s.pb.flag_names.end(), absent),
              s.pb.flag_names.end())
        << absent;
  EXPECT_TRUE(s.flag("BR_Kee_central_2s", 0));  // SM: inside 2 sigma with Tab. 4's 17 %
}

// ---------------------------------------------------------------- validity conditions

constexpr double kPi = std::numbers::pi;

// Gamma_a / m_a = m_l^2 c^2 beta / (8 pi) = 1/5 (paper 000 Eqs. 4.9, 4.10, exact beta).
double nwa_coupling(double ml, double ma) {
  return std::sqrt(8.0 * kPi / (5.0 * ml * ml * std::sqrt(1.0 - 4.0 * ml * ml / (ma * ma))));
}
// Gamma_a = 0.02 eV (paper 000 Eqs. 4.11-4.13, exact beta).
double prompt_coupling(double ml, double ma) {
  return std::sqrt(8.0 * kPi * 2e-11 / (ma * ml * ml * std::sqrt(1.0 - 4.0 * ml * ml / (ma * ma))));
}

TEST(Validity, NarrowWidthBoundaryOfEqs49And410) {
  const PhysicsInputs& in = test::physics().inputs();
  const double me = in.m_lepton[0], mmu = in.m_lepton[1];
  const double ce = nwa_coupling(me, 1.2), cmu = nwa_coupling(mmu, 1.2);
  EXPECT_NEAR(ce, 4.4e3, 0.01 * 4.4e3);  // Eq. 4.9
  EXPECT_NEAR(cmu, 21.0, 0.03 * 21.0);   // Eq. 4.10 (beta = 0.984 at 1.2 GeV)
  const std::string only = "measurements = \"paper-2021\"\nonly = [\"nwa\"]";
  LineScan e = line_scan("alp", "m_a = 1.2", "c_ee", around(ce), only);
  LineScan m = line_scan("alp", "m_a = 1.2", "c_mumu", around(cmu), only);
  for (const LineScan* s : {&e, &m}) {
    EXPECT_TRUE(s->flag("nwa", 0));
    EXPECT_FALSE(s->flag("nwa", 2));
    EXPECT_EQ(s->flag("allowed_2s", 2), s->flag("nwa", 2));
  }
}

TEST(Validity, PromptDecayBoundaryOfEqs412And413) {
  const PhysicsInputs& in = test::physics().inputs();
  const double me = in.m_lepton[0], mmu = in.m_lepton[1];
  // The paper's numbers at m_a = 1 GeV (its 1/m_a scaling is 1/sqrt(m_a), docs/reproduction.md).
  EXPECT_NEAR(prompt_coupling(me, 1.0), 4.4e-2, 0.01 * 4.4e-2);
  EXPECT_NEAR(prompt_coupling(mmu, 1.0), 2.1e-4, 0.03 * 2.1e-4);  // paper: beta = 1; here 0.978
  const std::string only = "measurements = \"paper-2021\"\nonly = [\"prompt\"]";
  for (double ma : {0.25, 1.0, 4.0}) {
    LineScan e = line_scan("alp", fmt::format("m_a = {}", ma), "c_ee",
                           around(prompt_coupling(me, ma)), only);
    LineScan m = line_scan("alp", fmt::format("m_a = {}", ma), "c_mumu",
                           around(prompt_coupling(mmu, ma)), only);
    for (const LineScan* s : {&e, &m}) {
      EXPECT_FALSE(s->flag("prompt", 0)) << "m_a = " << ma;
      EXPECT_TRUE(s->flag("prompt", 2)) << "m_a = " << ma;
    }
  }
}

TEST(Validity, EftLightAlpWindowsAndMassFloor) {
  const double f_min = 1000.0 / (4.0 * kPi);
  const std::string set = "measurements = \"paper-2021\"\n";
  // |c_ee| f_a <= 4 pi at the default f_a = f_min.
  LineScan eft =
      line_scan("alp", "m_a = 1.2", "c_ee", around(4.0 * kPi / f_min), set + "only = [\"eft\"]");
  EXPECT_TRUE(eft.flag("eft", 0));
  EXPECT_FALSE(eft.flag("eft", 2));
  // A config may tighten it: eft = 1 (c_i < 1, paper Sect. 2).
  LineScan strict = line_scan("alp", "m_a = 1.2", "c_ee", around(1.0 / f_min),
                              set + "only = [\"eft\"]\nthresholds = { eft = 1.0 }");
  EXPECT_TRUE(strict.flag("eft", 0));
  EXPECT_FALSE(strict.flag("eft", 2));
  LineScan fa = line_scan("alp", "m_a = 1.2", "f_a", around(f_min), set + "only = [\"eft_f_a\"]");
  EXPECT_FALSE(fa.flag("eft_f_a", 0));
  EXPECT_TRUE(fa.flag("eft_f_a", 2));
  LineScan floor =
      line_scan("alp", "c_ee = 1.0", "m_a", around(1e-3), set + "only = [\"m_a_min\"]");
  EXPECT_FALSE(floor.flag("m_a_min", 0));
  EXPECT_TRUE(floor.flag("m_a_min", 2));
  // Beam dump excludes c_ee in [1e-4, 1e-1], supernova [1e-6, 1e-4], for m_a < 2 m_mu only.
  LineScan bd = line_scan("alp", "m_a = 0.1", "c_ee", {0.99e-6, 1.01e-6, 0.99e-4, 1.01e-4, 0.101},
                          set + "only = [\"beam_dump\", \"supernova\"]");
  const bool beam[] = {true, true, true, false, true}, sn[] = {true, false, false, true, true};
  for (long long i = 0; i < bd.n; ++i) {
    EXPECT_EQ(bd.flag("beam_dump", i), beam[i]) << bd.axis(i);
    EXPECT_EQ(bd.flag("supernova", i), sn[i]) << bd.axis(i);
  }
  LineScan heavy = line_scan("alp", "m_a = 0.3", "c_ee", {1e-3}, set + "only = [\"beam_dump\"]");
  EXPECT_TRUE(heavy.flag("beam_dump", 0));
}

// ---------------------------------------------------------------- flags against pulls

TEST(Flags, BitsFollowThePullsAndAllowedIsTheirConjunction) {
  std::vector<double> c;
  for (int i = 0; i < 40; ++i) c.push_back(1e-11 * std::pow(10.0, i / 13.0));
  LineScan s = line_scan("alp", "m_a = 1.2\nc_ee = 0.1\nc_mumu = 1e-4\nc_sb_minus = 3e-10",
                         "c_sb_plus", c, "measurements = \"paper-2021\"");
  int allowed = 0, excluded = 0;
  for (long long i = 0; i < s.n; ++i) {
    bool all = true;
    for (const ConstraintOp& c : s.pb.constraints) {
      if (c.pull < 0) continue;  // validity conditions: checked below
      const std::string& name = s.pb.pull_names[c.pull];
      const double pull = s.pulls[c.pull * s.n + i];
      const bool anomaly = !c.bound;
      const std::string prefix = anomaly ? "solves_" + name : name;
      if (std::isnan(pull)) {
        EXPECT_EQ(s.flag(prefix + "_2s", i), !anomaly) << name;
        continue;
      }
      EXPECT_EQ(s.flag(prefix + "_1s", i), std::fabs(pull) <= 1.0) << name << " " << pull;
      EXPECT_EQ(s.flag(prefix + "_2s", i), std::fabs(pull) <= 2.0) << name << " " << pull;
      if (!anomaly) all = all && std::fabs(pull) <= 2.0;
    }
    for (const char* v : {"nwa", "prompt", "eft", "eft_f_a", "m_a_min", "beam_dump", "supernova"})
      all = all && s.flag(v, i);
    EXPECT_EQ(s.flag("allowed_2s", i), all) << "point " << i;
    (all ? allowed : excluded)++;
  }
  EXPECT_GT(allowed, 0);  // the line crosses the B -> K ee bound
  EXPECT_GT(excluded, 0);
}

// ---------------------------------------------------------------- the paper's bounds

// Eq. 4.14: |c+| sqrt(BR(a -> ee)) <~ 3.8e-10 GeV^-1 at 2 sigma from B -> K ee [1.1, 6], nearly
// independent of m_a. bscan's SM rate (1.72e-7, flavio) sits where the paper's Tab. 4 puts it.
TEST(PaperBounds, Eq414FromTheBkeeBound) {
  std::vector<double> c;
  for (int i = 0; i <= 400; ++i) c.push_back(2e-10 + i * 5e-13);
  for (double ma : {1.2, 2.0}) {
    LineScan s =
        line_scan("alp", fmt::format("m_a = {}\nc_ee = 0.1\nc_mumu = 1e-5", ma), "c_sb_plus", c,
                  "measurements = \"paper-2021\"\nonly = [\"BR_Kee_central\"]");
    long long edge = 0;
    while (edge < s.n && s.flag("BR_Kee_central_2s", edge)) ++edge;
    ASSERT_LT(edge, s.n);
    const double bound = s.axis(edge);  // BR(a -> ee) = 1 - 1e-7 here
    std::printf("Eq. 4.14 at m_a = %.1f GeV: |c+| sqrt(BR(a->ee)) < %.3g GeV^-1 (paper 3.8e-10)\n",
                ma, bound);
    EXPECT_NEAR(bound, 3.8e-10, 0.10 * 3.8e-10) << "m_a = " << ma;
  }
}

// ---------------------------------------------------------------- on-shell options

// Eq. 4.1: without SM-ALP interference the binned rate of a narrow on-shell ALP is SM + BR(B -> K
// a) BR(a -> ee) (minus the Breit-Wigner tails outside the bin, O(m Gamma / distance)).
TEST(OnShell, NarrowWidthDecompositionOfEq41) {
  const ModelInfo& alp = find_model("alp");
  const auto point = [&](double c_sb, bool interference) {
    const ScanPlan pb =
        test::point_plan(alp.name, {{"m_a", 1.6}, {"c_sb_plus", c_sb}, {"c_ee", 0.1}},
                         {"BR(B+->K+ee)[1.1,6.0]", "BR(B+->K+a)", "BR(a->ee)", "Gamma_a"},
                         [&](ScanConfig& c) { c.options.on_shell_interference = interference; });
    std::vector<double> out(4);
    make_cpu_backend(pb, 1)->evaluate(0, 1, out.data());
    return out;
  };
  const std::vector<double> sm = point(0.0, false), np = point(3e-10, false);
  const double nwa = np[1] * np[2];
  EXPECT_NEAR((np[0] - sm[0]) / nwa, 1.0, 1e-6);
  // With interference the difference is a small fraction of the peak, not zero.
  const double with = point(3e-10, true)[0];
  EXPECT_GT(std::fabs(with - np[0]), 0.0);
  EXPECT_LT(std::fabs(with - np[0]), 1e-3 * nwa);
}

// Default {smear}: the SM part over the exact bin, the resonance smeared (paper 000 Eq. 4.18). An
// ALP just outside a muon bin: rate = SM(unsmeared) + [reference(smeared, p) - reference(smeared,
// SM)], all with interference.
TEST(OnShell, SmearsOnlyTheResonanceByDefault) {
  const PhysicsInputs& in = test::physics().inputs();
  const ModelInfo& alp = find_model("alp");
  double p[AlpModel::kNumParams];
  const std::vector<double> fixed =
      alp.resolve({{"m_a", 2.451}, {"c_sb_plus", 1e-9}, {"c_mumu", 0.5}});
  std::copy(fixed.begin(), fixed.end(), p);
  const ScanPlan pb = test::point_plan(
      alp.name, {{"m_a", 2.451}, {"c_sb_plus", 1e-9}, {"c_mumu", 0.5}},
      {"BR(B+->K+mumu)[1.1,6.0]{smear}", "BR(B+->K+mumu)[1.1,6.0]"}, [](ScanConfig& c) {
        c.options.on_shell_interference = true;  // the reference has it; isolate the smearing
      });
  std::vector<double> out(2);
  make_cpu_backend(pb, 1)->evaluate(0, 1, out.data());
  const RateTerm& t = pb.observables[0].terms[0];
  const Pole pole = AlpModel::pole(in, p);
  const double full = reference::binned_rate(
      in, t, project(t.channel, AlpModel::wc_shifts(in, p, Lepton::mu)), pole);
  const double sm_smeared = reference::binned_rate(in, t, DirCouplings{}, pole);
  RateTerm exact = t;
  exact.bin.r = 0.0;
  const double sm_exact = reference::binned_rate(in, exact, DirCouplings{}, pole);
  const double expected = (sm_exact + full - sm_smeared) / in.bplus_kplus.Gamma_B;
  EXPECT_NEAR(out[0] / expected, 1.0, 1e-6);
  EXPECT_GT(out[0] - out[1], 0.01 * out[1]);  // the peak 1.5 MeV outside leaks in by smearing
}

}  // namespace
}  // namespace bscan
