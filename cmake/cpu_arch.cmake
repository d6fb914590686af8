# Instruction set of the CPU build (docs/architecture.md, Backends): the kernels' loops over points
# (kPointLanes) vectorise with AVX2. Default: x86-64-v3 where the configuring machine runs
# it, the compiler's default target elsewhere. -DBSCAN_CPU_ARCH= (empty) builds for any x86-64;
# any other value is passed to -march.
if(NOT DEFINED BSCAN_CPU_ARCH)
  set(_bscan_arch "")
  if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
    try_run(_bscan_arch_runs _bscan_arch_compiles
            SOURCE_FROM_CONTENT cpu_arch.cpp
            "int main() { __builtin_cpu_init(); return __builtin_cpu_supports(\"x86-64-v3\") ? 0 : 1; }"
            COMPILE_DEFINITIONS -march=x86-64-v3)
    if(_bscan_arch_compiles AND _bscan_arch_runs EQUAL 0)
      set(_bscan_arch "x86-64-v3")
    endif()
  endif()
  set(BSCAN_CPU_ARCH "${_bscan_arch}" CACHE STRING
      "-march of the CPU build (empty: the compiler's default target)")
endif()
if(BSCAN_CPU_ARCH)
  # No contraction into fused multiply-adds: every result stays the one the portable build
  # computes, bit for bit (with contraction the adaptive stage-1 bases of the vector model needed
  # 100x the samples, and sampled covariances moved by 1e-10).
  add_compile_options($<$<COMPILE_LANGUAGE:C,CXX>:-march=${BSCAN_CPU_ARCH}>
                      $<$<COMPILE_LANGUAGE:C,CXX>:-ffp-contract=off>)
endif()
message(STATUS "bscan: CPU instruction set: ${BSCAN_CPU_ARCH}")
