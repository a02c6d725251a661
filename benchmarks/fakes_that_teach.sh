#!/usr/bin/env bash
# Generated digits against the best classic augmentation (elastic distortion), 5 seeds, the whole held-out set.
#   benchmarks/fakes_that_teach.sh choose    built-in data, 30 per class: baseline, classic, and each approach
#                                            (gan=dcgan|dagan x fake_labels=hard|soft|none) with and without
#                                            classic augmentation (all at augment.ratio=1)
#   benchmarks/fakes_that_teach.sh confirm   the chosen approach on data no setting was chosen on: built-in at
#                                            10 per class
#   benchmarks/fakes_that_teach.sh photos    the same on the held-out photo folder of benchmarks/pretraining.sh
#   benchmarks/fakes_that_teach.sh schedule  classic and DAGAN + classic again with the learning rate decayed to 0
#                                            (classifier.module.lr_schedule=cosine) on all three, and at 20 per class
# One run after the other; runs that share seed, data and GAN share one trained GAN; rerunning skips finished
# runs. THREADS=1 leaves a core for something else (never time a run beside another). Then, for each folder:
#   python -m ganaug.report outputs/multirun/teach/<part> out=docs/results/report_teach_<part>
# Its documented figures used a constant learning rate (the study's, the default before cosine): pinned here.
set -euo pipefail
PY=${PY:-.venv/bin/python}
SEEDS=${SEEDS:-0,1,2,3,4}
R=outputs/teach
M=outputs/multirun/teach
train() { "$PY" -m ganaug.train -m paths.root=$R threads="${THREADS:-auto}" seed=$SEEDS augment.ratio=1 \
  classifier.module.lr_schedule="${SCHEDULE:-constant}" "$@"; }
case "${1:-}" in
  choose)
    train experiment=baseline,classic hydra.sweep.dir=$M/n30
    train experiment=augmented_classic gan=dcgan augment.fake_labels=soft hydra.sweep.dir=$M/n30
    train experiment=augmented,augmented_classic gan=dagan augment.fake_labels=hard hydra.sweep.dir=$M/n30
    train experiment=augmented_classic gan=dagan augment.fake_labels=soft hydra.sweep.dir=$M/n30
    train experiment=augmented gan=dagan augment.fake_labels=soft hydra.sweep.dir=$M/n30
    train experiment=augmented,augmented_classic gan=dagan,dcgan augment.fake_labels=none hydra.sweep.dir=$M/n30
    train experiment=augmented,augmented_classic gan=dcgan augment.fake_labels=hard hydra.sweep.dir=$M/n30
    train experiment=augmented gan=dcgan augment.fake_labels=soft hydra.sweep.dir=$M/n30
    ;;
  confirm)
    train data.n_per_class=10 experiment=baseline,classic hydra.sweep.dir=$M/n10
    train data.n_per_class=10 experiment=augmented_classic gan=dagan hydra.sweep.dir=$M/n10
    ;;
  photos)
    [ -d outputs/folders/photos ] || "$PY" benchmarks/photo_folder.py outputs/folders/photos --per-class 80 --seed 7 --held-out
    train data=folder data.root=outputs/folders/photos data.n_per_class=30 data.test_fraction=0.6 \
      experiment=baseline,classic,augmented_classic gan=dagan hydra.sweep.dir=$M/photos
    ;;
  schedule)
    SCHEDULE=cosine
    cosine="gan=dagan"
    train $cosine experiment=baseline,classic,augmented_classic hydra.sweep.dir=$M/n30_cosine
    train $cosine data.n_per_class=10 experiment=classic,augmented_classic hydra.sweep.dir=$M/n10_cosine
    train $cosine data.n_per_class=20 experiment=classic,augmented_classic hydra.sweep.dir=$M/n20_cosine
    train $cosine data=folder data.root=outputs/folders/photos data.n_per_class=30 data.test_fraction=0.6 \
      experiment=baseline,classic,augmented_classic hydra.sweep.dir=$M/photos_cosine
    ;;
  *) echo "usage: $0 choose|confirm|photos|schedule" >&2; exit 2 ;;
esac
