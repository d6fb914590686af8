// The models the library knows, in the order `bscan list models` shows them. This list generates
// the host registry (names, parameters, quantities, the config schema's model names) and the
// backends' dispatch; adding a model is its header and one entry here (docs/architecture.md).
#pragma once

#include "kernels/models/alp.hpp"
#include "kernels/models/alp_cp.hpp"
#include "kernels/models/vector.hpp"
#include "kernels/models/wet.hpp"

namespace bscan {

template <class... Models>
struct ModelList {};

using LibraryModels = ModelList<WetModel, AlpModel, AlpCpModel, VectorModel>;

}  // namespace bscan
