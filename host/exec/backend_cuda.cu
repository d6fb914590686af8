// CUDA backends of the library's models: the same scan functors under thrust::cuda::par on a
// stream of their own, on the plan's GPU.
#include <cuda_runtime.h>
#include <thrust/system/cuda/execution_policy.h>
#include <thrust/system/cuda/vector.h>

#include <map>

#include "host/exec/backend.hpp"
#include "host/exec/thrust_scan.hpp"
#include "kernels/models/model_list.hpp"

namespace bscan {
namespace {

template <class T>
using CudaVector = thrust::cuda::vector<T>;

class Stream {
 public:
  Stream() { cudaStreamCreate(&s_); }
  ~Stream() { cudaStreamDestroy(s_); }
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  cudaStream_t get() const { return s_; }

 private:
  cudaStream_t s_{};
};

// Selects the plan's GPU before anything (the stream, the buffers) is created on it.
struct DeviceSelect {
  explicit DeviceSelect(int device) { cudaSetDevice(device); }
};

template <class Model>
class CudaBackend final : public Backend {
  using Policy = decltype(thrust::cuda::par.on(cudaStream_t{}));

 public:
  CudaBackend(const ScanPlan& plan, std::string device)
      : select_(plan.device),
        device_(std::move(device)),
        scan_(plan, thrust::cuda::par.on(stream_.get())) {}
  std::string name() const override { return "cuda"; }
  std::string device() const override { return device_; }
  void prepare_slab(const Slab& slab) override {
    scan_.prepare_slab(slab.begin, slab.end);
    cudaStreamSynchronize(stream_.get());
  }
  void evaluate(long long begin, long long count, double* out, float* pulls,
                std::uint32_t* flags) override {
    scan_.evaluate(begin, count, out, pulls, flags);
    cudaStreamSynchronize(stream_.get());
  }
  long long stage1_integrals() const override { return scan_.stage1_integrals(); }

 private:
  DeviceSelect select_;
  Stream stream_;
  std::string device_;
  ThrustScan<Model, Policy, CudaVector, false> scan_;
};

template <class Model>
std::unique_ptr<Backend> make_for(const ScanPlan& plan, std::string name) {
  return std::make_unique<CudaBackend<Model>>(plan, std::move(name));
}

using Factory = std::unique_ptr<Backend> (*)(const ScanPlan&, std::string);

template <class... Models>
std::map<std::string, Factory> factories(ModelList<Models...>) {
  return {{Models::kName, &make_for<Models>}...};
}

}  // namespace

std::unique_ptr<Backend> make_cuda_backend(const ScanPlan& plan, std::string& why) {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess || n == 0) {
    why = "no CUDA GPU found";
    return nullptr;
  }
  if (plan.device < 0 || plan.device >= n) {
    why = "GPU " + std::to_string(plan.device) + " not present (" + std::to_string(n) + " found)";
    return nullptr;
  }
  static const std::map<std::string, Factory> made = factories(LibraryModels{});
  const auto it = made.find(plan.model->name);
  if (it == made.end()) {
    why = "model '" + plan.model->name + "' has no CUDA build in this program";
    return nullptr;
  }
  cudaDeviceProp prop{};
  cudaGetDeviceProperties(&prop, plan.device);
  return it->second(plan, prop.name);
}

}  // namespace bscan
