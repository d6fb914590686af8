#include "host/plan/sm_predictions.hpp"

#include "host/model/model_registry.hpp"
#include "host/plan/observables.hpp"
#include "kernels/models/wet.hpp"

namespace bscan {

// Without shifts every term is its stage-0 integral S (no pole, no couplings), contracted and
// combined by the same kernel functions a scan uses.
std::vector<double> sm_predictions(const PhysicsData& physics,
                                   const std::vector<std::string>& ids) {
  const ModelInfo& wet = find_model(WetModel::kName);
  const PhysicsInputs& in = physics.inputs();
  std::vector<ObservableSpec> specs;
  for (const std::string& id : ids)
    specs.push_back(parse_observable(id, wet, SmearingResolutions{}, in));
  const CompiledObservables c = compile_observables(specs);
  std::vector<double> rate(c.terms.size());
  for (std::size_t t = 0; t < c.terms.size(); ++t) {
    RateTerm term = c.terms[t];
    term.bin.r = 0.0;
    rate[t] = term_rate(term_contact(in, term), nullptr, DirCouplings{}, term.kind, cplx{0.0, 0.0});
  }
  const std::vector<double> p(WetModel::kNumParams, 0.0);
  std::vector<double> out;
  for (const ObservableOp& op : c.ops)
    out.push_back(evaluate_op<WetModel>(in, op, p.data(), Pole{}, rate.data()));
  return out;
}

}  // namespace bscan
