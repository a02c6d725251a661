"""Milliseconds per SGD step of a classifier network, its weights and batch in channels-last memory format or not:
what `classifier.module.channels_last` costs for each network and normalisation.

    python benchmarks/classifier_step.py [--threads 1] [--batch 256] [--steps 10] [--rounds 3]

Prints, per network, the median over rounds (each `--steps` steps after 3 warm-up steps) with the range. Run it on
an otherwise idle machine; compare only figures of one run.
"""
from __future__ import annotations

import argparse
import statistics
import time

import torch
import torch.nn.functional as F

from ganaug.models.networks import CNN, ConvNet

NETWORKS = {
    "cnn": lambda: CNN(),
    "convnet instance": lambda: ConvNet(width=32, norm="instance"),
    "convnet batch": lambda: ConvNet(width=32, norm="batch"),
    "convnet none": lambda: ConvNet(width=32, norm="none"),
}


def ms_per_step(name: str, channels_last: bool, batch: int, steps: int) -> float:
    torch.manual_seed(0)
    net = NETWORKS[name]()
    if channels_last:
        net = net.to(memory_format=torch.channels_last)
    x, y = torch.rand(batch, 1, 28, 28), torch.randint(0, 10, (batch,))
    optimizer = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)

    def step() -> None:
        optimizer.zero_grad()
        F.cross_entropy(net(x), y).backward()
        optimizer.step()

    for _ in range(3):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - start) / steps * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    times: dict[tuple[str, bool], list[float]] = {}
    for _ in range(args.rounds):  # rounds alternate, so a slow spell of the machine falls on every variant
        for name in NETWORKS:
            for channels_last in (True, False):
                times.setdefault((name, channels_last), []).append(ms_per_step(name, channels_last, args.batch, args.steps))
    print(f"torch {torch.__version__}, {args.threads} thread(s), batch {args.batch}: ms per SGD step, median (range)")
    for (name, channels_last), values in times.items():
        layout = "channels-last" if channels_last else "contiguous"
        print(f"{name:<18} {layout:<14} {statistics.median(values):7.1f} ({min(values):.1f}-{max(values):.1f})")


if __name__ == "__main__":
    main()
