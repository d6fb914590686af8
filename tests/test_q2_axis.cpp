// q2 as an axis of the scan (paper 001 Fig. 1): differential observables `...[q2]` at every point's
// q2 equal the same observables written at that q2, with and without a resonance.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "host/errors.hpp"
#include "host/exec/evaluate_point.hpp"
#include "test_support.hpp"

namespace bscan {
namespace {

const std::vector<std::string> kAtAxis = {"dBR/dq2(B+->K+mumu)[q2]", "RK[q2]", "RKstar[q2]",
                                          "P5p(B0->K*0mumu)[q2]", "FL(B0->K*0ee)[q2]"};

std::string at(const std::string& id, double q2) {
  return id.substr(0, id.size() - 3) + fmt::format("{}]", q2);
}

void expect_axis_matches_points(const std::string& model,
                                const std::map<std::string, double>& values) {
  ScanConfig c;
  c.model = model;
  c.parameters = values;
  c.observables = kAtAxis;
  c.axes.push_back({"q2", {0.5, 1.1, 2.25, 4.0, 6.0, 6.3, 8.0}, false});
  const test::ScanRun s = test::run_problem(build_plan(c, test::physics()));
  for (long long i = 0; i < s.n; ++i) {
    std::vector<std::string> ids;
    for (const std::string& id : kAtAxis) ids.push_back(at(id, s.axis(i)));
    const std::vector<double> ref = evaluate_point(find_model(model), test::physics(), values, ids);
    for (std::size_t o = 0; o < ids.size(); ++o)
      EXPECT_NEAR(s.out[o * s.n + i] / ref[o], 1.0, 1e-13) << ids[o];
  }
}

TEST(Q2Axis, DifferentialObservablesFollowTheAxis) {
  expect_axis_matches_points("wet", {});
  expect_axis_matches_points("wet", {{"C9_bsmumu", -1.0}});
  // a broad vector at 2.5 GeV (paper 001 Fig. 1): the propagator at the point's q2
  expect_axis_matches_points("vector", {{"m_V", 2.5},
                                        {"Gamma_V_over_m_V", 0.2},
                                        {"g_bs", -1.75e-8},
                                        {"g_muV", 0.1},
                                        {"g_muA", -0.044}});
}

std::string refusal(const std::string& observable, std::vector<double> q2) {
  ScanConfig c;
  c.model = "wet";
  c.observables = {observable};
  if (!q2.empty()) c.axes.push_back({"q2", q2, false});
  try {
    build_plan(c, test::physics());
  } catch (const InputError& e) {
    return e.what();
  }
  return "accepted";
}

TEST(Q2Axis, RefusedWithoutTheAxisOrAsABinEdge) {
  EXPECT_NE(
      refusal("RK[q2]", {}).find("'RK[q2]' reads q2 from the scan, which has no axis named 'q2'"),
      std::string::npos);
  EXPECT_NE(refusal("RK[1.0,q2]", {1.0}).find("observables[0]"), std::string::npos);
  EXPECT_NE(refusal("BR(B+->K+mumu)[q2,6.0]", {1.0}).find("observables[0]"), std::string::npos);
  EXPECT_EQ(refusal("RK[q2]", {1.0, 2.0}), "accepted");
  try {
    parse_config(
        "model = \"wet\"\nobservables = [\"RK[q2]\"]\n[[axes]]\nname = \"q2\"\n"
        "min = 0.0\nmax = 1.0\npoints = 2\n",
        "t.toml");
    ADD_FAILURE() << "q2 = 0 accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("axis 'q2' needs values > 0"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace bscan
