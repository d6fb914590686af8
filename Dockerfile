# bscan in a container. CPU image (Debian 12):
#   docker build -t bscan .
# GPU image: any base with Debian/Ubuntu packages and the CUDA toolkit (nvcc), e.g.
#   docker build --build-arg BASE=nvidia/cuda:13.0.0-devel-ubuntu24.04 -t bscan:cuda .
# Run: docker run --rm [--gpus all] -v $PWD:/work -w /work bscan run scan.toml
# Apptainer: apptainer/bscan.def builds the same image from the same base and script.
ARG BASE=debian:12
FROM ${BASE}
ENV DEBIAN_FRONTEND=noninteractive
WORKDIR /opt/bscan
COPY . .
RUN ./.ci/container-install.sh
ENV BSCAN_DATA_DIR=/opt/bscan/data
ENTRYPOINT ["bscan"]
