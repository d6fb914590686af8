#!/usr/bin/env bash
# Runs every examples/*.toml with two bscan binaries (axes of more than POINTS points reduced to
# POINTS) and compares the outputs with compare_outputs.py: the largest relative change per
# observable and every flag that differs. Exit status that of compare_outputs.py (0: all within TOL).
# Usage: bench/compare_examples.sh OLD_BSCAN NEW_BSCAN [POINTS (100)] [TOL (1e-6)]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
old=$1 new=$2 points=${3:-100} tol=${4:-1e-6}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/cfg" "$work/old" "$work/new"
for cfg in "$here"/../examples/*.toml; do
  name=$(basename "$cfg" .toml)
  awk -v n="$points" '/^points *=/ {split($0, a, "="); if (a[2] + 0 > n) {print "points = " n; next}} {print}' \
    "$cfg" > "$work/cfg/$name.toml"
  for side in old new; do
    bin=$old; [ "$side" = new ] && bin=$new
    (cd "$here/../examples" && "$bin" run "$work/cfg/$name.toml" -o "$work/$side/$name.h5" \
      --overwrite > /dev/null 2> "$work/$side/$name.log") || { echo "$name: $side run failed"; cat "$work/$side/$name.log"; exit 2; }
  done
done
/usr/bin/python3 "$here/compare_outputs.py" "$work/old" "$work/new" --tol "$tol"
