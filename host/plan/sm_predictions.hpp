// Standard-Model predictions of observables (the `wet` model at zero shifts), for the theory
// errors that measurement sets give relative to the SM.
#pragma once
#include <string>
#include <vector>

#include "host/config/physics_data.hpp"

namespace bscan {

// SM values of `ids` (unsmeared: the SM part carries no resonance to smear).
std::vector<double> sm_predictions(const PhysicsData& physics, const std::vector<std::string>& ids);

}  // namespace bscan
