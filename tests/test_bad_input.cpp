// The bad-input corpus (tests/bad_input/corpus.toml): every case run through the bscan binary in
// a fresh directory, its exit status and message checked, and what it left behind.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <toml++/toml.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace bscan {
namespace {

namespace fs = std::filesystem;

struct Case {
  std::string name, setup, run, config, message;
  bool has_config = false, in_stdout = false;
  int exit = -1;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

std::string text_of(const toml::table& t, const char* key) {
  return t[key].value_or(std::string());
}

// The case's config: its own text, or a base with its replacements (each must apply) and tail.
std::string config_of(const toml::table& c, const toml::table& bases) {
  if (c.contains("config")) return text_of(c, "config");
  std::string text = bases[text_of(c, "base")]["text"].value_or(std::string());
  if (const toml::array* pairs = c["replace"].as_array())
    for (const toml::node& p : *pairs) {
      const std::string from = (*p.as_array())[0].value_or(std::string());
      const std::string to = (*p.as_array())[1].value_or(std::string());
      const std::size_t at = text.find(from);
      if (at == std::string::npos)
        throw std::runtime_error(text_of(c, "name") + ": '" + from + "' not in its base");
      text.replace(at, from.size(), to);
    }
  return text + text_of(c, "append");
}

std::vector<Case> load_cases() {
  const toml::table doc =
      toml::parse_file((test::source_dir() / "tests/bad_input/corpus.toml").string());
  const toml::table& bases = *doc["base"].as_table();
  std::vector<Case> out;
  for (const toml::node& n : *doc["case"].as_array()) {
    const toml::table& c = *n.as_table();
    Case k{text_of(c, "name"), text_of(c, "setup"), text_of(c, "run"), "", text_of(c, "message")};
    k.has_config = c.contains("config") || c.contains("base");
    if (k.has_config) k.config = config_of(c, bases);
    k.in_stdout = c["in_stdout"].value_or(false);
    k.exit = c["exit"].value_or(-1);
    out.push_back(k);
  }
  return out;
}

// Every entry of a directory: regular files by content, anything else by its kind.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    const fs::file_status st = e.symlink_status();
    out[e.path().filename().string()] = fs::is_symlink(st) ? "link:" + fs::read_symlink(e).string()
                                        : fs::is_regular_file(st) ? "file:" + test::read_text(e)
                                                                  : "other";
  }
  return out;
}

int shell(const std::string& cmd) {
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

herr_t collect_dataset(hid_t, const char* name, const H5L_info_t*, void* out) {
  static_cast<std::vector<std::string>*>(out)->push_back(name);
  return 0;
}

// A file the run finished: bscan_complete = 1, and whether any float dataset holds a NaN.
struct Finished {
  bool complete = false, has_nan = false;
};
Finished inspect(const fs::path& file) {
  Finished f;
  const hid_t h = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (h < 0) return f;
  int complete = 0;
  if (H5Aexists(h, "bscan_complete") > 0) {
    const hid_t a = H5Aopen(h, "bscan_complete", H5P_DEFAULT);
    H5Aread(a, H5T_NATIVE_INT, &complete);
    H5Aclose(a);
  }
  f.complete = complete == 1;
  std::vector<std::string> names;
  H5Literate(h, H5_INDEX_NAME, H5_ITER_NATIVE, nullptr, collect_dataset, &names);
  for (const std::string& n : names) {
    const hid_t d = H5Dopen2(h, n.c_str(), H5P_DEFAULT);
    const hid_t t = H5Dget_type(d), s = H5Dget_space(d);
    if (H5Tget_class(t) == H5T_FLOAT) {
      std::vector<double> v(static_cast<std::size_t>(H5Sget_simple_extent_npoints(s)));
      H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
      for (double x : v) f.has_nan = f.has_nan || std::isnan(x);
    }
    H5Sclose(s);
    H5Tclose(t);
    H5Dclose(d);
  }
  H5Fclose(h);
  return f;
}

class BadInput : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override { dir_ = test::fresh_test_dir("bscan_bad_input"); }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_P(BadInput, AnswersWithCodeAndMessage) {
  const Case& c = GetParam();
  if (c.has_config) std::ofstream(dir_ / "case.toml") << c.config;
  setenv("BSCAN_SOURCE_DIR", test::source_dir().c_str(), 1);
  if (!c.setup.empty()) ASSERT_EQ(shell("cd '" + dir_.string() + "' && " + c.setup), 0) << c.setup;
  const std::map<std::string, std::string> before = snapshot(dir_);
  const fs::path out = dir_.parent_path() / (dir_.filename().string() + ".out");
  const fs::path err = dir_.parent_path() / (dir_.filename().string() + ".err");
  const int code = shell("cd '" + dir_.string() + "' && (bscan() { \"$BSCAN_BINARY\" \"$@\"; }; " +
                         c.run + ") > '" + out.string() + "' 2> '" + err.string() + "'");
  const std::string stdout_text = test::read_text(out), stderr_text = test::read_text(err);
  fs::remove(out);
  fs::remove(err);
  const std::string where = "`" + c.run + "`\nstdout: " + stdout_text + "\nstderr: " + stderr_text;
  EXPECT_EQ(code, c.exit) << where;
  EXPECT_NE((c.in_stdout ? stdout_text : stderr_text).find(c.message), std::string::npos)
      << "expected '" << c.message << "' in " << where;
  EXPECT_EQ(stderr_text.find("Sanitizer"), std::string::npos) << where;
  EXPECT_EQ(stderr_text.find("runtime error"), std::string::npos) << where;

  const std::map<std::string, std::string> after = snapshot(dir_);
  for (const auto& [name, was] : before)
    if (code != 0 || name.ends_with(".h5") == false) {
      ASSERT_TRUE(after.count(name)) << name << " is gone after " << where;
      EXPECT_TRUE(after.at(name) == was) << name << " was changed by " << where;
    }
  for (const auto& [name, kind] : after) {
    if (before.count(name) && (code != 0 || !name.ends_with(".h5"))) continue;
    if (name.ends_with(".partial")) continue;  // kept for --resume
    ASSERT_EQ(code, 0) << "a failed run left '" << name << "': " << where;
    if (!name.ends_with(".h5")) continue;
    const Finished f = inspect(dir_ / name);
    EXPECT_TRUE(f.complete) << name << " is not complete after " << where;
    if (f.has_nan)
      EXPECT_NE(stderr_text.find("is NaN"), std::string::npos)
          << name << " holds NaN that " << where << "\ndid not report";
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadInput, ::testing::ValuesIn(load_cases()),
                         [](const ::testing::TestParamInfo<Case>& i) { return i.param.name; });

TEST(BadInputCorpus, HasAtLeastAHundredCases) { EXPECT_GE(load_cases().size(), 100u); }

}  // namespace
}  // namespace bscan
