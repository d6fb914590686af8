// The OpenMP backends of the library's models (kernels/models/model_list.hpp) and of models a
// program registers.
#include <fmt/format.h>

#include <map>

#include "host/errors.hpp"
#include "host/exec/cpu_backend.hpp"
#include "kernels/models/model_list.hpp"

namespace bscan {
namespace {

template <class... Models>
std::map<std::string, CpuBackendFactory> factories(ModelList<Models...>) {
  return {{Models::kName, &make_cpu_backend_for<Models>}...};
}

std::map<std::string, CpuBackendFactory>& cpu_factories() {
  static std::map<std::string, CpuBackendFactory> f = factories(LibraryModels{});
  return f;
}

}  // namespace

void add_cpu_backend(const std::string& model, CpuBackendFactory make) {
  cpu_factories()[model] = make;
}

std::unique_ptr<Backend> make_cpu_backend(const ScanPlan& plan, int threads) {
  const auto it = cpu_factories().find(plan.model->name);
  if (it == cpu_factories().end())
    throw InputError(
        fmt::format("model '{}' has no CPU backend in this program", plan.model->name));
  return it->second(plan, threads);
}

}  // namespace bscan
