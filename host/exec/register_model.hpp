// Adds a model type to a program: its host description to the registry and its OpenMP backend.
// The library's own models come from kernels/models/model_list.hpp; this is for the others (a
// model under development, the toy model of the tests).
#pragma once

#include "host/exec/cpu_backend.hpp"
#include "host/model/model_registry.hpp"

namespace bscan {

template <class Model>
void register_model() {
  add_model(describe_model<Model>());
  add_cpu_backend(Model::kName, &make_cpu_backend_for<Model>);
}

}  // namespace bscan
