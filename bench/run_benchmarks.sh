#!/usr/bin/env bash
# Runs the bscan benchmarks and prints one line per measurement (copy them into bench/RESULTS.md).
# Usage: bench/run_benchmarks.sh [BSCAN_BINARY] [--backend cpu|cuda]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../build/default/bscan}
backend=${2:---backend=auto}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# run NAME CONFIG: wall time, points/s (bscan's own figure) and peak RSS of `bscan run`.
run() {
  local name=$1 cfg=$2
  /usr/bin/time -f "%e %M" -o "$out/time" "$bin" run "$cfg" -o "$out/$name.h5" --overwrite "$backend" \
    2> "$out/log" >/dev/null
  read -r wall rss < "$out/time"
  rate=$(grep -o '([0-9.e+]* points/s)' "$out/log" | tail -1 | tr -d '()')
  dev=$(grep -o 'on [a-z]* ([^)]*)' "$out/log" | head -1)
  split=$(grep -o 'time: .*' "$out/log" | head -1)
  echo "$name: wall ${wall} s, ${rate}, peak RSS $((rss / 1024)) MiB, $dev"
  echo "  $split"
}

# A config with its axes resized: scaled CONFIG NAME POINTS_AXIS1 POINTS_AXIS2
scaled() {
  awk -v a="$3" -v b="$4" '/^points/ {n++; print "points = " (n == 1 ? a : b); next} {print}' "$1" > "$out/$2.toml"
  echo "$out/$2.toml"
}

# A config with every constraint of paper-2021 added: constrained CONFIG
constrained() {
  { cat "$1"; printf '\n[constraints]\nmeasurements = "paper-2021"\n'; } > "$1.c.toml"
  echo "$1.c.toml"
}

run rk_map_1000x1000 "$here/rk_map_1000x1000.toml"
run pole_fastest_1000x1000 "$here/pole_fastest_1000x1000.toml"
run widths_200x200 "$(scaled "$here/widths_1000x1000.toml" widths_200x200 200 200)"
run paper_alp_rates_1000x1000 "$here/paper_alp_rates_1000x1000.toml"
run constraints_1000x1000 "$here/constraints_1000x1000.toml"
run constraints_widths_200x200 "$(constrained "$(scaled "$here/widths_1000x1000.toml" widths_c 200 200)")"
run mem_1e6 "$(scaled "$here/rk_map_1000x1000.toml" mem_1e6 1000 1000)"
run mem_1e7 "$(scaled "$here/rk_map_1000x1000.toml" mem_1e7 1000 10000)"
