// The SM covariance of observables, sampled through the engine: N draws of the nuisance
// parameters (host/config/nuisances.hpp), each evaluated by the same stage-0 integrals and
// evaluate_op as a scan (SmPredictor). Assumed independent of new physics, as flavio's
// FastLikelihood does (docs/physics.md).
#pragma once
#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "host/config/measurement_set.hpp"
#include "host/config/nuisances.hpp"
#include "host/config/physics_data.hpp"
#include "host/model/model_registry.hpp"

namespace bscan {

inline constexpr int kDefaultTheorySamples = 1000;
inline constexpr std::uint64_t kDefaultTheorySeed = 20261207;

struct TheoryCovariance {
  std::vector<std::string> ids;
  std::vector<double> central;  // at the central inputs
  Eigen::MatrixXd covariance;   // over the draws (unbiased, N - 1)
  int samples = 0;
  std::uint64_t seed = 0;
  std::string nuisances;  // the nuisance file's name
  double seconds = 0.0;
  std::string cache_file;  // read from the disk cache (host/plan/theory_cache.hpp): its path

  std::vector<double> sigma() const;
  Eigen::MatrixXd correlation() const;
};

// Throws InputError when the physics data name no nuisance file, an id is unknown, samples < 2,
// or a draw gives a non-finite prediction (naming the observable).
TheoryCovariance sample_theory_covariance(const PhysicsData& physics,
                                          const std::vector<std::string>& ids,
                                          const ModelInfo* model,
                                          int samples = kDefaultTheorySamples,
                                          std::uint64_t seed = kDefaultTheorySeed);

// The distinct observables the measurements of `set` read that `model` evaluates, in set order.
std::vector<std::string> measured_observables(const MeasurementSet& set, const ModelInfo& model,
                                              const PhysicsData& physics);

}  // namespace bscan
