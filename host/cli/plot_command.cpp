#include "host/cli/plot_command.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "host/config/presets.hpp"
#include "host/errors.hpp"

namespace bscan {

int run_plot(const std::vector<std::string>& args) {
  const char* env = std::getenv("BSCAN_PLOT_SCRIPT");
  const std::filesystem::path script =
      env ? std::filesystem::path(env)
          : std::filesystem::path(BSCAN_SOURCE_DIR) / "host" / "plot" / "bscan_plot.py";
  if (!std::filesystem::exists(script))
    throw InputError("plotting program '" + script.string() +
                     "' not found (set BSCAN_PLOT_SCRIPT)");
  // Debian's interpreter carries h5py and matplotlib; $BSCAN_PYTHON overrides, else python3.
  const char* py_env = std::getenv("BSCAN_PYTHON");
  const std::string python = py_env                                        ? py_env
                             : std::filesystem::exists("/usr/bin/python3") ? "/usr/bin/python3"
                                                                           : "python3";
  std::vector<std::string> argv_s = {python, script.string()};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) throw InputError("cannot start python3 for `bscan plot`");
  if (pid == 0) {
    setenv("BSCAN_DATA_DIR", data_dir().c_str(), 0);  // measurement sets for --data
    execvp(python.c_str(), argv.data());
    _exit(127);  // python3 missing: the shell convention
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
    throw InputError("`bscan plot` needs python3 with h5py and matplotlib on PATH");
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

}  // namespace bscan
