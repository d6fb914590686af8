// Parameters set by expressions of other parameters and axes (host/plan/derived_params): values,
// the stage-1 sharing of poles they move, and the refusals that name the key.
#include <gtest/gtest.h>

#include <cmath>

#include "host/errors.hpp"
#include "host/exec/evaluate_point.hpp"
#include "test_support.hpp"

namespace bscan {
namespace {

ScanConfig config(const std::string& text) { return parse_config(text, "test.toml"); }

// Every point of a scan equals the one-point evaluation at its parameters, derived ones written
// out as numbers.
void expect_points_match(const ScanConfig& c, const std::vector<std::string>& derived_names) {
  const test::ScanRun s = test::run_problem(build_plan(c, test::physics()));
  const ModelInfo& m = *s.pb.model;
  const std::size_t n_obs = c.observables.size();
  for (long long i = 0; i < s.n; ++i) {
    std::map<std::string, double> values = c.parameters;
    long long rest = i;
    for (std::size_t a = s.pb.axes.size(); a-- > 0;) {
      const auto size = static_cast<long long>(s.pb.axes[a].values.size());
      values[s.pb.axes[a].name] = s.pb.axes[a].values[rest % size];
      rest /= size;
    }
    for (const std::string& n : derived_names) {  // read back as observables
      const auto it = std::find(c.observables.begin(), c.observables.end(), n);
      values[n] = s.out[(it - c.observables.begin()) * s.n + i];
    }
    const std::vector<double> ref = evaluate_point(m, test::physics(), values, c.observables);
    for (std::size_t o = 0; o < n_obs; ++o)
      EXPECT_NEAR(s.out[o * s.n + i] / ref[o], 1.0, 1e-13) << c.observables[o] << " at " << i;
  }
}

TEST(DerivedParams, FunnelOfPaper001) {
  // g_muA = -0.44 g_muV (paper 001 Fig. 2 right), g_bs saturating Eq. (4) along m_V.
  const ScanConfig c = config(R"(model = "vector"
observables = ["g_muA", "g_bs", "RK[1.1,6.0]", "P5p(B0->K*0mumu)[4.0,6.0]"]
[parameters]
g_muA = "-0.44 * g_muV"
g_bs = "0.7e-8 * m_V"
Gamma_V_over_m_V = 0.2
[[axes]]
name = "m_V"
min = 2.0
max = 3.0
points = 3
[[axes]]
name = "g_muV"
min = 0.005
max = 0.02
points = 4
)");
  const ScanPlan plan = build_plan(c, test::physics());
  ASSERT_EQ(plan.derived.size(), 2u);
  const test::ScanRun s = test::run_problem(plan);
  for (long long i = 0; i < s.n; ++i) {
    EXPECT_DOUBLE_EQ(s.out[i], -0.44 * plan.axes[1].values[i % 4]);
    EXPECT_DOUBLE_EQ(s.out[s.n + i], 0.7e-8 * plan.axes[0].values[i / 4]);
  }
  expect_points_match(c, {"g_muA", "g_bs"});
}

TEST(DerivedParams, PoleMovedThroughAnExpressionOfAnotherAxis) {
  // c_mumu moves the ALP's pole (its width); here it follows c_sb_plus, which does not: the
  // plan must count c_sb_plus among the pole axes.
  const ScanConfig c = config(R"(model = "alp"
observables = ["c_mumu", "RK[1.1,6.0]", "BR(B+->K+mumu)[1.1,6.0]", "Gamma_a"]
[parameters]
c_ee = 0.1
c_mumu = "1e5 * c_sb_plus"
[[axes]]
name = "m_a"
min = 1.5
max = 2.2
points = 3
[[axes]]
name = "c_sb_plus"
min = 1e-10
max = 1e-8
points = 3
spacing = "log"
)");
  const ScanPlan plan = build_plan(c, test::physics());
  EXPECT_EQ(plan.pole_axes, 3u);
  EXPECT_EQ(plan.pole_keys, 9);
  expect_points_match(c, {"c_mumu"});
}

TEST(DerivedParams, AxesThatLeaveThePoleAloneShareIt) {
  // With Gamma_V_over_m_V fixed, the muon couplings change no pole (g_chi absorbs their widths):
  // the plan drops their axes from the pole key, one stage-1 row serves every point.
  const std::string text = R"(model = "vector"
observables = ["Gamma_V", "g_chi", "RK[1.0,6.0]", "P5p(B0->K*0mumu)[4.0,6.0]"]
[parameters]
m_V = 2.5
g_bs = -1.5e-8
WIDTH
[[axes]]
name = "g_muV"
min = 0.0
max = 0.1
points = 3
[[axes]]
name = "g_muA"
min = -0.1
max = 0.0
points = 4
)";
  auto with = [&](const std::string& width) {
    std::string t = text;
    t.replace(t.find("WIDTH"), 5, width);
    return config(t);
  };
  const ScanConfig fixed_width = with("Gamma_V_over_m_V = 0.2");
  EXPECT_EQ(build_plan(fixed_width, test::physics()).pole_keys, 1);
  expect_points_match(fixed_width, {"g_chi"});
  const ScanConfig own_width = with("g_chi = 2.0");  // now every point has its own width
  EXPECT_EQ(build_plan(own_width, test::physics()).pole_keys, 12);
  expect_points_match(own_width, {});
}

std::string refusal(const std::string& text) {
  try {
    build_plan(config(text), test::physics());
  } catch (const InputError& e) {
    return e.what();
  }
  return "accepted";
}

void expect_contains(const std::string& text, const std::string& part) {
  EXPECT_NE(text.find(part), std::string::npos) << "'" << part << "' not in: " << text;
}

const char* kHead = R"(model = "vector"
observables = ["RK[1.1,6.0]"]
[[axes]]
name = "m_V"
min = 2.0
max = 3.0
points = 3
[parameters]
)";

