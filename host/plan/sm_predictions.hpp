// Standard-Model predictions of observables (the `wet` model at zero shifts), for the theory
// errors that measurement sets give relative to the SM and the SM's chi2; a model quantity that
// `wet` does not know is `model`'s at its default parameters (no couplings: the SM).
#pragma once
#include <string>
#include <vector>

#include "host/config/physics_data.hpp"
#include "host/model/model_registry.hpp"

namespace bscan {

// SM values of `ids` (unsmeared: the SM part carries no resonance to smear); NaN for a particle
// observable (no particle in the SM). `model` may be null (then every id must be a `wet` one).
std::vector<double> sm_predictions(const PhysicsData& physics, const std::vector<std::string>& ids,
                                   const ModelInfo* model);

}  // namespace bscan
