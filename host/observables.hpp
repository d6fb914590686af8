// Observable ids (DESIGN §5 grammar) -> what the kernels compute: rate terms and how to combine
// them.
#pragma once
#include <string>
#include <vector>

#include "host/model_registry.hpp"
#include "kernels/rate_terms.hpp"
#include "kernels/scan_functors.hpp"

namespace bscan {

struct SmearingResolutions {
  double r_e = 0.010;   // GeV, paper 000 (LHCb dilepton-mass resolution, electrons)
  double r_mu = 0.002;  // GeV, muons
};

struct ObservableSpec {
  std::string id, latex, unit;
  OpKind kind;
  std::vector<RateTerm> terms;  // the rate terms its op reads, in the op's order (t0, t1, t2)
  double scale = 1.0;
  int quantity = -1;
  int lepton = 0;  // on_shell
  Bin bin{};       // on_shell: the m_a^2 window
};

// Parses an id for a model; throws InputError naming the id (and why) when it is not valid.
ObservableSpec parse_observable(const std::string& id, const ModelInfo& model,
                                const SmearingResolutions& res, const PhysicsInputs& in);

// The grammar, one line per family, for `bscan list observables`.
std::vector<std::string> observable_grammar(const ModelInfo& model);

// Terms shared by the requested observables, deduplicated, and the ops that read them.
struct CompiledObservables {
  std::vector<RateTerm> terms;
  std::vector<ObservableOp> ops;
};
CompiledObservables compile_observables(const std::vector<ObservableSpec>& specs);

}  // namespace bscan
