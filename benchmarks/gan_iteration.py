"""Where one D/G iteration of the configured generator spends its time: torch.profiler over iterations run
through the Lightning Trainer exactly as a run trains, grouped by operator and by the module's own stages.

    python benchmarks/gan_iteration.py [--iterations 100] [--threads 2] [--time-only] [OVERRIDE ...]

OVERRIDEs are the train command's (default: the default DAGAN; e.g. gan=dcgan). Prints the ms per iteration
without the profiler, then the profiler's top operators by self CPU time and the share of each labelled stage.
Run it on an otherwise idle machine.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pytorch_lightning as pl
import torch
from hydra.utils import instantiate
from timing import config

from ganaug.pipeline.generator_stage import new_gan
from ganaug.utils.runtime import setup
from ganaug.utils.trainers import Workspace, make_trainer


STAGES = {  # the module's stages, labelled for the profiler: attribute path -> label
    "critic": "D forward (DiffAugment, spectral norm)", "generator.forward": "G forward",
    "manual_backward": "backward", "toggle_optimizer": "toggle/untoggle optimizer",
    "untoggle_optimizer": "toggle/untoggle optimizer", "update_average": "EMA update", "track": "curves (MeanMetric)",
    "real_pairs": "real pairs", "augment.forward": "DiffAugment",
}


def labelled(gan: pl.LightningModule) -> None:
    """Wrap the module's stages in profiler labels (an instance attribute shadows each method)."""
    for path, label in STAGES.items():
        *owner_path, name = path.split(".")
        owner = gan
        for part in owner_path:
            owner = getattr(owner, part)
        if hasattr(owner, name):
            method = getattr(owner, name)
            setattr(owner, name, lambda *a, _m=method, _l=label, **k: _run(_l, _m, *a, **k))


def _run(label: str, method, *args, **kwargs):
    with torch.profiler.record_function(label):
        return method(*args, **kwargs)


def train(cfg, dm, iterations: int, out: Path, callbacks=(), label: bool = False) -> float:
    """Seconds for `iterations` D/G iterations of a fresh generator through the Trainer, as a run trains it."""
    pl.seed_everything(0, verbose=False)
    gan = new_gan(cfg.gan, dm, None)
    if label:
        labelled(gan)
    trainer = make_trainer(Workspace.of(cfg, out), "gan", callbacks=list(callbacks), max_steps=gan.optimizer_steps * iterations)
    start = time.perf_counter()
    trainer.fit(gan, train_dataloaders=dm.real_loader(batch_size=cfg.gan.batch_size))
    return time.perf_counter() - start


class Profiled(pl.Callback):
    """Profile training batches [`skip`, `skip + n`): past the first iterations' warm-up."""

    def __init__(self, skip: int, n: int) -> None:
        self.skip, self.n, self.seen = skip, n, 0
        self.profiler = torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU], record_shapes=False)

    def on_train_batch_start(self, *args) -> None:
        if self.seen == self.skip:
            self.profiler.__enter__()

    def on_train_batch_end(self, *args) -> None:
        self.seen += 1
        if self.seen == self.skip + self.n:
            self.profiler.__exit__(None, None, None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--time-only", action="store_true", help="print the ms per iteration, skip the profile")
    parser.add_argument("overrides", nargs="*")
    args = parser.parse_args()
    setup(args.threads)
    cfg = config(["experiment=augmented", "logger=csv", *args.overrides])
    dm = instantiate(cfg.data)
    dm.setup()
    with tempfile.TemporaryDirectory() as tmp:
        train(cfg, dm, 20, Path(tmp))  # warm-up: first calls, allocator
        seconds = train(cfg, dm, args.iterations, Path(tmp))
        print(f"torch {torch.__version__}, {args.threads} threads, {cfg.gan.module._target_.rsplit('.', 1)[-1]}: "
              f"{1000 * seconds / args.iterations:.1f} ms per D/G iteration ({args.iterations} iterations, no profiler)",
              flush=True)
        if args.time_only:
            return
        profiled = Profiled(skip=10, n=args.iterations)
        train(cfg, dm, args.iterations + 10, Path(tmp), [profiled], label=True)
    events = profiled.profiler.key_averages()
    total = sum(e.self_cpu_time_total for e in events)
    print(f"profiled {args.iterations} iterations: {total / 1000 / args.iterations:.1f} ms of operator self time each")
    stages = {e.key: e for e in events if e.key in set(STAGES.values()) | {"Optimizer.step#Adam.step"}}
    print("| stage (inclusive) | ms per iteration |\n| --- | --- |")
    for key, e in sorted(stages.items(), key=lambda item: -item[1].cpu_time_total):
        print(f"| {key} | {e.cpu_time_total / 1000 / args.iterations:.2f} |")
    print("| operator | ms per iteration | share |\n| --- | --- | --- |")
    for e in sorted((e for e in events if e.key not in stages), key=lambda e: -e.self_cpu_time_total)[:25]:
        print(f"| {e.key} | {e.self_cpu_time_total / 1000 / args.iterations:.2f} | {e.self_cpu_time_total / total:.1%} |")


if __name__ == "__main__":
    main()
