"""Milliseconds per SGD step of a classifier network, its weights in channels-last memory format or not, run eagerly,
under bf16 autocast or through torch.compile: what `classifier.module.channels_last` costs for each network and
normalisation, and whether the CPU's other levers pay.

    python benchmarks/classifier_step.py [--threads 1] [--batch 256] [--steps 10] [--rounds 3]
                                         [--modes eager,bf16,compile] [--networks cnn,"convnet instance"]

Prints, per network, layout and mode, the median over rounds (each `--steps` steps after 3 warm-up steps, which
include torch.compile's compilation; its seconds are printed apart) with the range. Run it on an otherwise idle
machine; compare only figures of one run.
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
MODES = ("eager", "bf16", "compile")


def ms_per_step(name: str, channels_last: bool, mode: str, batch: int, steps: int) -> tuple[float, float]:
    """Milliseconds per step, and the seconds of the warm-up steps (torch.compile compiles in the first)."""
    torch.manual_seed(0)
    net = NETWORKS[name]()
    if channels_last:
        net = net.to(memory_format=torch.channels_last)
    forward = torch.compile(net) if mode == "compile" else net
    x, y = torch.rand(batch, 1, 28, 28), torch.randint(0, 10, (batch,))
    optimizer = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)

    def step() -> None:
        optimizer.zero_grad()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=mode == "bf16"):
            loss = F.cross_entropy(forward(x), y)
        loss.backward()
        optimizer.step()

    start = time.perf_counter()
    for _ in range(3):
        step()
    warm_up = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - start) / steps * 1000, warm_up


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--modes", default="eager", help=f"comma-separated, of {', '.join(MODES)}")
    parser.add_argument("--networks", default=",".join(NETWORKS), help=f"comma-separated, of {', '.join(NETWORKS)}")
    args = parser.parse_args()
    modes, networks = args.modes.split(","), args.networks.split(",")
    unknown = sorted(set(modes) - set(MODES)) + sorted(set(networks) - set(NETWORKS))
    if unknown:
        parser.error(f"unknown mode or network {unknown[0]!r}: modes {', '.join(MODES)}; networks {', '.join(NETWORKS)}")
    torch.set_num_threads(args.threads)
    times: dict[tuple[str, str, str], list[float]] = {}
    warm_ups: dict[tuple[str, str, str], list[float]] = {}
    for _ in range(args.rounds):  # rounds alternate, so a slow spell of the machine falls on every variant
        for name in networks:
            for channels_last in (True, False):
                for mode in modes:
                    key = (name, "channels-last" if channels_last else "contiguous", mode)
                    ms, warm_up = ms_per_step(name, channels_last, mode, args.batch, args.steps)
                    times.setdefault(key, []).append(ms)
                    warm_ups.setdefault(key, []).append(warm_up)
    print(f"torch {torch.__version__}, {args.threads} thread(s), batch {args.batch}: ms per SGD step, median (range)")
    for (name, layout, mode), values in times.items():
        compiled = f", compiling {statistics.median(warm_ups[name, layout, mode]):.0f} s" if mode == "compile" else ""
        print(f"{name:<18} {layout:<14} {mode:<8} {statistics.median(values):7.1f} "
              f"({min(values):.1f}-{max(values):.1f}){compiled}")


if __name__ == "__main__":
    main()
