#!/usr/bin/env bash
# Collective-write overhead and load balance of MPI builds: one map with 1 (no mpirun), 1, 2 and 4
# ranks, the cores shared out (--threads), printing bscan's own figures (time split, the ranks'
# load). Usage: bench/mpi_ranks.sh [BSCAN_BINARY (an MPI build)] [CONFIG] [CORES]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../build/mpi/bscan}
cfg=${2:-$here/constraints_1000x1000.toml}
cores=${3:-$(nproc)}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1  # containers run as root

for ranks in 0 1 2 4; do
  threads=$(( cores / (ranks > 0 ? ranks : 1) )); [ "$threads" -ge 1 ] || threads=1
  launch=""; [ "$ranks" -gt 0 ] && launch="mpirun --oversubscribe --bind-to none -n $ranks"
  start=$(date +%s.%N)
  $launch "$bin" run "$cfg" -o "$out/map.h5" --overwrite --backend cpu --threads "$threads" \
    2> "$out/log" > /dev/null
  wall=$(echo "$(date +%s.%N) - $start" | bc)
  echo "ranks=${ranks:-serial} threads=$threads wall=${wall}s  $(du -k "$out/map.h5" | cut -f1) KiB"
  grep -o 'points in .*\|time: .*\|[0-9]* ranks: .*' "$out/log" | sed 's/^/  /'
done
