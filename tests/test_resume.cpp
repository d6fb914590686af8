// bscan run --resume end to end: scans killed (SIGKILL) at random moments and resumed give the
// same datasets as an uninterrupted run, and no file with the final name exists before the scan
// is complete; a full disk (a small tmpfs) keeps the .partial, which --resume finishes once there
// is space again; a .partial of another config, or none, is refused; an empty one is restarted.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
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
using test::binary, test::complete, test::run_sh, test::spawn, test::wait_exit;

class Resume : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::fresh_test_dir("bscan_resume");
    config_ = dir_ / "scan.toml";
    reference_ = dir_ / "reference.h5";
    // The constraint map at 300 x 300 in chunks of 4096 points: ~1 s, 24 chunks.
    std::ofstream(config_) << test::constraint_map_config(300, 300, 4096);
    const Clock::time_point t = Clock::now();
    EXPECT_EQ(wait_exit(spawn({"run", config_.string(), "--backend", "cpu", "--threads", "2", "-o",
                               reference_.string()})),
              0);
    run_seconds_ = std::chrono::duration<double>(Clock::now() - t).count();
    ASSERT_TRUE(complete(reference_));
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Every dataset (and attribute) of `file` equal to the uninterrupted run's.
  void expect_same_as_reference(const fs::path& file, const std::string& what) {
    EXPECT_EQ(run_sh("h5diff -q " + reference_.string() + " " + file.string() + " > /dev/null"), 0)
        << what;
  }

  fs::path dir_, config_, reference_;
  double run_seconds_ = 0.0;
};

TEST_F(Resume, KilledAtRandomMomentsAndResumedGivesTheSameFile) {
  std::mt19937_64 rng(20261203);
  const fs::path out = dir_ / "killed.h5", partial = dir_ / "killed.h5.partial";
  int resumed = 0;
  for (int trial = 0; trial < 20; ++trial) {
    fs::remove(out);
    fs::remove(partial);
    const double at = std::uniform_real_distribution<double>(0.0, 1.1 * run_seconds_)(rng);
    const pid_t pid = spawn({"run", config_.string(), "--backend", "cpu", "-o", out.string()});
    std::this_thread::sleep_for(std::chrono::duration<double>(at));
    kill(pid, SIGKILL);
    wait_exit(pid);
    if (fs::exists(out)) {  // it published the file before the kill: then it is complete
      EXPECT_TRUE(complete(out)) << "a file with the final name must be complete";
      EXPECT_FALSE(fs::exists(partial));
    } else if (fs::exists(partial)) {
      ++resumed;
      const int rc = run_sh(binary() + " run " + config_.string() + " --backend cpu -o " +
                            out.string() + " --resume 2> " + (dir_ / "resume.txt").string());
      EXPECT_EQ(rc, 0) << "trial " << trial << ": resume after a kill at " << at
                       << " s: " << test::read_text(dir_ / "resume.txt");
      EXPECT_FALSE(fs::exists(partial));
    } else {  // killed before the file was created: start again
      EXPECT_EQ(wait_exit(spawn({"run", config_.string(), "--backend", "cpu", "-o", out.string()})),
                0);
    }
    ASSERT_TRUE(fs::exists(out)) << "trial " << trial;
    expect_same_as_reference(
        out, "trial " + std::to_string(trial) + ", killed at " + std::to_string(at) + " s");
  }
  EXPECT_GE(resumed, 10) << "most kills should hit a running scan";
}

