#include "host/cli/run_command.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>

#include "host/mpi/communicator.hpp"

namespace bscan::cli {
namespace {

using Clock = std::chrono::steady_clock;

// One status line on stderr: points done, points/s, ETA.
class Progress {
 public:
  explicit Progress(bool enabled) : enabled_(enabled), tty_(isatty(2) != 0) {}
  void update(long long done, long long total) {
    if (!enabled_) return;
    const double s = std::chrono::duration<double>(Clock::now() - start_).count();
    if (done < total && s - last_ < (tty_ ? 0.2 : 5.0)) return;
    last_ = s;
    const double rate = s > 0.0 ? done / s : 0.0;
    const double eta = rate > 0.0 ? (total - done) / rate : 0.0;
    fmt::print(stderr, "{}{}/{} points  {:.3g} points/s  ETA {:.1f} s{}", tty_ ? "\r" : "", done,
               total, rate, eta, tty_ && done < total ? "" : "\n");
    std::fflush(stderr);
  }

 private:
  bool enabled_, tty_;
  Clock::time_point start_ = Clock::now();
  double last_ = -1e9;
};

volatile std::sig_atomic_t stop_signal = 0;

extern "C" void on_stop_signal(int sig) { stop_signal = sig; }

// SIGINT, SIGTERM and SIGHUP ask the run to stop after its current chunk; a second one ends the
// process at once (SA_RESETHAND). Several ranks keep the default: mpirun ends the job.
void catch_stop_signals(RunOptions& opt) {
  if (Communicator::world().parallel()) return;
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sa.sa_flags = SA_RESETHAND | SA_RESTART;  // system calls in progress go on
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
  opt.stop = [] { return static_cast<int>(stop_signal); };
}

}  // namespace

int run(RunOptions opt, bool progress) {
  catch_stop_signals(opt);
  const bool root = Communicator::world().rank() == 0;
  Progress bar(root && (progress || isatty(2) != 0));
  opt.progress = [&](long long done, long long total) { bar.update(done, total); };
  const RunReport r = run_scan(opt);
  for (const std::string& n : r.notices) spdlog::info("{}", n);
  for (const std::string& w : r.warnings) spdlog::warn("{}", w);
  const ExecutionStats& s = r.stats;
  spdlog::info("{} points in {:.2f} s ({:.3g} points/s) on {} ({})", s.points, s.seconds,
               s.points / s.seconds, r.backend, r.device);
  spdlog::info(
      "time: stage 1 of the slab {:.2f} s, evaluation {:.2f} s, writing {:.2f} s on the writer "
      "thread (overlapped; waited {:.2f} s); {} stage-1 integrals in {} chunks",
      s.stage1, s.evaluate, s.write, s.waited, s.stage1_integrals, s.chunks);
  if (!root) return 0;
  if (!r.flag_table.empty()) fmt::print("{}", r.flag_table);
  fmt::print("{}\n", r.output.string());
  return 0;
}

int validate(const std::filesystem::path& config) {
  std::vector<std::string> notices;
  const std::string line = validate_config(config, notices);
  for (const std::string& n : notices) spdlog::info("{}", n);
  fmt::print("{}\n", line);
  return 0;
}

}  // namespace bscan::cli
