"""Compare the runs of a `gan.steps` sweep (benchmarks/dagan_steps.sh) with those at a reference length, seed by seed.

    python benchmarks/steps_compare.py [SWEEP_DIR] [--reference 3000]

Prints per length: the runs, mean test accuracy (± 95 % t-interval), its paired difference to the reference length
on the same seeds, and the means of FID, label fidelity, CAS, near-copy rate and the smallest class diversity.
"""
from __future__ import annotations

import argparse
import statistics
from collections import defaultdict
from pathlib import Path

from ganaug.evaluation.statistics import summarize
from ganaug.utils import results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sweep", nargs="?", default="outputs/multirun/dagan_steps")
    parser.add_argument("--reference", type=int, default=3000)
    args = parser.parse_args()
    by_steps: dict[int, dict[int, dict]] = defaultdict(dict)
    for path in Path(args.sweep).glob("*/metrics.json"):
        if (m := results.finished(path.parent)) is not None:
            by_steps[m["config"]["gan"]["steps"]][m["seed"]] = m
    reference = by_steps[args.reference]
    print(f"| gan.steps | runs | test_acc % | vs {args.reference}, paired | FID | label fidelity | CAS | near-copy rate | diversity min |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for steps, runs in sorted(by_steps.items()):
        acc = summarize([100 * m["test_acc"] for m in runs.values()])
        shared = [seed for seed in runs if seed in reference]
        diff = summarize([100 * (runs[s]["test_acc"] - reference[s]["test_acc"]) for s in shared]) if steps != args.reference else None
        mean = {key: statistics.mean(m[key] for m in runs.values())
                for key in ("fid", "label_fidelity", "cas", "near_copy_rate", "diversity_min")}
        paired = f"{diff.mean:+.2f} ± {diff.ci95:.2f} (n={diff.n})" if diff else ""
        print(f"| {steps} | {acc.n} | {acc.mean:.2f} ± {acc.ci95:.2f} | {paired} | {mean['fid']:.1f} | "
              f"{mean['label_fidelity']:.3f} | {mean['cas']:.3f} | {mean['near_copy_rate']:.3f} | {mean['diversity_min']:.2f} |")


if __name__ == "__main__":
    main()