// A tmpfs of half the finished file's size: the disk fills up during the scan. Mounting needs
// root (CI and the development machines run the tests as root); elsewhere the test skips.
TEST_F(Resume, DiskFullKeepsThePartialAndResumeFinishesIt) {
  const fs::path small = dir_ / "small";
  fs::create_directories(small);
  const auto kb = std::to_string(fs::file_size(reference_) / 2 / 1024);
  if (run_sh("mount -t tmpfs -o size=" + kb + "k tmpfs " + small.string() + " 2> /dev/null") != 0)
    GTEST_SKIP() << "cannot mount a tmpfs here (not root?)";
  struct Unmount {
    fs::path at;
    ~Unmount() { run_sh("umount " + at.string()); }
  } unmount{small};
  const fs::path out = small / "full.h5", partial = small / "full.h5.partial";
  const std::string run = binary() + " run " + config_.string() + " --backend cpu -o " +
                          out.string() + " 2> " + (dir_ / "err.txt").string();
  // The space check refuses it up front (the uncompressed size exceeds the tmpfs) ...
  EXPECT_EQ(run_sh(run), 3);
  EXPECT_NE(test::read_text(dir_ / "err.txt").find("free"), std::string::npos)
      << test::read_text(dir_ / "err.txt");
  EXPECT_FALSE(fs::exists(partial));
  // ... and without it the disk fills up during the scan.
  EXPECT_EQ(run_sh(run + " --no-space-check"), 3) << test::read_text(dir_ / "err.txt");
  const std::string err = test::read_text(dir_ / "err.txt");
  EXPECT_NE(err.find("No space left on device"), std::string::npos) << err;
  EXPECT_NE(err.find("--resume"), std::string::npos) << "the message says how to continue: " << err;
  EXPECT_FALSE(fs::exists(out));
  ASSERT_TRUE(fs::exists(partial));
  ASSERT_EQ(run_sh("mount -o remount,size=" + std::to_string(4 * fs::file_size(reference_) / 1024) +
                   "k " + small.string()),
            0);
  EXPECT_EQ(wait_exit(spawn(
                {"run", config_.string(), "--backend", "cpu", "-o", out.string(), "--resume"})),
            0);
  EXPECT_FALSE(fs::exists(partial));
  expect_same_as_reference(out, "resumed after the disk was full");
}

TEST_F(Resume, RefusesWhatItCannotContinueAndRestartsAnEmptyPartial) {
  const fs::path out = dir_ / "other.h5";
  const std::string base = "run " + config_.string() + " --backend cpu -o " + out.string();
  EXPECT_EQ(run_sh(binary() + " " + base + " --resume 2> " + (dir_ / "e1").string()), 2);
  EXPECT_NE(test::read_text(dir_ / "e1").find("no '" + out.string() + ".partial'"),
            std::string::npos)
      << test::read_text(dir_ / "e1");
  // A .partial of this config, then a changed config: refused, the partial left as it was.
  const fs::path partial = out.string() + ".partial";
  const pid_t pid = spawn({"run", config_.string(), "--backend", "cpu", "-o", out.string()});
  while (!fs::exists(partial) && !fs::exists(out))
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::this_thread::sleep_for(std::chrono::duration<double>(0.3 * run_seconds_));
  kill(pid, SIGKILL);
  wait_exit(pid);
  ASSERT_TRUE(fs::exists(partial));
  const fs::path changed = dir_ / "changed.toml";
  std::ofstream(changed) << test::read_text(config_) << "# another config\n";
  const auto size = fs::file_size(partial);
  EXPECT_EQ(run_sh(binary() + " run " + changed.string() + " --backend cpu -o " + out.string() +
                   " --resume 2> " + (dir_ / "e2").string()),
            2);
  EXPECT_NE(test::read_text(dir_ / "e2").find("bscan_config"), std::string::npos)
      << test::read_text(dir_ / "e2");
  EXPECT_EQ(fs::file_size(partial), size);
  // A .partial killed while it was being created (here: empty) holds no work: started again; one
  // that is not HDF5 is not bscan's and is left alone.
  const fs::path fresh = dir_ / "fresh.h5";
  std::ofstream(fresh.string() + ".partial").flush();
  EXPECT_EQ(run_sh(binary() + " run " + config_.string() + " --backend cpu -o " + fresh.string() +
                   " --resume 2> " + (dir_ / "e4").string()),
            0);
  EXPECT_NE(test::read_text(dir_ / "e4").find("started again"), std::string::npos)
      << test::read_text(dir_ / "e4");
  expect_same_as_reference(fresh, "a run that restarted an empty .partial");
  const fs::path alien = dir_ / "alien.h5";
  std::ofstream(alien.string() + ".partial") << "my notes";
  EXPECT_EQ(run_sh(binary() + " run " + config_.string() + " --backend cpu -o " + alien.string() +
                   " --resume 2> " + (dir_ / "e5").string()),
            2);
  EXPECT_NE(test::read_text(dir_ / "e5").find("not a file bscan wrote"), std::string::npos)
      << test::read_text(dir_ / "e5");
  EXPECT_EQ(test::read_text(alien.string() + ".partial"), "my notes");
  // Without --resume an existing .partial is not replaced silently either.
  EXPECT_EQ(run_sh(binary() + " " + base + " 2> " + (dir_ / "e3").string()), 2);
  EXPECT_NE(test::read_text(dir_ / "e3").find("--resume"), std::string::npos)
      << test::read_text(dir_ / "e3");
}

