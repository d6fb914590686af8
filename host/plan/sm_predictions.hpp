// Standard-Model predictions of observables (the `wet` model at zero shifts), for the theory
// errors that measurement sets give relative to the SM, the SM's chi2 and the SM covariance
// sampled over the nuisance parameters; a model quantity that `wet` does not know is `model`'s at
// its default parameters (no couplings: the SM).
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "host/config/physics_data.hpp"
#include "host/model/model_registry.hpp"
#include "host/plan/observables.hpp"

namespace bscan {

// The ids compiled once (rate terms and ops), evaluated at any physics inputs: the same stage-0
// integrals and evaluate_op a scan runs. NaN for a particle observable (no particle in the SM).
// `model` may be null (then every id must be a `wet` one). Throws InputError for an unknown id.
class SmPredictor {
 public:
  SmPredictor(const PhysicsData& physics, const std::vector<std::string>& ids,
              const ModelInfo* model);
  // Unsmeared values (the SM part carries no resonance to smear).
  std::vector<double> operator()(const PhysicsInputs& in) const;
  std::size_t size() const { return n_; }

 private:
  std::size_t n_;
  const ModelInfo* model_;
  CompiledObservables wet_;
  std::vector<std::size_t> wet_index_;  // position of each wet op's id in the output
  std::vector<std::pair<std::size_t, ObservableSpec>> own_;  // the model's quantities/parameters
  std::vector<double> defaults_;                             // the model's default parameters
};

// SM values of `ids` at the physics data's central inputs.
std::vector<double> sm_predictions(const PhysicsData& physics, const std::vector<std::string>& ids,
                                   const ModelInfo* model);

}  // namespace bscan
