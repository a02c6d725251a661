"""What each optional part of one D/G iteration costs, and whether fused or foreach Adam or channels-last weights
pay: the default GAN through the Trainer as a run trains it, each variant in turn, alternating, medians.

    python benchmarks/gan_levers.py [--iterations 100] [--repeats 3] [--threads 1] [--variants base,fused,...]

Variants: base (the defaults), fused / foreach (Adam implementations), channels_last (the networks' weights),
no_spectral_norm, no_minibatch_std, no_mode_seeking, no_diffaugment. Run it from benchmarks/ on an idle machine.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

import pytorch_lightning as pl
import torch
from hydra.utils import instantiate
from gan_iteration import train
from timing import config

from ganaug.models.gan import GAN
from ganaug.utils.runtime import setup

OVERRIDES = {
    "no_spectral_norm": ["gan.dagan_networks.discriminator.spectral=false"],
    "no_minibatch_std": ["gan.dagan_networks.discriminator.minibatch_std=false"],
    "no_mode_seeking": ["gan.module.mode_seeking=0"],
    "no_diffaugment": ["gan.module.diffaugment=''"],
}
ADAM = {"fused": {"fused": True}, "foreach": {"foreach": True}}


class Variant(pl.Callback):
    """Sets a variant's Adam implementation or memory format as training starts."""

    def __init__(self, name: str) -> None:
        self.name = name

    def on_fit_start(self, trainer: pl.Trainer, gan: GAN) -> None:
        if self.name == "channels_last":
            gan.to(memory_format=torch.channels_last)
        for optimizer in trainer.optimizers:
            for group in optimizer.param_groups:
                group.update(ADAM.get(self.name, {}))


def ms_per_iteration(name: str, cfg, dm, iterations: int, out: Path) -> float:
    return 1000 * train(cfg, dm, iterations, out, [Variant(name)]) / iterations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--variants", default="base,fused,foreach,channels_last," + ",".join(OVERRIDES))
    args = parser.parse_args()
    setup(args.threads)
    names = args.variants.split(",")
    cfgs = {name: config(["experiment=augmented", "logger=csv", *OVERRIDES.get(name, [])]) for name in names}
    dm = instantiate(cfgs[names[0]].data)
    dm.setup()
    times: dict[str, list[float]] = {name: [] for name in names}
    with tempfile.TemporaryDirectory() as tmp:
        ms_per_iteration("base", cfgs[names[0]], dm, 20, Path(tmp))  # warm-up
        for _ in range(args.repeats):  # alternate, so drift in machine speed hits every variant alike
            for name in names:
                times[name].append(ms_per_iteration(name, cfgs[name], dm, args.iterations, Path(tmp)))
    print(f"torch {torch.__version__}, {args.threads} threads, {args.iterations} iterations, {args.repeats} repeats")
    print("| variant | ms per D/G iteration, median | each |\n| --- | --- | --- |")
    for name, values in times.items():
        print(f"| {name} | {statistics.median(values):.1f} | {', '.join(f'{v:.1f}' for v in values)} |")


if __name__ == "__main__":
    main()
