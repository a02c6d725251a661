#!/usr/bin/env bash
# The fakes asked again against the strong recognizer: a generator's fakes (augment.ratio 0.5, hard labels) added to
# the ConvNet's training set with classic augmentation (experiment=augmented_classic) and without (experiment=augmented),
# N real digits per class, 5 seeds; every run trains its paired real-only control (the same seed, data, start and
# recipe without the fakes: classic, resp. baseline), and the GAN of a seed is trained once (its cache). Ends with
# ganaug.report's answer per experiment: test accuracy and the gain over the control on validation and on test.
# From the repository's root:
#   N=10 benchmarks/fakes_against_convnet.sh [OUT]    # default OUT: outputs/fakes_n$N
# GAN picks the generator (default gan=dagan; GAN=gan=diffusion), CLASSIFIER adds overrides, EXPERIMENTS the sweeps
# (default: both), LAUNCHER the launcher (default one run at a time; LAUNCHER=hydra/launcher=parallel: both cores).
set -euo pipefail
PY=${PY:-.venv/bin/python}
N=${N:-10}
OUT=${1:-outputs/fakes_n$N}
SEEDS=${SEEDS:-0,1,2,3,4}
CLASSIFIER=${CLASSIFIER:-classifier=convnet}
GAN=${GAN:-gan=dagan}
EXPERIMENTS=${EXPERIMENTS:-augmented_classic augmented}
LAUNCHER=${LAUNCHER:-hydra/launcher=basic}
mkdir -p "$OUT"
sweeps=()
for experiment in $EXPERIMENTS; do
  # shellcheck disable=SC2086  # CLASSIFIER, GAN and LAUNCHER are lists of overrides
  "$PY" -m ganaug.train experiment=$experiment $GAN $CLASSIFIER data.n_per_class="$N" threads=1 $LAUNCHER \
    -m seed="$SEEDS" paths.root="$OUT" hydra.sweep.dir="$OUT/$experiment" > "$OUT/$experiment.log" 2>&1
  sweeps+=("$OUT/$experiment")
done
"$PY" -m ganaug.report "${sweeps[@]}"
