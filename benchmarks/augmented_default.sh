#!/usr/bin/env bash
# Which generator `experiment=augmented` should train by default: the conditional GAN (gan=dcgan, the default) or
# DAGAN, each as the experiment stands (hard labels, augment.ratio=0.5, the cosine schedule), on the built-in data
# at 30 per class, 5 seeds, the whole held-out set. DAGAN's trained models are those of benchmarks/learning_curve.sh
# (the same paths.root, so its cache is reused); baseline and classic come from there too. THREADS=1 leaves a core
# for something else. Rerunning skips finished runs. Then:
#   python -m ganaug.report outputs/multirun/augmented_default/n30 outputs/multirun/curve/n30
set -euo pipefail
PY=${PY:-.venv/bin/python}
"$PY" -m ganaug.train -m paths.root=outputs/curve threads="${THREADS:-auto}" seed=${SEEDS:-0,1,2,3,4} \
  data.n_per_class=${N:-30} experiment=augmented gan=dcgan,dagan hydra.sweep.dir=outputs/multirun/augmented_default/n${N:-30}
