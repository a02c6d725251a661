#!/usr/bin/env bash
# Does pretrain=builtin help classes that are no digits? A letters-like folder: held-out built-in digits mirrored
# left to right and named a to j (60 per class, half held out), classic augmentation from scratch and from the
# shipped networks (a new head on the pool-trained features), 3 seeds, the cosine schedule.
#   benchmarks/letters.sh      then: python -m ganaug.report outputs/multirun/letters out=docs/results/report_letters
set -euo pipefail
PY=${PY:-.venv/bin/python}
D=outputs/folders/letters
[ -d $D ] || "$PY" - <<'PYTHON'
from pathlib import Path
from torchvision.io import write_png
from ganaug.data.mnist import BuiltinDigits
dm = BuiltinDigits(n_per_class=1, test_per_class=60, seed=5)  # held-out digits: pretraining never saw them
dm.setup()
for i, (image, label) in enumerate(zip(dm.test_x, dm.test_y)):
    folder = Path("outputs/folders/letters") / "abcdefghij"[label]
    folder.mkdir(parents=True, exist_ok=True)
    write_png((image.flip(-1) * 255).round().byte(), str(folder / f"{i:04d}.png"))
PYTHON
"$PY" -m ganaug.train -m paths.root=outputs/letters threads="${THREADS:-auto}" seed=0,1,2 experiment=classic \
  pretrain=none,builtin classifier.module.lr_schedule=cosine data=folder data.root=$D data.test_fraction=0.5 \
  hydra.sweep.dir=outputs/multirun/letters
