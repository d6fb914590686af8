// Error types that reach the user as one clear line and a non-zero exit.
#pragma once
#include <stdexcept>

namespace bscan {

// Bad user input: config, CLI arguments, parameter values, data files.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace bscan
