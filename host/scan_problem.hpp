// A resolved scan, independent of the backend that evaluates it, and the backend interface.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "host/model_registry.hpp"
#include "host/observables.hpp"
#include "host/physics_data.hpp"

namespace bscan {

struct Axis {
  std::string name;  // = parameter name
  int param;
  std::vector<double> values;
  bool log_spacing = false;
};

struct ScanProblem {
  const ModelInfo* model = nullptr;
  const PhysicsData* physics = nullptr;
  std::vector<Axis> axes;
  std::vector<double> fixed;  // every parameter of the model; axes override theirs
  std::vector<ObservableSpec> observables;
  CompiledObservables compiled;
  std::vector<Spectral> contact;  // stage 0 of every term (host-computed, model independent)

  long long total_points() const;
};

// Resolves observables and computes the stage-0 integrals (the only expensive setup step).
void prepare_terms(ScanProblem& pb);

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;    // "cpu" or "cuda"
  virtual std::string device() const = 0;  // e.g. "2 OpenMP threads", "NVIDIA H100 80GB HBM3"
  // Observables of flat points [begin, begin + count) into out[o * count + i] (host memory).
  virtual void evaluate(long long begin, long long count, double* out) = 0;
};

enum class BackendChoice { automatic, cuda, cpu };

std::unique_ptr<Backend> make_cpu_backend(const ScanProblem& pb, int threads);
// Null when this build has no CUDA backend or no GPU is present; `why` says which.
std::unique_ptr<Backend> make_cuda_backend(const ScanProblem& pb, std::string& why);
// auto: CUDA when available, else CPU with a one-line notice in `notice`.
std::unique_ptr<Backend> make_backend(BackendChoice choice, const ScanProblem& pb, int threads,
                                      std::string& notice);

}  // namespace bscan
