#include "host/plan/sm_predictions.hpp"

#include <cmath>
#include <optional>

#include "host/errors.hpp"
#include "kernels/models/wet.hpp"

namespace bscan {
namespace {

// The id as a `wet` observable; none when `wet` does not know it and a model may (`model_too`).
std::optional<ObservableSpec> wet_spec(const std::string& id, const ModelInfo& wet,
                                       const PhysicsInputs& in, bool model_too) {
  try {
    return parse_observable(id, wet, SmearingResolutions{}, in);
  } catch (const InputError&) {
    if (!model_too) throw;
    return std::nullopt;
  }
}

}  // namespace

SmPredictor::SmPredictor(const PhysicsData& physics, const std::vector<std::string>& ids,
                         const ModelInfo* model)
    : n_(ids.size()), model_(model) {
  const ModelInfo& wet = find_model(WetModel::kName);
  const PhysicsInputs& in = physics.inputs();
  std::vector<ObservableSpec> specs;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (std::optional<ObservableSpec> s = wet_spec(ids[i], wet, in, model != nullptr)) {
      specs.push_back(std::move(*s));
      wet_index_.push_back(i);
      continue;
    }
    own_.emplace_back(i, parse_observable(ids[i], *model, SmearingResolutions{}, in));
  }
  wet_ = compile_observables(specs);
  for (RateTerm& term : wet_.terms) term.bin.r = 0.0;
  if (model != nullptr) defaults_ = model->resolve({});
}

// Without shifts every term is its stage-0 integral S (no pole, no couplings), contracted and
// combined by the same kernel functions a scan uses.
std::vector<double> SmPredictor::operator()(const PhysicsInputs& in) const {
  std::vector<double> rate(wet_.terms.size());
  for (std::size_t t = 0; t < wet_.terms.size(); ++t)
    rate[t] = term_rate(term_contact(in, wet_.terms[t]), nullptr, DirCouplings{},
                        wet_.terms[t].kind, cplx{0.0, 0.0});
  const std::vector<double> p(WetModel::kNumParams, 0.0);
  PointMemo<WetModel> memo(in, p.data());
  std::vector<double> out(n_, NAN);
  for (std::size_t k = 0; k < wet_.ops.size(); ++k)
    out[wet_index_[k]] =
        evaluate_op<WetModel>(in, wet_.ops[k], p.data(), Pole{}, rate.data(), memo);
  for (const auto& [i, s] : own_) {
    if (s.kind == OpKind::quantity) out[i] = model_->quantity_at(in, defaults_.data(), s.quantity);
    if (s.kind == OpKind::parameter) out[i] = defaults_[s.quantity];
  }
  return out;
}

std::vector<double> sm_predictions(const PhysicsData& physics, const std::vector<std::string>& ids,
                                   const ModelInfo* model) {
  return SmPredictor(physics, ids, model)(physics.inputs());
}

}  // namespace bscan
