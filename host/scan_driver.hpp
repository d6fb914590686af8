// `bscan run` and `bscan validate`: config -> problem -> chunked evaluation -> streamed HDF5.
#pragma once
#include <filesystem>
#include <optional>
#include <string>

#include "host/scan_config.hpp"
#include "host/scan_problem.hpp"

namespace bscan {

struct RunOptions {
  std::filesystem::path config;
  std::optional<std::filesystem::path> output;
  BackendChoice backend = BackendChoice::automatic;
  int threads = 0;  // 0: all cores
  bool overwrite = false;
  bool progress = false;  // also when stderr is not a terminal
};

// Observables, constraints and axes of a config resolved against its model; errors name the
// config key. `skipped` gets the constraints the model cannot evaluate.
ScanProblem build_problem(const ScanConfig& c, const PhysicsData& physics,
                          std::vector<std::string>& skipped, std::string& measurement_set);
inline ScanProblem build_problem(const ScanConfig& c, const PhysicsData& physics) {
  std::vector<std::string> skipped;
  std::string set;
  return build_problem(c, physics, skipped, set);
}

// Runs a scan; returns the path of the complete output file. Throws InputError / OutputError.
std::filesystem::path run_scan(const RunOptions& opt);

// Loads and resolves a config without computing anything; returns a one-line summary.
std::string validate_config(const std::filesystem::path& config);

}  // namespace bscan
