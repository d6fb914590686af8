#include "host/plan/sm_predictions.hpp"

#include <cmath>
#include <optional>

#include "host/errors.hpp"
#include "host/model/model_registry.hpp"
#include "host/plan/observables.hpp"
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

// Without shifts every term is its stage-0 integral S (no pole, no couplings), contracted and
// combined by the same kernel functions a scan uses.
std::vector<double> sm_predictions(const PhysicsData& physics, const std::vector<std::string>& ids,
                                   const ModelInfo* model) {
  const ModelInfo& wet = find_model(WetModel::kName);
  const PhysicsInputs& in = physics.inputs();
  std::vector<ObservableSpec> specs;
  std::vector<std::pair<std::size_t, double>> own;  // (index, value) of the model's quantities
  const std::vector<double> defaults =
      model != nullptr ? model->resolve({}) : std::vector<double>{};
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (std::optional<ObservableSpec> s = wet_spec(ids[i], wet, in, model != nullptr)) {
      specs.push_back(std::move(*s));
      continue;
    }
    const ObservableSpec s = parse_observable(ids[i], *model, SmearingResolutions{}, in);
    double v = NAN;
    if (s.kind == OpKind::quantity) v = model->quantity_at(in, defaults.data(), s.quantity);
    if (s.kind == OpKind::parameter) v = defaults[s.quantity];
    own.emplace_back(i, v);
  }
  const CompiledObservables c = compile_observables(specs);
  std::vector<double> rate(c.terms.size());
  for (std::size_t t = 0; t < c.terms.size(); ++t) {
    RateTerm term = c.terms[t];
    term.bin.r = 0.0;
    rate[t] = term_rate(term_contact(in, term), nullptr, DirCouplings{}, term.kind, cplx{0.0, 0.0});
  }
  const std::vector<double> p(WetModel::kNumParams, 0.0);
  std::vector<double> wet_values;
  PointMemo<WetModel> memo(in, p.data());
  for (const ObservableOp& op : c.ops)
    wet_values.push_back(evaluate_op<WetModel>(in, op, p.data(), Pole{}, rate.data(), memo));
  std::vector<double> out(ids.size());
  std::size_t w = 0, k = 0;
  for (std::size_t i = 0; i < ids.size(); ++i)
    out[i] = (k < own.size() && own[k].first == i) ? own[k++].second : wet_values[w++];
  return out;
}

}  // namespace bscan
