// The observable registry (in the spirit of EOS): every observable kind declares, in one entry of
// host/plan/observables.cpp, its id grammar, its LaTeX label, its unit and the kernel evaluator
// (OpKind, kernels/scan/scan_functors.hpp) that computes it. Particle ids follow the model's
// symbol: Gamma_a, BR(a->ee), BR(B+->K+a(mumu))[..] for the ALP; Gamma_V, BR(V->invisible) for a
// vector.
#pragma once
#include <string>
#include <vector>

#include "host/config/scan_config.hpp"
#include "host/model/model_registry.hpp"
#include "kernels/channels/rate_terms.hpp"
#include "kernels/scan/scan_functors.hpp"

namespace bscan {

struct ObservableSpec {
  std::string id, latex, unit;
  OpKind kind;
  std::vector<RateTerm> terms;  // the rate terms its op reads, in the op's order (t0, t1, t2)
  double scale = 1.0;
  int quantity = -1;    // see ObservableOp::quantity
  int final_state = 0;  // on_shell, off_shell: the decay
  Bin bin{};            // on_shell: the m^2 window
};

// The q2 a lepton pair l can have in a channel: 4 m_l^2 < q2 < (m_B - m_M)^2 [GeV^2].
struct Q2Range {
  double lo, hi;
};
Q2Range kinematic_range(Channel channel, Lepton l, const PhysicsInputs& in);

// Parses an id for a model; throws InputError naming the id (and why) when it is not valid.
ObservableSpec parse_observable(const std::string& id, const ModelInfo& model,
                                const SmearingResolutions& res, const PhysicsInputs& in);

// The grammar, one line per kind the model supports, for `bscan list observables`.
std::vector<std::string> observable_grammar(const ModelInfo& model);

// The ids of the particle observables of a model (width, branching ratios, production).
std::vector<std::string> particle_observables(const ModelInfo& model);

// Terms shared by the requested observables, deduplicated, and the ops that read them.
struct CompiledObservables {
  std::vector<RateTerm> terms;
  std::vector<ObservableOp> ops;
};
CompiledObservables compile_observables(const std::vector<ObservableSpec>& specs);

}  // namespace bscan
