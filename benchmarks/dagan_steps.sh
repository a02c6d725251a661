#!/usr/bin/env bash
# How many D/G iterations DAGAN needs: `experiment=augmented` (DAGAN, hard labels, ratio 0.5) at gan.steps 3000 (the
# default until 2026-12-06), 2000 and 1500, 5 seeds each, the whole held-out set, two runs at once with one thread each
# (the same launcher and threads for every run, so the numbers compare). Rerunning skips finished runs. Then:
#   python benchmarks/steps_compare.py outputs/multirun/dagan_steps
set -euo pipefail
PY=${PY:-.venv/bin/python}
"$PY" -m ganaug.train -m hydra/launcher=parallel hydra.launcher.n_jobs=2 threads=1 paths.root=outputs/dagan_steps \
  experiment=augmented seed=${SEEDS:-0,1,2,3,4} gan.steps=${STEPS:-3000,2000,1500} hydra.sweep.dir=outputs/multirun/dagan_steps
