#!/usr/bin/env bash
# The classifier's learning-rate schedule (cosine, decayed to 0 by the last epoch), chosen on the test set before
# the validation split existed, chosen again on validation against the study's constant rate: by default the
# real-only CNN (experiment=baseline) and the classic one (experiment=classic) at 30 digits per class, 5 seeds
# each. Prints per configuration the validation and test accuracy and, paired by seed, the difference from the
# cosine schedule; the choice reads the validation columns. From the repository's root, on an otherwise idle machine:
#   benchmarks/schedule_on_validation.sh [OUT]     # default OUT: outputs/schedule_on_validation (about 12 min on 2 cores)
#   N=10 EXPERIMENTS=augmented_classic benchmarks/schedule_on_validation.sh outputs/schedule_n10
#                                                  # where cosine was chosen on test: 10 per class, fakes and classic
# N: digits per class (data.n_per_class); EXPERIMENTS: the experiments, space-separated; SEEDS: the seeds.
set -euo pipefail
PY=${PY:-.venv/bin/python}
OUT=${1:-outputs/schedule_on_validation}
SEEDS=${SEEDS:-0,1,2,3,4}
N=${N:-30}
EXPERIMENTS=${EXPERIMENTS:-baseline classic}
mkdir -p "$(dirname "$OUT")"
for experiment in $EXPERIMENTS; do
  "$PY" -m ganaug.train experiment="$experiment" data.n_per_class="$N" -m classifier.module.lr_schedule=cosine,constant \
    seed="$SEEDS" paths.root="$OUT" hydra.sweep.dir="$OUT/$experiment" > "$OUT.$experiment.log" 2>&1
  "$PY" benchmarks/paired_on_validation.py "$OUT/$experiment" \
    --default "classifier.module.lr_schedule=cosine,data.n_per_class=$N,experiment=$experiment"
done
