#!/usr/bin/env bash
# Runs side by side against one run with every core: the ms per D/G iteration of the default GAN in one process with
# 2 threads, then in 2 and in 3 processes of 1 thread each started together (each prints its own). Throughput is
# processes / ms. Run it from benchmarks/ on an otherwise idle 2-core machine:
#   ./side_by_side.sh [ITERATIONS]
set -euo pipefail
PY=${PY:-../.venv/bin/python}
N=${1:-300}
one() { "$PY" gan_iteration.py --time-only --iterations "$N" --threads "$1" 2>/dev/null | grep "ms per"; }
echo "one process, 2 threads:"; one 2
for processes in 2 3; do
  echo "$processes processes side by side, 1 thread each:"
  for _ in $(seq "$processes"); do one 1 & done
  wait
done
