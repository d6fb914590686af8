// Stands in for backend_cuda.cu in builds without CUDA.
#include "host/scan_problem.hpp"

namespace bscan {

std::unique_ptr<Backend> make_cuda_backend(const ScanProblem&, std::string& why) {
  why = "this build has no CUDA backend (configure with BSCAN_CUDA=ON and nvcc)";
  return nullptr;
}

}  // namespace bscan
