#!/usr/bin/env bash
# Runs every fuzz target (or those in $FUZZ_TARGETS: config observable measurement_set) for
# SECONDS from the seed corpus (fuzz/seed_corpus.py) plus what earlier runs found (BUILD/corpus).
# Usage: run_fuzzers.sh BUILD_DIR SECONDS [libFuzzer options]
# A crash leaves its input in BUILD/crashes/ and fails the run.
set -euo pipefail
build=$1 seconds=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
seeds=$build/seeds
rm -rf "$seeds"
"${PYTHON:-python3}" "$here/seed_corpus.py" "$seeds"
mkdir -p "$build/crashes"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
for kind in ${FUZZ_TARGETS:-config observable measurement_set}; do
  mkdir -p "$build/corpus/$kind"
  echo "fuzz_$kind: ${seconds} s"
  log=$build/fuzz_$kind.log
  rc=0
  "$build/fuzz_$kind" -max_total_time="$seconds" -rss_limit_mb=4096 -max_len=16384 -timeout=30 \
    -artifact_prefix="$build/crashes/fuzz_${kind}_" -print_final_stats=1 "$@" \
    "$build/corpus/$kind" "$seeds/$kind" >"$log" 2>&1 || rc=$?
  grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|INFO: seed corpus)" "$log" || true
  if [ "$rc" -ne 0 ]; then
    tail -n 80 "$log"
    exit 1
  fi
done
