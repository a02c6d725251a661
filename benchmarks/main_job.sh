#!/usr/bin/env bash
# The README's main job (`experiment=augmented -m seed=0,1,2`), shortened, at COMMIT and at this checkout, one after
# the other on this machine, each with its own fresh GAN cache; prints both wall times, their ratio and both mean
# test accuracies. Run it on an otherwise idle machine, from the repository's root:
#   benchmarks/main_job.sh [COMMIT]                      # default COMMIT: 5b2888d, the last one-run-at-a-time commit
#   SHORT= benchmarks/main_job.sh 5b2888d          # full length: each commit's own defaults (about 20 min)
# SHORT holds the overrides that shorten the job (default: gan.steps=600 classifier.epochs=60; empty: none); both
# commits run with the Python of PY (default .venv/bin/python), the code taken from their own trees (PYTHONPATH),
# each with the launcher it picks for a multirun.
set -euo pipefail
PY=${PY:-.venv/bin/python}
PY=$(cd "$(dirname "$PY")" && pwd)/$(basename "$PY")  # absolute, the venv's link kept
COMMIT=${1:-5b2888d}
SHORT=${SHORT-gan.steps=600 classifier.epochs=60}
here=$(git rev-parse --show-toplevel)
work=$(mktemp -d)
git worktree add --quiet --detach "$work/then" "$COMMIT"
trap 'git worktree remove --force "$work/then"; rm -rf "$work"' EXIT

sweep() {  # NAME SOURCE: the job with SOURCE's code, its folders under $work/NAME; prints the wall seconds
  local start
  start=$(date +%s.%N)
  # shellcheck disable=SC2086  # SHORT is a list of overrides
  (cd "$work" && PYTHONPATH="$2" "$PY" -m ganaug.train experiment=augmented -m seed=0,1,2 $SHORT \
    paths.root="$work/$1" hydra.sweep.dir="$work/$1/sweep") > "$work/$1.log" 2>&1 \
    || { tail -20 "$work/$1.log" >&2; exit 1; }
  awk "BEGIN { print $(date +%s.%N) - $start }"
}

then_s=$(sweep then "$work/then")
now_s=$(sweep now "$here")
"$PY" - "$work" "$COMMIT" "$(git -C "$here" rev-parse --short HEAD)" "$then_s" "$now_s" "$SHORT" <<'EOF'
import json, statistics, sys
from pathlib import Path
work, then_commit, now_commit, then_s, now_s, short = sys.argv[1:]
def accuracy(name):
    runs = [json.loads(p.read_text()) for p in sorted(Path(work, name, "sweep").glob("*/metrics.json"))]
    return statistics.mean(r["test_acc"] for r in runs), len(runs)
(then_acc, n_then), (now_acc, n_now) = accuracy("then"), accuracy("now")
print(f"experiment=augmented -m seed=0,1,2 {short or '(full length)'}")
print(f"{then_commit}: {float(then_s):.0f} s, mean test_acc {100 * then_acc:.2f} % ({n_then} runs)")
print(f"{now_commit}: {float(now_s):.0f} s, mean test_acc {100 * now_acc:.2f} % ({n_now} runs)")
print(f"ratio {float(then_s) / float(now_s):.2f}x faster ({100 * (float(now_s) / float(then_s) - 1):+.1f} % wall time)")
gains = [r["gain"] for p in sorted(Path(work, "now", "sweep").glob("*/metrics.json")) if "gain" in (r := json.loads(p.read_text()))]
if gains:
    print(f"{now_commit}: gain over the paired control per seed: {', '.join(f'{100 * g:+.2f}' for g in gains)} points")
answer = [line for line in Path(work, "now.log").read_text().splitlines() if " n=" in line and "seed=" not in line]
print(f"{now_commit}: the job's answer:", *answer[-2:], sep="\n  ")
EOF
