// Measurement sets compose: `extends` starts from a parent set, entries of the same name replace
// the parent's in place, new ones go before the next shared entry, `remove` drops entries.
// lhcb-2022 is written that way and must resolve to the fully written-out set it replaced.
#include <gtest/gtest.h>

#include <fstream>

#include "host/config/measurement_set.hpp"
#include "host/errors.hpp"
#include "test_support.hpp"

namespace bscan {
namespace {

namespace fs = std::filesystem;

// A measurement-set file with `body` (constraints of type min on parameter m_a).
void write_set(const fs::path& file, const std::string& name, const std::string& body) {
  std::ofstream(file) << "name = \"" << name << "\"\ndescription = \"d\"\nsource = \"s\"\n" << body;
}

std::string entry(const std::string& name, double min) {
  return "[[constraint]]\nname = \"" + name +
         "\"\nrole = \"validity\"\ntype = \"min\"\nobservable = \"m_a\"\nmin = " +
         std::to_string(min) + "\nsource = \"s\"\n";
}

std::vector<std::string> names(const MeasurementSet& set) {
  std::vector<std::string> out;
  for (const MeasurementEntry& e : set.entries) out.push_back(e.name);
  return out;
}

class MeasurementSets : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::fresh_test_dir("bscan_sets"); }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(MeasurementSets, Lhcb2022ResolvesToTheWrittenOutSet) {
  const MeasurementSet composed = load_measurement_set(measurement_file("lhcb-2022", "."));
  const MeasurementSet expanded =
      load_measurement_set(test::source_dir() / "tests/data/lhcb-2022-expanded.toml");
  EXPECT_EQ(composed.name, "lhcb-2022");
  EXPECT_EQ(composed.theory_errors, expanded.theory_errors);
  EXPECT_EQ(composed.chi2_groups, expanded.chi2_groups);
  ASSERT_EQ(names(composed), names(expanded));
  for (std::size_t i = 0; i < composed.entries.size(); ++i)
    EXPECT_EQ(composed.entries[i], expanded.entries[i]) << names(composed)[i];
}

TEST_F(MeasurementSets, ChildReplacesInsertsAndRemoves) {
  write_set(dir_ / "parent.toml", "parent",
            "[theory_errors]\na = 0.1\nb = 0.2\n" + entry("A", 1) + entry("B", 2) + entry("C", 3));
  write_set(dir_ / "child.toml", "child",
            "extends = \"parent.toml\"\nremove = [\"C\"]\n[theory_errors]\nb = 0.5\n" +
                entry("X", 9) + entry("B", 20) + entry("Y", 8));
  const MeasurementSet set = load_measurement_set(dir_ / "child.toml");
  EXPECT_EQ(names(set), (std::vector<std::string>{"A", "X", "B", "Y"}));
  EXPECT_EQ(std::get<Threshold>(set.entries[2].data).threshold, 20.0);
  EXPECT_EQ(set.theory_errors.at("a"), 0.1);
  EXPECT_EQ(set.theory_errors.at("b"), 0.5);
}

TEST_F(MeasurementSets, BadCompositionsNameTheProblem) {
  write_set(dir_ / "a.toml", "a", "extends = \"b.toml\"\n");
  write_set(dir_ / "b.toml", "b", "extends = \"a.toml\"\n");
  const auto error_of = [](const fs::path& f) -> std::string {
    try {
      load_measurement_set(f);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(error_of(dir_ / "a.toml").find("loops"), std::string::npos);
  write_set(dir_ / "p.toml", "p", entry("A", 1));
  write_set(dir_ / "r.toml", "r", "extends = \"p.toml\"\nremove = [\"Z\"]\n");
  EXPECT_NE(error_of(dir_ / "r.toml").find("'remove'"), std::string::npos);
  write_set(dir_ / "n.toml", "n", "remove = [\"A\"]\n" + entry("A", 1));
  EXPECT_NE(error_of(dir_ / "n.toml").find("needs 'extends'"), std::string::npos);
  write_set(dir_ / "d.toml", "d", entry("A", 1) + entry("A", 2));
  EXPECT_NE(error_of(dir_ / "d.toml").find("twice"), std::string::npos);
  write_set(dir_ / "m.toml", "m", "extends = \"missing.toml\"\n");
  EXPECT_NE(error_of(dir_ / "m.toml").find("missing.toml"), std::string::npos);
}

}  // namespace
}  // namespace bscan
