#!/usr/bin/env bash
# The classic recipe (experiment=classic's elastic distortion alone), chosen on the test set before the validation
# split existed, chosen again on validation against the random affine with it and alone: 5 seeds each. Prints per
# recipe the validation and test accuracy and, paired by seed, the difference from the default recipe; the choice
# reads the validation columns. From the repository's root, on an otherwise idle machine:
#   benchmarks/classic_on_validation.sh [OUT]     # default OUT: outputs/classic_on_validation (about 12 min on 2 cores)
set -euo pipefail
PY=${PY:-.venv/bin/python}
OUT=${1:-outputs/classic_on_validation}
SEEDS=${SEEDS:-0,1,2,3,4}
mkdir -p "$(dirname "$OUT")"
"$PY" -m ganaug.train experiment=classic -m augment.random_affine=false,true seed="$SEEDS" \
  paths.root="$OUT" hydra.sweep.dir="$OUT/with_elastic" > "$OUT.with_elastic.log" 2>&1
"$PY" -m ganaug.train experiment=classic -m augment.random_affine=true augment.elastic=false seed="$SEEDS" \
  paths.root="$OUT" hydra.sweep.dir="$OUT/affine_only" > "$OUT.affine_only.log" 2>&1
"$PY" - "$OUT" <<'PYEOF'
import json, sys
from pathlib import Path
from ganaug.evaluation.statistics import summarize
out = Path(sys.argv[1])
runs = [json.loads(p.read_text()) for p in sorted(out.glob("*/*/metrics.json"))]
def recipe(m):
    a = m["config"]["augment"]
    return " + ".join(name for name, on in (("random affine", a["random_affine"]), ("elastic", a["elastic"])) if on)
by = {}
for m in runs:
    if m.get("status") == "complete":
        by.setdefault(recipe(m), {})[m["seed"]] = m
default = by["elastic"]
for name, seeds in by.items():
    line = [f"{name:<24}", f"{len(seeds)} seeds"]
    for key in ("val_acc", "test_acc"):
        s = summarize([100 * m[key] for m in seeds.values()])
        line.append(f"{key} {s.mean:.2f} ± {s.ci95:.2f}")
    if name != "elastic":
        for key in ("val_acc", "test_acc"):
            d = summarize([100 * (seeds[k][key] - default[k][key]) for k in seeds if k in default])
            line.append(f"{key} vs elastic alone, paired {d.mean:+.2f} ± {d.ci95:.2f}")
    print(" | ".join(line))
PYEOF
