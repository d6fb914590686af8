// The backend interface: a plan's points evaluated on one Thrust system (OpenMP or CUDA). The
// backends are generated per model from the model list (backend_cpu.cpp, backend_cuda.cu); a
// program may add its own models (register_model.hpp).
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "host/plan/scan_plan.hpp"

namespace bscan {

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;    // "cpu" or "cuda"
  virtual std::string device() const = 0;  // e.g. "2 OpenMP threads", "NVIDIA H100 80GB HBM3"
  // Stage 1 for the slab: with a per-slab pole table, every distinct pole of the slab once.
  // Optional: evaluate() prepares the whole grid's table when it needs one.
  virtual void prepare_slab(const Slab& slab) = 0;
  // Flat points [begin, begin + count), host memory: every observable (the user's and the
  // constraints') into out[o * count + i], pulls into pulls[k * count + i], flag words into
  // flags[w * count + i]; pulls and flags may be null when the plan has no constraints.
  virtual void evaluate(long long begin, long long count, double* out, float* pulls,
                        std::uint32_t* flags) = 0;
  void evaluate(long long begin, long long count, double* out) {
    evaluate(begin, count, out, nullptr, nullptr);
  }
  // Stage-1 work done so far: (pole, binned term) integrals.
  virtual long long stage1_integrals() const = 0;
};

enum class BackendChoice { automatic, cuda, cpu };

using CpuBackendFactory = std::unique_ptr<Backend> (*)(const ScanPlan&, int threads);
using CudaBackendFactory = std::unique_ptr<Backend> (*)(const ScanPlan&, std::string& why);

// The backend of the plan's model; threads <= 0: all cores.
std::unique_ptr<Backend> make_cpu_backend(const ScanPlan& plan, int threads);
// Null when this build has no CUDA backend for the model or no GPU is present; `why` says which.
std::unique_ptr<Backend> make_cuda_backend(const ScanPlan& plan, std::string& why);
// auto: CUDA when available, else CPU with a one-line notice in `notice`.
std::unique_ptr<Backend> make_backend(BackendChoice choice, const ScanPlan& plan, int threads,
                                      std::string& notice);

// Registers the backends of a model (register_model.hpp does it with the model).
void add_cpu_backend(const std::string& model, CpuBackendFactory make);

}  // namespace bscan
