// Helpers of the end-to-end tests that start bscan (or mpirun) as a process: start, wait, kill a
// whole process tree, run a shell line, read whether a scan file is complete; their scan config.
#pragma once
#include <fcntl.h>
#include <gtest/gtest.h>
#include <hdf5.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace bscan::test {

inline std::string binary() {
  const char* bin = std::getenv("BSCAN_BINARY");
  return bin ? bin : "bscan";
}

// Starts the program argv[0] (a path) with its output discarded (stderr to `err` when given);
// returns its pid.
inline pid_t spawn_program(std::vector<std::string> argv_strings, const std::string& err = "") {
  std::vector<char*> argv;
  for (std::string& a : argv_strings) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, err.empty() ? "/dev/null" : err.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  EXPECT_EQ(posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

// Starts `bscan ARGS`.
inline pid_t spawn(const std::vector<std::string>& args, const std::string& err = "") {
  std::vector<std::string> all = {binary()};
  all.insert(all.end(), args.begin(), args.end());
  return spawn_program(all, err);
}

inline int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// The pids whose parent is `pid` (from /proc/*/stat: works on kernels without
// /proc/PID/task/TID/children).
inline std::vector<pid_t> children_of(pid_t pid) {
  std::vector<pid_t> out;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    std::getline(stat, line);
    const std::size_t close = line.rfind(')');  // the command name may hold spaces
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    char state = 0;
    pid_t parent = 0;
    if (rest >> state >> parent && parent == pid) out.push_back(std::stoi(name));
  }
  return out;
}

// SIGKILL to pid and all its descendants (mpirun and its ranks), children first.
inline void kill_tree(pid_t pid) {
  for (pid_t child : children_of(pid)) kill_tree(child);
  kill(pid, SIGKILL);
}

inline int run_sh(const std::string& cmd) {
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Whether `file` is a scan file with bscan_complete = 1.
inline bool complete(const std::filesystem::path& file) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return false;
  int value = 0;
  const hid_t a = H5Aopen(f, "bscan_complete", H5P_DEFAULT);
  const bool ok = a >= 0 && H5Aread(a, H5T_NATIVE_INT, &value) >= 0 && value == 1;
  if (a >= 0) H5Aclose(a);
  H5Fclose(f);
  return ok;
}

// The constraint map of paper-2021 on m_a x c_sb_minus (log axes), at most `chunk` points per
// chunk: observables, pulls, two flag words; every chunk recorded for --resume at once.
inline std::string constraint_map_config(int n_mass, int n_coupling, int chunk) {
  return "model = \"alp\"\n"
         "observables = [\"RKstar[0.045,1.1]\", \"RK[1.1,6.0]\", \"Gamma_a\"]\n"
         "chunk_size = " +
         std::to_string(chunk) +
         "\n[parameters]\nc_sb_plus = 1e-10\nc_ee = 0.1\nc_mumu = 1e-5\n"
         "[constraints]\nmeasurements = \"paper-2021\"\n"
         "[output]\ncheckpoint_seconds = 0.0\n"
         "[[axes]]\nname = \"m_a\"\nmin = 0.01\nmax = 5.0\npoints = " +
         std::to_string(n_mass) +
         "\nspacing = \"log\"\n"
         "[[axes]]\nname = \"c_sb_minus\"\nmin = 1e-12\nmax = 1e-7\npoints = " +
         std::to_string(n_coupling) + "\nspacing = \"log\"\n";
}

}  // namespace bscan::test
