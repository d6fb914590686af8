# bscan in a container. CPU image (Debian 12):
#   docker build -t bscan .
# GPU image: any base with Debian/Ubuntu packages and the CUDA toolkit (nvcc), e.g.
#   docker build --build-arg BASE=nvidia/cuda:13.0.0-devel-ubuntu24.04 -t bscan:cuda .
# Run: docker run --rm [--gpus all] -v $PWD:/work -w /work bscan run scan.toml
ARG BASE=debian:12
FROM ${BASE}
ENV DEBIAN_FRONTEND=noninteractive
WORKDIR /opt/bscan
COPY . .
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends ca-certificates sudo \
    && ./.ci/install-deps.sh \
    && cmake --preset default -DBSCAN_TESTS=OFF && cmake --build --preset default -j"$(nproc)" \
    && ln -s /opt/bscan/build/default/bscan /usr/local/bin/bscan \
    && rm -rf /var/lib/apt/lists/*
ENV BSCAN_DATA_DIR=/opt/bscan/data
ENTRYPOINT ["bscan"]
