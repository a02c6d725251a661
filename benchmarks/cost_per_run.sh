#!/usr/bin/env bash
# Wall time per run of each approach, one seed, one run after the other on an otherwise idle machine (the
# per-stage seconds are in each run's metrics.json, time_s). GANs are trained afresh (their own cache folder).
#   benchmarks/cost_per_run.sh && python -m ganaug.report outputs/multirun/cost
# Its documented figures used a constant learning rate (the study's, the default before cosine): pinned here.
set -euo pipefail
PY=${PY:-.venv/bin/python}
R=outputs/cost
rm -rf $R/gan_cache
"$PY" -m ganaug.train -m paths.root=$R seed=0 augment.ratio=1 classifier.module.lr_schedule=constant hydra.sweep.dir=outputs/multirun/cost resume=false \
  experiment=baseline,classic
"$PY" -m ganaug.train -m paths.root=$R seed=0 augment.ratio=1 classifier.module.lr_schedule=constant hydra.sweep.dir=outputs/multirun/cost resume=false \
  experiment=augmented_classic gan=dcgan,dagan augment.fake_labels=hard,soft,none