TEST(DerivedParams, RefusalsNameTheKey) {
  expect_contains(refusal(std::string(kHead) + "g_muA = \"-0.44 * gmuV\"\n"),
                  "key 'parameters.g_muA': unknown name 'gmuV'");
  expect_contains(refusal(std::string(kHead) + "g_muA = \"-0.44 * (g_muV\"\n"),
                  "key 'parameters.g_muA': cannot parse");
  const std::string cycle =
      refusal(std::string(kHead) + "g_muA = \"g_muV\"\ng_muV = \"2 * g_eV\"\ng_eV = \"g_muA\"\n");
  expect_contains(cycle, "cycle");
  expect_contains(cycle, "g_eV -> g_muA -> g_muV -> g_eV");
  expect_contains(refusal(std::string(kHead) + "m_chi = \"0.1 - m_V\"\n"),
                  "key 'parameters.m_chi': parameter 'm_chi' must be >= 0");
  expect_contains(refusal(std::string(kHead) + "m_chi = \"0.4 * m_V + 0.3\"\n"),
                  "m_V must exceed 2 m_chi");
  expect_contains(refusal(std::string(kHead) + "m_chi = 1.2\n"),
                  "parameters m_V = 2, m_chi = 1.2: m_V must exceed 2 m_chi");
  expect_contains(refusal(std::string(kHead) + "Gamma_V_over_m_V = -0.1\n"),
                  "'Gamma_V_over_m_V' must be >= 0");
  expect_contains(refusal(std::string(kHead) + "Gamma_V_over_m_V = 0.1\ng_chi = 1.0\n"),
                  "'Gamma_V_over_m_V' fixes 'g_chi': set one of them, not both");
  expect_contains(refusal(std::string(kHead) + "m_V = \"2.0\"\n"),
                  "'m_V' is both an axis and a fixed parameter");
  EXPECT_EQ(refusal(std::string(kHead) + "m_chi = \"0.4 * m_V\"\n"), "accepted");
}

}  // namespace
}  // namespace bscan
