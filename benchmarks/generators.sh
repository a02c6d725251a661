#!/usr/bin/env bash
# Generated digits against the best real-only recipe with the same start, on a folder no setting was chosen on:
# FOLDER=strokes (default; digits drawn by simulated pen strokes of 6 made-up writers) or FOLDER=photos (photo-like
# JPEGs of held-out built-in digits, which pretraining never saw), 30 per class for training and 48 held out, 5 seeds, the cosine schedule, one fake per real digit, every network starting from the pool
# (pretrain=builtin): classic alone, DAGAN + classic, diffusion + classic (gan=diffusion, its default strength).
#   benchmarks/generators.sh            the three configurations (FOLDER=photos benchmarks/generators.sh for photos)
#   benchmarks/generators.sh strength   diffusion at other strengths on the stroke folder (trained models reused)
# The pool-trained networks are shipped for the default configs, or trained on first use (python -m ganaug.pretrain
# gan=diffusion builds the diffusion one ahead). THREADS=1 leaves a core for something else. Rerunning skips
# finished runs. Then:
#   python -m ganaug.report outputs/multirun/generators/$FOLDER out=docs/results/report_generators
set -euo pipefail
PY=${PY:-.venv/bin/python}
SEEDS=${SEEDS:-0,1,2,3,4}
R=outputs/generators
F=outputs/folders
M=outputs/multirun/generators
FOLDER=${FOLDER:-strokes}
case "$FOLDER" in
  strokes) [ -d $F/strokes ] || "$PY" benchmarks/stroke_folder.py $F/strokes --per-class 80 --writers 6 --seed 0 ;;
  photos) [ -d $F/photos ] || "$PY" benchmarks/photo_folder.py $F/photos --per-class 80 --seed 7 --held-out ;;
  *) echo "FOLDER must be strokes or photos" >&2; exit 2 ;;
esac
train() { "$PY" -m ganaug.train -m paths.root=$R threads="${THREADS:-auto}" seed=$SEEDS data=folder \
  data.root=$F/$FOLDER data.n_per_class=30 data.test_fraction=0.6 pretrain=builtin augment.ratio=1 \
  classifier.module.lr_schedule=cosine "$@"; }
case "${1:-all}" in
  all)
    train experiment=classic hydra.sweep.dir=$M/$FOLDER/classic
    train experiment=augmented_classic gan=diffusion,dagan hydra.sweep.dir=$M/$FOLDER/generated
    ;;
  strength)
    [ "$FOLDER" = strokes ] || { echo "the strength sweep runs on the stroke folder" >&2; exit 2; }
    train experiment=augmented_classic gan=diffusion gan.module.strength=0.3,0.9,null hydra.sweep.dir=$M/strength
    ;;
  *) echo "usage: $0 [all|strength]" >&2; exit 2 ;;
esac
