// The one place that knows which compiler builds the kernels.
#pragma once

#if defined(__CUDACC__)
#define BSCAN_HD __host__ __device__
#define BSCAN_INLINE __forceinline__
#else
#define BSCAN_HD
#define BSCAN_INLINE [[gnu::always_inline]] inline
#endif
