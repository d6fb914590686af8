#include "host/plan/sm_predictions.hpp"

#include <cmath>

#include "host/errors.hpp"
#include "host/model/model_registry.hpp"
#include "host/plan/observables.hpp"
#include "kernels/models/wet.hpp"

namespace bscan {
namespace {

bool parse_wet(const std::string& id, const ModelInfo& wet, const PhysicsInputs& in) {
  try {
    parse_observable(id, wet, SmearingResolutions{}, in);
    return true;
  } catch (const InputError&) {
    return false;
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
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (model == nullptr || parse_wet(ids[i], wet, in)) {
      specs.push_back(parse_observable(ids[i], wet, SmearingResolutions{}, in));
      continue;
    }
    const ObservableSpec s = parse_observable(ids[i], *model, SmearingResolutions{}, in);
    const std::vector<double> p = model->resolve({});
    double v = NAN;
    if (s.kind == OpKind::quantity) v = model->quantity_at(in, p.data(), s.quantity);
    if (s.kind == OpKind::parameter) v = p[s.quantity];
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
  for (const ObservableOp& op : c.ops)
    wet_values.push_back(evaluate_op<WetModel>(in, op, p.data(), Pole{}, rate.data()));
  std::vector<double> out(ids.size());
  std::size_t w = 0, k = 0;
  for (std::size_t i = 0; i < ids.size(); ++i)
    out[i] = (k < own.size() && own[k].first == i) ? own[k++].second : wet_values[w++];
  return out;
}

}  // namespace bscan
