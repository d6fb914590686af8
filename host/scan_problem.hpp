// A resolved scan, independent of the backend that evaluates it, and the backend interface.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "host/model_registry.hpp"
#include "host/observables.hpp"
#include "host/physics_data.hpp"
#include "kernels/constraint_eval.hpp"

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
  std::vector<double> fixed;                // every parameter of the model; axes override theirs
  std::vector<ObservableSpec> observables;  // the user's first, then those constraints read
  std::size_t n_user_observables = 0;       // how many of them the output shows
  CompiledObservables compiled;
  std::vector<Spectral> contact;  // stage 0 of every term (host-computed, model independent)
  ModelOptions options;
  bool smear_non_resonant = false;  // {smear} also smears the SM and contact terms

  // Constraints (host/constraints.hpp fills them): kernel table, then names for the output.
  std::vector<ConstraintOp> constraints;
  std::vector<std::string> pull_names, pull_labels;
  std::vector<std::string> flag_names;  // by bit index
  int bit_allowed_2s = -1;
  int flag_words() const { return static_cast<int>((flag_names.size() + 31) / 32); }

  long long total_points() const;
};

// Resolves observables and computes the stage-0 integrals (the only expensive setup step).
void prepare_terms(ScanProblem& pb);

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;    // "cpu" or "cuda"
  virtual std::string device() const = 0;  // e.g. "2 OpenMP threads", "NVIDIA H100 80GB HBM3"
  // Flat points [begin, begin + count), host memory: every observable (the user's and the
  // constraints') into out[o * count + i], pulls into pulls[k * count + i], flag words into
  // flags[w * count + i]; pulls and flags may be null when the problem has no constraints.
  virtual void evaluate(long long begin, long long count, double* out, float* pulls,
                        std::uint32_t* flags) = 0;
  void evaluate(long long begin, long long count, double* out) {
    evaluate(begin, count, out, nullptr, nullptr);
  }
};

enum class BackendChoice { automatic, cuda, cpu };

std::unique_ptr<Backend> make_cpu_backend(const ScanProblem& pb, int threads);
// Null when this build has no CUDA backend or no GPU is present; `why` says which.
std::unique_ptr<Backend> make_cuda_backend(const ScanProblem& pb, std::string& why);
// auto: CUDA when available, else CPU with a one-line notice in `notice`.
std::unique_ptr<Backend> make_backend(BackendChoice choice, const ScanProblem& pb, int threads,
                                      std::string& notice);

}  // namespace bscan
