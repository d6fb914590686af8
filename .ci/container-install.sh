#!/usr/bin/env bash
# Builds bscan inside a container image (Dockerfile and apptainer/bscan.def run this same script,
# so the two images cannot drift): the Debian packages, the default preset with MPI (CUDA when the
# base image has nvcc), bscan on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends ca-certificates sudo
./.ci/install-deps.sh
cmake --preset default -DBSCAN_TESTS=OFF -DBSCAN_MPI=ON  # MPI inside the image (docs/hpc.md)
cmake --build --preset default -j"$(nproc)"
ln -sf "$PWD/build/default/bscan" /usr/local/bin/bscan
rm -rf /var/lib/apt/lists/*
