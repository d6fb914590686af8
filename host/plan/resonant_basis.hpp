// The stage-1 bases of a plan's binned terms (kernels/channels/resonant_basis.hpp), built once per
// run on the host: panels fixed by the geometry (the breakpoints and square-root branch points of
// term_resonant, without a pole), bisected until every integrand's Chebyshev series has converged
// on each; then per panel the Chebyshev coefficients and the integrands at 4, 8 and 16
// Gauss-Legendre nodes, and per term the Chebyshev moments of the whole support.
#pragma once
#include <vector>

#include "kernels/channels/resonant_basis.hpp"

namespace bscan {

struct BasisTables {
  std::vector<ResonantBasis> term;  // by binned slot
  std::vector<BasisFun> fun;
  std::vector<BasisPanel> panel;
  std::vector<double> mom, data;
  BasisStore view() const;    // host pointers into these vectors
  std::size_t bytes() const;  // what the backend holds
};

// Bases of the binned terms among `terms` (in order), for a model with these masks.
BasisTables build_resonant_bases(const PhysicsInputs& in, const std::vector<RateTerm>& terms,
                                 WcMasks masks);
// The basis of one binned term with these direction masks (tests, benchmarks).
BasisTables build_resonant_basis(const PhysicsInputs& in, const RateTerm& term, DirMasks masks);

}  // namespace bscan
