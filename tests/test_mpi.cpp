// MPI end to end (the build with -DBSCAN_MPI=ON): `mpirun -n R bscan run` writes, collectively,
// one file whose every dataset equals the serial run's, for R = 1, 2, 3 and a chunk size that does
// not divide the grid; scans of 2 ranks killed (SIGKILL) at random moments resume (with 1, 2 or 3
// ranks) to the same file; more ranks than chunks, or a GPU missing for a rank, are refused.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "process_support.hpp"
#include "test_support.hpp"

namespace bscan {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using test::binary, test::complete, test::run_sh, test::wait_exit;

// `mpirun -n ranks bscan ARGS` (one thread per rank, oversubscribing the 2 cores of CI).
std::vector<std::string> mpirun(int ranks, const std::vector<std::string>& args,
                                const std::string& backend = "cpu") {
  std::vector<std::string> all = {BSCAN_MPIEXEC, "--oversubscribe",     "--bind-to", "none",
                                  "-n",          std::to_string(ranks), binary()};
  all.insert(all.end(), args.begin(), args.end());
  all.insert(all.end(), {"--backend", backend, "--threads", "1"});
  return all;
}

std::string line(const std::vector<std::string>& argv) {
  std::string s;
  for (const std::string& a : argv) s += (s.empty() ? "" : " ") + a;
  return s;
}

// Every dataset of a file: name -> its raw bytes in the file's type.
std::map<std::string, std::vector<char>> datasets(const fs::path& file) {
  std::map<std::string, std::vector<char>> out;
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  EXPECT_GE(f, 0) << file;
  if (f < 0) return out;
  std::vector<std::string> names;
  H5Literate(
      f, H5_INDEX_NAME, H5_ITER_INC, nullptr,
      [](hid_t, const char* name, const H5L_info_t*, void* list) {
        static_cast<std::vector<std::string>*>(list)->push_back(name);
        return 0;
      },
      &names);
  for (const std::string& name : names) {
    const hid_t d = H5Dopen2(f, name.c_str(), H5P_DEFAULT);
    const hid_t type = H5Dget_type(d), space = H5Dget_space(d);
    std::vector<char>& bytes = out[name];
    bytes.resize(H5Tget_size(type) * static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
    EXPECT_GE(H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data()), 0) << name;
    H5Sclose(space), H5Tclose(type), H5Dclose(d);
  }
  H5Fclose(f);
  return out;
}

// The same datasets with the same bytes (the files' layouts may differ: other chunk shapes; their
// global attributes hold the config text, which names the chunk size).
void expect_same_datasets(const fs::path& a, const fs::path& b, const std::string& what) {
  const auto da = datasets(a), db = datasets(b);
  EXPECT_GT(da.size(), 20u);
  ASSERT_EQ(da.size(), db.size()) << what;
  for (const auto& [name, bytes] : da) {
    const auto it = db.find(name);
    ASSERT_NE(it, db.end()) << what << ": no " << name;
    EXPECT_TRUE(it->second == bytes) << what << ": dataset " << name;
  }
}

class Mpi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // OpenMPI refuses root unless told (CI and the containers run as root).
    setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
    setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
  }
  void SetUp() override { dir_ = test::fresh_test_dir("bscan_mpi"); }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write_config(const std::string& name, const std::string& text) const {
    const fs::path p = dir_ / name;
    std::ofstream(p) << text;
    return p;
  }
  // Runs bscan on one rank (no mpirun) or with mpirun; returns the exit code, stderr in err_.
  int run(int ranks, const fs::path& config, const fs::path& out, const std::string& extra = "") {
    const std::vector<std::string> args = {"run", config.string(), "-o", out.string()};
    const std::string cmd = ranks == 0 ? binary() + " " + line(args) + " --backend cpu --threads 1"
                                       : line(mpirun(ranks, args));
    const int rc = run_sh(cmd + " " + extra + " 2> " + (dir_ / "err.txt").string());
    err_ = test::read_text(dir_ / "err.txt");
    return rc;
  }

  // Seconds since start_ when `partial` appeared (or process `pid` ended), polled every 2 ms.
  double wait_for_partial(pid_t pid, const fs::path& partial) {
    start_ = Clock::now();
    while (!fs::exists(partial) && !exited(pid))
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return since(start_);
  }
  static bool exited(pid_t pid) {  // without reaping it
    siginfo_t info{};
    return waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
           info.si_pid == pid;
  }
  double since(Clock::time_point t) const {
    return std::chrono::duration<double>(Clock::now() - t).count();
  }

  fs::path dir_;
  std::string err_;
  Clock::time_point start_;
};

// A Gaussian set with chi2 groups: the minimum over the map, delta_chi2_best_G and the cl_ flags
// (a collective pass after the scan, chunks dealt round-robin) and the stored theory covariance are
// those of the serial run, whatever the ranks.
TEST_F(Mpi, BestFitAndTheoryCovarianceAreTheSerialRunsOnAnyRanks) {
  const std::string set = (test::source_dir() / "tests/data/covariance-small.toml").string();
  const fs::path config =
      write_config("fit.toml",
                   "model = \"wet\"\nobservables = [\"RK[1.1,6.0]\"]\nchunk_size = 200\n"
                   "[constraints]\nmeasurements = \"" +
                       set +
                       "\"\ntheory_samples = 20\n"
                       "[[axes]]\nname = \"C9_bsmumu\"\nmin = -1.5\nmax = 0.5\npoints = 40\n"
                       "[[axes]]\nname = \"C10_bsmumu\"\nmin = -1.0\nmax = 1.0\npoints = 30\n");
  const fs::path serial = dir_ / "serial.h5";
  ASSERT_EQ(run(0, config, serial), 0) << err_;
  for (int ranks : {2, 3}) {
    const fs::path out = dir_ / ("ranks" + std::to_string(ranks) + ".h5");
    ASSERT_EQ(run(ranks, config, out), 0) << err_;
    EXPECT_EQ(run_sh("h5diff -q " + serial.string() + " " + out.string()), 0) << ranks << " ranks";
  }
  EXPECT_EQ(run_sh("h5dump -a /delta_chi2_best_all/best_fit_C9_bsmumu " + serial.string() +
                   " > /dev/null"),
            0)
      << "the best fit's location is stored";
}

