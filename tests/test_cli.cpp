// The bscan binary end to end: run -> HDF5 (reopened by C++ and, when installed, by xarray),
// point --json, and the promises about output files (no half-written file, no silent overwrite).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <hdf5.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>

#include "test_support.hpp"

namespace bscan {
namespace {

namespace fs = std::filesystem;

struct Result {
  int code;
  std::string out;
};

// Runs the bscan binary with `args`; stdout captured (stderr to a file next to it).
Result bscan(const std::string& args, const fs::path& dir) {
  const char* bin = std::getenv("BSCAN_BINARY");
  const fs::path out = dir / "stdout.txt";
  const std::string cmd = std::string(bin ? bin : "bscan") + " " + args + " > " + out.string() +
                          " 2> " + (dir / "stderr.txt").string();
  const int status = std::system(cmd.c_str());
  std::stringstream ss;
  ss << std::ifstream(out).rdbuf();
  return {WEXITSTATUS(status), ss.str()};
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::fresh_test_dir("bscan_cli");
    std::ofstream(dir_ / "scan.toml") << R"(
model = "alp"
output = "map.h5"
observables = ["RK[1.1,6.0]", "BR(B+->K+ee)[1.1,6.0]", "Gamma_a"]
[parameters]
c_ee = 0.1
c_mumu = 1e-5
[[axes]]
name = "m_a"
min = 0.5
max = 3.0
points = 6
[[axes]]
name = "c_sb_plus"
min = 1e-11
max = 1e-8
points = 5
spacing = "log"
)";
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(Cli, RunWritesACompleteFile) {
  const Result r = bscan("run " + (dir_ / "scan.toml").string() + " --backend cpu", dir_);
  ASSERT_EQ(r.code, 0) << test::read_text(dir_ / "stderr.txt");
  const fs::path h5 = dir_ / "map.h5";
  EXPECT_NE(r.out.find(h5.string()), std::string::npos) << "prints where the file is";
  ASSERT_TRUE(fs::exists(h5));
  EXPECT_FALSE(fs::exists(dir_ / "map.h5.partial"));
  const hid_t f = H5Fopen(h5.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  int complete = 0;
  const hid_t a = H5Aopen(f, "bscan_complete", H5P_DEFAULT);
  H5Aread(a, H5T_NATIVE_INT, &complete);
  H5Aclose(a);
  EXPECT_EQ(complete, 1);
  const hid_t d = H5Dopen2(f, "RK[1.1,6.0]", H5P_DEFAULT);
  const hid_t s = H5Dget_space(d);
  hsize_t dims[2];
  ASSERT_EQ(H5Sget_simple_extent_ndims(s), 2);
  H5Sget_simple_extent_dims(s, dims, nullptr);
  EXPECT_EQ(dims[0], 6u);
  EXPECT_EQ(dims[1], 5u);
  std::vector<double> rk(30);
  H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, rk.data());
  H5Sclose(s);
  H5Dclose(d);
  H5Fclose(f);
  // The same numbers as `bscan point` at a grid point (m_a = 0.5 + 2.5 * 3/5, c_sb_plus = 1e-8).
  const Result p = bscan(
      "point --model alp --set m_a=2.0 --set c_sb_plus=1e-8 --set c_ee=0.1 "
      "--set c_mumu=1e-5 --observable 'RK[1.1,6.0]' --json",
      dir_);
  ASSERT_EQ(p.code, 0) << test::read_text(dir_ / "stderr.txt");
  const auto j = nlohmann::json::parse(p.out);
  EXPECT_EQ(j.at("model"), "alp");
  EXPECT_DOUBLE_EQ(j.at("parameters").at("m_a").get<double>(), 2.0);
  EXPECT_NEAR(rk[3 * 5 + 4] / j.at("observables").at("RK[1.1,6.0]").get<double>(), 1.0, 1e-12);
  EXPECT_LT(rk[3 * 5 + 4], 0.9) << "an electron-philic ALP inside the bin lowers R_K";
}

TEST_F(Cli, PointJsonHasPullsAndFlags) {
  const Result p = bscan(
      "point --model alp --set m_a=1.2 --set c_sb_plus=3e-10 --set c_ee=0.1 --set c_mumu=1e-5 "
      "--observable 'RK[1.1,6.0]' --json",
      dir_);
  ASSERT_EQ(p.code, 0) << test::read_text(dir_ / "stderr.txt");
  const auto j = nlohmann::json::parse(p.out);
  EXPECT_EQ(j.at("measurement_set"), "paper-2021");
  const double pull = j.at("pulls").at("RK").get<double>();
  EXPECT_EQ(j.at("flags").at("solves_RK_1s").get<bool>(), std::fabs(pull) <= 1.0);
  EXPECT_EQ(j.at("flags").at("solves_RK_2s").get<bool>(), std::fabs(pull) <= 2.0);
  EXPECT_TRUE(j.at("flags").at("allowed_2s").is_boolean());
  EXPECT_TRUE(j.at("flags").at("nwa").get<bool>());
  EXPECT_TRUE(j.at("pulls").at("DeltaMs").is_null()) << "no Delta M_s prediction below 1.2 M_Bs";
  const Result none = bscan("point --model alp --measurements none --json", dir_);
  ASSERT_EQ(none.code, 0);
  EXPECT_TRUE(nlohmann::json::parse(none.out).at("flags").empty());
  // --only keeps the named entries: their pulls, and chi2 groups over what is left.
  const Result only = bscan(
      "point --model vector --set m_V=2.5 --set g_bs=-1.75e-8 --set g_muV=0.1 --set g_muA=-0.044 "
      "--measurements paper-2017 --only RK,g2_mu --json",
      dir_);
  ASSERT_EQ(only.code, 0) << test::read_text(dir_ / "stderr.txt");
  const auto jo = nlohmann::json::parse(only.out);
  EXPECT_EQ(jo.at("pulls").size(), 2u) << jo.at("pulls").dump();
  const double rk = jo.at("pulls").at("RK").get<double>(), g2 = jo.at("pulls").at("g2_mu");
  EXPECT_NEAR(jo.at("chi2").at("chi2_all").get<double>(), rk * rk + g2 * g2,
              1e-4 * (rk * rk + g2 * g2));
  EXPECT_EQ(bscan("point --model vector --measurements paper-2017 --only RK,nope", dir_).code, 2);
}

// `bscan covariance`: the sampled SM covariance as JSON (the sampler itself is checked against
// flavio in test_theory_covariance.cpp); an unknown observable is bad input.
TEST_F(Cli, CovarianceJson) {
  const Result c =
      bscan("covariance 'BR(Bs->mumu)' 'BR(B+->K+mumu)[1.1,6.0]' --samples 40 --json", dir_);
  ASSERT_EQ(c.code, 0) << test::read_text(dir_ / "stderr.txt");
  const auto j = nlohmann::json::parse(c.out);
  ASSERT_EQ(j.at("observables").size(), 2u);
  EXPECT_EQ(j.at("samples").get<int>(), 40);
  for (int i = 0; i < 2; ++i) {
    const double central = j.at("central")[i].get<double>(), sigma = j.at("sigma")[i];
    EXPECT_GT(sigma, 0.005 * central) << i;  // form factors, CKM, f_Bs: percents
    EXPECT_LT(sigma, 0.2 * central) << i;
    EXPECT_EQ(j.at("correlation")[i][i].get<double>(), 1.0);
  }
  EXPECT_EQ(bscan("covariance 'BR(Bs->tautau)' --samples 40", dir_).code, 2);
  EXPECT_EQ(bscan("covariance --samples 40", dir_).code, 2);
}

// The disk cache of theory covariances: the second run reads what the first sampled (the same
// numbers), a file the cache cannot read is ignored and left alone, no cache when the variable is
// set but empty (as for every other test).
TEST_F(Cli, CovarianceDiskCache) {
  const fs::path cache = dir_ / "cache";
  ASSERT_EQ(setenv("BSCAN_CACHE_DIR", cache.c_str(), 1), 0);
  const std::string cmd = "covariance 'BR(Bs->mumu)' 'RK[1.1,6.0]' --samples 30 --json";
  const Result first = bscan(cmd, dir_), second = bscan(cmd, dir_);
  ASSERT_EQ(first.code, 0) << test::read_text(dir_ / "stderr.txt");
  ASSERT_EQ(second.code, 0) << test::read_text(dir_ / "stderr.txt");
  const auto a = nlohmann::json::parse(first.out), b = nlohmann::json::parse(second.out);
  EXPECT_TRUE(a.at("cache_file").is_null());
  ASSERT_TRUE(b.at("cache_file").is_string());
  const fs::path entry = b.at("cache_file").get<std::string>();
  EXPECT_EQ(entry.parent_path(), cache);
  for (const char* k : {"central", "sigma", "correlation"}) EXPECT_EQ(a.at(k), b.at(k)) << k;
  std::ofstream(entry) << "not json";
  const Result third = bscan(cmd, dir_);
  ASSERT_EQ(third.code, 0);
  const auto c = nlohmann::json::parse(third.out);
  EXPECT_TRUE(c.at("cache_file").is_null());
  EXPECT_EQ(c.at("sigma"), a.at("sigma"));
  EXPECT_EQ(test::read_text(entry), "not json");
  ASSERT_EQ(setenv("BSCAN_CACHE_DIR", "", 1), 0);
  fs::remove_all(cache);
  EXPECT_TRUE(nlohmann::json::parse(bscan(cmd, dir_).out).at("cache_file").is_null());
  EXPECT_FALSE(fs::exists(cache));
}

// A paper figure end to end, as the README shows it: the example config, the run's summary table
// and the plot.
TEST_F(Cli, PaperFigureConfigRunsAndPlots) {
  const fs::path cfg = dir_ / "fig07a.toml";
  fs::copy_file(test::source_dir() / "examples/fig07a_rk_onshell_mass.toml", cfg);
  const Result r = bscan("run " + cfg.string() + " --backend cpu", dir_);
  ASSERT_EQ(r.code, 0) << test::read_text(dir_ / "stderr.txt");
  EXPECT_NE(r.out.find("solves_RK_2s"), std::string::npos) << "summary table";
  const fs::path h5 = dir_ / "fig07a_rk_onshell_mass.h5";
  ASSERT_TRUE(fs::exists(h5));
  const hid_t f = H5Fopen(h5.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  const hid_t d = H5Dopen2(f, "flags", H5P_DEFAULT);
  ASSERT_GE(d, 0);
  EXPECT_GT(H5Aexists(d, "flag_masks"), 0);
  EXPECT_GT(H5Aexists(d, "flag_meanings"), 0);
  H5Dclose(d);
  H5Fclose(f);
  const fs::path png = dir_ / "fig07a.png";
  const Result p = bscan("plot " + h5.string() + " -o " + png.string(), dir_);
  ASSERT_EQ(p.code, 0) << test::read_text(dir_ / "stderr.txt");
  const std::string img = test::read_text(png);
  ASSERT_GT(img.size(), 10000u);
  EXPECT_EQ(img.substr(1, 3), "PNG");
  EXPECT_NE(bscan("plot " + h5.string() + " -o " + png.string(), dir_).code, 0)
      << "never overwrites without --overwrite";
}

TEST_F(Cli, XarrayOpensTheFile) {
  ASSERT_EQ(bscan("run " + (dir_ / "scan.toml").string() + " --backend cpu", dir_).code, 0);
  const std::string script = (test::source_dir() / "tests/python/check_xarray.py").string();
  const std::string expect =
      R"('{"dims": {"m_a": 6, "c_sb_plus": 5}, "units": {"m_a": "GeV", "c_sb_plus": "GeV^-1"}}')";
  const int status = std::system(("/usr/bin/python3 " + script + " " + (dir_ / "map.h5").string() +
                                  " " + expect + " > " + (dir_ / "xr.txt").string() + " 2>&1")
                                     .c_str());
  if (WEXITSTATUS(status) == 77) GTEST_SKIP() << "xarray not installed";
  EXPECT_EQ(WEXITSTATUS(status), 0) << test::read_text(dir_ / "xr.txt");
}

TEST_F(Cli, NeverOverwritesWithoutFlag) {
  std::ofstream(dir_ / "map.h5") << "precious";
  const Result r = bscan("run " + (dir_ / "scan.toml").string() + " --backend cpu", dir_);
  EXPECT_NE(r.code, 0);
  EXPECT_NE(test::read_text(dir_ / "stderr.txt").find("--overwrite"), std::string::npos);
  EXPECT_EQ(test::read_text(dir_ / "map.h5"), "precious");
  // --overwrite replaces only a file bscan could have written, not the user's notes.
  EXPECT_EQ(bscan("run " + (dir_ / "scan.toml").string() + " --backend cpu --overwrite", dir_).code,
            2);
  EXPECT_NE(test::read_text(dir_ / "stderr.txt").find("not an HDF5 file"), std::string::npos);
  EXPECT_EQ(test::read_text(dir_ / "map.h5"), "precious");
  fs::remove(dir_ / "map.h5");
  ASSERT_EQ(bscan("run " + (dir_ / "scan.toml").string() + " --backend cpu", dir_).code, 0);
  const auto first = fs::last_write_time(dir_ / "map.h5");
  EXPECT_EQ(bscan("run " + (dir_ / "scan.toml").string() + " --backend cpu --overwrite", dir_).code,
            0);
  EXPECT_NE(fs::last_write_time(dir_ / "map.h5"), first);
}

TEST_F(Cli, BadInputLeavesNoFile) {
  std::ofstream(dir_ / "bad.toml") << test::read_text(dir_ / "scan.toml") + "colour = 1\n";
  const Result r = bscan("run " + (dir_ / "bad.toml").string(), dir_);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(test::read_text(dir_ / "stderr.txt").find("colour"), std::string::npos)
      << test::read_text(dir_ / "stderr.txt");
  EXPECT_FALSE(fs::exists(dir_ / "map.h5"));
  EXPECT_FALSE(fs::exists(dir_ / "map.h5.partial"));
  EXPECT_EQ(bscan("run " + (dir_ / "missing.toml").string(), dir_).code, 2);
  EXPECT_EQ(bscan("point --model alp --set m_a=nan", dir_).code, 2);
  EXPECT_EQ(bscan("point --model alp --set m_a=-1", dir_).code, 2);
  EXPECT_EQ(bscan("point --model alp --set q=1", dir_).code, 2);
  EXPECT_NE(bscan("run " + (dir_ / "scan.toml").string() + " --backend gpu", dir_).code, 0);
}

TEST_F(Cli, UnwritableOutputFails) {
  const Result r =
      bscan("run " + (dir_ / "scan.toml").string() + " -o /nonexistent-dir/x.h5", dir_);
  EXPECT_NE(r.code, 0);
  EXPECT_NE(test::read_text(dir_ / "stderr.txt").find("/nonexistent-dir"), std::string::npos)
      << test::read_text(dir_ / "stderr.txt");
}

// Names of the datasets in an HDF5 file and their storage type sizes.
std::map<std::string, std::size_t> datasets(const fs::path& file) {
  std::map<std::string, std::size_t> out;
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  EXPECT_GE(f, 0) << file;
  H5Literate(
      f, H5_INDEX_NAME, H5_ITER_INC, nullptr,
      [](hid_t g, const char* name, const H5L_info_t*, void* data) -> herr_t {
        const hid_t d = H5Dopen2(g, name, H5P_DEFAULT);
        const hid_t t = H5Dget_type(d);
        (*static_cast<std::map<std::string, std::size_t>*>(data))[name] = H5Tget_size(t);
        H5Tclose(t);
        H5Dclose(d);
        return 0;
      },
      &out);
  H5Fclose(f);
  return out;
}

std::vector<std::uint32_t> read_u32(const fs::path& file, const std::string& name) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t d = H5Dopen2(f, name.c_str(), H5P_DEFAULT);
  const hid_t s = H5Dget_space(d);
  std::vector<std::uint32_t> v(static_cast<std::size_t>(H5Sget_simple_extent_npoints(s)));
  H5Dread(d, H5T_NATIVE_UINT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  H5Sclose(s);
  H5Dclose(d);
  H5Fclose(f);
  return v;
}

// [output]: a subset of the observables as float32; flags only (the same flags as a full run);
// bad tables refused naming the key; a map larger than the disk refused before it starts.
TEST_F(Cli, OutputTableSelectsWhatIsStored) {
  const std::string scan = test::read_text(dir_ / "scan.toml");
  const std::string base = scan.substr(scan.find("observables"));
  std::ofstream(dir_ / "subset.toml") << "model = \"alp\"\n"
                                      << base
                                      << "[output]\npath = \"subset.h5\"\n"
                                         "observables = [\"Gamma_a\"]\ndtype = \"float32\"\n";
  ASSERT_EQ(bscan("run " + (dir_ / "subset.toml").string(), dir_).code, 0)
      << test::read_text(dir_ / "stderr.txt");
  std::map<std::string, std::size_t> d = datasets(dir_ / "subset.h5");
  EXPECT_EQ(d.count("RK[1.1,6.0]"), 0u);
  ASSERT_EQ(d.count("Gamma_a"), 1u);
  EXPECT_EQ(d["Gamma_a"], 4u) << "float32";

  const std::string constraints = "[constraints]\nmeasurements = \"paper-2021\"\n";
  std::ofstream(dir_ / "full.toml") << "model = \"alp\"\noutput = \"full.h5\"\n"
                                    << base << constraints;
  std::ofstream(dir_ / "flags.toml")
      << "model = \"alp\"\n"
      << base << constraints << "[output]\npath = \"flags.h5\"\nflags_only = true\n";
  ASSERT_EQ(bscan("run " + (dir_ / "full.toml").string(), dir_).code, 0)
      << test::read_text(dir_ / "stderr.txt");
  ASSERT_EQ(bscan("run " + (dir_ / "flags.toml").string(), dir_).code, 0)
      << test::read_text(dir_ / "stderr.txt");
  d = datasets(dir_ / "flags.h5");
  for (const auto& [name, size] : d)
    EXPECT_TRUE(name.rfind("flags", 0) == 0 || name == "m_a" || name == "c_sb_plus") << name;
  ASSERT_EQ(d.count("flags"), 1u);
  EXPECT_EQ(read_u32(dir_ / "flags.h5", "flags"), read_u32(dir_ / "full.h5", "flags"));
  EXPECT_GT(datasets(dir_ / "full.h5").size(), d.size() + 10) << "the full file has the pulls";

  // Refused with exit 2, naming the key.
  const auto refused = [&](const std::string& name, const std::string& table,
                           const std::string& key) {
    std::ofstream(dir_ / (name + ".toml")) << "model = \"alp\"\n" << base << "[output]\n" << table;
    EXPECT_EQ(bscan("run " + (dir_ / (name + ".toml")).string() + " -o " +
                        (dir_ / (name + ".h5")).string(),
                    dir_)
                  .code,
              2)
        << name;
    EXPECT_NE(test::read_text(dir_ / "stderr.txt").find(key), std::string::npos)
        << test::read_text(dir_ / "stderr.txt");
  };
  refused("unknown", "observables = [\"RK[1,6]\"]\n", "output.observables[0]");
  refused("noflags", "flags_only = true\n", "output.flags_only");

  // 10^12 points x 8 bytes exceed any test machine's disk: refused before anything is computed.
  std::ofstream(dir_ / "huge.toml")
      << "model = \"alp\"\nobservables = [\"Gamma_a\"]\n"
         "[[axes]]\nname = \"m_a\"\nmin = 0.1\nmax = 1.0\npoints = 10000\n"
         "[[axes]]\nname = \"c_ee\"\nmin = 0.1\nmax = 1.0\npoints = 10000\n"
         "[[axes]]\nname = \"c_mumu\"\nmin = 0.1\nmax = 1.0\npoints = 10000\n";
  EXPECT_EQ(
      bscan("run " + (dir_ / "huge.toml").string() + " -o " + (dir_ / "huge.h5").string(), dir_)
          .code,
      3);
  const std::string err = test::read_text(dir_ / "stderr.txt");
  EXPECT_NE(err.find("GB free"), std::string::npos) << err;
  EXPECT_NE(err.find("1000000000000 points x 8 bytes"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(dir_ / "huge.h5.partial"));
}

// No HDF5 object timestamps: identical runs (a second apart) give byte-identical files, so that
// users can compare checksums.
TEST_F(Cli, IdenticalRunsGiveByteIdenticalFiles) {
  const std::string run = "run " + (dir_ / "scan.toml").string() + " --backend cpu --threads 2 -o ";
  ASSERT_EQ(bscan(run + (dir_ / "one.h5").string(), dir_).code, 0)
      << test::read_text(dir_ / "stderr.txt");
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_EQ(bscan(run + (dir_ / "two.h5").string(), dir_).code, 0)
      << test::read_text(dir_ / "stderr.txt");
  const std::string one = test::read_text(dir_ / "one.h5"), two = test::read_text(dir_ / "two.h5");
  EXPECT_GT(one.size(), 1000u);
  EXPECT_TRUE(one == two) << "the files differ";
}

TEST_F(Cli, ValidateAndList) {
  const Result v = bscan("validate " + (dir_ / "scan.toml").string(), dir_);
  EXPECT_EQ(v.code, 0);
  EXPECT_NE(v.out.find("30 points"), std::string::npos) << v.out;
  EXPECT_NE(bscan("list parameters --model alp", dir_).out.find("c_sb_plus"), std::string::npos);
  EXPECT_NE(bscan("list observables", dir_).out.find("RK["), std::string::npos);
  EXPECT_NE(bscan("list models", dir_).out.find("wet"), std::string::npos);
}

std::vector<float> read_f32(const fs::path& file, const std::string& name) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t d = H5Dopen2(f, name.c_str(), H5P_DEFAULT);
  const hid_t s = H5Dget_space(d);
  std::vector<float> v(static_cast<std::size_t>(H5Sget_simple_extent_npoints(s)));
  H5Dread(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  H5Sclose(s);
  H5Dclose(d);
  H5Fclose(f);
  return v;
}

double read_attribute(const fs::path& file, const std::string& dataset, const std::string& name) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t d = H5Dopen2(f, dataset.c_str(), H5P_DEFAULT);
  double v = NAN;
  if (H5Aexists(d, name.c_str()) > 0) {
    const hid_t a = H5Aopen(d, name.c_str(), H5P_DEFAULT);
    H5Aread(a, H5T_NATIVE_DOUBLE, &v);
    H5Aclose(a);
  }
  H5Dclose(d);
  H5Fclose(f);
  return v;
}

// Delta chi2 against the map's minimum and the confidence flags, after the scan: the minimum and
// its location recomputed here from the stored chi2, the levels from the closed form of the chi2
// quantiles with 2 degrees of freedom (-2 ln(1 - p)) and, with [chi2] dof = 1, n^2.
TEST_F(Cli, BestFitAndConfidenceRegions) {
  const std::string set = (test::source_dir() / "tests/data/covariance-small.toml").string();
  const std::string base =
      "model = \"wet\"\noutput = \"fit.h5\"\nobservables = [\"RK[1.1,6.0]\"]\n"
      "[[axes]]\nname = \"C9_bsmumu\"\nmin = -1.5\nmax = 0.5\npoints = 9\n"
      "[[axes]]\nname = \"C10_bsmumu\"\nmin = -1.0\nmax = 1.0\npoints = 7\n"
      "[constraints]\nmeasurements = \"" +
      set + "\"\ntheory_samples = 20\n";
  std::ofstream(dir_ / "fit.toml") << base;
  ASSERT_EQ(bscan("run " + (dir_ / "fit.toml").string() + " --backend cpu", dir_).code, 0)
      << test::read_text(dir_ / "stderr.txt");
  const fs::path h5 = dir_ / "fit.h5";
  const std::vector<float> chi2 = read_f32(h5, "chi2_all"),
                           best = read_f32(h5, "delta_chi2_best_all");
  const std::vector<std::uint32_t> flags = read_u32(h5, "flags");
  ASSERT_EQ(chi2.size(), 63u);
  std::size_t at = 0;
  for (std::size_t i = 0; i < chi2.size(); ++i)
    if (chi2[i] < chi2[at]) at = i;
  EXPECT_EQ(read_attribute(h5, "delta_chi2_best_all", "chi2_min"), chi2[at]);
  EXPECT_DOUBLE_EQ(read_attribute(h5, "delta_chi2_best_all", "best_fit_C9_bsmumu"),
                   -1.5 + 0.25 * static_cast<double>(at / 7));
  EXPECT_NEAR(read_attribute(h5, "delta_chi2_best_all", "best_fit_C10_bsmumu"),
              -1.0 + static_cast<double>(at % 7) / 3.0, 1e-12);
  double level[3];
  for (int n = 1; n <= 3; ++n) {
    level[n - 1] = -2.0 * std::log(1.0 - std::erf(n / std::sqrt(2.0)));
    EXPECT_NEAR(read_attribute(h5, "delta_chi2_best_all", fmt::format("level_{}s", n)),
                level[n - 1], 1e-9 * level[n - 1]);
  }
  // Which bit is which: flag_meanings of the first word lists them in order.
  const auto bit = [&](const std::string& name) {
    const hid_t f = H5Fopen(h5.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    const hid_t d = H5Dopen2(f, "flags", H5P_DEFAULT);
    const hid_t a = H5Aopen(d, "flag_meanings", H5P_DEFAULT);
    const hid_t t = H5Aget_type(a);
    std::string text(H5Tget_size(t), '\0');
    H5Aread(a, t, text.data());
    H5Tclose(t);
    H5Aclose(a);
    H5Dclose(d);
    H5Fclose(f);
    std::istringstream words(text.c_str());
    int k = 0;
    for (std::string w; words >> w; ++k)
      if (w == name) return k;
    return -1;
  };
  int inside[3] = {0, 0, 0};
  for (int n = 0; n < 3; ++n) {
    const int b = bit(fmt::format("cl_{}s_all", n + 1));
    ASSERT_GE(b, 0);
    ASSERT_LT(b, 32);
    for (std::size_t i = 0; i < chi2.size(); ++i) {
      EXPECT_NEAR(best[i], chi2[i] - chi2[at], 1e-5 * chi2[i]) << i;
      const bool in = (flags[i] >> b & 1u) != 0;
      EXPECT_EQ(in, static_cast<double>(best[i]) <= level[n]) << i;
      inside[n] += in;
    }
  }
  EXPECT_GE(inside[0], 1);
  EXPECT_LT(inside[2], 63) << "the grid reaches beyond 3 sigma";
  EXPECT_LE(inside[0], inside[1]);
  // [chi2] dof = 1: n sigma is Delta chi2 = n^2.
  std::ofstream(dir_ / "fit1.toml") << base << "[chi2]\ndof = 1\n";
  ASSERT_EQ(bscan("run " + (dir_ / "fit1.toml").string() + " --backend cpu -o " +
                      (dir_ / "fit1.h5").string(),
                  dir_)
                .code,
            0)
      << test::read_text(dir_ / "stderr.txt");
  for (int n = 1; n <= 3; ++n)
    EXPECT_NEAR(
        read_attribute(dir_ / "fit1.h5", "delta_chi2_best_lfu", fmt::format("level_{}s", n)), n * n,
        1e-9);
  std::ofstream(dir_ / "bad.toml") << base << "[chi2]\ndof = 0\n";
  EXPECT_EQ(bscan("run " + (dir_ / "bad.toml").string(), dir_).code, 2);
  EXPECT_NE(test::read_text(dir_ / "stderr.txt").find("dof"), std::string::npos);
}

}  // namespace
}  // namespace bscan
