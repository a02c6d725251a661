"""Lightning plumbing shared by every training phase: trainers, checkpoints that resume, phase timing."""
from __future__ import annotations

import dataclasses
import logging
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytorch_lightning as pl
import torch
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf
from pytorch_lightning.callbacks import Callback, ModelCheckpoint

from ganaug.utils.config import detached
from ganaug.utils.loggers import phase_loggers
from ganaug.utils.progress import progress_callbacks

log = logging.getLogger(__name__)


class PhaseTimer(dict):
    """Wall seconds per named phase."""

    @contextmanager
    def __call__(self, phase: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self[phase] = round(self.get(phase, 0.0) + time.perf_counter() - start, 3)


@dataclass(frozen=True)
class Workspace:
    """Where and how a run's phases train: the folder they write into, the Trainer's config (the `trainer` group), the
    loggers' (the `logger` group) and whether a phase resumes from its checkpoint."""

    output_dir: Path
    trainer: DictConfig
    logger: DictConfig | None = None
    resume: bool = False

    @classmethod
    def of(cls, cfg: DictConfig, output_dir: Path) -> Workspace:
        """A command's workspace: its `trainer` and `logger` groups on their own, `resume` where it has one."""
        return cls(output_dir, detached(cfg.trainer), detached(cfg.get("logger")), bool(cfg.get("resume", False)))

    def at(self, output_dir: Path) -> Workspace:
        """The same trainer and loggers, writing into `output_dir`."""
        return dataclasses.replace(self, output_dir=output_dir)


def make_trainer(work: Workspace, phase: str, callbacks: list[Callback] = (), unit: str = "epochs",
                 steps_per_unit: int = 1, **kwargs) -> pl.Trainer:
    """A Trainer from the workspace's trainer config, logging the phase to its loggers, showing its progress."""
    progress, bar = progress_callbacks(phase, unit, steps_per_unit)
    loggers = phase_loggers(work.logger, work.output_dir, phase)
    return instantiate(work.trainer)(logger=loggers or False, callbacks=[*callbacks, *progress], enable_progress_bar=bar,
                                     **kwargs)


def checkpointing(output_dir: Path, phase: str, resume: bool, **every) -> tuple[ModelCheckpoint, str | None]:
    """A callback that keeps `checkpoints/<phase>.ckpt` up to date, and the checkpoint to resume from, if any.

    It keeps only that one file (save_last under the phase's name, no top-k), so phases can share the folder.
    """
    path = output_dir / "checkpoints" / f"{phase}.ckpt"
    callback = ModelCheckpoint(dirpath=path.parent, save_top_k=0, save_last=True, enable_version_counter=False, **every)
    callback.CHECKPOINT_NAME_LAST = phase
    if resume and path.exists():
        try:
            torch.load(path, map_location="cpu", weights_only=False)
        except Exception as error:  # truncated by a kill or a full disk: start this phase afresh
            log.warning("checkpoint %s is unreadable (%s); training %s from the start", path, type(error).__name__, phase)
            path.unlink()
            return callback, None
        log.info("resuming %s from %s", phase, path)
        return callback, str(path)
    return callback, None


def thread_count(threads: int | str, launcher: DictConfig) -> int | None:
    """Torch threads for one run: `threads` if a number; for "auto", the cores a parallel launcher leaves each run
    (submitit's cpus_per_task, or the cores over joblib's n_jobs), or None (torch's default) when runs go one by one.
    """
    if threads != "auto":
        return int(threads)
    cpus_per_task = OmegaConf.select(launcher, "cpus_per_task")
    if cpus_per_task:
        return int(cpus_per_task)
    n_jobs = OmegaConf.select(launcher, "n_jobs")
    if not n_jobs:
        return None
    cores = os.cpu_count() or 1
    parallel = n_jobs if n_jobs > 0 else max(1, cores + 1 + n_jobs)  # joblib: -1 is every core, -2 all but one
    return max(1, cores // parallel)
