// A whole scan: config -> plan -> backend -> executor -> sinks (the HDF5 file, the flag summary).
#pragma once
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "host/exec/backend.hpp"
#include "host/exec/executor.hpp"

namespace bscan {

struct RunOptions {
  std::filesystem::path config;
  std::optional<std::filesystem::path> output;
  BackendChoice backend = BackendChoice::automatic;
  int threads = 0;  // 0: all cores
  int device = 0;   // GPU index for the CUDA backend
  bool overwrite = false;
  bool resume = false;      // continue OUTPUT.partial of an interrupted run of the same config
  bool space_check = true;  // refuse to start when the output's uncompressed size does not fit
  std::function<void(long long done, long long total)> progress;  // optional
  // Asked between chunks (optional): a signal number stops the run, the .partial kept resumable.
  std::function<int()> stop;
};

struct RunReport {
  std::filesystem::path output;  // the complete file
  std::string backend, device;
  std::vector<std::string> notices;  // skipped constraints, backend fallback
  ExecutionStats stats;
  std::string flag_table;             // empty without constraints
  std::vector<std::string> warnings;  // observables that are NaN at some points of this run
};

// Runs a scan. Throws InputError (config, model, existing output) or OutputError (the file).
RunReport run_scan(const RunOptions& opt);

// Loads and plans a config without computing anything; returns a one-line summary (and notices).
std::string validate_config(const std::filesystem::path& config, std::vector<std::string>& notices);

}  // namespace bscan
