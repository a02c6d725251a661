"""Per classifier configuration of finished sweeps: validation accuracy over seeds, its difference from a default
configuration paired seed by seed, and the classifier's median wall time per run; the configurations no other beats
on both (the accuracy/time frontier) are starred. Validation only, unless --read-test asks, once the choice is made,
for the test accuracy of the chosen configuration (and of the NAMEs given, e.g. the study's CNN).

    python benchmarks/classifier_frontier.py outputs/classifier_n10 \
        --default "ConvNet width=32 depth=3 norm=instance pooling=avg lr=0.02 wd=0.0005 epochs=300"
"""
from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

from ganaug.evaluation.statistics import summarize

def configuration(metrics: dict) -> str:
    """A run's classifier as its resolved config has it: the network and its arguments, the optimiser and epochs."""
    classifier = metrics["config"]["classifier"]
    module = classifier["module"]
    net = dict(module["net"])
    name = net.pop("_target_").rpartition(".")[2]
    return " ".join([name, *(f"{k}={v}" for k, v in net.items()), f"lr={module['lr']:g}",
                     f"wd={module['weight_decay']:g}", f"epochs={classifier['epochs']}"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="a folder of sweep folders")
    parser.add_argument("--default", default="", help="the default configuration's name, as this script prints it")
    parser.add_argument("--read-test", nargs="*", metavar="NAME", default=None,
                        help="once chosen: also print the test accuracy of the default and of each NAME")
    args = parser.parse_args()
    by: dict[str, dict[int, dict]] = {}
    for path in sorted(args.out.glob("*/*/metrics.json")):
        metrics = json.loads(path.read_text())
        if metrics.get("status") == "complete":
            by.setdefault(configuration(metrics), {})[metrics["seed"]] = metrics
    default = by.get(args.default)
    rows = []
    for name, seeds in by.items():
        val = summarize([100 * m["val_acc"] for m in seeds.values()])
        seconds = statistics.median(m["time_s"]["classifier"] for m in seeds.values())
        paired = summarize([100 * (seeds[k]["val_acc"] - default[k]["val_acc"]) for k in seeds if k in default]) \
            if default is not None and seeds is not default else None
        rows.append((name, len(seeds), val, seconds, paired))
    rows.sort(key=lambda row: row[3])
    best = -1.0
    print(f"{'configuration':<78} seeds  val_acc %        vs default (paired)  classifier s/run")
    for name, n, val, seconds, paired in rows:
        frontier = val.mean > best
        best = max(best, val.mean)
        versus = f"{paired.mean:+.2f} ± {paired.ci95:.2f}" if paired is not None else "(default)" if default else ""
        print(f"{'*' if frontier else ' '} {name:<76} {n:>5}  {val.mean:.2f} ± {val.ci95:.2f}    {versus:<20} {seconds:7.1f}")
    for name in [args.default, *args.read_test] if args.read_test is not None else []:
        test = summarize([100 * m["test_acc"] for m in by[name].values()])
        print(f"test accuracy, read once: {name}: {test.mean:.2f} ± {test.ci95:.2f} % ({len(by[name])} seeds)")


if __name__ == "__main__":
    main()
