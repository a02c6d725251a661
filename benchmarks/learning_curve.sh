#!/usr/bin/env bash
# How each approach's accuracy grows with the number of real digits per class: the built-in data at 5, 10, 20 and
# 30 per class, 5 seeds, the whole held-out set, the learning rate decayed to 0 (classifier.module.lr_schedule=cosine):
# baseline, classic (elastic distortion) and DAGAN's fakes on top of it (augmented_classic gan=dagan, ratio 1).
#   benchmarks/learning_curve.sh builtin     every size, smallest first (SIZES="5 10" for some)
#   benchmarks/learning_curve.sh diffusion   diffusion + classic trained from scratch (gan=diffusion, 3,000
#                                            iterations, its default strength) at 10 and 30 per class
# One run after the other; runs that share seed, data and GAN share one trained GAN; rerunning skips finished runs.
# THREADS=1 leaves a core for something else (never time a run beside another). Then:
#   python -m ganaug.report outputs/multirun/curve/n* out=docs/results/report_curve curve=true
set -euo pipefail
PY=${PY:-.venv/bin/python}
SEEDS=${SEEDS:-0,1,2,3,4}
R=outputs/curve
M=outputs/multirun/curve
train() { "$PY" -m ganaug.train -m paths.root=$R threads="${THREADS:-auto}" seed=$SEEDS augment.ratio=1 \
  classifier.module.lr_schedule=cosine "$@"; }
case "${1:-}" in
  builtin)
    for n in ${SIZES:-5 10 20 30}; do
      train data.n_per_class=$n experiment=baseline,classic,augmented_classic gan=dagan hydra.sweep.dir=$M/n$n
    done
    ;;
  diffusion)
    for n in ${SIZES:-10 30}; do
      train data.n_per_class=$n experiment=augmented_classic gan=diffusion hydra.sweep.dir=$M/n$n
    done
    ;;
  *) echo "usage: $0 builtin|diffusion" >&2; exit 2 ;;
esac
