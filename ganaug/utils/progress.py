"""Progress a person can follow: Lightning's bar on a terminal, a line every few per cent in logs and sweeps."""
from __future__ import annotations

import logging
import sys
import time

import pytorch_lightning as pl
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import OmegaConf
from pytorch_lightning.callbacks import Callback, TQDMProgressBar

log = logging.getLogger("ganaug.utils.progress")


def duration(seconds: float) -> str:
    """`1h02m`, `3m05s` or `12s`."""
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{seconds:02d}s" if minutes else f"{seconds}s"


def by_steps(trainer: pl.Trainer) -> bool:
    """Whether the trainer's length is a number of optimizer steps (the GAN) rather than epochs."""
    return bool(trainer.max_steps and trainer.max_steps > 0)


class ProgressLog(Callback):
    """Logs `<phase>: 40% (1200/3000 iterations), 9.8/s, 2m03s left` each time another `every` of the phase is done.

    Counts optimizer steps divided by `steps_per_unit` (the GAN makes two per D/G iteration) when the trainer
    has `max_steps`, epochs otherwise.
    """

    def __init__(self, phase: str, unit: str = "epochs", steps_per_unit: int = 1, every: float = 0.1) -> None:
        self.phase, self.unit, self.steps_per_unit, self.every = phase, unit, steps_per_unit, every
        self.lines: list[str] = []

    def on_train_start(self, trainer: pl.Trainer, module: pl.LightningModule) -> None:
        done = trainer.global_step // self.steps_per_unit if by_steps(trainer) else trainer.current_epoch
        self.start, self.start_done, self.next_report = time.monotonic(), done, self.every

    def report(self, done: int, total: int) -> None:
        if not total or done / total < self.next_report - 1e-9:
            return
        self.next_report = (int(done / total / self.every + 1e-9) + 1) * self.every
        rate = (done - self.start_done) / max(time.monotonic() - self.start, 1e-9)
        left = f", {duration((total - done) / rate)} left" if rate > 0 and done < total else ""
        line = f"{self.phase}: {100 * done // total}% ({done}/{total} {self.unit}), {rate:.1f}/s{left}"
        self.lines.append(line)
        log.info(line)

    def on_train_batch_end(self, trainer: pl.Trainer, *args) -> None:
        if by_steps(trainer):
            self.report(trainer.global_step // self.steps_per_unit, trainer.max_steps // self.steps_per_unit)

    def on_train_epoch_end(self, trainer: pl.Trainer, module: pl.LightningModule) -> None:
        if not by_steps(trainer):  # the epoch counter moves on after this hook
            self.report(trainer.current_epoch + 1, trainer.max_epochs)


def run_label() -> str:
    """`#N ` in a sweep whose runs go side by side (N: the run's number in Hydra's launch listing), so that their
    interleaved lines can be told apart; "" otherwise."""
    if not HydraConfig.initialized():
        return ""
    hydra_cfg = HydraConfig.get()
    side_by_side = (OmegaConf.select(hydra_cfg, "launcher.n_jobs") or 1) != 1
    return f"#{hydra_cfg.job.num} " if hydra_cfg.mode == RunMode.MULTIRUN and side_by_side else ""


def progress_callbacks(phase: str, unit: str = "epochs", steps_per_unit: int = 1) -> tuple[list[Callback], bool]:
    """The progress callbacks for one training phase, and whether they show a bar (on a terminal) or log lines."""
    if sys.stderr.isatty():
        return [TQDMProgressBar()], True
    return [ProgressLog(run_label() + phase, unit, steps_per_unit)], False
