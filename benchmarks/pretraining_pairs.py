"""Paired differences across pretraining settings, which the sweep report (pairing within one setting) does not
print: pretrained baseline and classic against from-scratch classic, seed by seed.

    python benchmarks/pretraining_pairs.py outputs/multirun/pretraining/photos outputs/multirun/pretraining/strokes
"""
from __future__ import annotations

import sys
from pathlib import Path

from ganaug.evaluation.statistics import summarize
from ganaug.utils import results


def main() -> None:
    for sweep in map(Path, sys.argv[1:]):
        runs = {}
        for run_dir in sweep.iterdir():
            if (metrics := results.finished(run_dir)) is not None:
                runs[(metrics["experiment"], metrics["pretrain"], metrics["seed"])] = metrics["test_acc"]
        seeds = sorted({seed for _, _, seed in runs})
        for experiment in ("baseline", "classic"):
            diffs = [runs[(experiment, "builtin", s)] - runs[("classic", None, s)] for s in seeds
                     if (experiment, "builtin", s) in runs and ("classic", None, s) in runs]
            if not diffs:  # the sweep ran no such pair
                continue
            d = summarize(diffs)
            print(f"{sweep.name}: pretrained {experiment} - scratch classic: {100 * d.mean:+.2f} ± {100 * d.ci95:.2f} "
                  f"points (n={d.n})")


if __name__ == "__main__":
    main()
