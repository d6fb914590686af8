// CUDA backend: the same scan functors under thrust::cuda::par on a stream of its own.
#include <cuda_runtime.h>
#include <thrust/system/cuda/execution_policy.h>
#include <thrust/system/cuda/vector.h>

#include "host/thrust_scan.hpp"
#include "kernels/alp_cp_model.hpp"
#include "kernels/alp_model.hpp"
#include "kernels/wet_model.hpp"

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

template <class Model>
class CudaBackend final : public Backend {
  using Policy = decltype(thrust::cuda::par.on(cudaStream_t{}));

 public:
  CudaBackend(const ScanProblem& pb, std::string device)
      : device_(std::move(device)), scan_(pb, thrust::cuda::par.on(stream_.get())) {}
  std::string name() const override { return "cuda"; }
  std::string device() const override { return device_; }
  void evaluate(long long begin, long long count, double* out, float* pulls,
                std::uint32_t* flags) override {
    scan_.evaluate(begin, count, out, pulls, flags);
    cudaStreamSynchronize(stream_.get());
  }

 private:
  Stream stream_;
  std::string device_;
  ThrustScan<Model, Policy, CudaVector> scan_;
};

}  // namespace

std::unique_ptr<Backend> make_cuda_backend(const ScanProblem& pb, std::string& why) {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess || n == 0) {
    why = "no CUDA GPU found";
    return nullptr;
  }
  cudaDeviceProp prop{};
  cudaGetDeviceProperties(&prop, 0);
  switch (pb.model->kind) {
    case ModelKind::alp:
      return std::make_unique<CudaBackend<AlpModel>>(pb, prop.name);
    case ModelKind::wet:
      return std::make_unique<CudaBackend<WetModel>>(pb, prop.name);
    case ModelKind::alp_cp:
      return std::make_unique<CudaBackend<AlpCpModel>>(pb, prop.name);
  }
  return nullptr;
}

}  // namespace bscan
