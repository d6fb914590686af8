// `bscan run` and `bscan validate`: parse the arguments, print the results (host/exec/run_scan).
#pragma once
#include <filesystem>

#include "host/exec/run_scan.hpp"

namespace bscan::cli {

// Runs the scan and prints the output path and the flag summary; the progress line goes to
// stderr when `progress` or stderr is a terminal.
int run(RunOptions opt, bool progress);
int validate(const std::filesystem::path& config);

}  // namespace bscan::cli
