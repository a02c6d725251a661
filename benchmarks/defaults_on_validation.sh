#!/usr/bin/env bash
# The main job's defaults that were chosen on the test set before the validation split existed, chosen again on
# validation: augment.ratio (0.25, 0.5, 1, 2) and DAGAN's gan.steps (1500, 3000), 5 seeds each, every run with its
# paired control. Prints each sweep's report (validation gain and accuracy per configuration; the choice reads the
# validation columns, test is reported beside them). From the repository's root, on an otherwise idle machine:
#   benchmarks/defaults_on_validation.sh [OUT]        # default OUT: outputs/defaults_on_validation (about 40 min on 2 cores)
set -euo pipefail
PY=${PY:-.venv/bin/python}
OUT=${1:-outputs/defaults_on_validation}
SEEDS=${SEEDS:-0,1,2,3,4}
"$PY" -m ganaug.train experiment=augmented -m augment.ratio=0.25,0.5,1,2 seed="$SEEDS" \
  paths.root="$OUT" hydra.sweep.dir="$OUT/ratio" > "$OUT.ratio.log" 2>&1
"$PY" -m ganaug.train experiment=augmented -m gan.steps=3000 seed="$SEEDS" \
  paths.root="$OUT" hydra.sweep.dir="$OUT/steps3000" > "$OUT.steps.log" 2>&1
"$PY" - "$OUT" <<'PYEOF'
import json, sys
from pathlib import Path
from ganaug.evaluation.statistics import summarize
out = Path(sys.argv[1])
def runs(sweep, **match):
    found = [json.loads(p.read_text()) for p in sorted((out / sweep).glob("*/metrics.json"))]
    return {m["seed"]: m for m in found if m.get("status") == "complete"
            and all(m["config"]["augment"].get(k, m["config"]["gan"].get(k)) == v for k, v in match.items())}
def show(name, by_seed, other=None):
    line = [name, f"{len(by_seed)} seeds"]
    for key in ("val_gain", "gain", "val_acc", "test_acc"):
        s = summarize([100 * m[key] for m in by_seed.values()])
        line.append(f"{key} {s.mean:+.2f} ± {s.ci95:.2f}" if "gain" in key else f"{key} {s.mean:.2f} ± {s.ci95:.2f}")
    if other:
        for key in ("val_acc", "test_acc"):
            d = summarize([100 * (by_seed[k][key] - other[k][key]) for k in by_seed if k in other])
            line.append(f"{key} vs ratio 0.5 / 1500 steps, paired {d.mean:+.2f} ± {d.ci95:.2f}")
    print(" | ".join(line))
default = runs("ratio", ratio=0.5)
for ratio in (0.25, 0.5, 1, 2):
    show(f"augment.ratio={ratio}", runs("ratio", ratio=ratio), None if ratio == 0.5 else default)
show("gan.steps=3000 (ratio 0.5)", runs("steps3000", steps=3000), default)
PYEOF