// SIGINT, SIGTERM and SIGHUP during a scan: bscan stops after its chunk, says that the .partial is
// kept and how to continue, exits with 128 + the signal; --resume then finishes the same file.
TEST_F(Resume, SignalsStopTheScanAndKeepTheResumablePartial) {
  int stopped = 0;
  for (const int sig : {SIGINT, SIGTERM, SIGHUP}) {
    const fs::path out = dir_ / ("signal" + std::to_string(sig) + ".h5");
    const fs::path partial = out.string() + ".partial", err = dir_ / "signal.txt";
    const pid_t pid =
        spawn({"run", config_.string(), "--backend", "cpu", "-o", out.string()}, err.string());
    while (!fs::exists(partial) && !fs::exists(out))
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    std::this_thread::sleep_for(std::chrono::duration<double>(0.2 * run_seconds_));
    kill(pid, sig);
    const int code = wait_exit(pid);
    const std::string text = test::read_text(err);
    if (code == 0) continue;  // it finished before the signal came
    ++stopped;
    EXPECT_EQ(code, 128 + sig) << text;
    EXPECT_NE(text.find(std::string("stopped by SIG") + sigabbrev_np(sig)), std::string::npos)
        << text;
    EXPECT_NE(text.find("kept in '" + partial.string() + "'"), std::string::npos) << text;
    EXPECT_NE(text.find("--resume"), std::string::npos) << text;
    EXPECT_FALSE(fs::exists(out));
    ASSERT_TRUE(fs::exists(partial));
    EXPECT_EQ(wait_exit(spawn(
                  {"run", config_.string(), "--backend", "cpu", "-o", out.string(), "--resume"})),
              0);
    expect_same_as_reference(out, std::string("resumed after SIG") + sigabbrev_np(sig));
  }
  EXPECT_GE(stopped, 2) << "the signals should reach a running scan";
}

// A small tmpfs (2 MB) full at the final flush, and full before the file exists: a clear error and
// exit 3, no crash at exit, no empty .partial left behind (needs root to mount, else skips).
TEST_F(Resume, DiskFullAtTheFinalFlushOrAtCreationEndsCleanly) {
  const fs::path small = dir_ / "tiny";
  fs::create_directories(small);
  if (run_sh("mount -t tmpfs -o size=2m tmpfs " + small.string() + " 2> /dev/null") != 0)
    GTEST_SKIP() << "cannot mount a tmpfs here (not root?)";
  struct Unmount {
    fs::path at;
    ~Unmount() { run_sh("umount " + at.string()); }
  } unmount{small};
  // The README's example map at 320 x 320: 4.9 MB uncompressed, ~2.3 MB deflated.
  std::string text = test::read_text(test::source_dir() / "examples/rk_map_alp.toml");
  for (const auto& [from, to] :
       {std::pair<std::string, std::string>{"points = 120", "points = 320"},
        {"points = 80", "points = 320"}})
    text.replace(text.find(from), from.size(), to);
  const fs::path config = dir_ / "map320.toml", err = dir_ / "full.txt";
  std::ofstream(config) << text;
  const fs::path out = small / "map.h5";
  const std::string run = binary() + " run " + config.string() +
                          " --backend cpu --no-space-check -o " + out.string() + " 2> " +
                          err.string();
  EXPECT_EQ(run_sh(run), 3) << test::read_text(err);
  EXPECT_NE(test::read_text(err).find("--resume"), std::string::npos) << test::read_text(err);
  EXPECT_FALSE(fs::exists(out));
  fs::remove(out.string() + ".partial");
  // Nothing left at all: the file cannot even be created.
  run_sh("dd if=/dev/zero of=" + (small / "fill").string() + " bs=1k count=4096 2> /dev/null");
  EXPECT_EQ(run_sh(run), 3) << test::read_text(err);
  EXPECT_NE(test::read_text(err).find("No space left on device"), std::string::npos)
      << test::read_text(err);
  EXPECT_EQ(test::read_text(err).find("infinite loop"), std::string::npos) << test::read_text(err);
  EXPECT_FALSE(fs::exists(out.string() + ".partial")) << "an empty .partial was left";
}

}  // namespace
}  // namespace bscan
