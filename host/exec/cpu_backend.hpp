// OpenMP backend of one model: the scan functors under thrust::omp::par.
#pragma once
#include <fmt/format.h>
#include <omp.h>
#include <thrust/system/omp/execution_policy.h>
#include <thrust/system/omp/vector.h>

#include "host/exec/backend.hpp"
#include "host/exec/thrust_scan.hpp"

namespace bscan {

template <class T>
using OmpVector = thrust::omp::vector<T>;
using OmpPolicy = decltype(thrust::omp::par);

template <class Model>
class CpuBackend final : public Backend {
 public:
  CpuBackend(const ScanPlan& plan, int threads)
      : threads_(threads > 0 ? threads : omp_get_max_threads()), scan_(plan, thrust::omp::par) {}
  std::string name() const override { return "cpu"; }
  std::string device() const override { return fmt::format("{} OpenMP threads", threads_); }
  void prepare_slab(const Slab& slab) override {
    Threads t(threads_);
    scan_.prepare_slab(slab.begin, slab.end);
  }
  void evaluate(long long begin, long long count, double* out, float* pulls,
                std::uint32_t* flags) override {
    Threads t(threads_);
    scan_.evaluate(begin, count, out, pulls, flags);
  }
  long long stage1_integrals() const override { return scan_.stage1_integrals(); }

 private:
  // The thread count for one call; the process-wide setting is left as found.
  class Threads {
   public:
    explicit Threads(int n) : previous_(omp_get_max_threads()) { omp_set_num_threads(n); }
    ~Threads() { omp_set_num_threads(previous_); }
    Threads(const Threads&) = delete;
    Threads& operator=(const Threads&) = delete;

   private:
    int previous_;
  };

  int threads_;
  ThrustScan<Model, OmpPolicy, OmpVector, true> scan_;
};

template <class Model>
std::unique_ptr<Backend> make_cpu_backend_for(const ScanPlan& plan, int threads) {
  return std::make_unique<CpuBackend<Model>>(plan, threads);
}

}  // namespace bscan
