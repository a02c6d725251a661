"""Per configuration of finished sweeps, validation and test accuracy over seeds, and the difference from a default
configuration paired seed by seed: the numbers a recipe is chosen by (validation) and reported with (test). A run's
configuration is its folder's name without `seed=N` (Hydra's override_dirname).

    python benchmarks/paired_on_validation.py OUT --default 'augment.random_affine=False,experiment=classic'
"""
from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from ganaug.evaluation.statistics import summarize


def configuration(run_dir: Path) -> str:
    return re.sub(r"(^|,)seed=\d+", "", run_dir.name).strip(",")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="a folder of sweep folders (or one sweep folder)")
    parser.add_argument("--default", required=True, help="the default configuration's name")
    args = parser.parse_args()
    by: dict[str, dict[int, dict]] = {}
    for path in sorted(args.out.glob("**/metrics.json")):
        metrics = json.loads(path.read_text())
        if metrics.get("status") == "complete":
            by.setdefault(configuration(path.parent), {})[metrics["seed"]] = metrics
    default = by[args.default]
    for name, seeds in sorted(by.items(), key=lambda item: item[0] != args.default):
        line = [f"{name:<50}", f"{len(seeds)} seeds"]
        line += [f"{key} {s.mean:.2f} ± {s.ci95:.2f}" for key in ("val_acc", "test_acc")
                 for s in [summarize([100 * m[key] for m in seeds.values()])]]
        if name != args.default:
            line += [f"{key} vs default, paired {d.mean:+.2f} ± {d.ci95:.2f}" for key in ("val_acc", "test_acc")
                     for d in [summarize([100 * (seeds[k][key] - default[k][key]) for k in seeds if k in default])]]
        print(" | ".join(line))


if __name__ == "__main__":
    main()
