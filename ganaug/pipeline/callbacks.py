"""Callbacks that watch a generator's training: per-class sample grids and the fakes' within-class diversity."""
from __future__ import annotations

import pytorch_lightning as pl
import torch

from ganaug.evaluation.diversity import diversity_ratios
from ganaug.utils.grids import labelled_grid


class GANMonitor(pl.Callback):
    """Every `every_n_steps` iterations (and at the end), log a grid of `per_class` samples per class and the
    diversity ratio per class."""

    def __init__(
        self, real_x: torch.Tensor, real_y: torch.Tensor, class_names: list[str], every_n_steps: int = 500, per_class: int = 100
    ) -> None:
        self.real_x, self.real_y = real_x, real_y
        self.class_names = class_names
        self.num_classes = len(class_names)
        self.every_n_steps = every_n_steps
        self.labels = torch.arange(self.num_classes).repeat_interleave(per_class)
        self.ratios: list[float] = []

    def log_samples(self, trainer: pl.Trainer, gan: pl.LightningModule) -> None:
        iteration = trainer.global_step // gan.optimizer_steps
        fakes = gan.sample(self.labels, seed=0)
        self.ratios = diversity_ratios(fakes, self.labels, self.real_x, self.real_y, self.num_classes)
        for logger in trainer.loggers:
            logger.log_metrics(
                {"gan/diversity_min": min(self.ratios), **{f"gan/diversity_{c}": r for c, r in zip(self.class_names, self.ratios)}},
                step=iteration,
            )
            experiment = getattr(logger, "experiment", None)
            if hasattr(experiment, "add_image"):
                experiment.add_image("gan/samples", labelled_grid(fakes, self.labels, self.class_names), iteration)

    def on_train_batch_end(self, trainer: pl.Trainer, gan: pl.LightningModule, *args) -> None:
        iteration = trainer.global_step // gan.optimizer_steps
        if self.every_n_steps and iteration % self.every_n_steps == 0:
            self.log_samples(trainer, gan)

    def on_train_end(self, trainer: pl.Trainer, gan: pl.LightningModule) -> None:
        self.log_samples(trainer, gan)
