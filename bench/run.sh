#!/usr/bin/env bash
# make bench: every benchmark, one after the other; figures are printed and written to
# bench/results/<name>.json and <name>.md, and all tables to bench/results/summary.md.
# Benchmarks never assert timings and are not part of `make test`.
# Usage: bench/run.sh [wire|overhead|drift|converge|receiver|receiver_store]...   (default: all six)
# Sizes can be changed with BENCH_WIRE_ARGS, BENCH_OVERHEAD_ARGS, BENCH_DRIFT_ARGS, BENCH_CONVERGE_ARGS, BENCH_RECEIVER_ARGS,
# BENCH_RECEIVER_STORE_ARGS.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
python="$root/.venv/bin/python"
cd "$root/bench"
mkdir -p results
steps=("$@")
((${#steps[@]})) || steps=(wire overhead drift converge receiver receiver_store)
for step in "${steps[@]}"; do
  case $step in
    wire) args=${BENCH_WIRE_ARGS:---count 120} ;;
    overhead) args=${BENCH_OVERHEAD_ARGS:---tasks 50 --runs 3} ;;
    drift) args=${BENCH_DRIFT_ARGS:---applications 1000 --sample 100} ;;
    converge) args=${BENCH_CONVERGE_ARGS:---applications 1000 --drifted 50} ;;
    receiver) args=${BENCH_RECEIVER_ARGS:---seconds 5 --rounds 3} ;;
    receiver_store) args=${BENCH_RECEIVER_STORE_ARGS:---seconds 8 --rounds 3} ;;
    *) echo "unknown benchmark: $step" >&2; exit 2 ;;
  esac
  printf '\n=== bench: %s ===\n' "$step"
  # shellcheck disable=SC2086 # the arguments are meant to be split
  "$python" "$step.py" $args
done
{
  echo "# Benchmark results ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs)"
  for name in wire overhead drift converge receiver receiver_store; do
    [[ -f results/$name.md ]] && { echo; cat "results/$name.md"; }
  done
} >results/summary.md
echo "all tables: bench/results/summary.md"
