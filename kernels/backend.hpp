// The one place that knows which compiler builds the kernels.
#pragma once

#if defined(__CUDACC__)
#define BSCAN_HD __host__ __device__
#else
#define BSCAN_HD
#endif
