// Error types that reach the user as one clear line and a non-zero exit.
#pragma once
#include <stdexcept>

namespace bscan {

// Bad user input: config, CLI arguments, parameter values, data files.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A .partial that --resume cannot continue: made by something else (another config, another
// bscan) or not a file bscan wrote.
struct ResumeMismatch : InputError {
  using InputError::InputError;
};

// Any failure to create, write or finish the output file (I/O or HDF5 error).
struct OutputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A run stopped by a signal (SIGINT, SIGTERM, SIGHUP) between two chunks; the process exits
// with 128 + signal, as the shell reports a process the signal ended.
struct Interrupted : std::runtime_error {
  Interrupted(int sig, const std::string& what) : std::runtime_error(what), signal(sig) {}
  int signal;
};

}  // namespace bscan