TEST_F(Mpi, OneTwoThreeRanksWriteTheSerialRunsDatasets) {
  // 120 x 100 points in chunks of 700 (7 rows of 100): 18 chunks, the last of 1 row.
  const fs::path uneven = write_config("uneven.toml", test::constraint_map_config(120, 100, 700));
  const fs::path serial = dir_ / "serial.h5";
  ASSERT_EQ(run(0, uneven, serial), 0) << err_;
  for (int ranks : {1, 2, 3}) {
    const fs::path out = dir_ / ("ranks" + std::to_string(ranks) + ".h5");
    ASSERT_EQ(run(ranks, uneven, out), 0) << err_;
    EXPECT_TRUE(complete(out));
    EXPECT_FALSE(fs::exists(out.string() + ".partial"));
    // The whole file, global attributes included (same config, same device string).
    EXPECT_EQ(run_sh("h5diff -q " + serial.string() + " " + out.string()), 0) << ranks << " ranks";
    if (ranks > 1)
      EXPECT_NE(err_.find(std::to_string(ranks) + " ranks:"), std::string::npos) << err_;
  }
  // Another chunk size (4000 = 40 rows) gives the same datasets, serial and on 2 ranks.
  const fs::path even = write_config("even.toml", test::constraint_map_config(120, 100, 4000));
  ASSERT_EQ(run(2, even, dir_ / "even2.h5"), 0) << err_;
  expect_same_datasets(serial, dir_ / "even2.h5", "chunks of 4000 on 2 ranks vs 700 serial");
}

TEST_F(Mpi, TwoRanksKilledAtRandomMomentsResumeToTheSameFile) {
  // 300 x 300 in chunks of 4096: 22 chunks, ~1 s on 2 ranks; every chunk recorded.
  const fs::path config = write_config("scan.toml", test::constraint_map_config(300, 300, 4096));
  const fs::path reference = dir_ / "reference.h5";
  ASSERT_EQ(run(0, config, reference), 0) << err_;
  const fs::path out = dir_ / "killed.h5", partial = dir_ / "killed.h5.partial";
  // How long the 2-rank scan runs once its .partial exists (mpirun's start takes about as long).
  pid_t pid = test::spawn_program(mpirun(2, {"run", config.string(), "-o", out.string()}));
  const double appeared = wait_for_partial(pid, partial);
  ASSERT_EQ(wait_exit(pid), 0);
  const double seconds = since(start_) - appeared;
  std::mt19937_64 rng(20261204);
  int resumed = 0;
  for (int trial = 0; trial < 20; ++trial) {
    fs::remove(out);
    fs::remove(partial);
    const double at = std::uniform_real_distribution<double>(0.0, 1.1 * seconds)(rng);
    pid = test::spawn_program(mpirun(2, {"run", config.string(), "-o", out.string()}));
    wait_for_partial(pid, partial);
    std::this_thread::sleep_for(std::chrono::duration<double>(at));
    test::kill_tree(pid);
    wait_exit(pid);
    const std::string what = "trial " + std::to_string(trial) + ", killed " + std::to_string(at) +
                             " s after the .partial appeared";
    if (fs::exists(out)) {  // published before the kill: then it is complete
      EXPECT_TRUE(complete(out)) << what << ": a file with the final name must be complete";
      EXPECT_FALSE(fs::exists(partial)) << what;
    } else if (fs::exists(partial)) {
      ++resumed;
      const int ranks = 1 + trial % 3;  // resumed by 1, 2 or 3 ranks
      EXPECT_EQ(run(ranks, config, out, "--resume"), 0)
          << what << ", " << ranks << " ranks: " << err_;
    } else {
      EXPECT_EQ(run(2, config, out), 0) << what << ": " << err_;
    }
    ASSERT_TRUE(fs::exists(out)) << what;
    EXPECT_FALSE(fs::exists(partial)) << what;
    EXPECT_EQ(run_sh("h5diff -q " + reference.string() + " " + out.string()), 0) << what;
  }
  EXPECT_GE(resumed, 10) << "most kills should hit a running scan";
}

TEST_F(Mpi, RefusesMoreRanksThanChunksAndAMissingGpu) {
  const fs::path config =
      write_config("small.toml", test::constraint_map_config(20, 10, 100));  // 2 chunks
  EXPECT_EQ(run(3, config, dir_ / "a.h5"), 2);
  EXPECT_NE(err_.find("3 ranks but the grid has 2 chunks"), std::string::npos) << err_;
  EXPECT_FALSE(fs::exists(dir_ / "a.h5.partial"));
  // One GPU per rank: this machine (CI) has none, or the build has no CUDA backend.
  EXPECT_EQ(
      run_sh(line(mpirun(2, {"run", config.string(), "-o", (dir_ / "b.h5").string()}, "cuda")) +
             " 2> " + (dir_ / "err.txt").string()),
      2);
  err_ = test::read_text(dir_ / "err.txt");
  EXPECT_NE(err_.find("--backend cuda"), std::string::npos) << err_;
  EXPECT_NE(err_.find("one GPU per rank"), std::string::npos) << err_;
  EXPECT_FALSE(fs::exists(dir_ / "b.h5.partial"));
}

}  // namespace
}  // namespace bscan
