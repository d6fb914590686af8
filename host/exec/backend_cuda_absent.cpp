// Stands in for backend_cuda.cu in builds without CUDA.
#include "host/exec/backend.hpp"

namespace bscan {

std::unique_ptr<Backend> make_cuda_backend(const ScanPlan&, std::string& why) {
  why = "this build has no CUDA backend (configure with BSCAN_CUDA=ON and nvcc)";
  return nullptr;
}

}  // namespace bscan
