// The one place that knows which compiler builds the kernels.
#pragma once

#if defined(__CUDACC__)
#define BSCAN_HD __host__ __device__
#define BSCAN_INLINE __forceinline__
#define BSCAN_SIMD
#else
#define BSCAN_HD
#define BSCAN_INLINE [[gnu::always_inline]] inline
#define BSCAN_SIMD _Pragma("omp simd")  // a loop over lanes (kPointLanes) to vectorise
#endif

namespace bscan {
// Points one functor call handles where loops over points pay (the chi2 solves): a GPU thread
// takes one, a CPU thread a vector's worth of them.
#if defined(__CUDACC__)
inline constexpr int kPointLanes = 1;
#else
inline constexpr int kPointLanes = 8;
#endif
// Work items of kPointLanes points that cover `points` points (the last one may be short).
inline constexpr long long lane_items(long long points) {
  return (points + kPointLanes - 1) / kPointLanes;
}
}  // namespace bscan
