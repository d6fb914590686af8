// Every kind of bad config is refused with a message that names the offending key.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "host/config/scan_config.hpp"
#include "host/errors.hpp"
#include "host/plan/scan_plan.hpp"
#include "test_support.hpp"

namespace bscan {
namespace {

const std::string kGood = R"(
model = "alp"
output = "out.h5"
observables = ["RK[1.1,6.0]", "Gamma_a"]
[parameters]
c_ee = 0.1
[[axes]]
name = "m_a"
min = 0.5
max = 3.0
points = 5
spacing = "log"
[[axes]]
name = "c_sb_plus"
values = [1e-10, 2e-10]
)";

std::string with(const std::string& from, const std::string& to) {
  std::string s = kGood;
  const std::size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return s.replace(at, from.size(), to);
}

// The message of the InputError that building the problem of `text` throws ("" if none).
std::string error_of(const std::string& text) {
  try {
    const ScanConfig c = parse_config(text, "test.toml");
    build_plan(c, test::physics());
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(Config, GoodConfigResolves) {
  ASSERT_EQ(error_of(kGood), "");
  const ScanConfig c = parse_config(kGood, "test.toml");
  ASSERT_EQ(c.axes.size(), 2u);
  EXPECT_DOUBLE_EQ(c.axes[0].values.front(), 0.5);
  EXPECT_DOUBLE_EQ(c.axes[0].values.back(), 3.0);
  EXPECT_NEAR(c.axes[0].values[1] / 0.5, std::pow(6.0, 0.25), 1e-12);  // log spacing
  const ScanPlan pb = build_plan(c, test::physics());
  EXPECT_EQ(pb.total_points(), 10);
}

struct BadCase {
  std::string name, text, must_mention;
};

TEST(Config, BadConfigsNameTheKey) {
  const BadCase cases[] = {
      {"unknown top-level key", kGood + "colour = \"red\"\n", "colour"},
      {"unknown axis key", with("spacing = \"log\"", "spacing = \"log\"\nstep = 2"), "step"},
      {"wrong type", with("points = 5", "points = \"five\""), "axes[0].points"},
      {"float points", with("points = 5", "points = 5.5"), "axes[0].points"},
      {"min > max", with("min = 0.5", "min = 5.0"), "axes[0].min"},
      {"points = 0", with("points = 5", "points = 0"), "axes[0].points"},
      {"NaN bound", with("max = 3.0", "max = nan"), "axes[0].max"},
      {"infinite value", with("values = [1e-10, 2e-10]", "values = [1e-10, inf]"),
       "axes[1].values[1]"},
      {"NaN parameter", with("c_ee = 0.1", "c_ee = nan"), "parameters.c_ee"},
      {"unknown parameter", with("c_ee = 0.1", "c_tau = 0.1"), "c_tau"},
      {"unknown axis parameter", with("name = \"c_sb_plus\"", "name = \"g_bs\""), "axes[1].name"},
      {"negative mass", with("min = 0.5", "min = -0.5"), "axes[0].min"},
      {"zero mass on a list axis",
       with("name = \"c_sb_plus\"\nvalues = [1e-10, 2e-10]", "name = \"f_a\"\nvalues = [0.0]"),
       "axes[1].name"},
      {"unknown observable", with("\"Gamma_a\"", "\"Gamma_b\""), "observables[1]"},
      {"bad bin", with("RK[1.1,6.0]", "RK[6.0,1.1]"), "observables[0]"},
      {"unknown model", with("model = \"alp\"", "model = \"axion\""), "model"},
      {"missing model", with("model = \"alp\"", ""), "model"},
      {"no axes", with("[[axes]]\nname = \"m_a\"", "[[axez]]\nname = \"m_a\""), "axe"},
      {"axis twice", with("name = \"c_sb_plus\"", "name = \"m_a\""), "axes[1].name"},
      {"axis and parameter", with("name = \"c_sb_plus\"", "name = \"c_ee\""), "axes[1].name"},
      {"seven axes", kGood + R"([[axes]]
name = "c_mumu"
values = [1.0]
[[axes]]
name = "c_gamma"
values = [1.0]
[[axes]]
name = "f_a"
values = [1.0]
[[axes]]
name = "c_sb_minus"
values = [1.0]
[[axes]]
name = "c_ee"
values = [1.0]
)",
       "axes"},
      {"TOML syntax", kGood + "= broken\n", "line"},
      {"negative resolution", kGood + "[smearing]\nr_e = -0.01\n", "smearing.r_e"},
  };
  for (const BadCase& c : cases) {
    const std::string msg = error_of(c.text);
    EXPECT_NE(msg, "") << c.name << ": accepted";
    EXPECT_NE(msg.find(c.must_mention), std::string::npos)
        << c.name << ": message '" << msg << "' does not name '" << c.must_mention << "'";
  }
}

TEST(Config, PresetsExpand) {
  const ScanConfig c =
      parse_config(with("observables = [\"RK[1.1,6.0]\", \"Gamma_a\"]",
                        "observables = [\"RK[1.1,6.0]\"]\npresets = [\"paper-alp-rates\"]"),
                   "test.toml");
  EXPECT_GT(c.observables.size(), 20u);
  EXPECT_EQ(std::count(c.observables.begin(), c.observables.end(), "RK[1.1,6.0]"),
            1);  // no duplicates
  EXPECT_NE(std::find(c.observables.begin(), c.observables.end(), "BR(Bs->mumu)"),
            c.observables.end());
  EXPECT_EQ(build_plan(c, test::physics()).observables.size(), c.observables.size());
  const std::string unknown =
      error_of(with("observables = [\"RK[1.1,6.0]\", \"Gamma_a\"]", "presets = [\"paper-zzz\"]"));
  EXPECT_NE(unknown.find("presets[0]"), std::string::npos) << unknown;
  const std::string wrong_model = error_of(with("model = \"alp\"", "model = \"wet\"")
                                               .replace(0, 0, "presets = [\"paper-alp-rates\"]\n"));
  EXPECT_NE(wrong_model.find("paper-alp-rates"), std::string::npos) << wrong_model;
}

TEST(Config, MissingFileIsNamed) {
  try {
    load_config("/nonexistent/scan.toml");
    FAIL() << "missing file accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/scan.toml"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace bscan
