#!/usr/bin/env bash
# pretrain=builtin against training from scratch on two folders of digits that no setting was chosen on:
#   photos   photo-like JPEGs of held-out built-in digits (dark ink, uneven light, noise; never seen by pretraining)
#   strokes  digits drawn by simulated pen strokes of 6 made-up writers (a different hand and stroke from MNIST)
# 80 images per class each, 32 for training (30 used: data.n_per_class=30) and 48 held out (data.test_fraction=0.6),
# 5 seeds, baseline / classic / augmented_classic with and without pretraining, one run after the other.
# The pretrained networks are trained once (python -m ganaug.pretrain). Rerunning skips finished runs. Then:
#   python -m ganaug.report outputs/multirun/pretraining/photos out=docs/results/report_pretraining_photos
#   python -m ganaug.report outputs/multirun/pretraining/strokes out=docs/results/report_pretraining_strokes
# Its documented figures used a constant learning rate (the study's, the default before cosine): pinned here.
set -euo pipefail
PY=${PY:-.venv/bin/python}
SEEDS=${SEEDS:-0,1,2,3,4}
THREADS=${THREADS:-auto}
R=outputs/pretraining
F=outputs/folders
M=outputs/multirun/pretraining
[ -d $F/photos ] || "$PY" benchmarks/photo_folder.py $F/photos --per-class 80 --seed 7 --held-out
[ -d $F/strokes ] || "$PY" benchmarks/stroke_folder.py $F/strokes --per-class 80 --writers 6 --seed 0
"$PY" -m ganaug.pretrain paths.root=$R threads=$THREADS
for folder in photos strokes; do
  "$PY" -m ganaug.train -m paths.root=$R threads=$THREADS classifier.module.lr_schedule=constant data=folder data.root=$F/$folder data.n_per_class=30 \
    data.test_fraction=0.6 experiment=baseline,classic,augmented_classic pretrain=none,builtin seed=$SEEDS \
    hydra.sweep.dir=$M/$folder
done
