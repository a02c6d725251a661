#!/usr/bin/env bash
# The README's "Does it help?" sweep: every approach x 5 seeds on the built-in data, 5,000 held-out digits,
# one run after the other (2 torch threads each). The first two sweeps are also the README's timed
# baseline / augmented wall times, so run this on an otherwise idle machine. Runs that share a seed share
# one trained GAN (outputs/help/gan_cache). Rerunning skips finished runs. The GAN runs use
# augment.ratio=1 unless they say otherwise (the default was 1 when this ran; it is now 0.5, the best
# row of the result). Then:
#   python -m ganaug.report outputs/multirun/help out=docs/results/report
# Its documented figures used a constant learning rate (the study's, the default before cosine): pinned here.
set -euo pipefail
PY=${PY:-.venv/bin/python}
R=outputs/help
M=outputs/multirun/help
SEEDS=0,1,2,3,4
train() { "$PY" -m ganaug.train -m paths.root=$R classifier.module.lr_schedule=constant "$@"; }
/usr/bin/time -v "$PY" -m ganaug.train experiment=baseline -m seed=0,1,2 paths.root=$R classifier.module.lr_schedule=constant hydra.sweep.dir=$M/baseline
/usr/bin/time -v "$PY" -m ganaug.train experiment=augmented -m augment.ratio=1 seed=0,1,2 paths.root=$R classifier.module.lr_schedule=constant hydra.sweep.dir=$M/augmented
train experiment=baseline,augmented augment.ratio=1 seed=3,4 hydra.sweep.dir=$M/seeds_3_4
train experiment=classic,augmented_classic augment.ratio=1 seed=$SEEDS hydra.sweep.dir=$M/classic
train experiment=augmented,augmented_classic augment.ratio=1 augment.best_of=4 seed=$SEEDS hydra.sweep.dir=$M/best_of
train experiment=augmented augment.ratio=1 augment.fake_weight=0.3 seed=$SEEDS hydra.sweep.dir=$M/fake_weight
train experiment=augmented augment.ratio=0.5 seed=$SEEDS hydra.sweep.dir=$M/ratio
train experiment=baseline,augmented augment.ratio=1 data.n_per_class=10 seed=$SEEDS hydra.sweep.dir=$M/n_per_class_10
