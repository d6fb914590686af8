// Nuisance parameters (data/parameters/*-nuisances.toml): the uncertain inputs of the predictions,
// each a Gaussian with its central value and standard deviation, correlated within a group, and
// mapped onto the physics-data keys it moves. Sampled by the SM covariance (host/plan/
// theory_covariance.hpp); format in docs/physics.md.
#pragma once
#include <Eigen/Core>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "host/config/physics_data.hpp"

namespace bscan {

struct NuisanceParameter {
  enum class Map { value, scale, inverse, power };
  std::string name;  // flavio's parameter name
  double central = 0.0, sigma = 0.0;
  Map map = Map::value;   // value: key = x; scale: key_0 x / central; inverse: key_0 central / x;
  double exponent = 1.0;  // power: key_0 (x / central)^exponent
  std::vector<std::string> targets;  // physics-data keys (physics_slot)
};

struct NuisanceGroup {
  std::vector<NuisanceParameter> parameters;
  Eigen::MatrixXd chol;  // Cholesky factor of the group's covariance
  std::string source;
};

class Nuisances {
 public:
  std::string name;
  std::filesystem::path file;
  std::vector<NuisanceGroup> groups;

  int size() const;
  // One draw: x = central + L z per group, z standard normal from `rng`.
  std::vector<double> draw(std::mt19937_64& rng) const;
  // `central` with the draw `x` applied (the endpoint relations of the B -> K* form factors kept).
  PhysicsInputs apply(const PhysicsInputs& central, const std::vector<double>& x) const;
};

// Throws InputError naming the file and the key (unknown target, sigma <= 0, a correlation matrix
// that is not n x n, symmetric, unit-diagonal and positive definite).
Nuisances load_nuisances(const std::filesystem::path& file);

}  // namespace bscan
