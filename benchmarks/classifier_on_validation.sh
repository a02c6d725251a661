#!/usr/bin/env bash
# The classifier chosen on validation: the study's CNN against the normalised ConvNet (classifier=convnet) over its
# width, normalisation, epochs and optimiser, each through classic augmentation (experiment=classic, the best
# real-only recipe), N real digits per class, 5 seeds. Two sweeps run side by side, each one run at a time on one
# thread (so the times
# are one core's); then benchmarks/classifier_frontier.py prints per configuration the validation accuracy, its
# difference from the default paired by seed, and the classifier's median wall time per run. No test figure is
# printed: the choice reads validation alone. From the repository's root, on an otherwise idle 2-core machine:
#   N=10 benchmarks/classifier_on_validation.sh [OUT]     # default OUT: outputs/classifier_n$N
#   SWEEPS="width:classifier.module.net.width=32,64" N=30 benchmarks/classifier_on_validation.sh
# SWEEPS: space-separated NAME:OVERRIDES (commas inside OVERRIDES are Hydra's sweep values, `;` separates keys).
set -euo pipefail
PY=${PY:-.venv/bin/python}
N=${N:-10}
OUT=${1:-outputs/classifier_n$N}
SEEDS=${SEEDS:-0,1,2,3,4}
SWEEPS=${SWEEPS:-"cnn:classifier=cnn width:classifier.module.net.width=32,64,128 \
norm:classifier.module.net.norm=batch,group,none epochs:classifier.epochs=100,200 \
lr:classifier.module.lr=0.005,0.02 decay:classifier.module.weight_decay=0,0.002"}
mkdir -p "$OUT"
one() {  # NAME:OVERRIDES → one Hydra sweep into $OUT/NAME
  local name=${1%%:*} overrides=${1#*:}
  local base=classifier=convnet
  [[ $overrides == classifier=* ]] && base=
  # shellcheck disable=SC2086  # the overrides are words
  "$PY" -m ganaug.train experiment=classic $base data.n_per_class="$N" threads=1 hydra/launcher=basic -m ${overrides//;/ } \
    seed="$SEEDS" paths.root="$OUT" hydra.sweep.dir="$OUT/$name" > "$OUT/$name.log" 2>&1 \
    || echo "sweep $name failed: $OUT/$name.log" >&2
}
export -f one
export PY N OUT SEEDS
printf '%s\n' $SWEEPS | xargs -P "${LANES:-2}" -I{} bash -c 'one "$@"' _ {}
"$PY" benchmarks/classifier_frontier.py "$OUT" --default "${DEFAULT:-ConvNet width=32 depth=3 norm=instance pooling=avg lr=0.02 wd=0.0005 epochs=300}"
