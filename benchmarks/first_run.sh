#!/usr/bin/env bash
# What a first run costs on a fresh install (an empty paths.root: no cache of any kind), from scratch and with
# pretrain=builtin, on a folder of 10 photo-like held-out digits per class: classic, and DAGAN + classic.
#   benchmarks/first_run.sh        prints each run's seconds per phase (metrics.json time_s) and its test accuracy
# Runs one after the other; never time them beside another run.
# Its documented figures used a constant learning rate (the study's, the default before cosine): pinned here.
set -euo pipefail
PY=${PY:-.venv/bin/python}
W=outputs/first_run
rm -rf $W
"$PY" benchmarks/photo_folder.py $W/photos --per-class 10 --seed 11 --held-out >/dev/null
for experiment in "experiment=classic" "experiment=augmented_classic gan=dagan"; do
  for pretrain in none builtin; do
    name=$(echo "$experiment $pretrain" | tr ' =' '__')
    "$PY" -m ganaug.train $experiment pretrain=$pretrain classifier.module.lr_schedule=constant data=folder data.root=$W/photos data.n_per_class=6 \
      paths.root=$W/root_$name hydra.run.dir=$W/$name >/dev/null 2>&1
    "$PY" -c "import json,sys; m=json.load(open('$W/$name/metrics.json')); t=m['time_s']; \
print(f\"| $experiment | $pretrain | {sum(t.values()):.0f} | {t.get('pretrained', 0):.1f} | {m['test_acc']:.4f} |\")"
  done
done
