// OpenMP backend: the scan functors under thrust::omp::par.
#include <fmt/format.h>
#include <omp.h>
#include <thrust/system/omp/execution_policy.h>
#include <thrust/system/omp/vector.h>

#include "host/thrust_scan.hpp"
#include "kernels/alp_cp_model.hpp"
#include "kernels/alp_model.hpp"
#include "kernels/wet_model.hpp"

namespace bscan {
namespace {

template <class T>
using OmpVector = thrust::omp::vector<T>;
using OmpPolicy = decltype(thrust::omp::par);

template <class Model>
class CpuBackend final : public Backend {
 public:
  CpuBackend(const ScanProblem& pb, int threads) : threads_(threads), scan_(pb, thrust::omp::par) {}
  std::string name() const override { return "cpu"; }
  std::string device() const override { return fmt::format("{} OpenMP threads", threads_); }
  void evaluate(long long begin, long long count, double* out, float* pulls,
                std::uint32_t* flags) override {
    const int previous = omp_get_max_threads();  // leave the process-wide setting as found
    omp_set_num_threads(threads_);
    scan_.evaluate(begin, count, out, pulls, flags);
    omp_set_num_threads(previous);
  }

 private:
  int threads_;
  ThrustScan<Model, OmpPolicy, OmpVector> scan_;
};

}  // namespace

std::unique_ptr<Backend> make_cpu_backend(const ScanProblem& pb, int threads) {
  if (threads <= 0) threads = omp_get_max_threads();
  switch (pb.model->kind) {
    case ModelKind::alp:
      return std::make_unique<CpuBackend<AlpModel>>(pb, threads);
    case ModelKind::wet:
      return std::make_unique<CpuBackend<WetModel>>(pb, threads);
    case ModelKind::alp_cp:
      return std::make_unique<CpuBackend<AlpCpModel>>(pb, threads);
  }
  return nullptr;
}

}  // namespace bscan
