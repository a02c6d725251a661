#!/usr/bin/env bash
# What one pool-started diffusion run costs (gan=diffusion pretrain=builtin) on the stroke folder, 30 per class,
# alone on the machine (never beside another run): `gan` is the adaptation (gan.adapt_steps iterations from the
# shipped pool-trained model), `sampling` draws the run's 300 fakes; the rest is the measures and the classifier.
#   benchmarks/diffusion_cost.sh
# Prints the run's time_s and the adaptation's iterations per second, grid included (from-scratch training runs
# gan.steps of the same iterations).
set -euo pipefail
PY=${PY:-.venv/bin/python}
R=outputs/diffusion_cost
F=outputs/folders/strokes
[ -d $F ] || "$PY" benchmarks/stroke_folder.py $F --per-class 80 --writers 6 --seed 0
rm -rf $R
"$PY" -m ganaug.train paths.root=$R hydra.run.dir=$R/run experiment=augmented_classic gan=diffusion pretrain=builtin \
  data=folder data.root=$F data.n_per_class=30 data.test_fraction=0.6 augment.ratio=1 seed=0
"$PY" - <<'PY'
import json
from omegaconf import OmegaConf
m = json.load(open("outputs/diffusion_cost/run/metrics.json"))
steps = OmegaConf.load("outputs/diffusion_cost/run/.hydra/config.yaml").gan.adapt_steps
print("time_s", m["time_s"])
print(f"adaptation: {steps} iterations and the end-of-training sample grid in {m['time_s']['gan']:.0f} s, "
      f"{steps / m['time_s']['gan']:.2f} iterations/s")
PY
