#!/usr/bin/env bash
# The classic recipe (experiment=classic's elastic distortion alone), chosen on the test set before the validation
# split existed, chosen again on validation against the random affine with it and alone: 5 seeds each. Prints per
# recipe the validation and test accuracy and, paired by seed, the difference from the default recipe; the choice
# reads the validation columns. From the repository's root, on an otherwise idle machine:
#   benchmarks/classic_on_validation.sh [OUT]     # default OUT: outputs/classic_on_validation (about 12 min on 2 cores)
set -euo pipefail
PY=${PY:-.venv/bin/python}
OUT=${1:-outputs/classic_on_validation}
SEEDS=${SEEDS:-0,1,2,3,4}
mkdir -p "$(dirname "$OUT")"
"$PY" -m ganaug.train experiment=classic -m augment.random_affine=false,true seed="$SEEDS" \
  paths.root="$OUT" hydra.sweep.dir="$OUT/with_elastic" > "$OUT.with_elastic.log" 2>&1
"$PY" -m ganaug.train experiment=classic -m augment.random_affine=true augment.elastic=false seed="$SEEDS" \
  paths.root="$OUT" hydra.sweep.dir="$OUT/affine_only" > "$OUT.affine_only.log" 2>&1
"$PY" benchmarks/paired_on_validation.py "$OUT" --default "augment.random_affine=False,experiment=classic"
