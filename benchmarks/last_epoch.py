"""How often a run ends on a bad step: finished runs whose held-out accuracy at the last evaluation is more than
`--drop` points below the evaluation before it.

    python benchmarks/last_epoch.py outputs/multirun [--drop 5]

Prints the runs looked at and those that dropped, per experiment and learning-rate schedule.
"""
import argparse
from collections import Counter
from pathlib import Path

from ganaug.evaluation.sweep_report import find_runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", type=Path, nargs="+")
    parser.add_argument("--drop", type=float, default=5.0, help="points")
    args = parser.parse_args()
    runs, _ = find_runs(args.dirs)
    looked, dropped = Counter(), Counter()
    for m in runs:
        curve = m.get("curve") or []
        if len(curve) < 2:
            continue
        schedule = m.get("config", {}).get("classifier", {}).get("module", {}).get("lr_schedule", "constant")
        key = (m["experiment"], schedule)
        looked[key] += 1
        before, last = curve[-2], curve[-1]
        if 100 * (before["test_acc"] - last["test_acc"]) > args.drop:
            dropped[key] += 1
            print(f"{m['experiment']} seed={m['seed']} {m['swept']}: {100 * before['test_acc']:.2f} % at epoch "
                  f"{before['epoch']}, {100 * last['test_acc']:.2f} % at epoch {last['epoch']}")
    for key in sorted(looked):
        print(f"{key[0]:18s} lr {key[1]:8s}: {dropped[key]} of {looked[key]} runs dropped more than {args.drop:g} points")
    print(f"all: {sum(dropped.values())} of {sum(looked.values())}")


if __name__ == "__main__":
    main()
