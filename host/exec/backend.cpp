#include "host/exec/backend.hpp"

#include "host/errors.hpp"

namespace bscan {

std::unique_ptr<Backend> make_backend(BackendChoice choice, const ScanPlan& plan, int threads,
                                      std::string& notice) {
  if (choice == BackendChoice::cpu) return make_cpu_backend(plan, threads);
  std::string why;
  std::unique_ptr<Backend> cuda = make_cuda_backend(plan, why);
  if (cuda) return cuda;
  if (choice == BackendChoice::cuda) throw InputError("--backend cuda: " + why);
  notice = "backend auto: " + why + "; running on the CPU (OpenMP)";
  return make_cpu_backend(plan, threads);
}

}  // namespace bscan
