#!/usr/bin/env bash
# Installs the Debian 12 packages bscan builds, tests and plots with (only those missing); clang
# with its sanitizer and libFuzzer runtimes and OpenMP builds the asan preset and the fuzzers.
# The CUDA toolkit is optional: with nvcc on PATH (or in /usr/local/cuda) the CUDA backend is built,
# else Thrust comes from Debian's libthrust-dev and only the OpenMP backend is built.
set -euo pipefail
packages=(cmake g++ make git pkg-config libhdf5-dev hdf5-tools libeigen3-dev
  libtomlplusplus-dev nlohmann-json3-dev libvalijson-dev libcli11-dev libfmt-dev libspdlog-dev
  libgtest-dev libbenchmark-dev clang libclang-rt-14-dev libomp-dev openmpi-bin libopenmpi-dev libhdf5-openmpi-dev libgsl-dev libmuparser-dev python3 python3-xarray python3-h5netcdf python3-netcdf4 python3-h5py python3-matplotlib)
if ! command -v nvcc >/dev/null && [ ! -x /usr/local/cuda/bin/nvcc ]; then packages+=(libthrust-dev); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
