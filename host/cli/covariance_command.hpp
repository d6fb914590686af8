// `bscan covariance`: the SM covariance of observables sampled over the nuisance parameters
// (host/plan/theory_covariance.hpp).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace bscan::cli {

struct CovarianceOptions {
  std::vector<std::string> observables;
  std::string measurements;  // add every observable the set measures
  std::string model = "wet";
  std::string physics = "flavio-2.7";
  int samples = 1000;
  std::uint64_t seed = 20261207;  // kDefaultTheorySeed
  bool json = false;
};

// The text to print: with --json one object {"observables", "central", "sigma", "correlation",
// "samples", "seed", "nuisances", "seconds"}; else a line per observable.
std::string covariance(const CovarianceOptions& opt);

}  // namespace bscan::cli
